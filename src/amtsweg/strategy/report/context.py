"""Everything a Sachstandsbericht shows, computed once for the page, the PDF, the DOCX and the exports.

Tables are plain data (:class:`Table`): raw values plus a column kind, so that the PDF and the DOCX show
German formats (``30.000,00 €``, ``3,5``, ``01.02.2026``) and the CSV/XLSX exports keep the numbers.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, partial
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.strategy import aggregation
from amtsweg.strategy.charts import Bar, Point, bar_svg, of_total_text, portfolio_svg
from amtsweg.strategy.maturity import MEDIAN_EXPLANATION, maturity_matrix
from amtsweg.strategy.models import (
    BudgetLine,
    FundingApplication,
    Position,
    Project,
    QuickCheckRound,
    Report,
    Score,
    Strategy,
    Tier,
    TierDecision,
)
from amtsweg.strategy.money import format_decimal_de, format_euro
from amtsweg.strategy.plausibility import PlausibilityWarning, strategy_warnings
from amtsweg.strategy.report import images
from amtsweg.tenants.models import Authority

TEXT, EURO, NUMBER1, INT, DATE, FTE = "text", "euro", "number1", "int", "date", "fte"
NUMERIC_KINDS = {EURO, NUMBER1, INT, FTE}


def format_cell(value: Any, kind: str) -> str:
    """A value as the reader sees it (German formats); empty for ``None``."""
    if value is None or value == "":
        return "–" if kind in NUMERIC_KINDS else ""
    if kind == EURO:
        return format_euro(value)
    if kind == NUMBER1:
        return format_decimal_de(value, 1)
    if kind == FTE:
        return format_decimal_de(value, 2)
    if kind == INT:
        return f"{int(value):,}".replace(",", ".")
    if kind == DATE and isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    return str(value)


@dataclass
class Table:
    key: str  # used in export URLs
    title: str
    headers: list[str]
    kinds: list[str]
    rows: list[list[Any]]
    footer: list[Any] | None = None
    note: str = ""

    @property
    def display_rows(self) -> list[list[tuple[str, bool]]]:
        """Rows as (text, numeric) pairs for the templates."""
        return [
            [(format_cell(v, k), k in NUMERIC_KINDS) for v, k in zip(row, self.kinds, strict=True)]
            for row in self.rows
        ]

    @property
    def display_footer(self) -> list[tuple[str, bool]] | None:
        if self.footer is None:
            return None
        return [(format_cell(v, k), k in NUMERIC_KINDS) for v, k in zip(self.footer, self.kinds, strict=True)]

    @property
    def display_headers(self) -> list[tuple[str, bool]]:
        return [(h, k in NUMERIC_KINDS) for h, k in zip(self.headers, self.kinds, strict=True)]

    def export_rows(self) -> list[list[Any]]:
        return [*self.rows, *([self.footer] if self.footer else [])]


@dataclass
class Chart:
    """One chart: the SVG for the page, the PNG for PDF and DOCX (:mod:`.images`), the same data."""

    title: str
    svg: str
    table_key: str  # the table that carries the same data
    alt: str = ""  # the values in words: alternative text of the image
    render_png: Callable[[], bytes] | None = field(default=None, repr=False)

    @cached_property
    def png(self) -> bytes:
        return self.render_png() if self.render_png is not None else b""

    @property
    def png_data_url(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class ReportContext:
    report: Report | None
    strategy: Strategy
    authority: Authority
    today: dt.date
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, Chart] = field(default_factory=dict)
    priorities: list[tuple[str, list[str]]] = field(default_factory=list)
    round: QuickCheckRound | None = None
    ozg_notes: list[str] = field(default_factory=list)
    ozg_model: str = ""
    warnings: list[PlausibilityWarning] = field(default_factory=list)

    @property
    def city(self) -> str:
        return self.authority.city

    @property
    def period(self) -> str:
        """The reporting period as entered: ``01.01.2026 bis 30.11.2026``, ``ab …``, ``bis …`` or empty."""
        start = self.report.period_start if self.report else None
        end = self.report.period_end if self.report else None
        if start and end:
            return _("%(start)s bis %(end)s") % {"start": f"{start:%d.%m.%Y}", "end": f"{end:%d.%m.%Y}"}
        if start:
            return _("ab %(start)s") % {"start": f"{start:%d.%m.%Y}"}
        if end:
            return _("bis %(end)s") % {"end": f"{end:%d.%m.%Y}"}
        return ""

    @property
    def decision_proposal(self) -> str:
        """The Beschlussvorschlag as entered, else the usual one for a status report: take note."""
        if self.report and self.report.decision_proposal.strip():
            return self.report.decision_proposal
        return default_decision_proposal(
            committee=self.report.committee if self.report else "",
            strategy=self.strategy.title,
            period=self.period,
        )

    @property
    def financial_effects(self) -> str:
        """The text as entered, else a sentence from the budget table of the report's year."""
        if self.report and self.report.financial_effects.strip():
            return self.report.financial_effects
        table = self.tables.get("budget")
        if table is None or not table.rows:
            return _("Durch die Kenntnisnahme des Berichts entstehen keine finanziellen Auswirkungen.")
        own = sum((r[5] for r in table.rows if r[4] == str(BudgetLine.Source.OWN.label)), Decimal("0"))
        plan = sum((r[5] for r in table.rows), Decimal("0"))
        actual = sum((r[6] for r in table.rows), Decimal("0"))
        products = ", ".join(sorted({str(r[1]) for r in table.rows}))
        year = self.report.budget_year if self.report else None
        where = (
            _("Im Haushaltsjahr %(year)s sind") % {"year": year} if year else _("In den Haushaltsjahren sind")
        )
        return _(
            "%(where)s für die Digitalisierungsstrategie %(plan)s veranschlagt (Produkt %(products)s; "
            "Eigenmittel %(own)s, Fördermittel %(grant)s); verausgabt sind bisher %(actual)s. Durch die "
            "Kenntnisnahme des Berichts entstehen keine weiteren finanziellen Auswirkungen."
        ) % {
            "where": where,
            "plan": format_euro(plan),
            "products": products,
            "own": format_euro(own),
            "grant": format_euro(plan - own),
            "actual": format_euro(actual),
        }

    @property
    def letterhead(self) -> list[str]:
        a = self.authority
        lines = [a.name]
        if a.street:
            lines.append(a.street)
        if a.postcode or a.city:
            lines.append(f"{a.postcode} {a.city}".strip())
        return lines


