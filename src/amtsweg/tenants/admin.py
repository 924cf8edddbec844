"""Django admin for authorities and their organisation; saves are audited through tenants.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from amtsweg.access.permissions import Perm, authorities_with
from amtsweg.access.scoping import ScopedAdminMixin, ScopedInlineMixin
from amtsweg.core.audit import request_source
from amtsweg.tenants.models import Authority, Location, OpeningHours, OrgUnit, PostalCode
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


@admin.register(Authority)
class AuthorityAdmin(AuditedAdmin):
    authority_path = "pk"
    add_needs_platform = True

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
