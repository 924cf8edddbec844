"""Deadlines in working days with the public holidays of North Rhine-Westphalia (pure functions).

A working day is Monday to Friday and not a public holiday in NRW (``holidays.Germany(subdiv="NW")``:
New Year, Good Friday, Easter Monday, 1 May, Ascension, Whit Monday, Corpus Christi (Fronleichnam),
3 October, All Saints (Allerheiligen), Christmas Day and Boxing Day). 24 and 31 December are working
days by law; an authority closed on them changes nothing here.

Counting follows § 31 VwVfG with §§ 187 ff. BGB: the day of receipt is not counted; a period ending on
a Saturday, Sunday or holiday ends on the next working day.
"""

from __future__ import annotations

import calendar
import datetime
from functools import cache

import holidays


@cache
def _holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Germany(subdiv="NW", years=year).keys())


def is_holiday(day: datetime.date) -> bool:
    return day in _holidays(day.year)


def holiday_name(day: datetime.date) -> str:
    """The (German) name of the NRW public holiday on ``day``, or an empty string."""
    return str(holidays.Germany(subdiv="NW", years=day.year, language="de").get(day, ""))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and not is_holiday(day)


def next_working_day(day: datetime.date) -> datetime.date:
    """``day`` itself if it is a working day, else the next one."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted).

    ``days=0`` gives ``start`` moved to a working day.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    if days == 0:
        return next_working_day(day)
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def add_months(start: datetime.date, months: int) -> datetime.date:
    """``start`` plus calendar months (§ 188 Abs. 2, 3 BGB: same day number, else the month's last day)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def fiction_date(received: datetime.date, months: int) -> datetime.date:
    """The day the approval is deemed granted (§ 42a VwVfG) if not decided before: ``months`` after
    receipt of the complete application, moved to the next working day (§ 31 Abs. 3 VwVfG)."""
    return next_working_day(add_months(received, months))


def processing_due(received: datetime.date, working_days: int) -> datetime.date:
    """The processing target: ``working_days`` working days after the day of receipt."""
    return add_working_days(received, working_days)