def default_decision_proposal(*, committee: str, strategy: str, period: str) -> str:
    """The Beschlussvorschlag of a Sachstandsbericht when the digital team wrote none: take note."""
    values = {"committee": committee, "strategy": strategy, "period": period}
    if committee and period:
        text = _(
            "Der %(committee)s nimmt den Sachstandsbericht zur Digitalisierungsstrategie „%(strategy)s“ "
            "für den Berichtszeitraum %(period)s zur Kenntnis."
        )
    elif committee:
        text = _(
            "Der %(committee)s nimmt den Sachstandsbericht zur Digitalisierungsstrategie „%(strategy)s“ "
            "zur Kenntnis."
        )
    elif period:
        text = _(
            "Der Sachstandsbericht zur Digitalisierungsstrategie „%(strategy)s“ für den Berichtszeitraum "
            "%(period)s wird zur Kenntnis genommen."
        )
    else:
        text = _(
            "Der Sachstandsbericht zur Digitalisierungsstrategie „%(strategy)s“ wird zur Kenntnis genommen."
        )
    return text % values


def latest_round(strategy: Strategy) -> QuickCheckRound | None:
    """The newest closed round (its results are final), else the newest open one."""
    rounds = strategy.rounds.order_by("-created_at")
    return rounds.filter(status=QuickCheckRound.Status.CLOSED).first() or rounds.first()


