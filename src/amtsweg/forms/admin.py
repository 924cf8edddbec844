"""Forms in the staff admin: import a FIM schema (upload, report, preview, link, publish – see
:mod:`amtsweg.forms.admin_import`), look at forms and versions, publish a version, and choose which group
of a form holds the applicant and the addressee of letters. Nothing else is edited here.

Versions come from imports (the admin's FIM import, ``amtsweg import-fim``, ``amtsweg
import-form-definition``); a published version never changes. Publishing goes through
:func:`amtsweg.forms.services.form_version_publish` (permission check, audit entry, the previous version
is retired).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms as django_forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, reverse
from django.urls import path as url_path
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amtsweg.access.permissions import Perm, can_edit_catalog
from amtsweg.access.scoping import ScopedAdminMixin, ScopedInlineMixin
from amtsweg.core.audit import request_source
from amtsweg.forms import admin_import
from amtsweg.forms.models import Form, FormVersion
from amtsweg.forms.persons import person_groups
from amtsweg.forms.services import form_person_groups_set, form_version_publish
from amtsweg.forms.spec import FormSpec
from amtsweg.forms.steps import steps_for

RULE_KIND_LABELS = {
    "require": gettext_lazy("Pflicht, wenn"),
    "show": gettext_lazy("Anzeigen, wenn"),
    "check": gettext_lazy("Prüfung"),
    "info": gettext_lazy("Hinweis (nicht ausgewertet)"),
}


class _ReadOnly:
    """No adding, changing or deleting in the admin: only domain functions write forms."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FormVersionInline(_ReadOnly, ScopedInlineMixin, admin.TabularInline):
    scope_permission = Perm.CATALOG_EDIT
    parent_authority_path = "owner"
    model = FormVersion
    extra = 0
    fields = ("version", "status", "published_at", "fim_id", "source_name", "created_at")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = gettext_lazy("Versionen")


def _group_choices(spec: FormSpec | None, default: str, default_label: str) -> list[tuple[str, str]]:
    """The form's groups as choices ("Kind › Anschrift"); the empty choice names the default."""
    if spec is None:
        return [("", default_label)]
    labels: dict[str, str] = {}
    for path, group in spec.groups():
        parent = labels.get(path.rpartition(".")[0], "")
        labels[path] = f"{parent} › {group.label or group.name}" if parent else (group.label or group.name)
    name = labels.get(default, _("das ganze Formular"))
    return [("", f"{default_label}: {name}"), *labels.items()]


class FormPersonsForm(django_forms.ModelForm):
    applicant_group = django_forms.ChoiceField(
        label=gettext_lazy("Gruppe der antragstellenden Person"),
        required=False,
        help_text=gettext_lazy(
            "Aus dieser Gruppe kommen Name, Anschrift und E-Mail-Adresse des Vorgangs, der "
            "Eingangsbestätigung und der Bescheide."
        ),
    )
    addressee_group = django_forms.ChoiceField(
        label=gettext_lazy("Gruppe der Empfängerin oder des Empfängers von Bescheiden"),
        required=False,
        help_text=gettext_lazy("Nur wenn Bescheide an eine andere Person gehen als an die antragstellende."),
    )

    class Meta:
        model = Form
        fields = ("applicant_group", "addressee_group")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form = self.instance
        version = form.published_version() or form.versions.order_by("-created_at", "-pk").first()
        spec = version.spec() if version is not None else None
        declared = person_groups(spec) if spec is not None else None
        self.fields["applicant_group"].choices = _group_choices(  # type: ignore[attr-defined]
            spec, declared.applicant if declared else "", _("wie in der Formulardefinition")
        )
        self.fields["addressee_group"].choices = _group_choices(  # type: ignore[attr-defined]
            spec, declared.addressee if declared else "", _("wie in der Formulardefinition")
        )


@admin.register(Form)
class FormAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.CATALOG_EDIT
    authority_path = "owner"
    form = FormPersonsForm
    list_display = ("title", "key", "service", "source", "owner", "published")
    list_filter = ("source", "owner")
    search_fields = ("title", "key", "service__name", "service__leika_key")
    fieldsets = (
        (None, {"fields": ("title", "key", "service", "source", "owner", "created_at", "updated_at")}),
        (gettext_lazy("Antragstellende Person"), {"fields": ("applicant_group", "addressee_group")}),
    )
    readonly_fields = ("title", "key", "service", "source", "owner", "created_at", "updated_at")
    inlines = [FormVersionInline]
    change_list_template = "admin/forms/form/change_list.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(lambda request: admin_import.fim_import_view(self, request))
        return [url_path("fim-import/", view, name="forms_form_fim_import"), *super().get_urls()]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Form]:
        return super().get_queryset(request).select_related("owner", "service")

    def save_model(self, request: HttpRequest, obj: Form, form: Any, change: bool) -> None:
        stored = Form.objects.get(pk=obj.pk)
        form_person_groups_set(
            actor=request.user,
            form=stored,
            applicant_group=form.cleaned_data.get("applicant_group", ""),
            addressee_group=form.cleaned_data.get("addressee_group", ""),
            audit_source=request_source(request, "admin"),
        )

    @admin.display(description=gettext_lazy("veröffentlichte Version"))
    def published(self, obj: Form) -> str:
        version = obj.published_version()
        return version.version if version is not None else "–"


