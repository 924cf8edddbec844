"""The monthly roll-up behind the maturity dashboard, the cockpit and the report gives the same figures as
counting the cases and applications directly, and the current month is always counted live."""

from __future__ import annotations

import datetime as dt
import statistics
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amtsweg.cases.models import Case, DecisionLetter
from amtsweg.forms.models import Form
from amtsweg.strategy.maturity import MaturityMatrix, maturity_matrix
from amtsweg.strategy.models import RollupMonth
from amtsweg.strategy.rollup import median_of, rollup_refresh
from amtsweg.strategy.tests.test_maturity import TODAY, at, maturity_world
from amtsweg.submissions.models import Submission
from amtsweg.testing import fresh_copy, module_world

# (town, received, hours until the decision or None, decision letter sent) over several months; some
# decisions fall on the next calendar day after less than 24 hours, some cross a month's end.
CASES = [
    ("duelmen", at(2025, 11, 5), 30, True),  # before the twelve months shown: never counted
    ("duelmen", at(2026, 6, 3), 4 * 24, False),
    ("duelmen", at(2026, 6, 30), 15, True),
    ("duelmen", at(2026, 8, 12), 9 * 24 + 20, False),
    ("duelmen", at(2026, 9, 28), 6 * 24, True),
    ("duelmen", at(2026, 10, 2), 2 * 24, False),
    ("duelmen", at(2026, 10, 20), None, False),
    ("duelmen", at(2026, 11, 2), 24, False),
    ("coesfeld", at(2026, 7, 7), 12 * 24, False),
    ("coesfeld", at(2026, 11, 3), None, False),
    ("senden", at(2026, 9, 9), 3 * 24 + 13, True),
]


def case_create(
    world: dict[str, Any], number: int, town: str, received: dt.datetime, hours: int | None
) -> Case:
    scenario = world["scenario"]
    version = Form.objects.get(key="anmeldung-duelmen").published_version()
    submission = Submission.objects.create(
        reference=f"AW-R-{number}",
        idempotency_key=f"r-{number}",
        form_version=version,
        service=scenario.services["anmeldung"],
        municipality=scenario.towns[town],
        data={},
        submitted_at=received,
        channel=Submission.Channel.WEB if number % 2 else Submission.Channel.FITCONNECT,
    )
    return Case.objects.create(
        reference=submission.reference,
        submission=submission,
        service=scenario.services["anmeldung"],
        authority=scenario.towns[town],
        received_at=received,
        decided_at=received + dt.timedelta(hours=hours) if hours is not None else None,
    )


@module_world
def _world_built() -> dict[str, Any]:
    return _world_with_cases()


@pytest.fixture
def world(_world_built: dict[str, Any], db: None) -> dict[str, Any]:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_world_built)


def _world_with_cases() -> dict[str, Any]:
    world = maturity_world()
    for number, (town, received, hours, letter) in enumerate(CASES):
        case = case_create(world, number, town, received, hours)
        if letter and case.decided_at:
            DecisionLetter.objects.create(case=case, sent_at=case.decided_at)
    return world


def direct_median(town: str | None = None) -> float | None:
    """The median of the calendar days from receipt to decision, counted case by case."""
    start = dt.datetime(2025, 12, 1, tzinfo=timezone.get_current_timezone())
    days = [
        (timezone.localdate(c.decided_at) - timezone.localdate(c.received_at)).days
        for c in Case.objects.filter(received_at__gte=start, decided_at__isnull=False).select_related(
            "submission__municipality"
        )
        if town is None or c.submission.municipality.short_name == town
    ]
    return round(statistics.median(days), 1) if days else None


def figures(matrix: MaturityMatrix | None) -> dict[str, Any]:
    assert matrix is not None
    return {
        "cells": {
            key: (cell.monthly, cell.by_channel, cell.met, cell.level, cell.median_processing_days)
            for key, cell in matrix.cells.items()
        },
        "summary": [
            (r["municipality"].pk, r["online"], r["submissions"], r["median_days"]) for r in matrix.summary()
        ],
    }


