"""Django admin for authorities and their organisation; saves are audited through tenants.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from amtsweg.tenants.models import Authority, Location, OpeningHours, OrgUnit, PostalCode
from amtsweg.tenants.services import organisation_delete, organisation_save


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        organisation_save(actor=request.user, obj=obj, changed=list(form.changed_data), source="admin")

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            organisation_delete(actor=request.user, obj=deleted, source="admin")
        for instance in instances:
            organisation_save(actor=request.user, obj=instance, source="admin")
        formset.save_m2m()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        organisation_delete(actor=request.user, obj=obj, source="admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            organisation_delete(actor=request.user, obj=obj, source="admin")


class PostalCodeInline(admin.TabularInline):
    model = PostalCode
    extra = 0


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


@admin.register(Authority)
class AuthorityAdmin(AuditedAdmin):
    list_display = ("name", "kind", "ags", "parent", "population")
    list_filter = ("kind", "parent")
    search_fields = ("name", "short_name", "ags")
    prepopulated_fields = {"slug": ("short_name",)}
    inlines = [PostalCodeInline]


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ("name", "number", "authority", "function")
    list_filter = ("authority",)
    search_fields = ("name", "number", "function")
    filter_horizontal = ("locations",)


@admin.register(Location)
class LocationAdmin(AuditedAdmin):
    list_display = ("name", "authority", "city", "street")
    list_filter = ("authority",)
    search_fields = ("name", "city", "street")
    inlines = [OpeningHoursInline]
