"""Charts of the cockpit as hand-written SVG, the same on the page and in the PDF.

Why not matplotlib: its SVG carries ``style`` attributes and a ``<style>`` element, which the page's
Content Security Policy (``style-src 'self'``) blocks when the SVG is inline. Here every colour, size and
font is a presentation attribute, so the SVG is CSP-safe inline, renders in WeasyPrint, needs no fonts
beyond the page's and no cache directory. Every chart has a ``<title>``/``<desc>`` and ``role="img"``;
the pages and reports put a data table beside each chart, so the chart never carries information alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from amtsweg.strategy.money import format_decimal_de

FONT = "Fira Sans, DejaVu Sans, Arial, sans-serif"
INK = "#1b1b1b"
GRID = "#c8c8c8"
# Colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart by label too, never by colour alone.
PALETTE = ("#004b76", "#b35900", "#2e7d32", "#7b1fa2", "#c62828", "#00695c", "#4e342e", "#37474f")
TIER_COLOURS = {1: "#004b76", 2: "#b35900", 3: "#5c5c5c"}


def _attr(value: object) -> str:
    return escape(str(value), {'"': "&quot;"})


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _de(value: float, places: int = 1) -> str:
    return f"{value:.{places}f}".replace(".", ",")


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    group: int | None = None  # e.g. the decided tier; picks the colour


def portfolio_svg(
    points: Sequence[Point],
    *,
    title: str,
    x_label: str,
    y_label: str,
    scale_min: float,
    scale_max: float,
    width: int = 560,
    height: int = 420,
    group_labels: dict[int, str] | None = None,
) -> str:
    """A portfolio (scatter) chart: one labelled point per field, quadrants split at the scale's middle."""
    left, right, top, bottom = 64, 24, 24, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    span = (scale_max - scale_min) or 1

    def sx(v: float) -> float:
        return left + (v - scale_min) / span * plot_w

    def sy(v: float) -> float:
        return top + plot_h - (v - scale_min) / span * plot_h

    desc = "; ".join(f"{p.label}: {_de(p.x)} / {_de(p.y)}" for p in points)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="chart-title-{id(points)}" '
        f'font-family="{_attr(FONT)}" font-size="12">',
        f'<title id="chart-title-{id(points)}">{escape(title)}</title>',
        f"<desc>{escape(desc)}</desc>",
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#ffffff" stroke="{INK}"/>',
    ]
    middle = (scale_min + scale_max) / 2
    parts.append(
        f'<line x1="{_num(sx(middle))}" y1="{top}" x2="{_num(sx(middle))}" y2="{top + plot_h}" '
        f'stroke="{GRID}" stroke-dasharray="4 4"/>'
    )
    parts.append(
        f'<line x1="{left}" y1="{_num(sy(middle))}" x2="{left + plot_w}" y2="{_num(sy(middle))}" '
        f'stroke="{GRID}" stroke-dasharray="4 4"/>'
    )
    tick = scale_min
    while tick <= scale_max + 1e-9:
        parts.append(
            f'<text x="{_num(sx(tick))}" y="{top + plot_h + 16}" text-anchor="middle" fill="{INK}">'
            f"{_num(tick)}</text>"
        )
        parts.append(
            f'<text x="{left - 8}" y="{_num(sy(tick) + 4)}" text-anchor="end" fill="{INK}">'
            f"{_num(tick)}</text>"
        )
        tick += 1
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 24}" text-anchor="middle" fill="{INK}" '
        f'font-weight="bold">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text x="16" y="{top + plot_h / 2:.1f}" text-anchor="middle" fill="{INK}" font-weight="bold" '
        f'transform="rotate(-90 16 {top + plot_h / 2:.1f})">{escape(y_label)}</text>'
    )
    for i, p in enumerate(points):
        colour = TIER_COLOURS.get(p.group or 0, PALETTE[i % len(PALETTE)])
        x, y = sx(p.x), sy(p.y)
        anchor, dx = ("end", -9) if x > left + plot_w * 0.7 else ("start", 9)
        # Labels of points close to each other are staggered vertically.
        dy = 4 + (i % 3 - 1) * 11 if _crowded(points, p) else 4
        parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="6" fill="{colour}" stroke="#ffffff"/>')
        parts.append(
            f'<text x="{_num(x + dx)}" y="{_num(y + dy)}" text-anchor="{anchor}" fill="{INK}">'
            f"{escape(p.label)}</text>"
        )
    if group_labels:
        lx = left
        for group, label in sorted(group_labels.items()):
            colour = TIER_COLOURS.get(group, PALETTE[0])
            parts.append(f'<circle cx="{lx + 6}" cy="{height - 8}" r="5" fill="{colour}"/>')
            parts.append(f'<text x="{lx + 15}" y="{height - 4}" fill="{INK}">{escape(label)}</text>')
            lx += 24 + 7 * len(label)
    parts.append("</svg>")
    return "".join(parts)


