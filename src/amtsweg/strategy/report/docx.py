"""The Sachstandsbericht as DOCX (python-docx) for the council information system.

Headings use Word's built-in heading styles (so the Ratsinformationssystem and screen readers see the
structure), tables the built-in "Table Grid" style with a repeated header row. Charts are the same PNG
images as in the PDF (:mod:`.images`), with their alternative text, each followed by the table of its data.
The order is that of a Sitzungsvorlage: Betreff, Beschlussvorschlag, Begründung, Finanzielle Auswirkungen.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from amtsweg.strategy.models import Report
from amtsweg.strategy.report.context import Chart, ReportContext, Table

CHART_WIDTH_CM = 15


def _paragraphs(document: Any, text: str) -> None:
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        if block.strip():
            document.add_paragraph(block.strip())


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document: Any, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if not table.rows:
        document.add_paragraph(_("%(title)s: noch keine Einträge.") % {"title": table.title})
        return
    document.add_paragraph(table.title, style="Caption").paragraph_format.keep_with_next = True
    rows = table.display_rows + ([table.display_footer] if table.display_footer else [])
    grid = document.add_table(rows=1 + len(rows), cols=len(table.headers))
    grid.style = "Table Grid"
    for i, (text, numeric) in enumerate(table.display_headers):
        cell = grid.rows[0].cells[i]
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
        if numeric:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _repeat_header(grid.rows[0])
    for r, row in enumerate(rows, start=1):
        is_footer = table.display_footer is not None and r == len(rows)
        for c, (text, numeric) in enumerate(row):
            cell = grid.rows[r].cells[c]
            cell.text = text
            if numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if is_footer and cell.paragraphs[0].runs:
                cell.paragraphs[0].runs[0].bold = True
    if table.note:
        document.add_paragraph(table.note)


def _chart(document: Any, chart: Chart | None, table: Table) -> None:
    """The chart as an image with its alternative text, then the table with the same data."""
    from docx.shared import Cm

    if chart is not None and table.rows:
        document.add_picture(io.BytesIO(chart.png), width=Cm(CHART_WIDTH_CM))
        # Word keeps the figure on the page of its caption (no caption orphaned on the next page).
        document.paragraphs[-1].paragraph_format.keep_with_next = True
        picture = document.inline_shapes[-1]
        properties = picture._inline.docPr
        properties.set("descr", chart.alt)
        properties.set("title", chart.title)
        document.add_paragraph(
            _("Abbildung: %(title)s – die Werte stehen in der Tabelle darunter.") % {"title": chart.title},
            style="Caption",
        )
    _table(document, table)


def report_docx(report: Report, ctx: ReportContext) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = f"{report.number} {report.subject}".strip()
    document.core_properties.author = ctx.authority.name
    document.core_properties.language = "de-DE"
    style = document.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)

    header = document.sections[0].header.paragraphs[0]
    header.text = " · ".join(ctx.letterhead)

    title = str(report.get_kind_display()) + (f" {report.number}" if report.number else "")
    document.add_heading(title, level=1)
    meta = document.add_table(rows=0, cols=2)
    meta.style = "Table Grid"
    pairs = [
        (_("Vorlage"), report.number or "–"),
        (_("Art"), str(report.get_kind_display())),
        (_("Datum"), f"{ctx.today:%d.%m.%Y}"),
    ]
    if ctx.period:
        pairs.append((_("Berichtszeitraum"), ctx.period))
    if report.committee:
        when = f", {_('Sitzung am')} {report.meeting_on:%d.%m.%Y}" if report.meeting_on else ""
        pairs.append((_("Beratungsfolge"), report.committee + when))
    for label, value in pairs:
        cells = meta.add_row().cells
        cells[0].text = label
        cells[0].paragraphs[0].runs[0].bold = True
        cells[1].text = value

    document.add_heading(_("Betreff:"), level=2)
    document.add_paragraph().add_run(report.subject).bold = True
    document.add_heading(_("Beschlussvorschlag:"), level=2)
    _paragraphs(document, ctx.decision_proposal)
    document.add_heading(_("Begründung:"), level=2)
    _paragraphs(document, report.reasoning)

    if ctx.round is not None:
        document.add_heading(_("Ergebnisse des Quick-Checks"), level=3)
        _chart(document, ctx.charts.get("portfolio"), ctx.tables["quickcheck"])
    if ctx.priorities:
        document.add_heading(_("Prioritäten"), level=3)
        for tier, names in ctx.priorities:
            document.add_paragraph(f"{tier}: {', '.join(names)}", style="List Bullet")
    document.add_heading(_("Stand der Projekte"), level=3)
    _table(document, ctx.tables["projects"])
    document.add_heading(_("Haushalt"), level=3)
    _chart(document, ctx.charts.get("budget"), ctx.tables["budget"])
    if ctx.tables["positions"].rows:
        document.add_heading(_("Stellenplan"), level=3)
        _table(document, ctx.tables["positions"])
    document.add_heading(_("Fördermittel"), level=3)
    _table(document, ctx.tables["funding"])
    if "ozg" in ctx.tables:
        document.add_heading(_("Stand der OZG-Umsetzung (live aus der Plattform)"), level=3)
        _chart(document, ctx.charts.get("ozg"), ctx.tables["ozg"])
        for note in ctx.ozg_notes:
            document.add_paragraph(note)
    if ctx.warnings:
        document.add_heading(_("Hinweise zu den Angaben"), level=3)
        document.add_paragraph(
            _(
                "Die Plausibilitätsprüfung des Cockpits hat folgende Angaben als auffällig gemeldet; "
                "sie werden geprüft:"
            )
        )
        for warning in ctx.warnings:
            document.add_paragraph(warning.message, style="List Bullet")

    document.add_heading(_("Finanzielle Auswirkungen:"), level=2)
    _paragraphs(document, ctx.financial_effects)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
