from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from amtsweg.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read-only: entries can be neither changed nor deleted."""

    list_display = ("occurred_at", "actor_label", "action", "object_label", "source")
    list_filter = ("action",)
    search_fields = ("actor_label", "object_label", "object_id", "action")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
