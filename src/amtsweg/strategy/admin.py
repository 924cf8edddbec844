"""Admin for the parts of the cockpit without pages of their own: strategies with principles, fields with
goals, working groups with members, projects with milestones and KPIs.

Every save and delete goes through :mod:`amtsweg.strategy.services` (permission check and audit entry);
Quick-Check rounds, ratings and decisions are not editable here – only the services' rules apply to them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from amtsweg.access.roles import Perm
from amtsweg.access.scoping import ScopedAdminMixin, ScopedInlineMixin
from amtsweg.strategy import plausibility, services
from amtsweg.strategy.models import (
    FieldOfAction,
    Goal,
    Milestone,
    Principle,
    Project,
    ProjectKpi,
    Strategy,
    WorkingGroup,
    WorkingGroupMember,
)

SOURCE = "admin"


class ThroughServicesMixin(ScopedAdminMixin):
    scope_permission = Perm.STRATEGY_MANAGE

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        services.strategy_object_save(actor=request.user, obj=obj, changed=form.changed_data, source=SOURCE)
        strategy = getattr(obj, "strategy", None)
        if isinstance(strategy, Strategy):
            for warning in plausibility.warnings_for(obj, strategy=strategy):
                messages.warning(request, warning.message)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.strategy_object_delete(actor=request.user, obj=obj, source=SOURCE)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            services.strategy_object_delete(actor=request.user, obj=obj, source=SOURCE)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.strategy_object_delete(actor=request.user, obj=obj, source=SOURCE)
        for obj in instances:
            services.strategy_object_save(actor=request.user, obj=obj, source=SOURCE)
        formset.save_m2m()


class _Inline(ScopedInlineMixin, admin.TabularInline):
    scope_permission = Perm.STRATEGY_MANAGE
    extra = 0


class PrincipleInline(_Inline):
    model = Principle
    parent_authority_path = "owner"


class GoalInline(_Inline):
    model = Goal
    parent_authority_path = "strategy__owner"


class MemberInline(_Inline):
    model = WorkingGroupMember
    parent_authority_path = "strategy__owner"
    raw_id_fields = ("user",)


class MilestoneInline(_Inline):
    model = Milestone
    parent_authority_path = "strategy__owner"


class KpiInline(_Inline):
    model = ProjectKpi
    parent_authority_path = "strategy__owner"


@admin.register(Strategy)
class StrategyAdmin(ThroughServicesMixin, admin.ModelAdmin):
    authority_path = "owner"
    list_display = ("title", "owner", "adopted_on")
    inlines = (PrincipleInline,)


@admin.register(FieldOfAction)
class FieldOfActionAdmin(ThroughServicesMixin, admin.ModelAdmin):
    authority_path = "strategy__owner"
    list_display = ("name", "strategy", "order")
    inlines = (GoalInline,)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(ThroughServicesMixin, admin.ModelAdmin):
    authority_path = "strategy__owner"
    list_display = ("name", "field", "strategy")
    inlines = (MemberInline,)


@admin.register(Project)
class ProjectAdmin(ThroughServicesMixin, admin.ModelAdmin):
    authority_path = "strategy__owner"
    list_display = ("title", "field", "lead", "status")
    list_filter = ("status",)
    filter_horizontal = ("partners", "services")
    raw_id_fields = ("responsible",)
    inlines = (MilestoneInline, KpiInline)