def test_the_dashboard_from_the_roll_up_equals_the_direct_computation(world: dict[str, Any]) -> None:
    s, t = world["scenario"].services, world["scenario"].towns
    live = maturity_matrix(model=world["ozg"], today=TODAY)
    assert not RollupMonth.objects.exists()

    assert rollup_refresh(today=TODAY) == 13
    with CaptureQueriesContext(connection) as captured:
        rolled = maturity_matrix(model=world["ozg"], today=TODAY)

    assert figures(rolled) == figures(live)
    assert rolled is not None
    duelmen = rolled.cell(s["anmeldung"], t["duelmen"])
    # Calendar days 4, 1, 10, 6, 2, 1 (the January case is older than twelve months, the open one waits).
    assert duelmen.median_processing_days == direct_median("Dülmen") == 3.0
    assert duelmen.met["digital_decision"]
    assert not rolled.cell(s["anmeldung"], t["coesfeld"]).met["digital_decision"]
    summary = {row["municipality"].short_name: row for row in rolled.summary()}
    assert summary["Coesfeld"]["median_days"] == direct_median("Coesfeld") == 12.0
    assert summary["Senden"]["median_days"] == direct_median("Senden") == 3.0  # 3 days 13 hours
    assert (
        sum(duelmen.monthly)
        == Submission.objects.filter(
            municipality=t["duelmen"],
            service=s["anmeldung"],
            submitted_at__gte=dt.datetime(2025, 12, 1, tzinfo=timezone.get_current_timezone()),
        ).count()
    )
    # Only the current month is still read from the case table.
    on_cases = [q["sql"] for q in captured.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert len(on_cases) == 1


def test_a_new_case_counts_at_once_in_the_current_month_and_in_closed_months_after_the_refresh(
    world: dict[str, Any],
) -> None:
    s, t = world["scenario"].services, world["scenario"].towns
    rollup_refresh(today=TODAY)

    # A decision today on a case of this month is counted live, without waiting for the job.
    case_create(world, 100, "coesfeld", at(2026, 11, 4), 24)
    matrix = maturity_matrix(model=world["ozg"], today=TODAY)
    assert matrix is not None
    assert matrix.cell(s["anmeldung"], t["coesfeld"]).median_processing_days == 6.5  # 12 and 1 days
    assert matrix.cell(s["anmeldung"], t["coesfeld"]).monthly[-1] == 2

    # A case of a closed month (recorded late, e.g. an import) counts from the next refresh on.
    case_create(world, 101, "coesfeld", at(2026, 8, 4), 5 * 24)
    before = maturity_matrix(model=world["ozg"], today=TODAY)
    assert before is not None
    assert before.cell(s["anmeldung"], t["coesfeld"]).median_processing_days == 6.5
    rollup_refresh(today=TODAY)
    after = maturity_matrix(model=world["ozg"], today=TODAY)
    assert after is not None
    assert (
        after.cell(s["anmeldung"], t["coesfeld"]).median_processing_days == 5.0 == direct_median("Coesfeld")
    )
    assert after.cell(s["anmeldung"], t["coesfeld"]).monthly[8] == 1  # August


def test_months_roll_over_and_old_months_are_dropped(world: dict[str, Any]) -> None:
    rollup_refresh(today=TODAY)
    rollup_refresh(today=dt.date(2027, 2, 1))
    months = list(RollupMonth.objects.values_list("month", flat=True))
    assert months[0] == dt.date(2026, 1, 1)
    assert months[-1] == dt.date(2027, 1, 1)
    assert len(months) == 13
    later = maturity_matrix(model=world["ozg"], today=dt.date(2027, 2, 1))
    RollupMonth.objects.all().delete()
    assert figures(later) == figures(maturity_matrix(model=world["ozg"], today=dt.date(2027, 2, 1)))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([3], 3.0),
        ([1, 2], 1.5),
        ([1, 1, 10], 1.0),
        ([4, 1, 10, 6, 2, 1], 3.0),
        ([0, 5, 5, 9], 5.0),
    ],
)
def test_the_median_of_a_histogram_is_the_median_of_its_values(
    values: list[int], expected: float | None
) -> None:
    histogram: dict[int, int] = {}
    for value in values:
        histogram[value] = histogram.get(value, 0) + 1
    assert median_of(histogram) == expected
    if values:
        assert median_of(histogram) == round(statistics.median(values), 1)
