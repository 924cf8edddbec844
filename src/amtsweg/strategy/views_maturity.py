"""The live OZG maturity dashboard: matrix, levels with their criteria, the towns side by side, exports.

Staff pages: anonymous visitors are sent to the login (which asks staff for the second factor); the
cockpit's read permission (:func:`amtsweg.access.permissions.can_view_strategy`) is checked with the
verified second factor of the session, at the Kreis or at one of its towns.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from amtsweg.access.permissions import can_view_strategy
from amtsweg.catalog.forms import kern_widgets
from amtsweg.catalog.models import MaturityModel, Themenfeld
from amtsweg.catalog.selectors import kreis, municipalities, published_services, responsibility_resolve
from amtsweg.strategy.exports import table_response
from amtsweg.strategy.maturity import (
    MEDIAN_EXPLANATION,
    SHARE_EXPLANATION,
    MaturityMatrix,
    maturity_matrix,
    maturity_models,
)
from amtsweg.tenants.models import Authority

View = Callable[..., HttpResponse]


def can_view_cockpit(user: Any) -> bool:
    """The cockpit's read right at the Kreis or at any of its towns (their data is the same for all)."""
    authorities = [kreis(), *municipalities()]
    return any(can_view_strategy(user, a) for a in authorities if a is not None)


def cockpit_view(view: View) -> View:
    """Login first, then the cockpit's read right with a verified second factor; never cached."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not can_view_cockpit(request.user):
            raise PermissionDenied(
                _("Das Strategie-Cockpit ist nur für das Digitalisierungsteam mit zweitem Faktor zugänglich.")
            )
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


class MaturityFilterForm(forms.Form):
    themenfeld = forms.ModelChoiceField(
        label=gettext_lazy("Themenfeld"),
        queryset=Themenfeld.objects.none(),
        required=False,
        empty_label=gettext_lazy("Alle Themenfelder"),
        to_field_name="slug",
    )
    modell = forms.ModelChoiceField(
        label=gettext_lazy("Reifegradmodell"),
        queryset=MaturityModel.objects.none(),
        required=False,
        empty_label=None,
    )
    gemeinde = forms.ModelChoiceField(
        label=gettext_lazy("Ihre Stadt oder Gemeinde (für den Vergleich)"),
        queryset=Authority.objects.none(),
        required=False,
        empty_label=gettext_lazy("bitte wählen"),
        to_field_name="slug",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themenfeld"].queryset = Themenfeld.objects.filter(  # type: ignore[attr-defined]
            pk__in=published_services().values("themenfeld")
        ).order_by("name")
        self.fields["modell"].queryset = maturity_models()  # type: ignore[attr-defined]
        self.fields["gemeinde"].queryset = municipalities()  # type: ignore[attr-defined]
        kern_widgets(self)


def _filters(
    request: HttpRequest,
) -> tuple[MaturityFilterForm, MaturityMatrix | None, Authority | None, bool]:
    form = MaturityFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form, None, None, False
    data = form.cleaned_data if form.is_bound else {}
    matrix = maturity_matrix(model=data.get("modell"), themenfeld=data.get("themenfeld"))
    town = data.get("gemeinde")
    user_authority = getattr(request.user, "authority", None)
    if town is None and user_authority is not None and user_authority.is_municipality:
        town = user_authority
    return form, matrix, town, True


@require_safe
@cockpit_view
def maturity_dashboard(request: HttpRequest) -> HttpResponse:
    form, matrix, town, valid = _filters(request)
    context = {
        "form": form,
        "matrix": matrix,
        "town": town,
        "offers": matrix.peer_offers(town) if matrix is not None and town is not None else [],
        "median_explanation": MEDIAN_EXPLANATION,
        "share_explanation": SHARE_EXPLANATION,
        "query": request.GET.urlencode(),
    }
    return render(request, "strategy/maturity.html", context, status=200 if valid else 400)


@require_safe
@cockpit_view
def maturity_service(request: HttpRequest, slug: str) -> HttpResponse:
    """One service in every town: the criteria, who is responsible, the submissions per month."""
    form, _matrix, _town, valid = _filters(request)
    if not valid:
        return render(request, "strategy/maturity.html", {"form": form, "matrix": None}, status=400)
    service = published_services().select_related("themenfeld").filter(slug=slug).first()
    if service is None:
        raise Http404(_("Diese Leistung gibt es nicht oder nicht mehr."))
    model = form.cleaned_data.get("modell") if form.is_bound else None
    matrix = maturity_matrix(model=model, services=published_services().filter(pk=service.pk))
    if matrix is None:
        raise Http404(_("Es ist kein Reifegradmodell hinterlegt."))
    rows = [
        {"town": town, "cell": matrix.cell(service, town), "resolved": responsibility_resolve(service, town)}
        for town in matrix.municipalities
    ]
    context = {
        "service": service,
        "matrix": matrix,
        "rows": rows,
        "criteria": [c for rule in matrix.rules for c in rule.new],
        "median_explanation": MEDIAN_EXPLANATION,
        "share_explanation": SHARE_EXPLANATION,
    }
    return render(request, "strategy/maturity_service.html", context)


def maturity_table(matrix: MaturityMatrix) -> tuple[list[str], list[list[Any]]]:
    """The matrix as a flat table: one row per service and town."""
    headers = [
        _("Leistung"),
        _("Themenfeld"),
        _("Stadt/Gemeinde"),
        _("zuständig"),
        _("Reifegrad"),
        _("Bezeichnung"),
        *[str(c.label) for rule in matrix.rules for c in rule.new],
        _("fehlt für die nächste Stufe"),
        _("Anträge letzter Monat"),
        _("Anträge 12 Monate"),
    ]
    criteria = [c.key for rule in matrix.rules for c in rule.new]
    rows: list[list[Any]] = []
    for service, cells in matrix.rows():
        for town, cell in zip(matrix.municipalities, cells, strict=True):
            authority = matrix.authorities.get(cell.authority_id) if cell.authority_id else None
            rows.append(
                [
                    service.name,
                    service.themenfeld.name if service.themenfeld else "",
                    town.short_name,
                    authority.name if authority else _("nicht hinterlegt"),
                    cell.level.level if cell.level else None,
                    cell.level.name if cell.level else "",
                    *[cell.met.get(key, False) for key in criteria],
                    ", ".join(str(c.label) for c in cell.blocking),
                    cell.submissions_last_month,
                    cell.submissions_total,
                ]
            )
    return headers, rows


@require_safe
@cockpit_view
def maturity_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Dieses Format gibt es nicht."))
    form, matrix, _town, valid = _filters(request)
    if not valid or matrix is None:
        return render(request, "strategy/maturity.html", {"form": form, "matrix": None}, status=400)
    headers, rows = maturity_table(matrix)
    return table_response(
        rows, headers, name=_("OZG-Reifegrad %(model)s") % {"model": matrix.model.name}, fmt=fmt
    )
