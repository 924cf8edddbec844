"""Monthly roll-up of cases and applications for the maturity dashboard, the cockpit and the report.

The pages need, per (service, town, month): the applications by channel, the cases received and the
calendar days each took to its decision, and whether its decision letter went out digitally. Counting
these over the case table costs time in proportion to the last twelve months' cases (about a minute at
10 M cases), so :func:`rollup_refresh` stores them for the *closed* months (the periodic job
``strategy.rollup``, daily) and :func:`case_rows` / :func:`submission_rows` read the stored months and
count only the current month – and any month not built yet – live. Durations are kept as a histogram in
whole calendar days, so a median over any span of months is exact (decision 0030).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, DurationField, Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from amtsweg.cases.models import Case, DecisionLetter
from amtsweg.strategy.models import CaseMonth, RollupMonth, SubmissionMonth
from amtsweg.submissions.models import Submission

logger = logging.getLogger("amtsweg.strategy")

MONTHS_KEPT = 13  # the dashboard shows twelve months; one more so a month's change never leaves a gap


@dataclass(frozen=True)
class CaseRow:
    month: dt.date
    service_id: int
    municipality_id: int
    days: int | None
    cases: int
    delivered: int


@dataclass(frozen=True)
class SubmissionRow:
    month: dt.date
    service_id: int | None
    municipality_id: int | None
    channel: str
    count: int


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + 1, 1, 1) if month.month == 12 else dt.date(month.year, month.month + 1, 1)


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _days(value: dt.timedelta | int | None) -> int | None:
    if value is None:
        return None
    return value.days if isinstance(value, dt.timedelta) else int(value)


def _live_cases(start: dt.date, end: dt.date, service_ids: Iterable[int] | None = None) -> Iterator[CaseRow]:
    """Count the cases received in [start, end) from the case table, grouped in the database."""
    cases = Case.objects.filter(
        service__isnull=False,  # a case without a service (not routed yet) has no cell on the dashboard
        submission__municipality__isnull=False,
        received_at__gte=_aware(start),
        received_at__lt=_aware(end),
    )
    if service_ids is not None:
        cases = cases.filter(service_id__in=list(service_ids))
    days = ExpressionWrapper(TruncDate("decided_at") - TruncDate("received_at"), output_field=DurationField())
    sent = DecisionLetter.objects.filter(case=OuterRef("pk"), sent_at__isnull=False)
    rows = (
        cases.annotate(month=TruncMonth("received_at"), days=days, sent=Exists(sent))
        .values("month", "service_id", "submission__municipality_id", "days")
        .annotate(n=Count("pk"), delivered=Count("pk", filter=Q(sent=True)))
        .order_by()
    )
    for row in rows:
        yield CaseRow(
            month=_as_date(row["month"]),
            service_id=row["service_id"],
            municipality_id=row["submission__municipality_id"],
            days=_days(row["days"]),
            cases=row["n"],
            delivered=row["delivered"],
        )


def _live_submissions(start: dt.date, end: dt.date) -> Iterator[SubmissionRow]:
    rows = (
        Submission.objects.filter(submitted_at__gte=_aware(start), submitted_at__lt=_aware(end))
        .annotate(month=TruncMonth("submitted_at"))
        .values("month", "service_id", "municipality_id", "channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        yield SubmissionRow(
            month=_as_date(row["month"]),
            service_id=row["service_id"],
            municipality_id=row["municipality_id"],
            channel=row["channel"],
            count=row["n"],
        )


def _built(start: dt.date, end: dt.date) -> list[dt.date]:
    return list(RollupMonth.objects.filter(month__gte=start, month__lt=end).values_list("month", flat=True))


def _live_spans(start: dt.date, end: dt.date, built: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """The runs of months in [start, end) that are not built (merged, so one query per run)."""
    spans: list[tuple[dt.date, dt.date]] = []
    month = start
    built_set = set(built)
    while month < end:
        if month not in built_set:
            if spans and spans[-1][1] == month:
                spans[-1] = (spans[-1][0], next_month(month))
            else:
                spans.append((month, next_month(month)))
        month = next_month(month)
    return spans


def case_rows(start: dt.date, end: dt.date, service_ids: Iterable[int] | None = None) -> list[CaseRow]:
    """Cases received in the months [start, end): stored months from the roll-up, the others live."""
    ids = list(service_ids) if service_ids is not None else None
    built = _built(start, end)
    stored = CaseMonth.objects.filter(month__in=built)
    if ids is not None:
        stored = stored.filter(service_id__in=ids)
    rows = [
        CaseRow(r.month, r.service_id, r.municipality_id, r.days, r.cases, r.delivered)
        for r in stored.order_by().iterator(chunk_size=5000)
    ]
    for span_start, span_end in _live_spans(start, end, built):
        rows.extend(_live_cases(span_start, span_end, ids))
    return rows


def submission_rows(start: dt.date, end: dt.date) -> list[SubmissionRow]:
    """Applications submitted in the months [start, end): stored months from the roll-up, the others live."""
    built = _built(start, end)
    rows = [
        SubmissionRow(r.month, r.service_id, r.municipality_id, r.channel, r.count)
        for r in SubmissionMonth.objects.filter(month__in=built).order_by().iterator(chunk_size=5000)
    ]
    for span_start, span_end in _live_spans(start, end, built):
        rows.extend(_live_submissions(span_start, span_end))
    return rows


def rollup_refresh(*, today: dt.date | None = None, months: int = MONTHS_KEPT) -> int:
    """Rebuild the roll-up of the last ``months`` closed months (the current one stays live); drop older ones.

    Every closed month is rebuilt, not only the last: a case received in October may be decided in
    December, which changes October's durations. Each month is replaced in its own transaction, so the
    pages always see a month either whole from the roll-up or counted live. Returns the months built.
    The work is one grouped query per table over the months, the memory the number of groups (services ×
    towns × months × distinct durations), not the number of cases.
    """
    today = today or timezone.localdate()
    current = month_start(today)
    first = current
    for _i in range(months):
        first = month_start(first - dt.timedelta(days=1))
    # One grouped pass over each table for all the months (a scan per month would cost thirteen), then
    # each month replaced on its own.
    cases_by_month: dict[dt.date, list[CaseMonth]] = defaultdict(list)
    for r in _live_cases(first, current):
        cases_by_month[r.month].append(
            CaseMonth(
                month=r.month,
                service_id=r.service_id,
                municipality_id=r.municipality_id,
                days=r.days,
                cases=r.cases,
                delivered=r.delivered,
            )
        )
    submissions_by_month: dict[dt.date, list[SubmissionMonth]] = defaultdict(list)
    for s in _live_submissions(first, current):
        submissions_by_month[s.month].append(
            SubmissionMonth(
                month=s.month,
                service_id=s.service_id,
                municipality_id=s.municipality_id,
                channel=s.channel,
                count=s.count,
            )
        )
    month = first
    built = 0
    while month < current:
        with transaction.atomic():
            CaseMonth.objects.filter(month=month).delete()
            SubmissionMonth.objects.filter(month=month).delete()
            CaseMonth.objects.bulk_create(cases_by_month.get(month, []), batch_size=2000)
            SubmissionMonth.objects.bulk_create(submissions_by_month.get(month, []), batch_size=2000)
            RollupMonth.objects.update_or_create(month=month, defaults={"refreshed_at": timezone.now()})
        built += 1
        month = next_month(month)
    with transaction.atomic():
        CaseMonth.objects.filter(Q(month__lt=first) | Q(month__gte=current)).delete()
        SubmissionMonth.objects.filter(Q(month__lt=first) | Q(month__gte=current)).delete()
        RollupMonth.objects.filter(Q(month__lt=first) | Q(month__gte=current)).delete()
    logger.info("Monatsübersicht aktualisiert: %s Monate", built)
    return built


def median_of(histogram: dict[int, int]) -> float | None:
    """The exact median of values given as {value: how often} (the mean of the two middle values, as
    :func:`statistics.median`), rounded to one decimal; ``None`` for no values."""
    total = sum(histogram.values())
    if not total:
        return None
    lower_pos, upper_pos = (total - 1) // 2, total // 2
    lower: int | None = None
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if lower is None and seen > lower_pos:
            lower = value
        if seen > upper_pos:
            return round(((lower if lower is not None else value) + value) / 2, 1)
    return None  # not reached: the positions lie within the total
