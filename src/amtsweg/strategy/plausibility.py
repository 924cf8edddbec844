"""Plausibility checks of the cockpit's figures: warnings, not refusals.

Entries that are possible but probably wrong – a funding application larger than its project, a project
past its end still „in Umsetzung“, a project that costs more than the budget set aside for it, an own
share the budget does not cover, a budget line spent beyond its plan – are saved, and the cockpit says
so: after saving in the cockpit forms and in the admin, on the cockpit's start page, on the report page
and in the Sachstandsbericht. Only what is impossible is refused (an end before the start, a grant above
the total cost – see the models' ``clean``).

Everything is computed here, in one place, from the strategy's records in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.strategy.models import BudgetLine, FundingApplication, Project, Strategy
from amtsweg.strategy.money import format_euro

ZERO = Decimal("0")

# Applications whose money is counted on: planned, rejected and withdrawn ones commit nothing yet.
ACTIVE_APPLICATIONS = (
    FundingApplication.Status.SUBMITTED,
    FundingApplication.Status.GRANTED,
    FundingApplication.Status.SETTLED,
)
OPEN_PROJECT_STATES = (Project.Status.IDEA, Project.Status.PLANNED, Project.Status.RUNNING)


@dataclass(frozen=True)
class PlausibilityWarning:
    """One finding: what is odd (``message``, German), about which record, where to fix it."""

    code: str  # application-exceeds-project, project-overdue, budget-short, budget-exceeds-project,
    # own-share-uncovered, budget-overspent
    message: str
    subject: models.Model  # the record to correct
    project_id: int | None = None  # the project the finding concerns, if any

    @property
    def edit_url(self) -> str:
        kinds: dict[type[models.Model], str] = {
            Project: "projekt",
            FundingApplication: "foerderantrag",
            BudgetLine: "haushaltsposition",
        }
        return reverse("strategy:record_edit", args=[kinds[type(self.subject)], self.subject.pk])

    @property
    def subject_label(self) -> str:
        return str(self.subject)

    def concerns(self, obj: models.Model) -> bool:
        """Whether this warning belongs to ``obj`` (shown when ``obj`` is saved)."""
        if type(obj) is type(self.subject) and obj.pk == self.subject.pk:
            return True
        if isinstance(obj, Project):
            return self.project_id == obj.pk
        project_id = getattr(obj, "project_id", None)
        return project_id is not None and self.project_id == project_id


def _lines(lines: list[BudgetLine]) -> str:
    return "; ".join(f"{line.year} {line.product} {line.title}" for line in lines)


def _application_exceeds_project(application: FundingApplication) -> PlausibilityWarning | None:
    project = application.project
    cost = project.estimated_cost
    if cost is None or application.total_cost is None or application.total_cost <= cost:
        return None
    return PlausibilityWarning(
        "application-exceeds-project",
        _(
            "Förderantrag „%(application)s“: Die förderfähigen Gesamtkosten von %(total)s liegen über den "
            "geschätzten Gesamtkosten des Projekts von %(cost)s. Bitte Antrag oder Projektkosten prüfen."
        )
        % {
            "application": application,
            "total": format_euro(application.total_cost),
            "cost": format_euro(cost),
        },
        application,
        project.pk,
    )


def _project_overdue(project: Project, today: dt.date) -> PlausibilityWarning | None:
    if project.ends_on is None or project.ends_on >= today or project.status not in OPEN_PROJECT_STATES:
        return None
    return PlausibilityWarning(
        "project-overdue",
        _(
            "Projekt „%(project)s“: Das geplante Ende war der %(end)s, der Status ist aber noch "
            "„%(status)s“. Bitte Status oder Ende aktualisieren."
        )
        % {
            "project": project.title,
            "end": project.ends_on.strftime("%d.%m.%Y"),
            "status": project.get_status_display(),
        },
        project,
        project.pk,
    )


def _budget_against_project(project: Project, lines: list[BudgetLine]) -> PlausibilityWarning | None:
    cost = project.estimated_cost
    if cost is None or not lines:
        return None
    budgeted = sum((line.available for line in lines), ZERO)
    if budgeted < cost:
        return PlausibilityWarning(
            "budget-short",
            _(
                "Projekt „%(project)s“: Die geschätzten Kosten von %(cost)s sind im Haushalt nur mit "
                "%(budgeted)s veranschlagt (%(lines)s)."
            )
            % {
                "project": project.title,
                "cost": format_euro(cost),
                "budgeted": format_euro(budgeted),
                "lines": _lines(lines),
            },
            project,
            project.pk,
        )
    if budgeted > cost:
        return PlausibilityWarning(
            "budget-exceeds-project",
            _(
                "Projekt „%(project)s“: Im Haushalt sind %(budgeted)s veranschlagt, mehr als die geschätzten "
                "Kosten von %(cost)s (%(lines)s)."
            )
            % {
                "project": project.title,
                "cost": format_euro(cost),
                "budgeted": format_euro(budgeted),
                "lines": _lines(lines),
            },
            project,
            project.pk,
        )
    return None


def _own_share_uncovered(
    project: Project, applications: list[FundingApplication], lines: list[BudgetLine]
) -> PlausibilityWarning | None:
    active = [a for a in applications if a.status in ACTIVE_APPLICATIONS]
    if not active or not lines:  # a project without budget lines is not planned in the budget yet
        return None
    own_share = sum((a.own_share for a in active), ZERO)
    own_funds = sum((line.available for line in lines if line.source == BudgetLine.Source.OWN), ZERO)
    if own_share <= own_funds:
        return None
    grants = sum((a.grant for a in active), ZERO)
    return PlausibilityWarning(
        "own-share-uncovered",
        _(
            "Projekt „%(project)s“: Eigenanteil und Förderung gehen nicht auf. Die Förderanträge "
            "(%(total)s Gesamtkosten, davon %(grants)s Förderung) verlangen %(own_share)s Eigenanteil, "
            "im Haushalt stehen dafür %(own_funds)s Eigenmittel."
        )
        % {
            "project": project.title,
            "total": format_euro(sum((a.total_cost for a in active), ZERO)),
            "grants": format_euro(grants),
            "own_share": format_euro(own_share),
            "own_funds": format_euro(own_funds),
        },
        project,
        project.pk,
    )


def _budget_overspent(line: BudgetLine) -> PlausibilityWarning | None:
    if line.actual <= line.available:
        return None
    return PlausibilityWarning(
        "budget-overspent",
        _(
            "Haushaltsposition „%(line)s“: Das Ist von %(actual)s übersteigt den verfügbaren Ansatz von "
            "%(available)s."
        )
        % {"line": line, "actual": format_euro(line.actual), "available": format_euro(line.available)},
        line,
        line.project_id,
    )


def strategy_warnings(strategy: Strategy, *, today: dt.date | None = None) -> list[PlausibilityWarning]:
    """Every plausibility warning of ``strategy`` (projects, their applications and budget lines, the
    owner's budget lines), ordered by project and kind. Three queries whatever the size."""
    today = today or timezone.localdate()
    projects = list(Project.objects.filter(strategy=strategy).order_by("field__order", "title"))
    applications: dict[int, list[FundingApplication]] = defaultdict(list)
    for application in (
        FundingApplication.objects.filter(project__strategy=strategy)
        .select_related("project", "programme")
        .order_by("programme__name", "pk")
    ):
        applications[application.project_id].append(application)
    by_project: dict[int | None, list[BudgetLine]] = defaultdict(list)
    all_lines = list(
        BudgetLine.objects.filter(owner_id=strategy.owner_id).order_by("year", "product", "title")
    )
    for line in all_lines:
        by_project[line.project_id].append(line)

    found: list[PlausibilityWarning | None] = []
    for project in projects:
        found.append(_project_overdue(project, today))
        found.extend(_application_exceeds_project(a) for a in applications[project.pk])
        found.append(_budget_against_project(project, by_project[project.pk]))
        found.append(_own_share_uncovered(project, applications[project.pk], by_project[project.pk]))
    found.extend(_budget_overspent(line) for line in all_lines)
    return [w for w in found if w is not None]


def warnings_for(obj: Any, *, strategy: Strategy, today: dt.date | None = None) -> list[PlausibilityWarning]:
    """The warnings that concern ``obj`` (a project, funding application or budget line) – shown after
    saving it."""
    if not isinstance(obj, Project | FundingApplication | BudgetLine):
        return []
    return [w for w in strategy_warnings(strategy, today=today) if w.concerns(obj)]