def _quickcheck(ctx: ReportContext) -> None:
    round_ = latest_round(ctx.strategy)
    ctx.round = round_
    if round_ is None:
        return
    criteria = list(round_.criteria.order_by("order", "pk"))
    fields = list(round_.fields.order_by("order", "name"))
    values = [
        aggregation.Value(
            participant=s.rating.authority_id,
            field=s.rating.field_id,
            criterion=s.criterion_id,
            value=s.value,
        )
        for s in Score.objects.filter(rating__round=round_).select_related("rating")
    ]
    results = aggregation.field_stats(values, round_.scale_min, round_.scale_max)
    rule = aggregation.TierRule(round_.tier_one_min, round_.tier_two_min)
    tier_criteria = [c.pk for c in criteria if c.counts_for_tier]
    proposed = aggregation.proposed_tiers(results, [f.pk for f in fields], tier_criteria, rule)
    decisions = {d.field_id: d for d in TierDecision.objects.filter(round=round_)}
    tier_names = dict(Tier.choices)
    rows: list[list[Any]] = []
    points: list[Point] = []
    for f in fields:
        by_criterion = results.get(f.pk, {})
        means = [by_criterion[c.pk].mean_float if c.pk in by_criterion else None for c in criteria]
        count = max((s.count for s in by_criterion.values()), default=0)
        decision = decisions.get(f.pk)
        rows.append(
            [
                f.name,
                *means,
                count,
                _tier_label(tier_names, proposed.get(f.pk)),
                str(tier_names[decision.tier]) if decision else _("offen"),
            ]
        )
        if len(criteria) >= 2 and means[0] is not None and means[1] is not None:
            points.append(Point(f.name, means[0], means[1], decision.tier if decision else None))
    ctx.tables["quickcheck"] = Table(
        key="quickcheck",
        title=_("Quick-Check: Mittelwerte je Handlungsfeld"),
        headers=[
            _("Handlungsfeld"),
            *[c.name for c in criteria],
            _("Bewertungen"),
            _("rechnerische Priorität"),
            _("beschlossene Priorität"),
        ],
        kinds=[TEXT, *[NUMBER1] * len(criteria), INT, TEXT, TEXT],
        rows=rows,
        note=_("Runde „%(title)s“, Skala %(min)s bis %(max)s.")
        % {"title": round_.title, "min": round_.scale_min, "max": round_.scale_max},
    )
    if len(criteria) >= 2 and points:
        groups = {t: str(label) for t, label in Tier.choices}
        ctx.charts["portfolio"] = Chart(
            title=_("Portfolio der Handlungsfelder"),
            svg=portfolio_svg(
                points,
                title=_("Portfolio: %(x)s und %(y)s je Handlungsfeld")
                % {"x": criteria[0].name, "y": criteria[1].name},
                x_label=criteria[0].name,
                y_label=criteria[1].name,
                scale_min=round_.scale_min,
                scale_max=round_.scale_max,
                group_labels=groups,
            ),
            table_key="quickcheck",
            alt=_(
                "Portfolio der Handlungsfelder, waagerecht %(x)s, senkrecht %(y)s "
                "(Skala %(min)s bis %(max)s): "
            )
            % {"x": criteria[0].name, "y": criteria[1].name, "min": round_.scale_min, "max": round_.scale_max}
            + "; ".join(
                f"{p.label} {format_decimal_de(p.x, 1)} / {format_decimal_de(p.y, 1)}"
                + (f" ({groups[p.group]})" if p.group in groups else "")
                for p in points
            ),
            render_png=partial(
                images.portfolio_png,
                points,
                x_label=criteria[0].name,
                y_label=criteria[1].name,
                scale_min=round_.scale_min,
                scale_max=round_.scale_max,
                group_labels=groups,
            ),
        )
    by_tier: dict[int, list[str]] = defaultdict(list)
    for d in sorted(decisions.values(), key=lambda d: (d.tier, d.field.order, d.field.name)):
        by_tier[d.tier].append(d.field.name)
    ctx.priorities = [(str(tier_names[t]), names) for t, names in sorted(by_tier.items())]


def _tier_label(names: dict[int, Any], tier: int | None) -> str:
    return str(names[tier]) if tier else "–"