class FimStandardFilter(admin.SimpleListFilter):
    """The XDatenfelder version, with a name for versions that come from no FIM schema (an empty value
    would be a link without text, which screen readers cannot announce)."""

    title = gettext_lazy("XDatenfelder-Version")
    parameter_name = "fim_standard"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        values = (
            model_admin.get_queryset(request).order_by("fim_standard").values_list("fim_standard", flat=True)
        )
        return [(value or "-", value or _("ohne FIM (eigene Definition)")) for value in dict.fromkeys(values)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(fim_standard="" if value == "-" else value)


@admin.register(FormVersion)
class FormVersionAdmin(_ReadOnly, ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.CATALOG_EDIT
    authority_path = "form__owner"
    list_display = ("form", "version", "status", "published_at", "fim_id", "counts")
    list_filter = ("status", FimStandardFilter, "form__owner")
    search_fields = ("form__title", "form__key", "fim_id", "version")
    actions = ["publish"]
    fieldsets = (
        (None, {"fields": ("form", "version", "status", "published_at", "counts", "report_link")}),
        (
            gettext_lazy("Herkunft"),
            {
                "fields": (
                    "fim_id",
                    "fim_version",
                    "fim_standard",
                    "source_name",
                    "source_sha256",
                    "created_at",
                )
            },
        ),
        (gettext_lazy("Aufbau"), {"fields": ("steps_list", "code_lists_list", "rules_list")}),
        (gettext_lazy("JSON Schema"), {"fields": ("schema_text",), "classes": ("collapse",)}),
    )
    readonly_fields = (
        "form",
        "version",
        "status",
        "published_at",
        "counts",
        "report_link",
        "fim_id",
        "fim_version",
        "fim_standard",
        "source_name",
        "source_sha256",
        "created_at",
        "steps_list",
        "code_lists_list",
        "rules_list",
        "schema_text",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[FormVersion]:
        return super().get_queryset(request).select_related("form", "form__owner")

    def get_urls(self) -> list[URLPattern]:
        def wrap(view: Any) -> Any:
            return self.admin_site.admin_view(lambda request, object_id: view(self, request, object_id))

        return [
            url_path(
                "<path:object_id>/bericht/", wrap(admin_import.report_view), name="forms_formversion_report"
            ),
            url_path(
                "<path:object_id>/leistung/",
                wrap(admin_import.link_service_view),
                name="forms_formversion_link_service",
            ),
            url_path(
                "<path:object_id>/veroeffentlichen/",
                wrap(admin_import.publish_view),
                name="forms_formversion_publish",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("Importbericht"))
    def report_link(self, obj: FormVersion) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:forms_formversion_report", args=[obj.pk]),
            _("Bericht ansehen"),
        )

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    @admin.action(description=gettext_lazy("Ausgewählte Versionen veröffentlichen"), permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[FormVersion]) -> None:
        published = 0
        for version in queryset.select_related("form", "form__owner"):
            if version.status == FormVersion.Status.PUBLISHED:
                continue
            if not can_edit_catalog(request.user, version.form.owner):
                raise PermissionDenied
            form_version_publish(
                actor=request.user, version=version, audit_source=request_source(request, "admin")
            )
            published += 1
        self.message_user(
            request, _("%(count)d Version(en) veröffentlicht.") % {"count": published}, messages.SUCCESS
        )

    @admin.display(description=gettext_lazy("Umfang"))
    def counts(self, obj: FormVersion) -> str:
        spec = obj.spec()
        evaluated = sum(1 for rule in spec.rules if rule.kind != "info")
        return _(
            "%(fields)d Felder, %(groups)d Gruppen, %(rules)d Regeln (%(evaluated)d ausgewertet), "
            "%(lists)d Codelisten"
        ) % {
            "fields": len(spec.fields()),
            "groups": len(spec.groups()),
            "rules": len(spec.rules),
            "evaluated": evaluated,
            "lists": len(spec.code_lists),
        }

    @admin.display(description=gettext_lazy("Schritte"))
    def steps_list(self, obj: FormVersion) -> SafeString:
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                "<li>{} ({})</li>",
                ((step.title, ", ".join(step.children)) for step in steps_for(obj.spec())),
            ),
        )

    @admin.display(description=gettext_lazy("Codelisten"))
    def code_lists_list(self, obj: FormVersion) -> SafeString:
        lists = obj.spec().code_lists.values()
        if not lists:
            return format_html("{}", "–")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} – {} {}</li>",
                ((cl.name, len(cl.entries), _("Einträge")) for cl in lists),
            ),
        )

    @admin.display(description=gettext_lazy("Regeln"))
    def rules_list(self, obj: FormVersion) -> SafeString:
        spec = obj.spec()
        rules = spec.rules
        if not rules:
            return format_html("{}", "–")
        rows = []
        for rule in rules:
            if rule.kind == "info":
                detail = spec.rule_text(rule) or rule.message
            else:
                condition = json.dumps(rule.when, ensure_ascii=False) if rule.when is not None else ""
                targets = ", ".join(rule.targets)
                detail = " · ".join(
                    part
                    for part in (
                        condition,
                        _("Ziele: %s") % targets if targets else "",
                        _("Bereich: %s") % rule.scope if rule.scope else "",
                        rule.message,
                        spec.rule_text(rule),
                    )
                    if part
                )
            rows.append((rule.name or rule.key, RULE_KIND_LABELS.get(rule.kind, rule.kind), detail))
        return format_html("<ul>{}</ul>", format_html_join("", "<li><strong>{}</strong> ({}): {}</li>", rows))

    @admin.display(description=gettext_lazy("JSON Schema"))
    def schema_text(self, obj: FormVersion) -> SafeString:
        return format_html("<pre>{}</pre>", json.dumps(obj.json_schema, ensure_ascii=False, indent=2))
