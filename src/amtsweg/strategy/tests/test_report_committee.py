"""The Sachstandsbericht as a committee receives it: the structure of a Sitzungsvorlage, the same charts in
PDF and DOCX (images with alternative text, the data table beside each), bars to scale, the reporting
period, notes only for columns that exist, the whole subject in the file name.

Each test reads the documents as a committee member's software does (pypdf, python-docx, pixels).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.strategy.charts import PALETTE, Bar, bar_svg
from amtsweg.strategy.report.context import report_context
from amtsweg.strategy.report.docx import report_docx
from amtsweg.strategy.report.pdf import report_pdf
from amtsweg.strategy.tests.test_report import TODAY, StrategyWorld, _pdf_text, strategy_world
from amtsweg.testing import fresh_copy, module_world


def _world_with_period() -> StrategyWorld:
    world = strategy_world()
    world.report.period_start = dt.date(2026, 1, 1)
    world.report.period_end = dt.date(2026, 11, 30)
    world.report.save()
    return world


@module_world
def _world_built() -> StrategyWorld:
    return _world_with_period()


@pytest.fixture
def world(_world_built: StrategyWorld, db: None) -> StrategyWorld:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_world_built)


def _docx(world: StrategyWorld) -> Any:
    from docx import Document

    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    return Document(io.BytesIO(report_docx(world.report, ctx)))


def _body_items(document: Any) -> list[tuple[str, Any]]:
    """The DOCX body in reading order: ("p", paragraph) and ("table", table)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    items: list[tuple[str, Any]] = []
    for child in document.element.body.iterchildren():
        if child.tag.endswith("}p"):
            items.append(("p", Paragraph(child, document)))
        elif child.tag.endswith("}tbl"):
            items.append(("table", Table(child, document)))
    return items


def _cells(table: Any) -> list[str]:
    return [cell.text.replace("\xa0", " ") for row in table.rows for cell in row.cells]


# --- the DOCX has the charts of the PDF -------------------------------------------------------------


def test_the_docx_has_the_charts_of_the_pdf_as_images_with_alt_text_and_the_table_beside(
    world: StrategyWorld,
) -> None:
    from pypdf import PdfReader

    document = _docx(world)
    shapes = document.inline_shapes
    # Portfolio, budget, OZG – as in the PDF.
    assert len(shapes) == 3
    alts = [shape._inline.docPr.get("descr") for shape in shapes]
    assert all(alts), alts
    assert any("Verwaltung" in alt for alt in alts)  # the portfolio names its points
    assert any("Dülmen" in alt for alt in alts)  # the OZG chart names its towns

    # Right after each picture: its caption, then the table with the same data.
    items = _body_items(document)
    pictures = [i for i, (kind, item) in enumerate(items) if kind == "p" and item._p.xpath(".//pic:pic")]
    for index in pictures:
        following = items[index + 1 : index + 4]
        assert any(kind == "table" for kind, _item in following), "no table beside a chart"

    pdf = PdfReader(
        io.BytesIO(
            report_pdf(
                world.report, report_context(strategy=world.strategy, report=world.report, today=TODAY)
            )
        )
    )
    pdf_images = {image.data for page in pdf.pages for image in page.images}
    assert len(pdf_images) == 3


def test_the_pdf_charts_carry_alternative_text(world: StrategyWorld) -> None:
    """PDF/UA: every figure has its alternative text in the structure tree."""
    from pypdf import PdfReader

    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    reader = PdfReader(io.BytesIO(report_pdf(world.report, ctx)))
    alts: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                alts.append(str(node["/Alt"]))
            kids = node.get("/K")
            if kids is not None:
                for kid in kids if isinstance(kids, list) else [kids]:
                    walk(kid)
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert len(alts) == 3, alts
    assert any("Leistungen" in alt and "von" in alt for alt in alts)


# --- the reporting period ----------------------------------------------------------------------------


def test_the_docx_keeps_the_reporting_period(world: StrategyWorld) -> None:
    document = _docx(world)
    cells = [text for table in document.tables for text in _cells(table)]
    assert "Berichtszeitraum" in cells
    assert "01.01.2026 bis 30.11.2026" in cells


