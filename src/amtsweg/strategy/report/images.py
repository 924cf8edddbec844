"""The report's charts as PNG images (matplotlib): one builder for the PDF and the DOCX.

Word cannot show the hand-written SVG of the pages (:mod:`amtsweg.strategy.charts`) reliably, and a
council information system passes DOCX on as it is, so both documents get the same raster image, drawn
here from the same data as the page's SVG (:class:`~amtsweg.strategy.charts.Bar`,
:class:`~amtsweg.strategy.charts.Point`) with the same scale rule: bars are measured against the
chart's ``scale_max`` (69 services, not the largest bar), so 4 of 69 is a short bar. Every image has
an alternative text (the values in words), and each document puts the table with the same data beside it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from amtsweg.strategy.charts import INK, PALETTE, TIER_COLOURS, Bar, Point, format_value, of_total_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 200
FONT = ["DejaVu Sans"]  # ships with matplotlib: umlauts without system fonts
TRACK = "#e3e3e3"


def _figure(width_cm: float, height_cm: float) -> tuple[Figure, Axes]:
    # The object API with the Agg canvas: no pyplot state, safe in threads and workers.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _rc() -> Any:
    return {"font.family": "sans-serif", "font.sans-serif": FONT, "font.size": 8, "svg.fonttype": "none"}


def bar_png(
    bars: Sequence[Bar],
    *,
    series: Sequence[str],
    unit: str = "",
    scale_max: float | Decimal | None = None,
) -> bytes:
    """Horizontal grouped bars with their values written beside them; ``Bar.total`` draws a grey track
    to the total (``4 von 69``). The axis runs from 0 to ``scale_max`` (default: the largest value)."""
    from matplotlib import rc_context

    peak = float(
        scale_max or max((float(v) for b in bars for v in (*b.values, b.total or 0)), default=0.0) or 1.0
    )
    groups = max(1, len(bars))
    per = max(1, len(series))
    height = 1.2 + groups * (0.45 * per + 0.25) + (0.6 if per > 1 else 0)
    with rc_context(_rc()):
        figure, axes = _figure(16, height)
        bar_h = 0.8 / per
        labels = []
        for g, bar in enumerate(bars):
            base = groups - 1 - g
            labels.append((base + 0.4 - bar_h / 2 if per > 1 else base, bar.label))
            if bar.total is not None:
                axes.barh(base, float(bar.total), height=0.8, color=TRACK, edgecolor="#9e9e9e", linewidth=0.5)
            for i, value in enumerate(bar.values):
                y = base + 0.4 - bar_h / 2 - i * bar_h if per > 1 else base
                axes.barh(y, float(value), height=bar_h * 0.9, color=PALETTE[i % len(PALETTE)])
                text = f"{format_value(value)}{unit}{of_total_text(bar.total)}"
                axes.text(float(value) + peak * 0.01, y, text, va="center", ha="left", color=INK, fontsize=7)
        axes.set_yticks([y for y, _l in labels], [label for _y, label in labels])
        axes.set_xlim(0, peak * 1.18)
        axes.set_ylim(-0.6, groups - 0.4)
        axes.xaxis.set_major_formatter(lambda x, _pos: format_value(Decimal(str(round(x, 2)))))
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.tick_params(colors=INK)
        if per > 1:
            from matplotlib.patches import Patch

            axes.legend(
                handles=[Patch(color=PALETTE[i % len(PALETTE)], label=name) for i, name in enumerate(series)],
                loc="upper center",
                bbox_to_anchor=(0.5, -0.12 if groups > 2 else -0.3),
                ncol=len(series),
                frameon=False,
            )
        figure.tight_layout()
        return _png(figure)


def portfolio_png(
    points: Sequence[Point],
    *,
    x_label: str,
    y_label: str,
    scale_min: int,
    scale_max: int,
    group_labels: dict[int, str] | None = None,
) -> bytes:
    """The portfolio: one labelled point per field on the whole scale, quadrants split at its middle."""
    from matplotlib import rc_context
    from matplotlib.lines import Line2D

    with rc_context(_rc()):
        figure, axes = _figure(16, 12)
        middle = (scale_min + scale_max) / 2
        axes.axvline(middle, color="#c8c8c8", linestyle="--", linewidth=0.8)
        axes.axhline(middle, color="#c8c8c8", linestyle="--", linewidth=0.8)
        for i, p in enumerate(points):
            colour = TIER_COLOURS.get(p.group or 0, PALETTE[i % len(PALETTE)])
            axes.scatter([p.x], [p.y], s=40, color=colour, edgecolors="white", zorder=3)
            right = p.x > scale_min + (scale_max - scale_min) * 0.7
            crowded = sum(1 for q in points if abs(q.x - p.x) < 0.3 and abs(q.y - p.y) < 0.3) > 1
            dy = (i % 3 - 1) * 7 if crowded else 0
            axes.annotate(
                p.label,
                (p.x, p.y),
                xytext=(-7 if right else 7, dy),
                textcoords="offset points",
                ha="right" if right else "left",
                va="center",
                color=INK,
                fontsize=7,
            )
        axes.set_xlim(scale_min - 0.1, scale_max + 0.1)
        axes.set_ylim(scale_min - 0.1, scale_max + 0.1)
        axes.set_xticks(range(scale_min, scale_max + 1))
        axes.set_yticks(range(scale_min, scale_max + 1))
        axes.set_xlabel(x_label, fontweight="bold")
        axes.set_ylabel(y_label, fontweight="bold")
        if group_labels:
            axes.legend(
                handles=[
                    Line2D(
                        [], [], marker="o", linestyle="", color=TIER_COLOURS.get(g, PALETTE[0]), label=label
                    )
                    for g, label in sorted(group_labels.items())
                ],
                loc="upper center",
                bbox_to_anchor=(0.5, -0.13),
                ncol=len(group_labels),
                frameon=False,
            )
        figure.tight_layout()
        return _png(figure)
