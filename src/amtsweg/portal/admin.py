from __future__ import annotations

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from amtsweg.access.permissions import can_manage_feedback
from amtsweg.portal.models import AccessibilityFeedback
from amtsweg.portal.services import feedback_update


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    """Reported barriers: admins read them, set a status and keep an internal note."""

    list_display = ("created_at", "status", "page_url", "message")
    list_filter = ("status",)
    search_fields = ("message", "page_url")
    readonly_fields = ("created_at", "page_url", "message", "name", "email")
    fields = ("created_at", "page_url", "message", "name", "email", "status", "internal_note")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_feedback(request.user)

    def has_view_permission(self, request: HttpRequest, obj: AccessibilityFeedback | None = None) -> bool:
        return can_manage_feedback(request.user)

    def has_change_permission(self, request: HttpRequest, obj: AccessibilityFeedback | None = None) -> bool:
        return can_manage_feedback(request.user)

    def save_model(
        self, request: HttpRequest, obj: AccessibilityFeedback, form: ModelForm, change: bool
    ) -> None:
        feedback_update(actor=request.user, feedback=obj, status=obj.status, internal_note=obj.internal_note)

    def has_delete_permission(self, request: HttpRequest, obj: AccessibilityFeedback | None = None) -> bool:
        return False