def test_the_pdf_keeps_the_reporting_period(world: StrategyWorld) -> None:
    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    text = _pdf_text(report_pdf(world.report, ctx))
    assert "Berichtszeitraum" in text
    assert "01.01.2026 bis 30.11.2026" in text


# --- bars to scale ----------------------------------------------------------------------------------


def _bar_widths(svg: str) -> list[float]:
    return [
        float(w)
        for w in re.findall(rf'<rect x="\d+" y="[\d.]+" width="([\d.]+)"[^>]*fill="{PALETTE[0]}"', svg)
    ]


def test_four_of_sixty_nine_is_a_short_bar_not_a_full_one() -> None:
    """Every town with 4 of 69 services online: the bars are 4/69 of the scale, not the full width."""
    bars = [Bar(town, (4,), total=69) for town in ("Ascheberg", "Billerbeck", "Coesfeld")]
    svg = bar_svg(bars, title="Leistungen online", series=["online"], scale_max=69)
    widths = _bar_widths(svg)
    assert len(widths) == 3
    plot_width = 560 - 150 - 70
    for width in widths:
        assert width == pytest.approx(4 / 69 * plot_width, abs=0.2)
    assert "4 von 69" in svg


def test_the_ozg_chart_of_the_report_measures_against_the_services(world: StrategyWorld) -> None:
    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    table = ctx.tables["ozg"]
    services = max(row[1] for row in table.rows)
    online = {row[0]: row[2] for row in table.rows}
    assert online["Dülmen"] < services  # one form of one town: far from everything
    widths = _bar_widths(ctx.charts["ozg"].svg)
    plot_width = 560 - 150 - 70
    assert max(widths) == pytest.approx(online["Dülmen"] / services * plot_width, abs=0.2)
    assert max(widths) < plot_width / 2


def test_the_png_bar_of_four_of_sixty_nine_is_short() -> None:
    """The image in PDF and DOCX: the blue bar covers about 4/69 of the grey track of the 69 services."""
    from PIL import Image

    from amtsweg.strategy.report.images import bar_png

    png = bar_png([Bar("Ascheberg", (4,), total=69)], series=["online"], scale_max=69)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    blue = tuple(int(PALETTE[0][i : i + 2], 16) for i in (1, 3, 5))
    track = (0xE3, 0xE3, 0xE3)
    best = (0, 0)
    for y in range(image.height):
        row = [image.getpixel((x, y)) for x in range(image.width)]
        bar = sum(1 for p in row if p == blue)
        grey = sum(1 for p in row if p == track)
        if bar > best[0]:
            best = (bar, grey)
    bar, grey = best
    assert bar > 0
    assert bar / (bar + grey) == pytest.approx(4 / 69, abs=0.02)


# --- notes only for columns that exist ---------------------------------------------------------------


def test_no_note_explains_a_column_the_table_does_not_have(world: StrategyWorld) -> None:
    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    headers = ctx.tables["ozg"].headers
    text = _pdf_text(report_pdf(world.report, ctx))
    # The online share is not measured and has no column, so no note about it.
    assert not any("Anteil" in header for header in headers)
    assert "Anträge auf Papier oder am Schalter" not in text
    docx_text = "\n".join(p.text for p in _docx(world).paragraphs)
    assert "Anträge auf Papier oder am Schalter" not in docx_text
    # The processing time has its column, and its note says what the column means.
    assert any("Bearbeitungsdauer" in header for header in headers)
    assert "Bearbeitungsdauer: Median der Kalendertage" in re.sub(r"\s+", " ", text)


# --- the file name ------------------------------------------------------------------------------------


def _filename(disposition: str) -> str:
    match = re.search(r"filename\*=utf-8''([^;]+)", disposition, re.IGNORECASE)
    if match:
        return unquote(match.group(1))
    match = re.search(r'filename="([^"]+)"', disposition)
    assert match, disposition
    return match.group(1)


