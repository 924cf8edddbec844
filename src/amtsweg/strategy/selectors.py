"""Reads of the strategy cockpit, filtered by what the acting person may see.

* Staff with ``strategy.view`` for the strategy's owner (the Kreis digital team) see everything of it.
* Participants of a Quick-Check round (``quickcheck.rate`` for a participating authority) see that
  round; while it is open only their own authority's ratings, after it closed the results of all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from amtsweg.access.permissions import Perm, authorities_with, can_manage_strategy, can_view_strategy
from amtsweg.strategy import aggregation
from amtsweg.strategy.models import (
    BudgetLine,
    Criterion,
    FieldOfAction,
    FundingApplication,
    FundingProgramme,
    Position,
    Project,
    QuickCheckRound,
    Rating,
    RoundParticipant,
    Strategy,
    TierDecision,
)

ZERO = Decimal("0.00")


# --- strategies and rounds ----------------------------------------------------------------------


def _rate_authorities(actor: Any) -> set[int] | None:
    return authorities_with(actor, Perm.QUICKCHECK_RATE)


def strategies_for(actor: Any) -> QuerySet[Strategy]:
    """Strategies ``actor`` may read in full (``strategy.view`` for the owner)."""
    ids = authorities_with(actor, Perm.STRATEGY_VIEW)
    qs = Strategy.objects.select_related("owner").order_by("title")
    return qs if ids is None else qs.filter(owner_id__in=ids)


def strategy_for(actor: Any, slug: str | None = None) -> Strategy | None:
    """The strategy ``actor`` works with: by slug, or the first visible one."""
    qs = strategies_for(actor)
    if slug:
        qs = qs.filter(slug=slug)
    return qs.prefetch_related("principles", "fields__goals").first()


def rounds_for(actor: Any) -> QuerySet[QuickCheckRound]:
    """Rounds ``actor`` sees: all rounds of readable strategies plus rounds of its participations."""
    qs = QuickCheckRound.objects.select_related("strategy", "strategy__owner").order_by("-created_at")
    view_ids = authorities_with(actor, Perm.STRATEGY_VIEW)
    rate_ids = _rate_authorities(actor)
    if view_ids is None or rate_ids is None:
        return qs
    return qs.filter(
        Q(strategy__owner_id__in=view_ids) | Q(round_participants__authority_id__in=rate_ids)
    ).distinct()


def round_for(actor: Any, pk: int) -> QuickCheckRound | None:
    return rounds_for(actor).filter(pk=pk).first()


def own_participations(actor: Any, round_: QuickCheckRound) -> list[RoundParticipant]:
    """The participations of ``round_`` for which ``actor`` may rate (usually its own authority)."""
    ids = _rate_authorities(actor)
    qs = round_.round_participants.select_related("authority").order_by("authority__name")
    if ids is not None:
        qs = qs.filter(authority_id__in=ids)
    return list(qs)


def round_criteria(round_: QuickCheckRound) -> list[Criterion]:
    return list(round_.criteria.order_by("order", "pk"))


def round_fields(round_: QuickCheckRound) -> list[FieldOfAction]:
    return list(round_.fields.order_by("order", "name"))


def ratings_visible(actor: Any, round_: QuickCheckRound) -> QuerySet[Rating]:
    """Ratings ``actor`` may read: all of a closed round it sees, else only its own authorities'."""
    qs = Rating.objects.filter(round=round_).select_related("authority", "field").prefetch_related("scores")
    if round_.is_closed and round_for(actor, round_.pk) is not None:
        return qs
    ids = _rate_authorities(actor)
    if ids is None:
        return qs.none() if not round_.is_closed else qs
    return qs.filter(authority_id__in=ids)


def ratings_by_field(ratings: Iterable[Rating]) -> dict[int, dict[str, Any]]:
    """{field id: {"comment": …, "scores": {criterion key: value}}} for filling a rating form."""
    result: dict[int, dict[str, Any]] = {}
    for rating in ratings:
        result[rating.field_id] = {
            "comment": rating.comment,
            "scores": {
                score.criterion.key: score.value for score in rating.scores.select_related("criterion")
            },
        }
    return result


