"""Django admin for the catalogue. Saves go through the domain functions (audit, versions, index)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.forms import CheckboxSelectMultiple, ModelForm
from django.http import Http404, HttpRequest
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from amtsweg.access.permissions import Perm, authorities_with, can_edit_reference, has_any
from amtsweg.access.scoping import ReadableByAdmin, ScopedAdminMixin, ScopedInlineMixin
from amtsweg.catalog import admin_gaps, admin_import, services
from amtsweg.catalog.models import (
    Lebenslage,
    LeikaEntry,
    MaturityLevel,
    MaturityModel,
    OzgLeistung,
    Responsibility,
    Service,
    ServiceVersion,
    Themenfeld,
)
from amtsweg.catalog.responsibility_checks import responsibility_problems
from amtsweg.catalog.selectors import responsibility_preview
from amtsweg.core.audit import request_source
from amtsweg.core.formfields import LinesField
from amtsweg.tenants.models import Authority, Location


class ServiceVersionInline(ScopedInlineMixin, admin.TabularInline):
    scope_permission = Perm.CATALOG_EDIT
    parent_authority_path = "owner"
    model = ServiceVersion
    extra = 0
    can_delete = False
    fields = ("number", "created_at", "created_by", "changed_fields")
    readonly_fields = fields
    verbose_name_plural = _("Versionsgeschichte")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Service)
class ServiceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Services of the authorities where the user holds Fachadministration (or a platform role)."""

    scope_permission = Perm.CATALOG_EDIT
    authority_path = "owner"
    scoped_foreign_keys = {"owner": "pk"}
    list_display = ("name", "leika_key", "themenfeld", "maturity_level", "owner", "is_published", "version")
    list_filter = ("is_published", "owner", "themenfeld", "audience", "maturity_level")
    search_fields = ("name", "leika_key", "external_id", "short_text")
    autocomplete_fields = ("ozg_leistung",)
    filter_horizontal = ("lebenslagen",)
    readonly_fields = ("version", "created_at", "updated_at")
    inlines = [ServiceVersionInline]
    fieldsets = (
        (None, {"fields": ("name", "owner", "is_published", "audience", "version")}),
        (_("Kennungen"), {"fields": ("external_id", "slug", "leika_key", "ozg_leistung")}),
        (
            _("Einordnung"),
            {"fields": ("themenfeld", "lebenslagen", "keywords", "maturity_level", "online_url")},
        ),
        (
            _("Texte"),
            {
                "fields": (
                    "short_text",
                    "full_text",
                    "prerequisites",
                    "required_documents",
                    "fees",
                    "deadlines",
                    "processing_time",
                    "procedure",
                    "legal_basis",
                )
            },
        ),
        (_("Zeitstempel"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_urls(self) -> list[URLPattern]:
        site = self.admin_site
        view = site.admin_view(
            lambda request: admin_import.services_import_view(site, request, self.model._meta)
        )
        return [path("import/", view, name="catalog_service_import"), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        extra = {"can_import": has_any(request.user, Perm.CATALOG_EDIT), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "keywords":
            return LinesField(
                label=db_field.verbose_name,
                help_text=_("Ein Suchbegriff je Zeile, z. B. auch umgangssprachliche Wörter und Synonyme."),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Service, form: ModelForm, change: bool) -> None:
        # The many-to-many values are saved by save_related; the domain function stores them itself.
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        if change:
            services.service_update(
                actor=request.user, service=obj, data=data, source=request_source(request, "admin")
            )
        else:
            fields = dict(form.cleaned_data)
            created = services.service_create(
                actor=request.user, data=fields, source=request_source(request, "admin")
            )
            obj.pk = created.pk
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        # lebenslagen were set by the domain function; only the (read-only) inlines remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Service) -> None:
        services.service_delete(actor=request.user, service=obj, source=request_source(request, "admin"))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset:
            services.service_delete(
                actor=request.user, service=service, source=request_source(request, "admin")
            )


def _responsibility_scope(request: HttpRequest) -> Q | None:
    """Rules that concern the user's authorities: of their services, for their towns, served by them,
    and the general rules of the Kreis's services that apply to their towns. ``None``: all rules."""
    ids = authorities_with(request.user, Perm.CATALOG_EDIT)
    if ids is None:
        return None
    parents = set(
        Authority.objects.filter(pk__in=ids, parent__isnull=False).values_list("parent_id", flat=True)
    )
    return (
        Q(service__owner__in=ids)
        | Q(municipality__in=ids)
        | Q(authority__in=ids)
        | Q(municipality__isnull=True, service__owner__in=parents)
    )


class ResponsibilityForm(ModelForm):
    """Checks on save what the domain function checks: permission and where citizens are sent."""

    request: HttpRequest | None = None

    class Meta:
        model = Responsibility
        fields = (
            "service",
            "municipality",
            "authority",
            "org_unit",
            "org_unit_function",
            "locations",
            "contact_in_municipality",
            "contact_org_unit_function",
            "note",
        )

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # copies the values onto the instance and runs the model's own checks
        rule = self.instance
        if self.errors or getattr(rule, "service_id", None) is None:
            return
        if self.request is not None and not services.can_edit_responsibility(self.request.user, rule):
            self.add_error(
                None, _("Für diese Leistung und Gemeinde dürfen Sie keine Zuständigkeit speichern.")
            )
            return
        problems = responsibility_problems(rule, list(self.cleaned_data.get("locations") or []))
        for field, messages in problems.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


@admin.register(Responsibility)
class ResponsibilityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rules that concern the user's authorities (see :func:`_responsibility_scope`); a town's Fachadmin
    edits the rules for its own town, also of the Kreis's services. Before saving, "Vorschau" shows what
    the citizens of every town would see."""

    scope_permission = Perm.CATALOG_EDIT
    authority_path = "service__owner"
    form = ResponsibilityForm
    change_form_template = "admin/catalog/responsibility/change_form.html"
    list_display = (
        "service",
        "municipality",
        "authority",
        "org_unit",
        "org_unit_function",
        "contact_in_municipality",
    )
    list_filter = ("authority", "municipality", "contact_in_municipality")
    search_fields = ("service__name", "note")
    autocomplete_fields = ("service", "org_unit")

    def get_urls(self) -> list[URLPattern]:
        site = self.admin_site
        return [
            path(
                "luecken/",
                site.admin_view(lambda request: admin_gaps.gaps_view(site, request)),
                name="catalog_responsibility_gaps",
            ),
            path(
                "luecken/vorschlagen/",
                site.admin_view(lambda request: admin_gaps.apply_defaults_view(site, request)),
                name="catalog_responsibility_apply_defaults",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        return super().changelist_view(
            request, {**admin_gaps.changelist_extra(request), **(extra_context or {})}
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Responsibility]:
        queryset = admin.ModelAdmin.get_queryset(self, request).select_related(
            "service", "service__owner", "municipality", "authority", "org_unit"
        )
        scope = _responsibility_scope(request)
        return queryset if scope is None else queryset.filter(scope)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "locations":
            # Check boxes, not Django's two-list selector: it works without JavaScript and passes axe.
            kwargs["widget"] = CheckboxSelectMultiple
            kwargs["queryset"] = Location.objects.select_related("authority").order_by(
                "authority__name", "name"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "service":
            ids = authorities_with(request.user, Perm.CATALOG_EDIT)
            if ids is not None:
                parents = Authority.objects.filter(pk__in=ids).values_list("parent_id", flat=True)
                kwargs["queryset"] = Service.objects.filter(Q(owner__in=ids) | Q(owner__in=parents))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        return type("ResponsibilityFormWithRequest", (form_class,), {"request": request})

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return self.has_module_permission(request)
        return services.can_edit_responsibility(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        if request.method == "POST" and "_vorschau" in request.POST:
            return self._preview(request, object_id)
        extra = dict(extra_context or {})
        if object_id is not None and request.method != "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                extra["preview_rows"] = responsibility_preview(obj, list(obj.locations.all()))
        return super().changeform_view(request, object_id, form_url, extra)

    def _preview(self, request: HttpRequest, object_id: str | None) -> Any:
        """The form again, with what citizens of every town would see – nothing is saved."""
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if object_id and obj is None:
            raise Http404
        allowed = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        if not allowed:
            raise PermissionDenied
        form_class = self.get_form(request, obj, change=obj is not None)
        form = form_class(request.POST, request.FILES, instance=obj)
        rows = None
        if form.is_valid():
            rule = form.save(commit=False)
            rows = responsibility_preview(rule, list(form.cleaned_data.get("locations") or []))
        fieldsets = self.get_fieldsets(request, obj)
        admin_form = helpers.AdminForm(
            form,
            list(fieldsets),  # type: ignore[arg-type]
            self.get_prepopulated_fields(request, obj),
            self.get_readonly_fields(request, obj),
            model_admin=self,
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Zuständigkeit ändern") if obj else _("Zuständigkeit hinzufügen"),
            "subtitle": str(obj) if obj else None,
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "to_field": None,
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "errors": helpers.AdminErrorList(form, []),
            "preserved_filters": self.get_preserved_filters(request),
            "preview_rows": rows,
            "preview_unsaved": True,
        }
        return self.render_change_form(
            request, context, add=obj is None, change=obj is not None, obj=obj, form_url=""
        )

    def save_model(self, request: HttpRequest, obj: Responsibility, form: ModelForm, change: bool) -> None:
        # Saved together with its locations in save_related, so that one audit entry shows both.
        pass

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        services.responsibility_save(
            actor=request.user,
            responsibility=form.instance,
            locations=list(form.cleaned_data.get("locations") or []),
            source=request_source(request, "admin"),
        )

    def delete_model(self, request: HttpRequest, obj: Responsibility) -> None:
        services.responsibility_delete(
            actor=request.user, responsibility=obj, source=request_source(request, "admin")
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Responsibility]) -> None:
        for responsibility in queryset:
            services.responsibility_delete(
                actor=request.user, responsibility=responsibility, source=request_source(request, "admin")
            )


class ReadOnlyReferenceAdmin(ReadableByAdmin):
    """Reference data comes from the OZG import; the admin shows it but does not edit it."""


@admin.register(Themenfeld)
class ThemenfeldAdmin(ReadOnlyReferenceAdmin):
    list_display = ("name", "code")
    search_fields = ("name",)


@admin.register(Lebenslage)
class LebenslageAdmin(ReadOnlyReferenceAdmin):
    list_display = ("name", "themenfeld", "audience", "code")
    list_filter = ("themenfeld", "audience")
    search_fields = ("name",)


@admin.register(OzgLeistung)
class OzgLeistungAdmin(ReadOnlyReferenceAdmin):
    list_display = ("name", "ozg_id", "themenfeld", "lebenslage", "status_nrw")
    list_filter = ("themenfeld",)
    search_fields = ("name", "ozg_id")

    def get_urls(self) -> list[URLPattern]:
        site = self.admin_site
        view = site.admin_view(lambda request: admin_import.ozg_import_view(site, request, self.model._meta))
        return [path("import/", view, name="catalog_ozgleistung_import"), *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        extra = {"can_import": can_edit_reference(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra)


@admin.register(LeikaEntry)
class LeikaEntryAdmin(ReadOnlyReferenceAdmin):
    list_display = ("key", "name", "typisierung", "ozg_leistung")
    list_filter = ("typisierung",)
    search_fields = ("key", "name")


class ReferenceEditMixin:
    """Maturity models are shared by all authorities: platform-wide roles edit them, others look."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return can_edit_reference(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_edit_reference(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_edit_reference(request.user)


class MaturityLevelInline(ReferenceEditMixin, admin.TabularInline):
    model = MaturityLevel
    extra = 0


@admin.register(MaturityModel)
class MaturityModelAdmin(ReferenceEditMixin, admin.ModelAdmin):
    list_display = ("name", "is_default")
    inlines = [MaturityLevelInline]
