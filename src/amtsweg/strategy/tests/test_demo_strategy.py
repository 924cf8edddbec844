"""The demo strategy reproduces the published 2019 result and the budget of the council documents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from amtsweg.demo.loader import load_demo
from amtsweg.demo.strategy import RATINGS
from amtsweg.strategy.models import BudgetLine, FundingApplication, QuickCheckRound, Rating
from amtsweg.strategy.selectors import budget_totals_by_year, round_results

PUBLISHED = {
    "Verwaltung": 1,
    "Bildung": 1,
    "Wirtschaft": 2,
    "Innenstadt/Dorfmitte": 2,
    "Mobilität": 2,
    "Tourismus": 3,
    "Kultur": 3,
    "Gesundheit": 3,
}


def test_demo_ratings_are_twelve_digits_on_the_scale() -> None:
    for importance, potential in RATINGS.values():
        assert len(importance) == len(potential) == 12
        assert set(importance + potential) <= set("12345")


@pytest.mark.django_db
def test_demo_reproduces_the_2019_priorities_and_budget(demo_db: dict[str, int]) -> None:
    round_ = QuickCheckRound.objects.get(title="Quick-Check 2019")
    assert round_.is_closed
    results = round_results(round_)
    assert {r.field.name: r.proposed_tier for r in results.fields} == PUBLISHED
    assert {r.field.name: r.decision.tier for r in results.fields if r.decision} == PUBLISHED
    assert len(results.participants) == 12
    by_year = budget_totals_by_year(BudgetLine.objects.all())
    assert by_year[2020].plan == Decimal("30000")
    assert BudgetLine.objects.get(year=2020).product == "01.02.01"
    y2021 = by_year[2021]
    assert (y2021.plan_own, y2021.plan_grant) == (Decimal("300000"), Decimal("500000"))
    own_investive = BudgetLine.objects.filter(year=2021, source="eigenmittel", kind="investiv").get()
    assert own_investive.plan == Decimal("150000")
    smart = FundingApplication.objects.get(programme__name="Modellprojekte Smart Cities")
    assert smart.own_share == Decimal("2860000.00")
    ratings = Rating.objects.count()
    load_demo(embeddings=False)  # idempotent
    assert Rating.objects.count() == ratings == 96
    assert QuickCheckRound.objects.count() == 1


@pytest.mark.django_db
def test_the_demo_cockpit_shows_its_figures_and_a_report_a_committee_can_receive(
    demo_db: dict[str, int],
) -> None:
    """``make demo``: the start page has its figures, the invented data is plausible, and a new report
    renders as a complete Sitzungsvorlage without warnings."""
    import io

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from pypdf import PdfReader

    from amtsweg.access.testing import login_verified
    from amtsweg.strategy.models import Report, Strategy
    from amtsweg.strategy.plausibility import strategy_warnings

    strategy = Strategy.objects.get(slug="coesfeld-12-0")
    assert strategy_warnings(strategy) == []
    client = login_verified(Client(), get_user_model().objects.get(username="digital"))
    home = client.get(reverse("strategy:home")).content.decode().replace("\xa0", " ")
    assert "Kennzahlen auf einen Blick" in home
    assert "bitte prüfen" not in home
    assert "800.000,00 €" in home  # 2021: 300.000 € own funds + 500.000 € of the Land
    response = client.post(
        reverse("strategy:report_list"), {"subject": "Sachstand der Digitalisierungsstrategie"}
    )
    report = Report.objects.get(subject="Sachstand der Digitalisierungsstrategie")
    assert response.status_code == 302
    pdf = client.get(reverse("strategy:report_pdf", args=[report.pk]))
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for heading in ("Betreff:", "Beschlussvorschlag:", "Begründung:", "Finanzielle Auswirkungen:"):
        assert heading in text
    assert "zur Kenntnis" in text
    assert "Hinweise zu den Angaben" not in text
