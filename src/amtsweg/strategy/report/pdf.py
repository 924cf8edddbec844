"""The Sachstandsbericht as PDF (WeasyPrint): letterhead of the Kreis, page numbers, charts as SVG."""

from __future__ import annotations

from django.template.loader import render_to_string

from amtsweg.core.pdf import pdf_render
from amtsweg.strategy.models import Report
from amtsweg.strategy.report.context import ReportContext


def report_pdf(report: Report, ctx: ReportContext) -> bytes:
    """Render the report to PDF bytes. Fonts come from the system (DejaVu Sans covers all umlauts)."""
    footer = " · ".join(part for part in (ctx.authority.name, report.number) if part)
    html = render_to_string(
        "strategy/report_pdf.html", {"report": report, "ctx": ctx, "footer_css": css_string(footer)}
    )
    # The document references nothing outside itself (charts are inline SVG); pdf_render fetches nothing.
    return pdf_render(html)


def css_string(value: str) -> str:
    """``value`` as the inside of a CSS string: letters, digits, spaces and common punctuation stay,
    everything else (quotes, backslashes, ``<``) becomes a CSS hex escape. Safe inside ``<style>``."""
    keep = set(" .,-–·()/:")
    return "".join(ch if ch.isalnum() or ch in keep else f"\\{ord(ch):06x}" for ch in value)