@pytest.fixture
def digital(world: StrategyWorld) -> Client:
    return login_verified(Client(), staff_create("digital", world.scenario.kreis, "digitalisierungsteam"))


@pytest.mark.parametrize(
    ("name", "suffix"), [("strategy:report_pdf", "pdf"), ("strategy:report_docx", "docx")]
)
def test_the_file_name_keeps_the_whole_subject(
    world: StrategyWorld, digital: Client, name: str, suffix: str
) -> None:
    response = digital.get(reverse(name, args=[world.report.pk]))
    assert response.status_code == 200
    filename = _filename(response["Content-Disposition"])
    assert filename == (
        "SV-10-0123 Digitalisierungsstrategie für den Kreis Coesfeld – Sachstand und Planung." + suffix
    )


def test_a_subject_with_slashes_and_quotes_makes_a_safe_file_name(
    world: StrategyWorld, digital: Client
) -> None:
    world.report.subject = 'Sachstand 2025/2026: "Digitale Schule"'
    world.report.save()
    response = digital.get(reverse("strategy:report_pdf", args=[world.report.pk]))
    assert _filename(response["Content-Disposition"]) == "SV-10-0123 Sachstand 2025 2026 Digitale Schule.pdf"


# --- the structure of a Sitzungsvorlage ---------------------------------------------------------------


