"""Submissions in the staff admin: read-only, for staff who may see the responsible authority's cases.

A submission never changes after it arrived, so the admin offers no add, change or delete; case work
(assignment, decisions) belongs to the cases app.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from amtsweg.access.roles import Perm
from amtsweg.access.scoping import ScopedAdminMixin, ScopedInlineMixin
from amtsweg.submissions.models import Attachment, Submission


class AttachmentInline(ScopedInlineMixin, admin.TabularInline):
    model = Attachment
    fk_name = "submission"
    scope_permission = Perm.CASE_VIEW
    parent_authority_path = "authority"
    fields = ("original_name", "field_path", "content_type", "size", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.CASE_VIEW
    authority_path = "authority"
    list_display = ("reference", "form_version", "authority", "org_unit", "channel", "submitted_at")
    list_filter = ("channel", "authority")
    search_fields = ("reference", "applicant_name", "applicant_email")
    date_hierarchy = "submitted_at"
    list_select_related = ("form_version__form", "authority", "org_unit")
    inlines = [AttachmentInline]
    readonly_fields = (
        "reference",
        "form_version",
        "service",
        "applicant",
        "applicant_name",
        "applicant_email",
        "municipality",
        "authority",
        "org_unit",
        "channel",
        "submitted_at",
        "data",
        "receipt_pdf",
        "receipt_emailed_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
