"""Pages of the strategy cockpit for workshops, projects, budget, Stellenplan and funding.

One generic create/edit view serves every kind of record (:data:`KINDS`): the form validates, the view
fills in the strategy or owner, and :func:`amtsweg.strategy.services.strategy_object_save` checks the
permission, saves and writes the audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from amtsweg.access.permissions import can_manage_funding_programmes, can_manage_strategy, can_view_strategy
from amtsweg.strategy import plausibility, selectors, services
from amtsweg.strategy.cockpit import NO_TIER, decided_tiers
from amtsweg.strategy.forms import (
    ApplicationForm,
    BudgetLineForm,
    CallForm,
    PositionForm,
    ProgrammeForm,
    ProjectForm,
    WorkshopForm,
)
from amtsweg.strategy.models import (
    BudgetLine,
    FundingApplication,
    FundingCall,
    FundingProgramme,
    Position,
    Project,
    Strategy,
    Tier,
    Workshop,
)
from amtsweg.strategy.views import GET_POST, _data, staff_view


def _readable_strategy(request: HttpRequest) -> Strategy:
    strategy = selectors.strategy_for(request.user)
    if strategy is None or not can_view_strategy(request.user, strategy.owner_id):
        raise PermissionDenied(_("Diese Seite ist dem Digitalisierungsteam vorbehalten."))
    return strategy


@dataclass(frozen=True)
class Kind:
    model: type[models.Model]
    form: type[django_forms.ModelForm]
    title: Any  # lazy text: "Projekt"
    back: str  # URL name of the list page
    queryset: Callable[[Strategy], models.QuerySet[Any]]
    prepare: Callable[[models.Model, Strategy], None]  # fills strategy/owner of a new record


def _set_strategy(obj: Any, strategy: Strategy) -> None:
    obj.strategy = strategy


def _set_owner(obj: Any, strategy: Strategy) -> None:
    obj.owner = strategy.owner


def _set_applicant(obj: Any, strategy: Strategy) -> None:
    if not obj.applicant_id:
        obj.applicant = strategy.owner


def _nothing(obj: Any, strategy: Strategy) -> None:
    return None


KINDS: dict[str, Kind] = {
    "workshop": Kind(
        Workshop,
        WorkshopForm,
        gettext_lazy("Workshop oder Konferenz"),
        "strategy:workshops",
        lambda s: s.workshops.all(),
        _set_strategy,
    ),
    "projekt": Kind(
        Project,
        ProjectForm,
        gettext_lazy("Projekt"),
        "strategy:projects",
        lambda s: s.projects.all(),
        _set_strategy,
    ),
    "haushaltsposition": Kind(
        BudgetLine,
        BudgetLineForm,
        gettext_lazy("Haushaltsposition"),
        "strategy:budget",
        lambda s: BudgetLine.objects.filter(owner_id=s.owner_id),
        _set_owner,
    ),
    "stelle": Kind(
        Position,
        PositionForm,
        gettext_lazy("Stelle"),
        "strategy:positions",
        lambda s: Position.objects.filter(owner_id=s.owner_id),
        _set_owner,
    ),
    "foerderprogramm": Kind(
        FundingProgramme,
        ProgrammeForm,
        gettext_lazy("Förderprogramm"),
        "strategy:funding",
        lambda s: FundingProgramme.objects.all(),
        _nothing,
    ),
    "foerderaufruf": Kind(
        FundingCall,
        CallForm,
        gettext_lazy("Förderaufruf"),
        "strategy:funding",
        lambda s: FundingCall.objects.all(),
        _nothing,
    ),
    "foerderantrag": Kind(
        FundingApplication,
        ApplicationForm,
        gettext_lazy("Förderantrag"),
        "strategy:funding",
        lambda s: FundingApplication.objects.filter(project__strategy=s),
        _set_applicant,
    ),
}


def _may_write(request: HttpRequest, kind: Kind, strategy: Strategy) -> bool:
    if kind.model in (FundingProgramme, FundingCall):
        return can_manage_funding_programmes(request.user)
    return can_manage_strategy(request.user, strategy.owner_id)


@staff_view
@require_http_methods(GET_POST)
def record_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """Create (``pk`` None) or change one record of the cockpit."""
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    strategy = _readable_strategy(request)
    if not _may_write(request, spec, strategy):
        raise PermissionDenied
    instance = get_object_or_404(spec.queryset(strategy), pk=pk) if pk is not None else spec.model()
    form = spec.form(_data(request), instance=instance, strategy=strategy)  # type: ignore[call-arg]
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        spec.prepare(obj, strategy)
        m2m = {
            f.name: form.cleaned_data[f.name]
            for f in spec.model._meta.many_to_many
            if f.name in form.cleaned_data
        }
        try:
            services.strategy_object_save(
                actor=request.user, obj=obj, changed=form.changed_data, m2m=m2m, source="web"
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("„%(name)s“ wurde gespeichert.") % {"name": obj})
            # Saved, but possibly implausible: say so at once, where the entry was made.
            for warning in plausibility.warnings_for(obj, strategy=strategy):
                messages.warning(request, warning.message)
            return redirect(spec.back)
    status = 400 if form.errors else 200
    return render(
        request,
        "strategy/record_edit.html",
        {"form": form, "spec": spec, "instance": instance, "is_new": pk is None, "kind": kind},
        status=status,
    )


# --- lists -------------------------------------------------------------------------------------


@staff_view
@require_safe
def workshops(request: HttpRequest) -> HttpResponse:
    strategy = _readable_strategy(request)
    return render(
        request,
        "strategy/workshops.html",
        {
            "strategy": strategy,
            "workshops": strategy.workshops.prefetch_related("fields", "ideas__project").order_by("date"),
            "groups": strategy.working_groups.select_related("field").prefetch_related("members__authority"),
            "may_manage": can_manage_strategy(request.user, strategy.owner_id),
        },
    )


@staff_view
@require_safe
def projects(request: HttpRequest) -> HttpResponse:
    """The portfolio; ``?status=…&prioritaet=…`` narrows it to one figure of the cockpit's start page."""
    strategy = _readable_strategy(request)
    project_list = list(selectors.projects_for(request.user, strategy))
    lines = list(selectors.budget_lines_for(request.user, [strategy.owner_id]))
    filters, error = _project_filters(request, strategy)
    project_list = [p for p in project_list if not error and all(check(p) for check in filters.values())]
    return render(
        request,
        "strategy/projects.html",
        {
            "strategy": strategy,
            "projects": project_list,
            "totals": selectors.budget_totals_by_project(lines),
            "may_manage": can_manage_strategy(request.user, strategy.owner_id),
            "filter_labels": list(filters),
            "filter_error": error,
        },
        status=400 if error else 200,
    )


