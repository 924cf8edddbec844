"""Working days with the NRW public holidays (day of receipt not counted, § 31 VwVfG / §§ 187 ff. BGB)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtsweg.cases.deadlines import (
    add_months,
    add_working_days,
    fiction_date,
    holiday_name,
    is_working_day,
    next_working_day,
    processing_due,
    working_days_between,
)

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected", "why"),
    [
        (D(2026, 11, 20), 1, D(2026, 11, 23), "Freitag + 1 → Montag"),
        (D(2026, 11, 21), 1, D(2026, 11, 23), "Eingang am Samstag zählt nicht"),
        (D(2026, 12, 23), 1, D(2026, 12, 24), "Heiligabend ist ein Arbeitstag"),
        (D(2026, 12, 23), 2, D(2026, 12, 28), "1. Weihnachtstag (Fr) und Wochenende"),
        (D(2026, 12, 30), 1, D(2026, 12, 31), "Silvester ist ein Arbeitstag"),
        (D(2026, 12, 30), 2, D(2027, 1, 4), "Neujahr (Fr) und Wochenende, über den Jahreswechsel"),
        (D(2026, 12, 18), 10, D(2027, 1, 5), "zehn Arbeitstage über Weihnachten und Neujahr"),
        (D(2026, 4, 2), 1, D(2026, 4, 7), "Karfreitag, Wochenende, Ostermontag"),
        (D(2026, 6, 3), 1, D(2026, 6, 5), "Fronleichnam (Do) ist in NRW Feiertag"),
        (D(2027, 10, 29), 1, D(2027, 11, 2), "Allerheiligen (Mo) ist in NRW Feiertag"),
        (D(2026, 5, 13), 1, D(2026, 5, 15), "Christi Himmelfahrt"),
        (D(2026, 11, 23), 20, D(2026, 12, 21), "Bearbeitungsziel 20 Arbeitstage"),
        (D(2026, 11, 21), 0, D(2026, 11, 23), "null Tage: auf den nächsten Arbeitstag"),
    ],
)
def test_add_working_days(start: D, days: int, expected: D, why: str) -> None:
    assert add_working_days(start, days) == expected, why


def test_holidays_of_nrw_but_not_of_other_lands() -> None:
    assert holiday_name(D(2026, 6, 4)) == "Fronleichnam"
    assert not is_working_day(D(2027, 11, 1))  # Allerheiligen, Monday
    assert is_working_day(D(2025, 10, 31))  # Reformationstag (Friday): no holiday in NRW
    assert is_working_day(D(2026, 11, 18))  # Buß- und Bettag: only Saxony
    assert is_working_day(D(2026, 1, 6))  # Heilige Drei Könige: not NRW


def test_working_days_between() -> None:
    assert working_days_between(D(2026, 12, 23), D(2027, 1, 4)) == 6
    assert working_days_between(D(2027, 1, 4), D(2026, 12, 23)) == -6
    assert working_days_between(D(2026, 11, 23), D(2026, 11, 23)) == 0


@pytest.mark.parametrize(
    ("received", "months", "expected"),
    [
        (D(2026, 9, 3), 3, D(2026, 12, 3)),
        (D(2026, 9, 25), 3, D(2026, 12, 28)),  # 25.12. holiday, then weekend
        (D(2026, 11, 30), 3, D(2027, 3, 1)),  # 30.2. does not exist → 28.2. (Sunday) → Monday
        (D(2026, 10, 31), 4, D(2027, 3, 1)),  # year end crossed, clamped to February
    ],
)
def test_approval_fiction_date(received: D, months: int, expected: D) -> None:
    assert fiction_date(received, months) == expected


def test_add_months_clamps_to_the_last_day() -> None:
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 1, 1), -1)


@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)), st.integers(min_value=1, max_value=60))
def test_the_result_is_a_working_day_exactly_n_working_days_later(start: D, days: int) -> None:
    due = processing_due(start, days)
    assert is_working_day(due)
    assert working_days_between(start, due) == days
    assert next_working_day(due) == due
