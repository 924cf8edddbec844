"""Django admin for the catalogue. Saves go through the domain functions (audit, versions, index)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from amtsweg.access.permissions import Perm, can_edit_reference
from amtsweg.access.scoping import ReadableByAdmin, ScopedAdminMixin, ScopedInlineMixin
from amtsweg.catalog import admin_gaps, services
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
from amtsweg.core.audit import request_source


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


@admin.register(Responsibility)
class ResponsibilityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rules of the services the user may edit; the service choice is limited to those."""

    scope_permission = Perm.CATALOG_EDIT
    authority_path = "service__owner"
    scoped_foreign_keys = {"service": "owner"}
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
    filter_horizontal = ("locations",)

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