@dataclass(frozen=True)
class Progress:
    participant: RoundParticipant
    rated: int
    total: int

    @property
    def complete(self) -> bool:
        return self.rated >= self.total


def round_progress(round_: QuickCheckRound) -> list[Progress]:
    """How many fields each participant has rated (no values: safe to show while the round is open)."""
    total = round_.fields.count()
    counts: dict[int, int] = defaultdict(int)
    for authority_id in Rating.objects.filter(round=round_).values_list("authority_id", flat=True):
        counts[authority_id] += 1
    return [
        Progress(participant=p, rated=counts[p.authority_id], total=total)
        for p in round_.round_participants.select_related("authority").order_by("authority__name")
    ]


# --- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldResult:
    field: FieldOfAction
    stats: dict[str, aggregation.Stats]  # criterion key → statistics
    score: Fraction | None
    proposed_tier: int | None
    decision: TierDecision | None

    @property
    def score_float(self) -> float | None:
        return None if self.score is None else float(self.score)


@dataclass(frozen=True)
class RoundResults:
    round: QuickCheckRound
    criteria: list[Criterion]
    fields: list[FieldResult]
    participants: list[str]
    # participant name → field id → criterion key → deviation from the mean
    deviations: dict[str, dict[int, dict[str, float]]] = field(default_factory=dict)
    comments: list[tuple[str, str, str]] = field(default_factory=list)  # (field, participant, text)

    @property
    def axes(self) -> tuple[Criterion | None, Criterion | None]:
        """The portfolio chart's axes: the first two criteria (Bedeutung × Potenzial)."""
        first = self.criteria[0] if self.criteria else None
        second = self.criteria[1] if len(self.criteria) > 1 else None
        return first, second


def round_results(round_: QuickCheckRound) -> RoundResults:
    """Statistics, proposals and decisions of a round (callers show it only once it is closed)."""
    criteria = round_criteria(round_)
    fields = round_fields(round_)
    ratings = list(
        Rating.objects.filter(round=round_)
        .select_related("authority", "field")
        .prefetch_related(Prefetch("scores", to_attr="score_list"))
    )
    key_of = {c.pk: c.key for c in criteria}
    values = [
        aggregation.Value(rating.authority.name, rating.field_id, key_of[score.criterion_id], score.value)
        for rating in ratings
        for score in rating.score_list
    ]
    stats = aggregation.field_stats(values, round_.scale_min, round_.scale_max)
    rule = aggregation.TierRule(round_.tier_one_min, round_.tier_two_min)
    tier_keys = [c.key for c in criteria if c.counts_for_tier]
    decisions = {d.field_id: d for d in round_.decisions.select_related("workshop")}
    field_results = []
    for f in fields:
        by_criterion: dict[Hashable, aggregation.Stats] = {str(k): v for k, v in stats.get(f.pk, {}).items()}
        score = aggregation.score(by_criterion, tier_keys)
        field_results.append(
            FieldResult(
                field=f,
                stats={str(k): v for k, v in by_criterion.items()},
                score=score,
                proposed_tier=rule.tier(score),
                decision=decisions.get(f.pk),
            )
        )
    participants = sorted({rating.authority.name for rating in ratings})
    deviations: dict[str, dict[int, dict[str, float]]] = {name: {} for name in participants}
    for f_id, by_criterion in stats.items():
        for key, st in by_criterion.items():
            for who, deviation in st.deviations.items():
                deviations[str(who)].setdefault(int(str(f_id)), {})[str(key)] = float(deviation)
    comments = sorted(
        (rating.field.name, rating.authority.name, rating.comment)
        for rating in ratings
        if rating.comment.strip()
    )
    return RoundResults(round_, criteria, field_results, participants, deviations, comments)