def _projects(ctx: ReportContext) -> None:
    projects = (
        Project.objects.filter(strategy=ctx.strategy)
        .select_related("field", "lead")
        .order_by("field__order", "title")
    )
    rows = [
        [
            p.title,
            p.field.name,
            p.lead.short_name,
            p.get_status_display(),
            p.starts_on,
            p.ends_on,
            p.estimated_cost,
        ]
        for p in projects
    ]
    total = sum((r[6] or Decimal("0") for r in rows), Decimal("0"))
    ctx.tables["projects"] = Table(
        key="projects",
        title=_("Projekte"),
        headers=[
            _("Projekt"),
            _("Handlungsfeld"),
            _("Federführung"),
            _("Status"),
            _("Beginn"),
            _("Ende"),
            _("geschätzte Kosten"),
        ],
        kinds=[TEXT, TEXT, TEXT, TEXT, DATE, DATE, EURO],
        rows=rows,
        footer=[_("Summe"), "", "", "", None, None, total] if rows else None,
    )


def _budget(ctx: ReportContext, year: int | None) -> None:
    lines = (
        BudgetLine.objects.filter(owner=ctx.authority)
        .select_related("programme")
        .order_by("year", "product", "kind", "title")
    )
    if year is not None:
        lines = lines.filter(year=year)
    rows: list[list[Any]] = []
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal("0"), Decimal("0")])
    for line in lines:
        rows.append(
            [
                line.year,
                line.product,
                line.title,
                line.get_kind_display(),
                line.programme.name if line.programme else line.get_source_display(),
                line.plan,
                line.actual,
            ]
        )
        sums[line.get_kind_display()][0] += line.plan
        sums[line.get_kind_display()][1] += line.actual
    total_plan = sum((r[5] for r in rows), Decimal("0"))
    total_actual = sum((r[6] for r in rows), Decimal("0"))
    ctx.tables["budget"] = Table(
        key="budget",
        title=_("Haushalt %(year)s") % {"year": year} if year else _("Haushalt"),
        headers=[
            _("Jahr"),
            _("Produkt"),
            _("Bezeichnung"),
            _("Art"),
            _("Finanzierung"),
            _("Ansatz"),
            _("Ist"),
        ],
        kinds=[TEXT, TEXT, TEXT, TEXT, TEXT, EURO, EURO],
        rows=rows,
        footer=[_("Summe"), "", "", "", "", total_plan, total_actual] if rows else None,
    )
    if rows:
        bars = [Bar(kind, (plan, actual)) for kind, (plan, actual) in sorted(sums.items())]
        series = [_("Ansatz"), _("Ist")]
        ctx.charts["budget"] = Chart(
            title=_("Ansatz und Ist nach Art"),
            svg=bar_svg(
                bars,
                title=_("Haushalt: Ansatz und Ist nach investiv und konsumtiv in Euro"),
                series=series,
                unit=" €",
            ),
            table_key="budget",
            alt=_("Balkendiagramm Haushalt, Ansatz und Ist nach Art: ")
            + "; ".join(
                f"{b.label}: {series[0]} {format_euro(b.values[0])}, {series[1]} {format_euro(b.values[1])}"
                for b in bars
            ),
            render_png=partial(images.bar_png, bars, series=series, unit=" €"),
        )


def _funding(ctx: ReportContext) -> None:
    applications = (
        FundingApplication.objects.filter(project__strategy=ctx.strategy)
        .select_related("project", "programme")
        .order_by("project__title", "programme__name")
    )
    rows: list[list[Any]] = [
        [
            a.project.title,
            a.programme.name,
            a.get_status_display(),
            a.total_cost,
            a.requested_amount,
            a.granted_amount,
            a.own_share,
            a.submission_deadline,
        ]
        for a in applications
    ]
    footer = None
    if rows:
        footer = [
            _("Summe"),
            "",
            "",
            sum((r[3] for r in rows), Decimal("0")),
            sum((r[4] for r in rows), Decimal("0")),
            sum((r[5] or Decimal("0") for r in rows), Decimal("0")),
            sum((r[6] for r in rows), Decimal("0")),
            None,
        ]
    ctx.tables["funding"] = Table(
        key="funding",
        title=_("Förderanträge"),
        headers=[
            _("Projekt"),
            _("Förderprogramm"),
            _("Status"),
            _("Gesamtkosten"),
            _("beantragt"),
            _("bewilligt"),
            _("Eigenanteil"),
            _("Frist"),
        ],
        kinds=[TEXT, TEXT, TEXT, EURO, EURO, EURO, EURO, DATE],
        rows=rows,
        footer=footer,
        note=_("Eigenanteil = Gesamtkosten − Förderung (bewilligt, sonst beantragt)."),
    )


