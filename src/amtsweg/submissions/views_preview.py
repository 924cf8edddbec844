"""Preview of a form version for the Fachadministration: the citizen's step pages, rendered by the same
templates and :class:`~amtsweg.submissions.forms.StepBuilder`, for any version (also a draft).

Nothing is stored: "Angaben prüfen" reads the typed answers of one step and shows what the applicant would
be told (required fields, formats, the form's rules on that step). Only staff who may edit the form's
authority's catalogue see it; everyone else gets 404 (or the login).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from amtsweg.access.permissions import can_edit_catalog, can_use_admin
from amtsweg.forms.models import FormVersion
from amtsweg.forms.steps import steps_for
from amtsweg.submissions.forms import StepBuilder, StepReader, controlling_fields, rule_effects
from amtsweg.submissions.views import _error_list, _validate


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preview(request: HttpRequest, version_id: int, step_key: str = "") -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    version = (
        FormVersion.objects.select_related("form", "form__owner", "form__service")
        .filter(pk=version_id)
        .first()
    )
    if version is None or not (
        can_use_admin(request.user) and can_edit_catalog(request.user, version.form.owner)
    ):
        raise Http404(_("Diese Vorschau gibt es nicht."))
    spec = version.spec()
    steps = list(steps_for(spec))
    if not steps:
        raise Http404(_("Dieses Formular hat keine Schritte."))
    index = next((i for i, s in enumerate(steps) if s.key == step_key), None) if step_key else 0
    if index is None:
        raise Http404(_("Diesen Schritt gibt es in diesem Formular nicht."))
    step = steps[index]
    data: dict[str, Any] = {}
    raw: dict[str, str] | None = None
    errors: dict[str, list[str]] = {}
    checked = False
    if request.method == "POST":
        parsed = StepReader(spec, request.POST, {}, {}).read(step.children)
        data, raw, errors = dict(parsed.data), parsed.raw, dict(parsed.errors)
        for path, path_errors in _validate(version, data, paths=set(step.children)).items():
            errors.setdefault(path, path_errors)
        checked = True
    hidden, required = rule_effects(spec, data)
    nodes = StepBuilder(
        spec,
        data,
        raw=raw,
        errors=errors,
        hidden=hidden,
        required=required,
        controls=controlling_fields(spec),
        attachments={},
    ).build(step.children)

    def url(key: str) -> str:
        return reverse("submissions:preview_step", args=[version.pk, key])

    context = {
        "version": version,
        "form": version.form,
        "spec": spec,
        "steps": steps,
        "step": step,
        "number": index + 1,
        "nodes": nodes,
        "error_list": _error_list(nodes, errors),
        "checked": checked,
        "step_url": url(step.key),
        "step_links": [(item, url(item.key)) for item in steps],
        "previous_url": url(steps[index - 1].key) if index > 0 else "",
        "next_url": url(steps[index + 1].key) if index + 1 < len(steps) else "",
        "report_url": reverse("admin:forms_formversion_report", args=[version.pk]),
    }
    return render(request, "submissions/preview.html", context, status=400 if errors else 200)
