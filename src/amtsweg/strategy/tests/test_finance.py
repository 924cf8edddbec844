"""Budget totals and splits, own share, NKF product validation, reminder dates and idempotency."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from amtsweg.strategy.models import BudgetLine, FundingApplication, FundingProgramme, Project, ReminderSent
from amtsweg.strategy.money import format_euro
from amtsweg.strategy.reminders import reminder_day, reminders_send
from amtsweg.strategy.selectors import budget_totals, budget_totals_by_project, budget_totals_by_year
from amtsweg.strategy.services import strategy_object_save
from amtsweg.strategy.tests.factories import strategy_world
from amtsweg.strategy.validators import validate_pay_grade, validate_product

D = datetime.date


def test_german_money() -> None:
    assert format_euro(Decimal("30000")) == "30.000,00\u00a0€"
    assert format_euro(Decimal("1234567.891")) == "1.234.567,89\u00a0€"
    assert format_euro(Decimal("-5.5")) == "-5,50\u00a0€"


@pytest.mark.parametrize("value", ["01.02.01", "17.99.00", "05.01.10"])
def test_valid_products(value: str) -> None:
    validate_product(value)


@pytest.mark.parametrize("value", ["00.02.01", "18.01.01", "1.02.01", "01.02", "01-02-01", ""])
def test_invalid_products(value: str) -> None:
    with pytest.raises(ValidationError):
        validate_product(value)


def test_pay_grades() -> None:
    for value in ("EG 11", "EG 9b", "A 13", "S 12"):
        validate_pay_grade(value)
    with pytest.raises(ValidationError):
        validate_pay_grade("Stufe 11")


def _line(
    year: int, kind: str, source: str, plan: str, actual: str = "0", project: object = None
) -> BudgetLine:
    return BudgetLine(
        year=year, kind=kind, source=source, plan=Decimal(plan), actual=Decimal(actual), project=project
    )


def test_budget_totals_and_splits_per_year_and_project() -> None:
    p = Project(pk=1, title="P")
    lines = [
        _line(2020, "konsumtiv", "eigenmittel", "30000", "27450"),
        _line(2021, "investiv", "eigenmittel", "150000", project=p),
        _line(2021, "konsumtiv", "eigenmittel", "150000"),
        _line(2021, "investiv", "foerdermittel", "250000", project=p),
        _line(2021, "konsumtiv", "foerdermittel", "250000"),
    ]
    by_year = budget_totals_by_year(lines)
    assert list(by_year) == [2020, 2021]
    assert by_year[2020].plan == Decimal("30000")
    assert by_year[2020].actual == Decimal("27450")
    y2021 = by_year[2021]
    assert (y2021.plan, y2021.plan_investive, y2021.plan_consumptive) == (
        Decimal("800000"),
        Decimal("400000"),
        Decimal("400000"),
    )
    assert (y2021.plan_own, y2021.plan_grant) == (Decimal("300000"), Decimal("500000"))
    assert budget_totals(lines).plan == Decimal("830000")
    by_project = budget_totals_by_project(lines)
    assert by_project[p].plan == Decimal("400000")
    assert by_project[None].plan == Decimal("430000")


def test_own_share_is_total_minus_grant() -> None:
    app = FundingApplication(total_cost=Decimal("8171428.57"), requested_amount=Decimal("5311428.57"))
    assert app.own_share == Decimal("2860000.00")
    app.granted_amount = Decimal("5000000")
    assert app.own_share == Decimal("3171428.57")


@pytest.mark.django_db
def test_grant_lines_need_a_programme_and_only_the_team_writes() -> None:
    world = strategy_world()
    line = BudgetLine(
        owner=world.kreis,
        year=2021,
        product="01.02.01",
        title="Land",
        kind="investiv",
        source="foerdermittel",
    )
    with pytest.raises(ValidationError):
        strategy_object_save(actor=world.digital, obj=line)
    line.programme = FundingProgramme.objects.create(name="Land", funder="land")
    with pytest.raises(PermissionDenied):
        strategy_object_save(actor=world.rater_a, obj=line)
    strategy_object_save(actor=world.digital, obj=line)
    assert BudgetLine.objects.count() == 1


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 11, 14), None),  # 31 days before
        (D(2026, 11, 15), 30),
        (D(2026, 12, 7), 30),
        (D(2026, 12, 8), 7),
        (D(2026, 12, 14), 1),
        (D(2026, 12, 15), 1),  # the deadline itself
        (D(2026, 12, 16), None),  # too late
    ],
)
def test_reminder_days(today: datetime.date, expected: int | None) -> None:
    assert reminder_day(D(2026, 12, 15), today, [30, 7, 1]) == expected


@pytest.mark.django_db
def test_reminders_are_sent_once_to_the_responsible_people() -> None:
    world = strategy_world()
    project = Project.objects.create(
        strategy=world.strategy,
        field=world.fields[0],
        title="Schul-IT",
        slug="schul-it",
        goal="x",
        lead=world.kreis,
    )
    programme = FundingProgramme.objects.create(name="DigitalPakt 2.0", funder="bund-land")
    FundingApplication.objects.create(
        project=project,
        programme=programme,
        applicant=world.kreis,
        total_cost=Decimal("400000"),
        requested_amount=Decimal("200000"),
        submission_deadline=D(2026, 12, 15),
    )
    assert reminders_send(today=D(2026, 11, 1), lead_days=[30, 7, 1]) == 0
    assert reminders_send(today=D(2026, 12, 9), lead_days=[30, 7, 1]) == 1  # missed the 30-day one: only 7
    assert mail.outbox[-1].to == ["digital@amtsweg.example"]  # no responsible: the digital team
    assert "15.12.2026" in mail.outbox[-1].body
    assert reminders_send(today=D(2026, 12, 9), lead_days=[30, 7, 1]) == 0
    assert reminders_send(today=D(2026, 12, 10), lead_days=[30, 7, 1]) == 0
    project.responsible.add(world.rater_a)
    call_command("strategy-reminders", "--heute", "2026-12-14", "--tage", "30,7,1")
    assert mail.outbox[-1].to == ["rater-a@amtsweg.example"]
    assert len(mail.outbox) == 2
    assert list(ReminderSent.objects.order_by("days_before").values_list("days_before", flat=True)) == [1, 7]