def test_both_documents_follow_the_structure_of_a_sitzungsvorlage(world: StrategyWorld) -> None:
    order = ["Betreff:", "Beschlussvorschlag:", "Begründung:", "Finanzielle Auswirkungen:"]
    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    text = _pdf_text(report_pdf(world.report, ctx))
    positions = [text.find(heading) for heading in order]
    assert all(p >= 0 for p in positions), positions
    assert positions == sorted(positions)
    # The subject follows its heading.
    assert text.find("Digitalisierungsstrategie für den Kreis Coesfeld", positions[0]) < positions[1]

    headings = [
        p.text for p in _docx(world).paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert [h for h in headings if h in order] == order
    assert headings[0] == "Sitzungsvorlage SV-10-0123"


def test_empty_texts_get_a_default_a_committee_can_vote_on(world: StrategyWorld) -> None:
    world.report.decision_proposal = ""
    world.report.financial_effects = ""
    world.report.save()
    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    text = re.sub(r"\s+", " ", _pdf_text(report_pdf(world.report, ctx)))
    assert (
        "Der Ausschuss für Finanzen, Wirtschaftsförderung und Digitalisierung nimmt den Sachstandsbericht "
        "zur Digitalisierungsstrategie „Coesfeld 12.0 – Im Kreis gemeinsam digital“ für den "
        "Berichtszeitraum 01.01.2026 bis 30.11.2026 zur Kenntnis."
    ) in text
    # The financial effects are stated from the budget of the report's year (2020: 30.000 + 20.000 €).
    assert "Im Haushaltsjahr 2020 sind für die Digitalisierungsstrategie 50.000,00 € veranschlagt" in text
    assert "Eigenmittel 30.000,00 €, Fördermittel 20.000,00 €" in text
    docx_text = "\n".join(p.text for p in _docx(world).paragraphs).replace("\xa0", " ")
    assert "zur Kenntnis." in docx_text
    assert "50.000,00 € veranschlagt" in docx_text


def test_entered_texts_win_over_the_defaults(world: StrategyWorld) -> None:
    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    assert ctx.decision_proposal.startswith("Der Bericht wird zur Kenntnis genommen.")
    assert ctx.financial_effects == "Die Mittel stehen im Ergebnisplan zur Verfügung."


def test_the_edit_page_says_which_default_an_empty_proposal_gets(
    world: StrategyWorld, digital: Client
) -> None:
    world.report.decision_proposal = ""
    world.report.save()
    page = digital.get(reverse("strategy:report_edit", args=[world.report.pk])).content.decode()
    assert "Leer gelassen steht in der Vorlage" in page
    assert "nimmt den Sachstandsbericht" in page


def test_the_edit_page_asks_to_check_implausible_figures_before_sending(
    world: StrategyWorld, digital: Client
) -> None:
    world.project.ends_on = dt.date(2025, 12, 31)
    world.project.save()
    page = digital.get(reverse("strategy:report_edit", args=[world.report.pk])).content.decode()
    assert "Vor dem Versand prüfen" in page
    assert "Das geplante Ende war der 31.12.2025" in page


# --- the layout a committee member sees ------------------------------------------------------------

MM = 72 / 25.4  # PDF points per millimetre
RIGHT_MARGIN_MM = 18  # @page margin of report_pdf.html


def _chars(page: Any) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every printed character of a pdfium page with its box (left, bottom, right, top) in points."""
    text = page.get_textpage()
    boxes = [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]
    return [(char, box) for char, box in boxes if char.strip()]


def _page_of(pdf: Any, needle: str) -> int:
    for index in range(len(pdf)):
        if needle in pdf[index].get_textpage().get_text_range().replace("\r\n", " ").replace("\n", " "):
            return index
    raise AssertionError(f"{needle!r} is on no page")


def test_the_pdf_keeps_tables_in_the_frame_captions_with_their_figures_and_fills_page_one(
    world: StrategyWorld,
) -> None:
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    from amtsweg.strategy.models import FundingApplication, FundingProgramme
    from amtsweg.strategy.tests.test_report import save

    # Large amounts and long names: the widest tables a Kreis produces.
    programme = save(
        FundingProgramme(
            name="Förderprogramm Digitale Modellregionen Nordrhein-Westfalen",
            funder=FundingProgramme.Funder.LAND,
        )
    )
    save(
        FundingApplication(
            project=world.project,
            programme=programme,
            applicant=world.scenario.kreis,
            status=FundingApplication.Status.GRANTED,
            total_cost=Decimal("12345678.90"),
            requested_amount=Decimal("9876543.21"),
            granted_amount=Decimal("8765432.10"),
            submission_deadline=dt.date(2021, 3, 31),
        )
    )
    ctx = report_context(strategy=world.strategy, report=world.report, today=TODAY)
    pdf = pypdfium2.PdfDocument(report_pdf(world.report, ctx))

    for index in range(len(pdf)):
        width = pdf[index].get_width()
        beyond = [c for c, box in _chars(pdf[index]) if box[2] > width - RIGHT_MARGIN_MM * MM + 1]
        assert not beyond, f"page {index + 1}: text beyond the right margin: {''.join(beyond)}"

    # Each chart and its caption on one page, the image above the caption.
    for caption in ("Abbildung: Portfolio", "Abbildung: Ansatz und Ist", "Abbildung: Leistungen online"):
        index = _page_of(pdf, caption)
        page = pdf[index]
        images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
        textpage = page.get_textpage()
        first = textpage.get_text_range().find(caption)
        assert first >= 0, caption
        caption_top = textpage.get_charbox(first)[3]
        assert any(image.get_bounds()[1] >= caption_top - 1 for image in images), caption

    # Page 1 is not left half empty after the title block: the text goes on into its lower third.
    first_page = pdf[0]
    footer = 22 * MM  # the bottom margin holds only the footer
    lowest = min(box[1] for _c, box in _chars(first_page) if box[1] > footer)
    assert lowest < first_page.get_height() / 3, "page 1 ends in its upper two thirds"


def test_the_docx_keeps_each_figure_with_its_caption_and_each_table_title_with_its_table(
    world: StrategyWorld,
) -> None:
    items = _body_items(_docx(world))
    figures = 0
    for index, (kind, item) in enumerate(items):
        if kind == "p" and item._p.xpath(".//pic:pic"):
            figures += 1
            assert item.paragraph_format.keep_with_next, "a figure may be parted from its caption"
            assert items[index + 1][1].text.startswith("Abbildung:")
        if kind == "table" and index > 0 and items[index - 1][0] == "p":
            title = items[index - 1][1]
            if title.style is not None and title.style.name == "Caption":
                assert title.paragraph_format.keep_with_next, title.text
    assert figures == 3
