"""Plausibility warnings: the four cases of the issue (and an overspent line) are saved but reported – after
saving in the cockpit and in the admin, on the cockpit's start page and in the Sachstandsbericht; what is
impossible (an end before the start) is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified
from amtsweg.strategy.models import BudgetLine, FundingApplication, FundingProgramme, Project, Report
from amtsweg.strategy.plausibility import strategy_warnings, warnings_for
from amtsweg.strategy.report.context import report_context
from amtsweg.strategy.report.docx import report_docx
from amtsweg.strategy.services import strategy_object_save
from amtsweg.strategy.tests.factories import StrategyWorld, strategy_world
from amtsweg.testing import fresh_copy, module_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


def save(obj: Any) -> Any:
    return strategy_object_save(actor=None, obj=obj, source="test")


@module_world
def _world_built() -> StrategyWorld:
    return strategy_world()


@pytest.fixture
def world(_world_built: StrategyWorld, db: None) -> StrategyWorld:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_world_built)


def project(world: StrategyWorld, **values: Any) -> Project:
    defaults: dict[str, Any] = {
        "strategy": world.strategy,
        "field": world.fields[0],
        "title": "Gemeinsame OZG-Onlinedienste",
        "slug": "ozg",
        "goal": "Leistungen online anbieten.",
        "lead": world.kreis,
        "status": Project.Status.RUNNING,
        "estimated_cost": Decimal("450000"),
    }
    return save(Project(**(defaults | values)))


def programme(name: str = "Modellprojekte Smart Cities") -> FundingProgramme:
    return save(FundingProgramme(name=name, funder=FundingProgramme.Funder.BUND))


def line(world: StrategyWorld, plan: str, *, project: Project | None = None, **values: Any) -> BudgetLine:
    defaults: dict[str, Any] = {
        "owner": world.kreis,
        "year": 2021,
        "product": "01.02.01",
        "title": "Eigenmittel Digitalisierung (konsumtiv)",
        "kind": BudgetLine.Kind.CONSUMPTIVE,
        "plan": Decimal(plan),
        "project": project,
    }
    return save(BudgetLine(**(defaults | values)))


def codes(world: StrategyWorld) -> list[str]:
    return [w.code for w in strategy_warnings(world.strategy, today=TODAY)]


def test_a_plausible_portfolio_has_no_warnings(world: StrategyWorld) -> None:
    p = project(world, estimated_cost=Decimal("300000"), ends_on=dt.date(2027, 12, 31))
    line(world, "150000", project=p)
    line(
        world,
        "150000",
        project=p,
        title="Landesmittel",
        source=BudgetLine.Source.GRANT,
        programme=programme(),
    )
    assert codes(world) == []


def test_an_application_of_8_17_million_for_a_450_000_euro_project(world: StrategyWorld) -> None:
    p = project(world, ends_on=dt.date(2027, 12, 31))
    application = save(
        FundingApplication(
            project=p,
            programme=programme(),
            applicant=world.kreis,
            status=FundingApplication.Status.PLANNED,
            total_cost=Decimal("8171428.57"),
            requested_amount=Decimal("5311428.57"),
        )
    )
    warnings = strategy_warnings(world.strategy, today=TODAY)
    assert [w.code for w in warnings] == ["application-exceeds-project"]
    message = warnings[0].message.replace("\xa0", " ")
    assert "8.171.428,57 €" in message
    assert "450.000,00 €" in message
    assert warnings[0].subject == application
    # Shown when the application or its project is saved.
    assert warnings_for(application, strategy=world.strategy, today=TODAY) == warnings
    assert warnings_for(p, strategy=world.strategy, today=TODAY) == warnings


def test_a_project_that_ended_on_31_12_2025_but_is_still_in_umsetzung(world: StrategyWorld) -> None:
    project(world, starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2025, 12, 31))
    warnings = strategy_warnings(world.strategy, today=TODAY)
    assert [w.code for w in warnings] == ["project-overdue"]
    assert "31.12.2025" in warnings[0].message
    assert "„in Umsetzung“" in warnings[0].message
    # Finished projects are not reported.
    Project.objects.update(status=Project.Status.DONE)
    assert codes(world) == []


def test_300_000_euro_of_projects_against_a_150_000_euro_budget_line(world: StrategyWorld) -> None:
    p = project(world, title="IT-Support für Schulen", slug="it", estimated_cost=Decimal("300000"))
    budget_line = line(world, "150000", project=p)
    warnings = strategy_warnings(world.strategy, today=TODAY)
    assert [w.code for w in warnings] == ["budget-short"]
    message = warnings[0].message.replace("\xa0", " ")
    assert "300.000,00 €" in message
    assert "150.000,00 €" in message
    assert "2021 01.02.01 Eigenmittel Digitalisierung (konsumtiv)" in message
    # Saving the budget line shows it too.
    assert warnings_for(budget_line, strategy=world.strategy, today=TODAY) == warnings


def test_more_budget_than_the_project_costs(world: StrategyWorld) -> None:
    p = project(world)
    line(world, "150000", project=p)
    line(
        world,
        "500000",
        project=p,
        title="Landesmittel",
        source=BudgetLine.Source.GRANT,
        programme=programme(),
    )
    assert codes(world) == ["budget-exceeds-project"]


def test_own_share_and_grants_that_do_not_add_up(world: StrategyWorld) -> None:
    """A granted application leaves 200.000 € own share; the budget holds 150.000 € own funds for it."""
    p = project(world, estimated_cost=Decimal("400000"))
    line(world, "150000", project=p)
    line(world, "250000", project=p, title="Förderung", source=BudgetLine.Source.GRANT, programme=programme())
    save(
        FundingApplication(
            project=p,
            programme=programme("DigitalPakt 2.0"),
            applicant=world.kreis,
            status=FundingApplication.Status.GRANTED,
            total_cost=Decimal("400000"),
            requested_amount=Decimal("250000"),
            granted_amount=Decimal("200000"),
        )
    )
    warnings = strategy_warnings(world.strategy, today=TODAY)
    assert [w.code for w in warnings] == ["own-share-uncovered"]
    message = warnings[0].message.replace("\xa0", " ")
    assert "Eigenanteil und Förderung gehen nicht auf" in message
    assert "200.000,00 € Eigenanteil" in message
    assert "150.000,00 € Eigenmittel" in message


def test_a_line_spent_beyond_its_plan(world: StrategyWorld) -> None:
    line(world, "30000", actual=Decimal("31000"))
    assert codes(world) == ["budget-overspent"]
    BudgetLine.objects.update(carry_over=Decimal("2000"))
    assert codes(world) == []


# --- where the warnings appear -----------------------------------------------------------------------


@pytest.fixture
def digital(world: StrategyWorld) -> Client:
    return login_verified(Client(), world.digital)


def _project_form(world: StrategyWorld, **values: str) -> dict[str, str]:
    return {
        "title": "Gemeinsame OZG-Onlinedienste",
        "slug": "ozg",
        "field": str(world.fields[0].pk),
        "goal": "Leistungen online anbieten.",
        "description": "",
        "lead": str(world.kreis.pk),
        "status": "laufend",
        "starts_on": "01.01.2021",
        "ends_on": "31.12.2025",
        "expected_benefit": "",
        "estimated_cost": "450.000,00",
    } | values


def test_saving_an_implausible_project_in_the_cockpit_warns_but_saves(
    world: StrategyWorld, digital: Client
) -> None:
    response = digital.post(
        reverse("strategy:record_create", args=["projekt"]), _project_form(world), follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "wurde gespeichert" in page
    assert "kern-alert--warning" in page
    assert "Das geplante Ende war der 31.12.2025" in page
    assert Project.objects.filter(slug="ozg").exists()


def test_an_end_before_the_start_is_refused(world: StrategyWorld, digital: Client) -> None:
    response = digital.post(
        reverse("strategy:record_create", args=["projekt"]),
        _project_form(world, starts_on="01.01.2026", ends_on="31.12.2025"),
    )
    assert response.status_code == 400
    assert "Das Ende liegt vor dem Beginn." in response.content.decode()
    assert not Project.objects.exists()


def test_the_admin_warns_after_saving_a_project(world: StrategyWorld, digital: Client) -> None:
    p = project(world, starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2025, 12, 31))
    url = reverse("admin:strategy_project_change", args=[p.pk])
    form = _project_form(world) | {
        "strategy": str(world.strategy.pk),
        "estimated_cost": "450000",
        "starts_on": "2021-01-01",
        "ends_on": "2025-12-31",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "kpis-TOTAL_FORMS": "0",
        "kpis-INITIAL_FORMS": "0",
        "kpis-MIN_NUM_FORMS": "0",
        "kpis-MAX_NUM_FORMS": "1000",
    }
    response = digital.post(url, form, follow=True)
    assert response.status_code == 200, response.content.decode()[:3000]
    texts = [str(m) for m in response.context["messages"]]
    assert any("Das geplante Ende war der 31.12.2025" in t for t in texts), texts


def test_the_start_page_lists_the_warnings_with_a_link_to_fix(world: StrategyWorld, digital: Client) -> None:
    p = project(world, starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2025, 12, 31))
    page = digital.get(reverse("strategy:home")).content.decode()
    assert "1 Angabe bitte prüfen" in page
    assert "Das geplante Ende war der 31.12.2025" in page
    assert reverse("strategy:record_edit", args=["projekt", p.pk]) in page


def test_the_report_names_the_warnings(world: StrategyWorld) -> None:
    import io

    from docx import Document

    project(world, starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2025, 12, 31))
    report = save(Report(strategy=world.strategy, subject="Sachstand"))
    ctx = report_context(strategy=world.strategy, report=report, today=TODAY)
    document = Document(io.BytesIO(report_docx(report, ctx)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Hinweise zu den Angaben" in text
    assert "Das geplante Ende war der 31.12.2025" in text
