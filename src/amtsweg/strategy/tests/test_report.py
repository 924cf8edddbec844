"""The Sachstandsbericht: context, PDF (text extracted with pypdf), DOCX (python-docx), the edit page."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.catalog.tests.factories import KreisScenario, kreis_scenario
from amtsweg.strategy.models import (
    BudgetLine,
    FieldOfAction,
    FundingApplication,
    FundingProgramme,
    Position,
    Project,
    Report,
    Strategy,
)
from amtsweg.strategy.report.context import report_context
from amtsweg.strategy.report.docx import report_docx
from amtsweg.strategy.report.pdf import report_pdf
from amtsweg.strategy.services import (
    rating_save,
    round_close,
    round_open,
    strategy_object_save,
    tier_decision_record,
)
from amtsweg.strategy.tests.test_maturity import maturity_models_create, publish
from amtsweg.testing import fresh_copy, module_world, pdf_accessibility_problems

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)

# (field, Bedeutung per participant, Potenzial per participant, decided tier): Kreis + four towns.
RATINGS = [
    ("Verwaltung", [5, 5, 4, 5, 5], [5, 4, 5, 5, 4], 1),
    ("Bildung", [5, 4, 5, 4, 5], [4, 5, 4, 4, 5], 1),
    ("Mobilität", [4, 3, 4, 3, 4], [3, 4, 3, 3, 4], 2),
    ("Tourismus", [2, 3, 2, 2, 3], [3, 2, 2, 3, 2], 3),
]


@dataclass
class StrategyWorld:
    scenario: KreisScenario
    strategy: Strategy
    fields: dict[str, FieldOfAction]
    project: Project
    report: Report


def save(obj: Any, **m2m: Any) -> Any:
    return strategy_object_save(actor=None, obj=obj, m2m=m2m or None, source="test")


def strategy_world() -> StrategyWorld:
    """Four towns, a closed Quick-Check with decisions, a project, budget, funding and a report."""
    scenario = kreis_scenario()
    maturity_models_create()
    kreis = scenario.kreis
    publish("bau-duelmen", scenario.towns["duelmen"], scenario.services["baugenehmigung"], upload=True)
    strategy = save(
        Strategy(owner=kreis, title="Coesfeld 12.0 – Im Kreis gemeinsam digital", slug="coesfeld-12")
    )
    fields = {
        name: save(FieldOfAction(strategy=strategy, name=name, slug=name.lower().replace("ä", "ae"), order=i))
        for i, (name, *_rest) in enumerate(RATINGS)
    }
    participants = [kreis, *scenario.towns.values()]
    round_ = round_open(
        actor=None,
        strategy=strategy,
        title="Quick-Check 2019",
        fields=fields.values(),
        participants=participants,
    )
    for name, bedeutung, potenzial, _tier in RATINGS:
        for who, b, p in zip(participants, bedeutung, potenzial, strict=True):
            rating_save(
                actor=None,
                round=round_,
                authority=who,
                field=fields[name],
                scores={"bedeutung": b, "potenzial": p},
            )
    round_close(actor=None, round=round_)
    for name, *_values, tier in RATINGS:
        tier_decision_record(
            actor=None, round=round_, field=fields[name], tier=tier, decided_on=dt.date(2019, 11, 11)
        )
    project = save(
        Project(
            strategy=strategy,
            field=fields["Verwaltung"],
            title="Digitales Bürgerbüro",
            slug="digitales-buergerbuero",
            goal="Anträge rund um die Uhr online stellen.",
            lead=kreis,
            status=Project.Status.RUNNING,
            starts_on=dt.date(2020, 3, 1),
            estimated_cost=Decimal("30000.00"),
        )
    )
    programme = save(FundingProgramme(name="Smarte.Land.Regionen", funder=FundingProgramme.Funder.BUND))
    save(
        BudgetLine(
            owner=kreis,
            year=2020,
            product="01.02.01",
            title="Erste Projekte der Digitalisierungsstrategie",
            kind=BudgetLine.Kind.CONSUMPTIVE,
            plan=Decimal("30000.00"),
            actual=Decimal("12345.67"),
        )
    )
    save(
        BudgetLine(
            owner=kreis,
            year=2020,
            product="01.02.01",
            title="Hardware für Pilotprojekte",
            kind=BudgetLine.Kind.INVESTIVE,
            source=BudgetLine.Source.GRANT,
            programme=programme,
            plan=Decimal("20000.00"),
            actual=Decimal("0"),
        )
    )
    save(
        FundingApplication(
            project=project,
            programme=programme,
            applicant=kreis,
            status=FundingApplication.Status.GRANTED,
            total_cost=Decimal("100000.00"),
            requested_amount=Decimal("65000.00"),
            granted_amount=Decimal("60000.00"),
            submission_deadline=dt.date(2021, 3, 31),
        )
    )
    save(
        Position(
            owner=kreis,
            title="Digitalisierungsmanagerin",
            pay_grade="EG 12",
            fte=Decimal("1.00"),
            starts_on=dt.date(2021, 7, 1),
            funded_by="Eigenmittel",
        )
    )
    report = save(
        Report(
            strategy=strategy,
            subject="Digitalisierungsstrategie für den Kreis Coesfeld – Sachstand und Planung",
            number="SV-10-0123",
            committee="Ausschuss für Finanzen, Wirtschaftsförderung und Digitalisierung",
            meeting_on=dt.date(2026, 12, 3),
            decision_proposal=(
                "Der Bericht wird zur Kenntnis genommen.\n\n"
                "Für die Umsetzung werden im Haushaltsjahr 2020 30.000 € "
                "beim Produkt 01.02.01 bereitgestellt."
            ),
            reasoning=(
                "Die Prioritätensetzung aus dem Quick-Check wurde im Workshop bestätigt. "
                "Größere Vorhaben folgen."
            ),
            financial_effects="Die Mittel stehen im Ergebnisplan zur Verfügung.",
            budget_year=2020,
        )
    )
    return StrategyWorld(scenario=scenario, strategy=strategy, fields=fields, project=project, report=report)


@module_world
def _world_built() -> StrategyWorld:
    return strategy_world()


@pytest.fixture
def world(_world_built: StrategyWorld, db: None) -> StrategyWorld:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_world_built)


def test_the_context_computes_results_priorities_and_totals(world: StrategyWorld) -> None:
    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    quick = ctx.tables["quickcheck"]
    verwaltung = next(row for row in quick.rows if row[0] == "Verwaltung")
    assert verwaltung[1] == pytest.approx(4.8)
    assert verwaltung[2] == pytest.approx(4.6)
    assert verwaltung[3] == 5  # five participants
    assert verwaltung[-1] == "Priorität I"
    assert ctx.priorities == [
        ("Priorität I", ["Verwaltung", "Bildung"]),
        ("Priorität II", ["Mobilität"]),
        ("Priorität III", ["Tourismus"]),
    ]
    assert ctx.tables["budget"].footer is not None
    assert ctx.tables["budget"].footer[5] == Decimal("50000.00")
    funding = ctx.tables["funding"].rows[0]
    assert funding[6] == Decimal("40000.00")  # own share = 100.000 − 60.000 granted
    ozg = {row[0]: row for row in ctx.tables["ozg"].rows}
    assert ozg["Dülmen"][2] >= 1
    assert ozg["Senden"][2] == 0
    assert "<svg" in ctx.charts["portfolio"].svg
    assert "Verwaltung" in ctx.charts["portfolio"].svg


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    # Amounts carry a non-breaking space before the euro sign; compare with normal spaces.
    return "\n".join(page.extract_text() or "" for page in reader.pages).replace("\xa0", " ")


def test_the_pdf_is_a_sitzungsvorlage_with_umlauts_figures_and_page_numbers(world: StrategyWorld) -> None:
    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    data = report_pdf(world.report, ctx)
    assert pdf_accessibility_problems(data, title="SV-10-0123") == []
    text = _pdf_text(data)
    for expected in (
        "Kreis Coesfeld",
        "Friedrich-Ebert-Straße 7",
        "Betreff",
        "Digitalisierungsstrategie für den Kreis Coesfeld",
        "SV-10-0123",
        "Sitzungsvorlage",
        "Beschlussvorschlag",
        "Begründung",
        "Finanzielle Auswirkungen",
        "Prioritätensetzung",
        "Priorität I",
        "30.000,00 €",
        "12.345,67 €",
        "40.000,00 €",
        "Förderanträge",
        "Smarte.Land.Regionen",
        "Dülmen",
        "Seite 1 von",
        "Kreis Coesfeld · SV-10-0123",
    ):
        assert expected in text, expected
    # The portfolio's values are text in the table beside the chart image.
    assert text.count("Verwaltung") >= 2


def test_the_docx_has_headings_and_tables(world: StrategyWorld) -> None:
    from docx import Document

    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    document = Document(io.BytesIO(report_docx(world.report, ctx)))
    headings = [
        p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert headings[:4] == ["Sitzungsvorlage SV-10-0123", "Betreff:", "Beschlussvorschlag:", "Begründung:"]
    assert "Fördermittel" in headings
    assert "Finanzielle Auswirkungen:" in headings
    cells = {
        cell.text.replace("\xa0", " ")
        for table in document.tables
        for row in table.rows
        for cell in row.cells
    }
    assert "SV-10-0123" in cells
    assert "30.000,00 €" in cells
    assert "Erste Projekte der Digitalisierungsstrategie" in cells
    assert "Priorität I" in cells
    texts = "\n".join(p.text for p in document.paragraphs)
    assert "Der Bericht wird zur Kenntnis genommen." in texts


def test_the_pdf_renders_as_a_page_image(world: StrategyWorld, tmp_path: Any) -> None:
    """Rendered with pdfium (what a reader sees); the page is not blank."""
    import pypdfium2

    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    pdf = pypdfium2.PdfDocument(report_pdf(world.report, ctx))
    assert len(pdf) >= 2
    image = pdf[0].render(scale=1).to_pil().convert("L")
    darkest, lightest = image.getextrema()
    assert lightest == 255
    assert darkest < 80


# --- pages ----------------------------------------------------------------------------------


@pytest.fixture
def digital(world: StrategyWorld) -> Client:
    user = staff_create("digital", world.scenario.kreis, "digitalisierungsteam")
    return login_verified(Client(), user)


def test_the_digital_team_edits_the_texts_and_downloads_pdf_and_docx(
    world: StrategyWorld, digital: Client
) -> None:
    url = reverse("strategy:report_edit", args=[world.report.pk])
    page = digital.get(url)
    assert page.status_code == 200
    assert "SV-10-0123" in page.content.decode()
    form = {
        "subject": "Sachstand Digitalisierung – Bürgerdienste",
        "number": "SV-10-0124",
        "kind": "sitzungsvorlage",
        "committee": "Kreisausschuss",
        "meeting_on": "03.12.2026",
        "decision_proposal": "Der Bericht wird zur Kenntnis genommen.",
        "reasoning": "Neue Begründung mit Umlauten: äöü ß.",
        "financial_effects": "Keine.",
        "budget_year": "2020",
        "period_start": "",
        "period_end": "",
    }
    response = digital.post(url, form)
    assert response.status_code == 302
    world.report.refresh_from_db()
    assert world.report.number == "SV-10-0124"
    assert world.report.reasoning.endswith("äöü ß.")

    pdf = digital.get(reverse("strategy:report_pdf", args=[world.report.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "SV-10-0124" in _pdf_text(pdf.content)
    docx = digital.get(reverse("strategy:report_docx", args=[world.report.pk]))
    assert docx.status_code == 200
    assert docx.content.startswith(b"PK")


def test_invalid_texts_are_refused_with_a_german_message(world: StrategyWorld, digital: Client) -> None:
    url = reverse("strategy:report_edit", args=[world.report.pk])
    response = digital.post(
        url,
        {"subject": "", "kind": "sitzungsvorlage", "period_start": "01.02.2026", "period_end": "01.01.2026"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Das Ende des Berichtszeitraums liegt vor seinem Beginn." in content
    world.report.refresh_from_db()
    assert world.report.number == "SV-10-0123"


def test_others_may_neither_see_nor_export_the_report(world: StrategyWorld) -> None:
    fachadmin = login_verified(
        Client(), staff_create("fachadmin", world.scenario.kreis, "fachadministration")
    )
    for name in ("report_edit", "report_pdf", "report_docx"):
        assert fachadmin.get(reverse(f"strategy:{name}", args=[world.report.pk])).status_code == 403
    anonymous = Client().get(reverse("strategy:report_pdf", args=[world.report.pk]))
    assert anonymous.status_code == 302
    assert "/anmelden/" in anonymous["Location"]
    # Without the second factor of this session, the role grants nothing.
    user = staff_create("ohne-faktor", world.scenario.kreis, "digitalisierungsteam")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("strategy:report_pdf", args=[world.report.pk])).status_code == 403


def test_a_report_without_number_has_its_subject_as_pdf_title(world: StrategyWorld) -> None:
    """Seen in the demo: a draft without Vorlagen-Nr. had the PDF title " Sachstand …" (leading space),
    which screen readers and the Ratsinformationssystem show as the document's name."""
    from pypdf import PdfReader

    world.report.number = ""
    world.report.save()
    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    metadata = PdfReader(io.BytesIO(report_pdf(world.report, ctx))).metadata
    assert metadata is not None
    assert metadata.title == world.report.subject
