"""The FIM import in the admin: upload → import report → preview → link to a service → publish.

Every step goes through a domain function with its permission check and audit entry
(:func:`~amtsweg.forms.fim.upload.import_fim_upload`, :func:`~amtsweg.forms.services.form_service_set`,
:func:`~amtsweg.forms.services.form_version_publish`). A Fachadmin imports only for the authorities where
they hold Fachadministration and links forms only to services of those authorities.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amtsweg.access.permissions import Perm, authorities_with, can_edit_catalog, has_any
from amtsweg.catalog.models import Service
from amtsweg.core.audit import request_source
from amtsweg.core.formfields import MultipleFileField, MultipleFileInput
from amtsweg.forms.fim.errors import FimImportError
from amtsweg.forms.fim.upload import MAX_CODE_LISTS, import_fim_upload
from amtsweg.forms.models import FormVersion
from amtsweg.forms.services import form_service_set, form_version_publish
from amtsweg.forms.spec import FormSpec
from amtsweg.tenants.models import Authority


def editable_authorities(request: HttpRequest) -> QuerySet[Authority]:
    ids = authorities_with(request.user, Perm.CATALOG_EDIT)
    authorities = Authority.objects.order_by("name")
    return authorities if ids is None else authorities.filter(pk__in=ids)


def linkable_services(request: HttpRequest) -> QuerySet[Service]:
    """Services a form may be linked to by this user: those of the authorities they edit."""
    ids = authorities_with(request.user, Perm.CATALOG_EDIT)
    services = Service.objects.select_related("owner").order_by("name", "owner__name")
    return services if ids is None else services.filter(owner_id__in=ids)


class _ServiceChoice(django_forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        key = f", LeiKa {obj.leika_key}" if obj.leika_key else ""
        return f"{obj.name} ({obj.owner.short_name}{key})"


class FimUploadForm(django_forms.Form):
    schema = django_forms.FileField(
        label=gettext_lazy("XDatenfelder-Datei"),
        help_text=gettext_lazy(
            "Ein Stammdatenschema (auch Datenfeldgruppe oder Datenfeld) in XDatenfelder 2.0 oder 3.0, "
            "Endung .xml, höchstens 10 MB. Die Datei wird gegen das offizielle XSD geprüft."
        ),
        widget=django_forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )
    code_lists = MultipleFileField(
        label=gettext_lazy("Codelisten (genericode)"),
        required=False,
        help_text=gettext_lazy(
            "Die Codelisten, auf die das Schema verweist, als genericode-Dateien (.xml). Fehlende "
            "Codelisten nennt der Importbericht; ihre Felder werden dann zur Texteingabe."
        ),
        widget=MultipleFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )
    owner = django_forms.ModelChoiceField(
        label=gettext_lazy("Gepflegt von"),
        queryset=Authority.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("Die Behörde, die das Formular pflegt."),
    )
    service = _ServiceChoice(
        label=gettext_lazy("Leistung"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=gettext_lazy("– nach LeiKa-Schlüssel im Schema suchen –"),
        help_text=gettext_lazy(
            "Leer: das Formular wird mit der Leistung verknüpft, deren LeiKa-Schlüssel das Schema nennt. "
            "Das lässt sich im Importbericht ändern."
        ),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = editable_authorities(request)  # type: ignore[attr-defined]
        self.fields["service"].queryset = linkable_services(request)  # type: ignore[attr-defined]

    def clean_code_lists(self) -> list[Any]:
        uploads: list[Any] = self.cleaned_data.get("code_lists") or []
        if len(uploads) > MAX_CODE_LISTS:
            raise ValidationError(
                _("Bitte höchstens %(count)s Codelisten auf einmal hochladen.") % {"count": MAX_CODE_LISTS}
            )
        return uploads


class ServiceLinkForm(django_forms.Form):
    service = _ServiceChoice(
        label=gettext_lazy("Leistung"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=gettext_lazy("– keine Leistung –"),
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = linkable_services(request)  # type: ignore[attr-defined]


def fim_import_view(model_admin: ModelAdmin[Any], request: HttpRequest) -> HttpResponse:
    """Upload a FIM schema with its code lists; on success go to the import report of the new draft."""
    if not has_any(request.user, Perm.CATALOG_EDIT):
        raise PermissionDenied
    status = 200
    problem = ""
    if request.method == "POST":
        form = FimUploadForm(request.POST, request.FILES, request=request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = import_fim_upload(
                    actor=request.user,
                    owner=data["owner"],
                    schema=data["schema"],
                    code_lists=data["code_lists"],
                    service=data["service"],
                    audit_source=request_source(request, "admin"),
                )
            except FimImportError as error:
                problem = error.message
            except PermissionDenied:
                problem = _(
                    "Dieses Formular wird von einer anderen Behörde gepflegt; Sie dürfen dort keine "
                    "neue Version anlegen."
                )
            else:
                messages.success(
                    request,
                    _("„%(title)s“ Version %(version)s wurde als Entwurf importiert.")
                    % {"title": result.spec.title, "version": result.version.version},
                )
                return redirect("admin:forms_formversion_report", result.version.pk)
        status = 400
    else:
        form = FimUploadForm(request=request)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("FIM-Schema importieren"),
        "form": form,
        "problem": problem,
        "max_code_lists": MAX_CODE_LISTS,
    }
    return TemplateResponse(request, "admin/forms/fim_import.html", context, status=status)


@dataclass(frozen=True)
class MissingList:
    name: str
    uri: str
    version: str


@dataclass(frozen=True)
class Report:
    """What the import made of a FIM file, for the report page."""

    fields: int
    groups: int
    evaluated_rules: list[Any]
    info_rules: list[Any]
    code_lists: list[Any]
    missing_lists: list[MissingList]
    notes: list[str]
    leika_keys: tuple[str, ...]

    @classmethod
    def of(cls, version: FormVersion) -> Report:
        spec: FormSpec = version.spec()

        def readable(rule: Any) -> Any:
            return replace(rule, description=spec.rule_text(rule))

        lists = list(spec.code_lists.values())
        return cls(
            fields=len(spec.fields()),
            groups=len(spec.groups()),
            evaluated_rules=[readable(rule) for rule in spec.rules if rule.kind != "info"],
            info_rules=[readable(rule) for rule in spec.rules if rule.kind == "info"],
            code_lists=[cl for cl in lists if cl.entries],
            missing_lists=[
                MissingList(name=cl.name, uri=cl.uri, version=cl.version) for cl in lists if not cl.entries
            ],
            notes=[str(note) for note in version.import_notes or []],
            leika_keys=spec.leika_keys,
        )


def _version(model_admin: ModelAdmin[Any], request: HttpRequest, object_id: str) -> FormVersion:
    if not object_id.isdigit():
        raise Http404
    version = (
        model_admin.get_queryset(request)
        .select_related("form", "form__owner", "form__service", "form__service__owner")
        .filter(pk=int(object_id))
        .first()
    )
    if version is None:
        raise Http404(_("Diese Formularversion gibt es nicht oder sie gehört nicht zu Ihrer Behörde."))
    return version


def report_view(model_admin: ModelAdmin[Any], request: HttpRequest, object_id: str) -> HttpResponse:
    """The import report of a version: what was recognised, kept as a note or is missing; next steps."""
    version = _version(model_admin, request, object_id)
    form = version.form
    may_edit = can_edit_catalog(request.user, form.owner)
    link_form = ServiceLinkForm(request=request, initial={"service": form.service_id})
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Importbericht: %(title)s, Version %(version)s")
        % {"title": form.title, "version": version.version},
        "version": version,
        "form_obj": form,
        "report": Report.of(version),
        "may_edit": may_edit,
        "link_form": link_form,
        "preview_url": reverse("submissions:preview", args=[version.pk]),
    }
    return TemplateResponse(request, "admin/forms/fim_report.html", context)


def link_service_view(model_admin: ModelAdmin[Any], request: HttpRequest, object_id: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = _version(model_admin, request, object_id)
    link_form = ServiceLinkForm(request.POST, request=request)
    if not link_form.is_valid():
        messages.error(request, _("Diese Leistung können Sie nicht auswählen."))
        return redirect("admin:forms_formversion_report", version.pk)
    service = link_form.cleaned_data["service"]
    form_service_set(
        actor=request.user,
        form=version.form,
        service=service,
        audit_source=request_source(request, "admin"),
    )
    if service is None:
        messages.success(request, _("Das Formular ist mit keiner Leistung mehr verknüpft."))
    else:
        messages.success(
            request, _("Das Formular ist jetzt mit „%(service)s“ verknüpft.") % {"service": service.name}
        )
    return redirect("admin:forms_formversion_report", version.pk)


def publish_view(model_admin: ModelAdmin[Any], request: HttpRequest, object_id: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = _version(model_admin, request, object_id)
    if not can_edit_catalog(request.user, version.form.owner):
        raise PermissionDenied
    if version.is_published:
        messages.info(request, _("Diese Version ist schon veröffentlicht."))
    else:
        form_version_publish(
            actor=request.user, version=version, audit_source=request_source(request, "admin")
        )
        messages.success(
            request,
            _(
                "Version %(version)s von „%(title)s“ ist veröffentlicht; Anträge nutzen ab jetzt diese "
                "Version."
            )
            % {"version": version.version, "title": version.form.title},
        )
    return redirect("admin:forms_formversion_report", version.pk)