def _crowded(points: Sequence[Point], p: Point) -> bool:
    return sum(1 for q in points if abs(q.x - p.x) < 0.3 and abs(q.y - p.y) < 0.3) > 1


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[float | Decimal, ...]  # one per series
    total: float | Decimal | None = None  # drawn as a grey track behind the bar: "4 von 69"


def bar_svg(
    bars: Sequence[Bar],
    *,
    title: str,
    series: Sequence[str],
    unit: str = "",
    scale_max: float | Decimal | None = None,
    width: int = 560,
    row_height: int = 22,
) -> str:
    """Horizontal grouped bars (one group per label, one bar per series), values written at each bar.

    Bars are measured against ``scale_max`` (e.g. the number of services), else against the largest
    value or total – never stretched so that the largest bar fills the width by itself."""
    left, right, top = 150, 70, 10
    per_group = row_height * max(1, len(series)) + 8
    legend_h = 24 if len(series) > 1 else 0
    height = top + per_group * max(1, len(bars)) + legend_h + 10
    plot_w = width - left - right
    peak = float(
        scale_max or max((float(v) for b in bars for v in (*b.values, b.total or 0)), default=0.0) or 1.0
    )
    desc = "; ".join(
        f"{b.label}: "
        + ", ".join(f"{s} {_de(float(v), 0)}{unit}" for s, v in zip(series, b.values, strict=False))
        for b in bars
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="chart-title-{id(bars)}" '
        f'font-family="{_attr(FONT)}" font-size="12">',
        f'<title id="chart-title-{id(bars)}">{escape(title)}</title>',
        f"<desc>{escape(desc)}</desc>",
    ]
    y = top
    for bar in bars:
        label = bar.label if len(bar.label) <= 22 else bar.label[:21] + "…"
        parts.append(
            f'<text x="{left - 8}" y="{y + per_group / 2:.1f}" text-anchor="end" fill="{INK}" '
            f'dominant-baseline="middle">{escape(label)}</text>'
        )
        if bar.total is not None:
            parts.append(
                f'<rect x="{left}" y="{y}" width="{float(bar.total) / peak * plot_w:.1f}" '
                f'height="{row_height * len(bar.values) - 4}" fill="#e3e3e3" stroke="#9e9e9e"/>'
            )
        for i, value in enumerate(bar.values):
            w = float(value) / peak * plot_w
            by = y + i * row_height
            colour = PALETTE[i % len(PALETTE)]
            of_total = of_total_text(bar.total)
            parts.append(
                f'<rect x="{left}" y="{by}" width="{max(w, 0.5):.1f}" height="{row_height - 4}" '
                f'fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{left + w + 4:.1f}" y="{by + row_height / 2:.1f}" fill="{INK}" '
                f'dominant-baseline="middle">{format_value(value)}{escape(unit)}{of_total}</text>'
            )
        y += per_group
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{y}" stroke="{INK}"/>')
    if len(series) > 1:
        lx = left
        for i, name in enumerate(series):
            parts.append(
                f'<rect x="{lx}" y="{y + 8}" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
            )
            parts.append(f'<text x="{lx + 16}" y="{y + 18}" fill="{INK}">{escape(name)}</text>')
            lx += 30 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def of_total_text(total: float | Decimal | None) -> str:
    """`` von 69`` after a value drawn against its total; empty without a total."""
    if total is None:
        return ""
    return " " + _("von %(total)s") % {"total": format_value(total)}


def format_value(value: float | Decimal) -> str:
    """German number format: ``12.345,67``; whole numbers without decimals (``30.000``)."""
    number = Decimal(str(value))
    return format_decimal_de(number, 0 if number == number.to_integral_value() else 2)
