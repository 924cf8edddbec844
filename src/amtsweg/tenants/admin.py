"""Django admin for authorities and their organisation; saves are audited through tenants.services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amtsweg.access.permissions import Perm, authorities_with, can_edit_organisation
from amtsweg.access.scoping import ScopedAdminMixin, ScopedInlineMixin
from amtsweg.core.audit import request_source
from amtsweg.core.importreport import ImportRejected
from amtsweg.tenants.models import Authority, Location, OpeningHours, OrgUnit, PostalCode
from amtsweg.tenants.register import FORMAT_LABELS, register_import
from amtsweg.tenants.services import organisation_delete, organisation_save


class AuditedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Organisation data of the authorities where the user holds Fachadministration (or a platform role)."""

    scope_permission = Perm.ORGANISATION_EDIT

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        organisation_save(
            actor=request.user,
            obj=obj,
            changed=list(form.changed_data),
            source=request_source(request, "admin"),
        )

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            organisation_delete(actor=request.user, obj=deleted, source=request_source(request, "admin"))
        for instance in instances:
            organisation_save(actor=request.user, obj=instance, source=request_source(request, "admin"))
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        organisation_delete(actor=request.user, obj=obj, source=request_source(request, "admin"))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            organisation_delete(actor=request.user, obj=obj, source=request_source(request, "admin"))


class PostalCodeInline(ScopedInlineMixin, admin.TabularInline):
    scope_permission = Perm.ORGANISATION_EDIT
    model = PostalCode
    extra = 0


class OpeningHoursInline(ScopedInlineMixin, admin.TabularInline):
    scope_permission = Perm.ORGANISATION_EDIT
    parent_authority_path = "authority"
    model = OpeningHours
    extra = 0


class RegisterUploadForm(forms.Form):
    register = forms.FileField(
        label=gettext_lazy("Datei"),
        help_text=gettext_lazy(
            "Gemeindeverzeichnis von Destatis (GV100AD oder GV-ISys-Tabelle als CSV), die KDN-Kommunenliste "
            "(name,url) oder eine Postleitzahlenliste (plz, ags). Das Format wird erkannt."
        ),
    )
    kreis = forms.RegexField(
        label=gettext_lazy("Kreisschlüssel"),
        regex=r"^\s*\d{5}(000)?\s*$",
        max_length=10,
        help_text=gettext_lazy("Fünf Ziffern, z. B. 05554 für den Kreis Borken."),
        error_messages={"invalid": gettext_lazy("Bitte die fünf Ziffern des Kreisschlüssels angeben.")},
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Nur prüfen, nichts speichern (Probelauf)"), required=False
    )


@admin.register(Authority)
class AuthorityAdmin(AuditedAdmin):
    authority_path = "pk"
    add_needs_platform = True

    def get_urls(self) -> list[URLPattern]:
        upload = path(
            "gemeindeverzeichnis/",
            self.admin_site.admin_view(self.register_view),
            name="tenants_authority_register",
        )
        return [upload, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        extra = {"can_import_register": can_edit_organisation(request.user, None), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def register_view(self, request: HttpRequest) -> HttpResponse:
        """Import the municipality register without a terminal (platform administrators)."""
        if not can_edit_organisation(request.user, None):
            raise PermissionDenied(_("Das Gemeindeverzeichnis importieren nur Plattform-Admins."))
        result = None
        status = 200
        form = RegisterUploadForm(
            request.POST or None,
            request.FILES or None,
            initial={"kreis": settings.AMTSWEG_KREIS_AGS[:5]},
        )
        if request.method == "POST":
            if form.is_valid():
                upload = form.cleaned_data["register"]
                if upload.size > int(settings.AMTSWEG_IMPORT_MAX_BYTES):
                    form.add_error("register", _("Die Datei ist größer als erlaubt."))
                else:
                    try:
                        result = register_import(
                            Path(Path(upload.name).name),
                            data=upload.read(),
                            kreis=form.cleaned_data["kreis"].strip(),
                            actor=request.user,
                            dry_run=form.cleaned_data["dry_run"],
                            source=request_source(request, "admin"),
                        )
                    except ImportRejected as error:
                        form.add_error(
                            "register", _("Import abgelehnt, nichts gespeichert: %s") % error.message
                        )
            if form.errors:
                status = 400
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Gemeindeverzeichnis importieren"),
            "form": form,
            "result": result,
            "formats": FORMAT_LABELS.values(),
        }
        return TemplateResponse(request, "admin/tenants/authority/register.html", context, status=status)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Where an authority sits in the Kreis (kind, AGS, parent) is platform business.
        if authorities_with(request.user, self.scope_permission) is None:
            return ()
        return ("kind", "ags", "parent", "slug")

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        return {} if self.get_readonly_fields(request, obj) else dict(self.prepopulated_fields)

    list_display = ("name", "kind", "ags", "parent", "population")
    list_filter = ("kind", "parent")
    search_fields = ("name", "short_name", "ags")
    prepopulated_fields = {"slug": ("short_name",)}
    inlines = [PostalCodeInline]


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    authority_path = "authority"
    scoped_foreign_keys = {"authority": "pk", "parent": "authority", "locations": "authority"}
    list_display = ("name", "number", "authority", "function")
    list_filter = ("authority",)
    search_fields = ("name", "number", "function")
    filter_horizontal = ("locations",)


@admin.register(Location)
class LocationAdmin(AuditedAdmin):
    authority_path = "authority"
    scoped_foreign_keys = {"authority": "pk"}
    list_display = ("name", "authority", "city", "street")
    list_filter = ("authority",)
    search_fields = ("name", "city", "street")
    inlines = [OpeningHoursInline]