# --- projects, budget, staff, funding -------------------------------------------------------------


def projects_for(actor: Any, strategy: Strategy) -> QuerySet[Project]:
    if not can_view_strategy(actor, strategy.owner_id):
        return Project.objects.none()
    return (
        strategy.projects.select_related("field", "lead")
        .prefetch_related("partners", "services", "milestones", "kpis")
        .order_by("field__order", "title")
    )


def budget_lines_for(actor: Any, owner_ids: Iterable[int] | None = None) -> QuerySet[BudgetLine]:
    ids = authorities_with(actor, Perm.STRATEGY_VIEW)
    qs = BudgetLine.objects.select_related("owner", "programme", "project").order_by(
        "year", "product", "kind"
    )
    if ids is not None:
        qs = qs.filter(owner_id__in=ids)
    if owner_ids is not None:
        qs = qs.filter(owner_id__in=list(owner_ids))
    return qs


@dataclass
class BudgetTotals:
    """Sums of budget lines (one Haushaltsjahr, one project, or all)."""

    plan: Decimal = ZERO
    carry_over: Decimal = ZERO
    commitments: Decimal = ZERO
    actual: Decimal = ZERO
    plan_investive: Decimal = ZERO
    plan_consumptive: Decimal = ZERO
    plan_own: Decimal = ZERO
    plan_grant: Decimal = ZERO
    lines: int = 0

    @property
    def available(self) -> Decimal:
        return self.plan + self.carry_over

    @property
    def remaining(self) -> Decimal:
        return self.available - self.actual

    def add(self, line: BudgetLine) -> None:
        self.plan += line.plan
        self.carry_over += line.carry_over
        self.commitments += line.commitments
        self.actual += line.actual
        if line.kind == BudgetLine.Kind.INVESTIVE:
            self.plan_investive += line.plan
        else:
            self.plan_consumptive += line.plan
        if line.source == BudgetLine.Source.GRANT:
            self.plan_grant += line.plan
        else:
            self.plan_own += line.plan
        self.lines += 1


def budget_totals(lines: Iterable[BudgetLine]) -> BudgetTotals:
    totals = BudgetTotals()
    for line in lines:
        totals.add(line)
    return totals


def budget_totals_by_year(lines: Iterable[BudgetLine]) -> dict[int, BudgetTotals]:
    """{Haushaltsjahr: totals}, years ascending."""
    result: dict[int, BudgetTotals] = {}
    for line in sorted(lines, key=lambda x: x.year):
        result.setdefault(line.year, BudgetTotals()).add(line)
    return result


def budget_totals_by_project(lines: Iterable[BudgetLine]) -> dict[Project | None, BudgetTotals]:
    """{project (None: lines without a project): totals}."""
    result: dict[Project | None, BudgetTotals] = {}
    for line in lines:
        result.setdefault(line.project, BudgetTotals()).add(line)
    return result


def positions_for(actor: Any) -> QuerySet[Position]:
    ids = authorities_with(actor, Perm.STRATEGY_VIEW)
    qs = Position.objects.select_related("owner", "programme", "project").order_by("starts_on", "title")
    return qs if ids is None else qs.filter(owner_id__in=ids)


def fte_total(positions: Iterable[Position]) -> Decimal:
    return sum((p.fte for p in positions), ZERO)


def programmes() -> QuerySet[FundingProgramme]:
    return FundingProgramme.objects.prefetch_related("calls").order_by("name")


def applications_for(actor: Any, strategy: Strategy) -> QuerySet[FundingApplication]:
    if not can_view_strategy(actor, strategy.owner_id):
        return FundingApplication.objects.none()
    return (
        FundingApplication.objects.filter(project__strategy=strategy)
        .select_related("project", "programme", "call", "applicant")
        .order_by("project__title", "programme__name")
    )


def may_manage(actor: Any, strategy: Strategy) -> bool:
    return can_manage_strategy(actor, strategy.owner_id)
