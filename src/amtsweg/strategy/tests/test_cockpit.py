"""The cockpit's start page: the figures that matter at a glance, each linked to its detail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.strategy.cockpit import cockpit_figures
from amtsweg.strategy.models import FundingCall, FundingProgramme
from amtsweg.strategy.tests.test_report import StrategyWorld, strategy_world
from amtsweg.testing import fresh_copy, module_world

pytestmark = pytest.mark.django_db


@module_world
def _world_built() -> StrategyWorld:
    return strategy_world()


@pytest.fixture
def world(_world_built: StrategyWorld, db: None) -> StrategyWorld:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_world_built)


@pytest.fixture
def digital_user(world: StrategyWorld) -> object:
    return staff_create("digital", world.scenario.kreis, "digitalisierungsteam")


def test_the_figures_are_computed_from_the_records(world: StrategyWorld, digital_user: object) -> None:
    today = timezone.localdate()
    programme = FundingProgramme.objects.get(name="Smarte.Land.Regionen")
    FundingCall.objects.create(
        programme=programme, title="Aufruf 2027", deadline=today + dt.timedelta(days=20)
    )
    figures = cockpit_figures(actor=digital_user, strategy=world.strategy, today=today)

    # The running project sits in a field of Priorität I.
    assert figures.tier_columns == ["Priorität I", "Priorität II", "Priorität III", "ohne Priorität"]
    running = next(row for row in figures.status_rows if row.label == "in Umsetzung")
    assert running.counts == [1, 0, 0, 0]
    assert figures.projects_total == 1

    # 2020: 50.000 € planned, 12.345,67 € spent (25 %); 30.000 € own funds, 20.000 € grants (40 %).
    [year] = figures.budget_years
    assert year.year == 2020
    assert year.available == Decimal("50000.00")
    assert year.actual == Decimal("12345.67")
    assert year.used_percent == 25
    assert (year.own, year.grant) == (Decimal("30000.00"), Decimal("20000.00"))
    assert year.grant_percent == 40

    # The next deadline: the call in 20 days; the application's deadline of 2021 is past.
    assert [(d.what, d.days) for d in figures.deadlines] == [("Förderaufruf", 20)]

    # Trend: Dülmen's form was published this month; twelve months are shown.
    assert len(figures.trend) == 12
    assert figures.trend[-1].services_with_form == 1
    assert figures.trend[0].services_with_form == 0

    # Online share: one service online in one town of all (service, town) pairs.
    assert figures.online == 1
    assert figures.pairs is not None
    assert figures.pairs > 1
    assert figures.online_percent == round(100 / figures.pairs)


def test_the_start_page_shows_the_figures_with_links_to_their_details(
    world: StrategyWorld, digital_user: object
) -> None:
    client = login_verified(Client(), digital_user)
    page = client.get(reverse("strategy:home")).content.decode().replace("\xa0", " ")
    assert "Kennzahlen auf einen Blick" in page
    assert "Projekte nach Status und Priorität" in page
    assert "50.000,00 €" in page
    assert "12.345,67 €" in page
    assert "25 %" in page
    assert "20.000,00 € (40 %)" in page
    assert "Nächste Fristen der Förderung" in page
    assert "Leistungen mit Online-Formular" in page
    assert "Online-Anteil" in page
    for name in ("projects", "budget", "funding", "maturity"):
        assert f'href="{reverse(f"strategy:{name}")}"' in page, name


def test_each_figure_links_to_its_own_detail(world: StrategyWorld, digital_user: object) -> None:
    today = timezone.localdate()
    programme = FundingProgramme.objects.get(name="Smarte.Land.Regionen")
    FundingCall.objects.create(
        programme=programme, title="Aufruf 2027", deadline=today + dt.timedelta(days=20)
    )
    client = login_verified(Client(), digital_user)
    page = client.get(reverse("strategy:home")).content.decode()
    projects = reverse("strategy:projects")

    # The count of running projects in fields of Priorität I leads to exactly those projects.
    running = f"{projects}?status=laufend&amp;prioritaet=1"
    assert f'href="{running}" aria-label="1 Projekte „in Umsetzung“, Priorität I">1</a>' in page
    listed = client.get(f"{projects}?status=laufend&prioritaet=1").content.decode()
    assert "1 Projekt mit Status: in Umsetzung, Priorität I." in listed
    assert "Digitales Bürgerbüro" in listed
    none = client.get(f"{projects}?status=geplant&prioritaet=ohne").content.decode()
    assert "Digitales Bürgerbüro" not in none
    assert "0 Projekte mit Status: geplant, ohne Priorität." in none

    # The budget year, the funding deadline and the online share each lead to their own place.
    assert f'href="{reverse("strategy:budget")}#jahr-2020"' in page
    assert 'id="jahr-2020"' in client.get(reverse("strategy:budget")).content.decode()
    assert f'href="{reverse("strategy:funding")}#programm-{programme.pk}">' in page
    assert f'id="programm-{programme.pk}"' in client.get(reverse("strategy:funding")).content.decode()
    assert f'<a class="kern-link" href="{reverse("strategy:maturity")}"><strong>1 von' in page


def test_a_filter_value_that_does_not_exist_gets_a_german_message(
    world: StrategyWorld, digital_user: object
) -> None:
    client = login_verified(Client(), digital_user)
    response = client.get(reverse("strategy:projects"), {"status": "fertig"})
    assert response.status_code == 400
    assert "Diesen Status gibt es nicht" in response.content.decode()
    response = client.get(reverse("strategy:projects"), {"prioritaet": "9"})
    assert response.status_code == 400
    assert "Diese Priorität gibt es nicht" in response.content.decode()


def test_the_cockpit_navigation_links_the_assistants_quality_page(
    world: StrategyWorld, digital_user: object
) -> None:
    client = login_verified(Client(), digital_user)
    page = client.get(reverse("strategy:home")).content.decode()
    assert f'href="{reverse("assistant:quality")}">Qualität des Assistenten</a>' in page
    assert client.get(reverse("assistant:quality")).status_code == 200


def test_the_trend_counts_applications_per_month_in_the_database(
    world: StrategyWorld, digital_user: object
) -> None:
    """One row per month comes back from the database, not one per application (millions in a Land)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from amtsweg.forms.models import FormVersion
    from amtsweg.submissions.models import Submission

    today = timezone.localdate()
    version = FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED).first()
    assert version is not None
    now = timezone.now()
    for number in range(3):
        Submission.objects.create(
            reference=f"AW-TR-{number}",
            idempotency_key=f"tr-{number}",
            form_version=version,
            data={},
            submitted_at=now,
        )
    with CaptureQueriesContext(connection) as captured:
        figures = cockpit_figures(actor=digital_user, strategy=world.strategy, today=today)
    assert figures.trend[-1].submissions == 3
    assert figures.trend[-2].submissions == 0
    on_submissions = [
        q["sql"] for q in captured.captured_queries if 'FROM "submissions_submission"' in q["sql"]
    ]
    assert on_submissions
    assert all("GROUP BY" in sql or "DISTINCT" in sql for sql in on_submissions)
