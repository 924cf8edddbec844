"""Admin for the configuration of case management (routing rules, case settings, letter templates, legal
remedies), and the read-only list of applications (submissions) scoped like the inbox.

Cases themselves are not edited here: they are worked on in the back office (``/vorgaenge/``) and the API,
where every action goes through its domain function in :mod:`amtsweg.cases.services`. Saving and deleting
go through the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from amtsweg.access.permissions import Perm, has_any
from amtsweg.access.scoping import ScopedAdminMixin
from amtsweg.cases import services
from amtsweg.cases.models import LegalRemedy, LetterTemplate, RoutingRule, ServiceCaseSettings
from amtsweg.cases.selectors import submissions_visible
from amtsweg.core.audit import request_source
from amtsweg.submissions.models import Attachment, Submission


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

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        from django.utils.html import format_html, format_html_join
        from django.utils.translation import gettext

        from amtsweg.cases.letters import PLACEHOLDERS

        placeholders = format_html(
            "{}<ul>{}</ul>{}",
            gettext("Platzhalter für Betreff und Text:"),
            format_html_join(
                "", "<li><code>{{{{ {} }}}}</code> – {}</li>", ((k, gettext(t)) for k, t in PLACEHOLDERS)
            ),
            gettext(
                "Erlaubt sind außerdem if, for und einfache Filter wie upper oder default. Die "
                "Rechtsbehelfsbelehrung gehört nicht in die Vorlage: Sie kommt aus den Rechtsbehelfen "
                "der Leistung."
            ),
        )
        return (
            (None, {"fields": ("authority", "service", "decision", "name", "is_active")}),
            (gettext("Bescheidtext"), {"fields": ("subject", "body"), "description": placeholders}),
        )


# ---- applications (submissions) ------------------------------------------------------------------
# Registered here, not in the submissions app: who may see an application is decided by its case (unit,
# authority, forwarding), with the same selector as the inbox (``selectors.submissions_visible``).


def _submission_visible(request: HttpRequest, submission: Submission | None) -> bool:
    if submission is None:
        return has_any(request.user, Perm.CASE_VIEW)
    return submissions_visible(request.user).filter(pk=submission.pk).exists()


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fk_name = "submission"
    fields = ("original_name", "field_path", "content_type", "size", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _submission_visible(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Applications, read-only, for staff who may see their case (a submission never changes after it
    arrived; case work belongs to the back office)."""

    list_display = ("reference", "form_version", "case_authority", "case_org_unit", "channel", "submitted_at")
    list_filter = ("channel",)
    search_fields = ("reference", "applicant_name", "applicant_email")
    date_hierarchy = "submitted_at"
    list_select_related = ("form_version__form", "case__authority", "case__org_unit")
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

    @admin.display(description=_("Behörde (jetzt)"))
    def case_authority(self, obj: Submission) -> str:
        case = getattr(obj, "case", None)
        return str(case.authority) if case is not None else str(obj.authority)

    @admin.display(description=_("Stelle (jetzt)"))
    def case_org_unit(self, obj: Submission) -> str:
        case = getattr(obj, "case", None)
        unit = case.org_unit if case is not None else obj.org_unit
        return str(unit) if unit is not None else ""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Submission]:
        return submissions_visible(request.user).select_related(*self.list_select_related)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_any(request.user, Perm.CASE_VIEW)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _submission_visible(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LegalRemedy)
class LegalRemedyAdmin(_ServiceSavedAdmin):
    """The data of the Rechtsbehelfsbelehrung: per authority, for one service or for all of them."""

    authority_path = "authority"
    scoped_foreign_keys = {"authority": "pk", "service": "owner"}
    list_display = ("authority", "service", "kind", "body_name", "court_name")
    list_filter = ("authority", "kind")
    search_fields = ("service__name", "body_name", "court_name")
    autocomplete_fields = ("service",)
    fieldsets = (
        (None, {"fields": ("authority", "service", "kind")}),
        (
            _("Stelle, bei der der Rechtsbehelf einzulegen ist"),
            {"fields": ("body_name", "body_street", "body_postcode", "body_city")},
        ),
        (
            _("Nur beim Widerspruch: Gericht für eine spätere Klage"),
            {"fields": ("court_name", "court_street", "court_postcode", "court_city")},
        ),
        (None, {"fields": ("note",)}),
    )
