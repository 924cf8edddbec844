"""Admin for roles, role assignments and the audit trail, restricted like everything else."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from amtsweg.access.models import ApprovalRequest, Role, RoleAssignment
from amtsweg.access.permissions import Perm, authorities_with, can_read_audit, has_any
from amtsweg.access.scoping import ReadableByAdmin, ScopedAdminMixin
from amtsweg.access.services import role_assignment_delete, role_assignment_save
from amtsweg.core.audit import request_source
from amtsweg.core.models import AuditEntry

_PENDING_ATTRIBUTE = "_amtsweg_approval_pending"


@admin.register(Role)
class RoleAdmin(ReadableByAdmin):
    """Roles are defined in code (``amtsweg roles-sync``); the admin shows them."""

    list_display = ("name", "code", "platform_wide", "description")
    fields = ("name", "code", "platform_wide", "permissions", "description")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.ROLES_MANAGE
    authority_path = "authority"
    scoped_foreign_keys = {"authority": "pk", "org_unit": "authority"}
    list_display = ("user", "role", "authority", "org_unit")
    list_filter = ("role", "authority")
    search_fields = ("user__username", "user__first_name", "user__last_name")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = db_field.remote_field.model._default_manager.filter(kind="personal")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: ModelForm, change: bool) -> None:
        result = role_assignment_save(
            actor=request.user, assignment=obj, source=request_source(request, "admin")
        )
        if isinstance(result, ApprovalRequest):
            setattr(request, _PENDING_ATTRIBUTE, result)

    def _pending_response(self, request: HttpRequest) -> HttpResponse | None:
        if getattr(request, _PENDING_ATTRIBUTE, None) is None:
            return None
        messages.info(
            request,
            _(
                "Eine Rolle für sich selbst braucht die Zustimmung einer zweiten Person mit "
                "Rollenverwaltung. Der Antrag ist gestellt; die Rolle gilt erst nach der Zustimmung "
                "(Freigaben)."
            ),
        )
        return HttpResponseRedirect(reverse("admin:access_roleassignment_changelist"))

    def response_add(
        self, request: HttpRequest, obj: RoleAssignment, post_url_continue: Any = None
    ) -> HttpResponse:
        return self._pending_response(request) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: RoleAssignment) -> HttpResponse:
        return self._pending_response(request) or super().response_change(request, obj)

    def delete_model(self, request: HttpRequest, obj: RoleAssignment) -> None:
        role_assignment_delete(actor=request.user, assignment=obj, source=request_source(request, "admin"))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        for assignment in queryset:
            role_assignment_delete(
                actor=request.user, assignment=assignment, source=request_source(request, "admin")
            )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read-only; each reader sees the entries of the authorities they audit."""

    list_display = ("occurred_at", "actor_label", "actor_kind", "action", "object_label", "source")
    list_filter = ("actor_kind", "action")
    search_fields = ("actor_label", "object_label", "object_id", "action")
    date_hierarchy = "occurred_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        queryset = super().get_queryset(request)
        ids = authorities_with(request.user, Perm.AUDIT_READ)
        if ids is None:
            return queryset
        return queryset.filter(Q(authority_id_ref__in=ids))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_any(request.user, Perm.AUDIT_READ)

    def has_view_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        if obj is None:
            return has_any(request.user, Perm.AUDIT_READ)
        return can_read_audit(request.user, obj.authority_id_ref)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The page of background tasks has its own module; importing it registers it on the admin site.
from amtsweg.access import task_admin as task_admin  # noqa: E402