def _positions(ctx: ReportContext) -> None:
    positions = (
        Position.objects.filter(owner=ctx.authority)
        .select_related("programme")
        .order_by("starts_on", "title")
    )
    rows: list[list[Any]] = [
        [
            p.title,
            p.pay_grade,
            p.fte,
            p.starts_on,
            p.ends_on,
            p.programme.name if p.programme else p.funded_by,
            p.is_filled,
        ]
        for p in positions
    ]
    ctx.tables["positions"] = Table(
        key="positions",
        title=_("Stellenplan"),
        headers=[
            _("Stelle"),
            _("Entgeltgruppe"),
            _("VZÄ"),
            _("ab"),
            _("befristet bis"),
            _("finanziert durch"),
            _("besetzt"),
        ],
        kinds=[TEXT, TEXT, FTE, DATE, DATE, TEXT, TEXT],
        rows=rows,
        footer=[_("Summe"), "", sum((r[2] for r in rows), Decimal("0")), None, None, "", ""]
        if rows
        else None,
    )


def _ozg(ctx: ReportContext) -> None:
    matrix = maturity_matrix(today=ctx.today)
    if matrix is None:
        return
    ctx.ozg_model = matrix.model.name
    summary = matrix.summary()
    rows = [
        [
            r["municipality"].short_name,
            r["services"],
            r["online"],
            r["with_form"],
            r["submissions"],
            r["median_days"],
        ]
        for r in summary
    ]
    ctx.tables["ozg"] = Table(
        key="ozg",
        title=_("OZG-Umsetzung je Stadt und Gemeinde"),
        headers=[
            _("Stadt/Gemeinde"),
            _("Leistungen"),
            _("online"),
            _("mit Online-Formular"),
            _("Online-Anträge (12 Monate)"),
            _("Bearbeitungsdauer (Median, Tage)"),
        ],
        kinds=[TEXT, INT, INT, INT, INT, NUMBER1],
        rows=rows,
        note=_("Stand %(date)s, %(model)s; alphabetisch, keine Rangfolge.")
        % {"date": ctx.today.strftime("%d.%m.%Y"), "model": matrix.model.name},
    )
    # A note explains a column of the table; the online share has no column yet, so it gets no note.
    ctx.ozg_notes = [_("Bearbeitungsdauer: %(explanation)s") % {"explanation": MEDIAN_EXPLANATION}]
    if rows:
        # Measured against the services of each town (4 of 69 is a short bar, not a full one).
        bars = [Bar(r[0], (r[2],), total=r[1]) for r in rows]
        scale = max(r[1] for r in rows) or None
        ctx.charts["ozg"] = Chart(
            title=_("Leistungen online je Stadt und Gemeinde"),
            svg=bar_svg(
                bars,
                title=_("Zahl der online verfügbaren Leistungen je Stadt und Gemeinde"),
                series=[_("Leistungen online")],
                scale_max=scale,
            ),
            table_key="ozg",
            alt=_("Balkendiagramm: online verfügbare Leistungen je Stadt und Gemeinde: ")
            + "; ".join(f"{b.label} {b.values[0]}{of_total_text(b.total)}" for b in bars),
            render_png=partial(images.bar_png, bars, series=[_("Leistungen online")], scale_max=scale),
        )


def report_context(
    *, strategy: Strategy, report: Report | None = None, today: dt.date | None = None
) -> ReportContext:
    """Compute every table and chart of the report for ``strategy`` (texts from ``report``)."""
    strategy = (
        Strategy.objects.select_related("owner").prefetch_related(Prefetch("rounds")).get(pk=strategy.pk)
    )
    ctx = ReportContext(
        report=report, strategy=strategy, authority=strategy.owner, today=today or timezone.localdate()
    )
    _quickcheck(ctx)
    _projects(ctx)
    _budget(ctx, report.budget_year if report else None)
    _funding(ctx)
    _positions(ctx)
    _ozg(ctx)
    ctx.warnings = strategy_warnings(strategy, today=ctx.today)
    return ctx
