"""The figures of the cockpit's start page, computed for the acting person in a fixed number of queries.

Projects by state and priority, budget used against plan, own funds against grants, the next funding
deadlines, the OZG trend and the online share – each figure links to the page with its details.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.catalog.selectors import published_services
from amtsweg.forms.models import FormVersion
from amtsweg.strategy import selectors
from amtsweg.strategy.maturity import maturity_matrix
from amtsweg.strategy.models import FundingApplication, FundingCall, Project, Strategy, Tier, TierDecision
from amtsweg.strategy.plausibility import PlausibilityWarning, strategy_warnings
from amtsweg.strategy.rollup import next_month, submission_rows

ZERO = Decimal("0")
TREND_MONTHS = 12


def percent(part: Decimal | int, whole: Decimal | int) -> int | None:
    """``part`` of ``whole`` in whole percent (rounded half up); ``None`` when there is no whole."""
    if not whole:
        return None
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("1"), rounding="ROUND_HALF_UP"))


NO_TIER = "ohne"  # the projects filter for fields without a decided priority


@dataclass
class Cell:
    """One count of the projects table and the filter of the projects list that shows those projects."""

    count: int
    query: str
    label: str  # what the count means, for the link's accessible name


@dataclass
class StatusRow:
    label: str
    counts: list[int]  # one per tier column
    total: int
    status: str = ""
    cells: list[Cell] = field(default_factory=list)


@dataclass
class BudgetYear:
    year: int
    available: Decimal
    actual: Decimal
    own: Decimal
    grant: Decimal

    @property
    def used_percent(self) -> int | None:
        return percent(self.actual, self.available)

    @property
    def grant_percent(self) -> int | None:
        return percent(self.grant, self.own + self.grant)


@dataclass
class Deadline:
    date: dt.date
    what: str  # "Einreichungsfrist", "Verwendungsnachweis", "Förderaufruf"
    title: str
    days: int
    anchor: str = ""  # the row on the funding page


@dataclass
class TrendPoint:
    month: dt.date
    services_with_form: int
    submissions: int


@dataclass
class CockpitFigures:
    tier_columns: list[str]
    status_rows: list[StatusRow]
    projects_total: int
    budget_years: list[BudgetYear]
    deadlines: list[Deadline]
    trend: list[TrendPoint]
    online: int | None = None  # (service, town) pairs online
    pairs: int | None = None
    maturity_model: str = ""
    warnings: list[PlausibilityWarning] = field(default_factory=list)

    @property
    def online_percent(self) -> int | None:
        return percent(self.online or 0, self.pairs or 0) if self.pairs is not None else None

    @property
    def budget_total(self) -> BudgetYear | None:
        if not self.budget_years:
            return None
        return BudgetYear(
            year=0,
            available=sum((y.available for y in self.budget_years), ZERO),
            actual=sum((y.actual for y in self.budget_years), ZERO),
            own=sum((y.own for y in self.budget_years), ZERO),
            grant=sum((y.grant for y in self.budget_years), ZERO),
        )


def _month_starts(today: dt.date, count: int) -> list[dt.date]:
    months = []
    year, month = today.year, today.month
    for _i in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(months))


def decided_tiers(strategy: Strategy) -> dict[int, int]:
    """Field id → the priority decided in the latest round with decisions."""
    latest = strategy.rounds.filter(decisions__isnull=False).order_by("-created_at").first()
    if latest is None:
        return {}
    return dict(TierDecision.objects.filter(round=latest).values_list("field_id", "tier"))


def _projects(strategy: Strategy) -> tuple[list[str], list[StatusRow], int]:
    """Projects counted by status × the decided priority of their field (latest closed round)."""
    decided = decided_tiers(strategy)
    tiers = [int(value) for value, _label in Tier.choices]
    columns = [str(label) for _value, label in Tier.choices] + [_("ohne Priorität")]
    counts: Counter[tuple[str, int | None]] = Counter()
    for status, field_id in Project.objects.filter(strategy=strategy).values_list("status", "field_id"):
        counts[(status, decided.get(field_id))] += 1
    rows = []
    for value, label in Project.Status.choices:
        row = [counts[(value, t)] for t in tiers] + [counts[(value, None)]]
        cells = [
            Cell(
                count,
                urlencode({"status": value, "prioritaet": tier if tier is not None else NO_TIER}),
                _("Projekte „%(status)s“, %(tier)s") % {"status": label, "tier": column},
            )
            for count, tier, column in zip(row, [*tiers, None], columns, strict=True)
        ]
        rows.append(StatusRow(str(label), row, sum(row), value, cells))
    return columns, rows, sum(counts.values())


def _budget(actor: Any, strategy: Strategy) -> list[BudgetYear]:
    lines = list(selectors.budget_lines_for(actor, [strategy.owner_id]))
    return [
        BudgetYear(year, totals.available, totals.actual, totals.plan_own, totals.plan_grant)
        for year, totals in selectors.budget_totals_by_year(lines).items()
    ]


def _deadlines(strategy: Strategy, today: dt.date, limit: int = 6) -> list[Deadline]:
    found: list[Deadline] = []
    for application in FundingApplication.objects.filter(project__strategy=strategy).select_related(
        "project", "programme"
    ):
        if application.status == FundingApplication.Status.PLANNED and application.submission_deadline:
            found.append(
                Deadline(
                    application.submission_deadline,
                    _("Einreichungsfrist"),
                    str(application),
                    0,
                    f"antrag-{application.pk}",
                )
            )
        if application.status == FundingApplication.Status.GRANTED and application.proof_of_use_deadline:
            found.append(
                Deadline(
                    application.proof_of_use_deadline,
                    _("Verwendungsnachweis"),
                    str(application),
                    0,
                    f"antrag-{application.pk}",
                )
            )
    for call in FundingCall.objects.filter(deadline__gte=today).select_related("programme"):
        found.append(
            Deadline(call.deadline, _("Förderaufruf"), str(call), 0, f"programm-{call.programme_id}")
        )
    upcoming = sorted((d for d in found if d.date >= today), key=lambda d: (d.date, d.title))[:limit]
    for deadline in upcoming:
        deadline.days = (deadline.date - today).days
    return upcoming


def _trend(today: dt.date) -> list[TrendPoint]:
    """Per month: services of the catalogue with a published online form by the month's end, and online
    applications received in the month – both measured from the platform's own records."""
    months = _month_starts(today, TREND_MONTHS)
    first_published = list(
        FormVersion.objects.filter(form__service__in=published_services(), published_at__isnull=False)
        .values("form__service_id")
        .annotate(first=Min("published_at"))
        .values_list("first", flat=True)
    )
    per_month: Counter[dt.date] = Counter()
    # From the monthly roll-up (closed months) and counted live for the current month: a few rows per
    # (service, town, channel, month), not one per application.
    for row in submission_rows(months[0], next_month(months[-1])):
        per_month[row.month] += row.count
    points = []
    for i, month in enumerate(months):
        end = months[i + 1] if i + 1 < len(months) else None
        with_form = sum(1 for first in first_published if end is None or timezone.localdate(first) < end)
        points.append(TrendPoint(month, with_form, per_month[month]))
    return points


def cockpit_figures(*, actor: Any, strategy: Strategy, today: dt.date | None = None) -> CockpitFigures:
    """The start page's figures of ``strategy`` as ``actor`` may see them (digital team, platform admin)."""
    today = today or timezone.localdate()
    columns, rows, total = _projects(strategy)
    figures = CockpitFigures(
        tier_columns=columns,
        status_rows=rows,
        projects_total=total,
        budget_years=_budget(actor, strategy),
        deadlines=_deadlines(strategy, today),
        trend=_trend(today),
        warnings=strategy_warnings(strategy, today=today),
    )
    matrix = maturity_matrix(today=today)
    if matrix is not None:
        summary = matrix.summary()
        figures.online = sum(r["online"] for r in summary)
        figures.pairs = sum(r["services"] for r in summary)
        figures.maturity_model = matrix.model.name
    return figures
