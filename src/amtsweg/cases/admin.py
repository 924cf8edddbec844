"""Admin for the configuration of case management (routing rules, case settings, letter templates).

Cases themselves are not edited here: they are worked on in the back office (``/vorgaenge/``), where every
status change goes through ``case_transition``. Saving and deleting go through the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from amtsweg.access.permissions import Perm
from amtsweg.access.scoping import ScopedAdminMixin
from amtsweg.cases import services
from amtsweg.cases.models import LetterTemplate, RoutingRule, ServiceCaseSettings
from amtsweg.core.audit import request_source


class _ServiceSavedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.ROUTING_MANAGE

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        services.case_config_save(actor=request.user, obj=obj, source=request_source(request, "admin"))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.case_config_delete(actor=request.user, obj=obj, source=request_source(request, "admin"))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(RoutingRule)
class RoutingRuleAdmin(_ServiceSavedAdmin):
    authority_path = "authority"
    scoped_foreign_keys = {"authority": "pk"}
    list_display = (
        "name",
        "authority",
        "position",
        "service",
        "municipality",
        "target_authority",
        "target_org_unit",
        "is_active",
    )
    list_filter = ("authority", "is_active")
    search_fields = ("name",)
    autocomplete_fields = ("service",)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        services.routing_rule_save(actor=request.user, rule=obj, source=request_source(request, "admin"))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.routing_rule_delete(actor=request.user, rule=obj, source=request_source(request, "admin"))


@admin.register(ServiceCaseSettings)
class ServiceCaseSettingsAdmin(_ServiceSavedAdmin):
    authority_path = "service__owner"
    scoped_foreign_keys = {"service": "owner"}
    list_display = (
        "service",
        "status_model",
        "processing_days",
        "reply_days",
        "approval_fiction_months",
        "retention_years",
    )
    search_fields = ("service__name",)
    autocomplete_fields = ("service",)


@admin.register(LetterTemplate)
class LetterTemplateAdmin(_ServiceSavedAdmin):
    authority_path = "authority"
    scoped_foreign_keys = {"authority": "pk", "service": "owner"}
    list_display = ("name", "authority", "service", "decision", "is_active")
    list_filter = ("authority", "decision", "is_active")
    search_fields = ("name", "subject")
    autocomplete_fields = ("service",)