def _project_filters(
    request: HttpRequest, strategy: Strategy
) -> tuple[dict[str, Callable[[Project], bool]], str]:
    """The filters of the projects list by label, or a German message for a value that is not one."""
    filters: dict[str, Callable[[Project], bool]] = {}
    status = request.GET.get("status", "")
    if status:
        if status not in Project.Status.values:
            return {}, _("Diesen Status gibt es nicht. Bitte einen Status aus der Übersicht wählen.")
        filters[_("Status: %s") % Project.Status(status).label] = lambda p: p.status == status
    tier = request.GET.get("prioritaet", "")
    if tier:
        decided = decided_tiers(strategy)
        if tier == NO_TIER:
            filters[_("ohne Priorität")] = lambda p: p.field_id not in decided
        elif tier.isdigit() and int(tier) in Tier.values:
            filters[str(Tier(int(tier)).label)] = lambda p: decided.get(p.field_id) == int(tier)
        else:
            return {}, _("Diese Priorität gibt es nicht. Bitte eine Priorität aus der Übersicht wählen.")
    return filters, ""


@staff_view
@require_safe
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = _readable_strategy(request)
    project = get_object_or_404(selectors.projects_for(request.user, strategy), pk=pk)
    lines = list(project.budget_lines.select_related("programme").order_by("year", "product"))
    return render(
        request,
        "strategy/project_detail.html",
        {
            "project": project,
            "lines": lines,
            "totals": selectors.budget_totals(lines),
            "applications": project.applications.select_related("programme").order_by("programme__name"),
            "positions": project.positions.order_by("starts_on"),
            "may_manage": can_manage_strategy(request.user, strategy.owner_id),
        },
    )


@staff_view
@require_safe
def budget(request: HttpRequest) -> HttpResponse:
    strategy = _readable_strategy(request)
    lines = list(selectors.budget_lines_for(request.user, [strategy.owner_id]))
    by_year = selectors.budget_totals_by_year(lines)
    return render(
        request,
        "strategy/budget.html",
        {
            "strategy": strategy,
            "years": [
                (year, totals, [line for line in lines if line.year == year])
                for year, totals in by_year.items()
            ],
            "total": selectors.budget_totals(lines),
            "may_manage": can_manage_strategy(request.user, strategy.owner_id),
        },
    )


@staff_view
@require_safe
def positions(request: HttpRequest) -> HttpResponse:
    strategy = _readable_strategy(request)
    position_list = list(selectors.positions_for(request.user).filter(owner_id=strategy.owner_id))
    return render(
        request,
        "strategy/positions.html",
        {
            "positions": position_list,
            "fte_total": selectors.fte_total(position_list),
            "may_manage": can_manage_strategy(request.user, strategy.owner_id),
        },
    )


@staff_view
@require_safe
def funding(request: HttpRequest) -> HttpResponse:
    strategy = _readable_strategy(request)
    return render(
        request,
        "strategy/funding.html",
        {
            "programmes": selectors.programmes(),
            "applications": selectors.applications_for(request.user, strategy),
            "may_manage": can_manage_strategy(request.user, strategy.owner_id),
            "may_manage_programmes": can_manage_funding_programmes(request.user),
        },
    )


@staff_view
@require_http_methods(GET_POST)
def record_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Ask, then delete one record; records still in use are kept with a message."""
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    strategy = _readable_strategy(request)
    if not _may_write(request, spec, strategy):
        raise PermissionDenied
    instance = get_object_or_404(spec.queryset(strategy), pk=pk)
    if request.method == "POST":
        try:
            services.strategy_object_delete(actor=request.user, obj=instance, source="web")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("strategy:record_edit", kind=kind, pk=pk)
        messages.success(request, _("„%(name)s“ wurde gelöscht.") % {"name": instance})
        return redirect(spec.back)
    return render(request, "strategy/record_delete.html", {"spec": spec, "instance": instance, "kind": kind})
