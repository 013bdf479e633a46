"""Agreement charts as inline SVG text, drawn from code for the HTML report.

Plain strings, no plotting library and no fonts or images to fetch, so a report
stays one file that opens anywhere, offline, years later. Every piece of text
that comes from data (field labels, codes) is escaped with `html.escape`; long
labels are shortened on the chart and given in full in a ``<title>`` tooltip.

The SVG is meant to be inlined in an HTML5 document, so it carries no ``xmlns``
(HTML5 puts ``<svg>`` in the SVG namespace by itself) and the report has no
URL in it at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from annotator.core.agreement.confusion import ConfusionMatrix
from annotator.core.agreement.report import ALPHA_THRESHOLDS
from annotator.core.agreement.verdicts import threshold_verdict

# Alpha chart geometry (px). The axis runs from 0 (or below, for negative alphas)
# to 1 over PLOT_WIDTH, so a bar from 0 is alpha * PLOT_WIDTH wide.
LABEL_WIDTH = 210
PLOT_WIDTH = 480
VALUE_WIDTH = 70
ROW_HEIGHT = 30
BAR_HEIGHT = 16
TOP = 30  # room for the threshold labels
AXIS_HEIGHT = 58  # tick labels and the colour legend
CHAR_WIDTH = 7.0  # average width of a 12px sans-serif character, for layout only
SMALL_CHAR_WIDTH = 6.2  # the same at 11px
# Styling by presentation attributes, not page CSS, so a chart looks the same on its own.
FONT = 'font-family="system-ui, Segoe UI, Roboto, sans-serif" font-size="12" fill="#222"'
SMALL = 'font-size="11" fill="#444"'

VERDICT_COLOURS = {"reliable": "#3b7d4a", "tentative": "#d19a2a", "unreliable": "#b9473d"}
THRESHOLD_NAMES = ("reliable", "tentative")  # in ALPHA_THRESHOLDS order

# Heat map geometry (px) and colour ramp (white to dark blue).
CELL = 36
_LOW_RGB = (247, 251, 255)
_HIGH_RGB = (8, 48, 107)


@dataclass(frozen=True)
class AlphaBar:
    """One field on the alpha chart; alpha None means undefined (``reason`` says why)."""

    field: str
    label: str
    alpha: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    reason: str | None = None


def alpha_axis(bars: Sequence[AlphaBar]) -> tuple[float, float]:
    """The axis range: 0 to 1, extended down to the next tenth below a negative alpha or CI."""
    lows = [v for b in bars for v in (b.alpha, b.ci_low) if v is not None]
    low = min([0.0, *lows])
    return (math.floor(low * 10) / 10, 1.0)


def alpha_chart_svg(bars: Sequence[AlphaBar]) -> str:
    """Horizontal bars of alpha per field, 95% intervals as whiskers, threshold lines.

    Bars start at 0 and are coloured by Krippendorff's verdict; the dashed vertical
    lines mark .667 and .800. Each bar carries ``data-field`` and ``data-alpha``
    so that tools (and tests) can find it.
    """
    low, high = alpha_axis(bars)

    def x(value: float) -> float:
        return LABEL_WIDTH + (value - low) / (high - low) * PLOT_WIDTH

    plot_bottom = TOP + ROW_HEIGHT * max(len(bars), 1)
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    height = plot_bottom + AXIS_HEIGHT
    parts = [
        f'<svg class="alpha-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} role="img" '
        'aria-label="Krippendorff\'s alpha per field with 95% intervals">'
    ]
    ticks = [t / 10 for t in range(round(low * 10), 11) if t % 2 == 0]
    for tick in ticks:
        parts.append(
            f'<line class="grid" x1="{x(tick):.2f}" y1="{TOP}" x2="{x(tick):.2f}" '
            f'y2="{plot_bottom}" stroke="{"#888" if tick == 0 else "#e3e3e3"}"/>'
            f'<text class="tick" {SMALL} x="{x(tick):.2f}" y="{plot_bottom + 16}" '
            f'text-anchor="middle">{_decimal(tick, 1)}</text>'
        )
    for i, bar in enumerate(bars):
        parts.append(_bar(bar, TOP + i * ROW_HEIGHT, x))
    for threshold, name in zip(ALPHA_THRESHOLDS, THRESHOLD_NAMES, strict=True):
        at = x(threshold)
        # .800 is labelled to the right of its line, .667 to the left, so they never overlap.
        anchor, dx = ("start", 4) if name == "reliable" else ("end", -4)
        parts.append(
            f'<line class="threshold" data-threshold="{threshold}" x1="{at:.2f}" y1="{TOP - 6}" '
            f'x2="{at:.2f}" y2="{plot_bottom}" stroke="#444" stroke-dasharray="5 3"/>'
            f'<text class="threshold-label" {SMALL} x="{at + dx:.2f}" y="{TOP - 10}" '
            f'text-anchor="{anchor}">{_decimal(threshold, 3)} {name}</text>'
        )
    parts.append(_legend(plot_bottom + 42))
    parts.append("</svg>")
    return "".join(parts)


def confusion_svg(matrix: ConfusionMatrix) -> str:
    """A heat map of two coders' codes: coder A's labels down, coder B's across.

    Colour grows with the count (white to dark blue, relative to the largest cell),
    every count is printed, and the diagonal, where the coders agree, is outlined.
    """
    n = len(matrix.labels)
    shown = [_shortened(label, 22) for label in matrix.labels]
    longest = max((len(s) for s in shown), default=1)
    left = round(16 + CHAR_WIDTH * longest)
    top = round(16 + CHAR_WIDTH * longest)
    width, height = left + CELL * n + 4, top + CELL * n + 4
    largest = max((c for row in matrix.counts for c in row), default=0)
    parts = [
        f'<svg class="confusion" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} role="img" '
        f'aria-label="{escape(_pair_caption(matrix))}">'
    ]
    for i, (label, text) in enumerate(zip(matrix.labels, shown, strict=True)):
        middle = i * CELL + CELL / 2
        parts.append(
            f'<text class="row-label" x="{left - 6}" y="{top + middle + 4:.1f}" '
            f'text-anchor="end"><title>{escape(label)}</title>{escape(text)}</text>'
            f'<text class="column-label" transform="translate({left + middle + 4:.1f},{top - 6}) '
            f'rotate(-90)"><title>{escape(label)}</title>{escape(text)}</text>'
        )
    for i, row in enumerate(matrix.counts):
        for j, count in enumerate(row):
            share = count / largest if largest else 0.0
            cx, cy = left + j * CELL, top + i * CELL
            outline = ' stroke="#222" stroke-width="2"' if i == j else ' stroke="#ccc"'
            ink = "#fff" if share > 0.55 else ("#aaa" if count == 0 else "#222")
            tip = f"{matrix.labels[i]} × {matrix.labels[j]}: {count}"
            parts.append(
                f'<rect class="cell" data-count="{count}" x="{cx}" y="{cy}" width="{CELL}" '
                f'height="{CELL}" fill="{_ramp(share)}"{outline}><title>{escape(tip)}</title>'
                f'</rect><text class="count" fill="{ink}" x="{cx + CELL / 2:.1f}" '
                f'y="{cy + CELL / 2 + 4:.1f}" text-anchor="middle">{count}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


# -- internals -------------------------------------------------------------------------


def _bar(bar: AlphaBar, y: float, x) -> str:
    middle = y + ROW_HEIGHT / 2
    label = _shortened(bar.label, 28)
    parts = [
        f'<text class="field-label" x="{LABEL_WIDTH - 10}" y="{middle + 4:.1f}" '
        f'text-anchor="end"><title>{escape(bar.label)}</title>{escape(label)}</text>'
    ]
    if bar.alpha is None:
        reason = f"alpha undefined: {bar.reason}" if bar.reason else "alpha undefined"
        parts.append(
            f'<text class="undefined" data-field="{escape(bar.field)}" fill="#777" '
            f'font-style="italic" x="{x(0) + 6:.2f}" y="{middle + 4:.1f}">'
            f"<title>{escape(reason)}</title>undefined</text>"
        )
        return "".join(parts)
    start, end = sorted((x(0), x(bar.alpha)))
    colour = VERDICT_COLOURS[threshold_verdict(bar.alpha) or "unreliable"]
    tip = f"{bar.label}: alpha {bar.alpha:.3f}"
    if bar.ci_low is not None and bar.ci_high is not None:
        tip += f", 95% CI [{bar.ci_low:.3f}, {bar.ci_high:.3f}]"
    parts.append(
        f'<rect class="bar" data-field="{escape(bar.field)}" data-alpha="{bar.alpha!r}" '
        f'x="{start:.2f}" y="{middle - BAR_HEIGHT / 2:.1f}" width="{end - start:.2f}" '
        f'height="{BAR_HEIGHT}" fill="{colour}"><title>{escape(tip)}</title></rect>'
    )
    right = x(bar.alpha)
    if bar.ci_low is not None and bar.ci_high is not None:
        lo, hi = x(bar.ci_low), x(bar.ci_high)
        parts.append(
            f'<g class="whisker" data-field="{escape(bar.field)}" stroke="#222" '
            f'stroke-width="1.5"><line x1="{lo:.2f}" y1="{middle}" x2="{hi:.2f}" y2="{middle}"/>'
            f'<line x1="{lo:.2f}" y1="{middle - 5}" x2="{lo:.2f}" y2="{middle + 5}"/>'
            f'<line x1="{hi:.2f}" y1="{middle - 5}" x2="{hi:.2f}" y2="{middle + 5}"/></g>'
        )
        right = max(right, hi)
    parts.append(
        f'<text class="value" x="{max(right, x(0)) + 6:.2f}" y="{middle + 4:.1f}">'
        f"{bar.alpha:.3f}</text>"
    )
    return "".join(parts)


def _legend(y: float) -> str:
    reliable, tentative = (_decimal(t, 3) for t in ALPHA_THRESHOLDS)
    items = (
        ("reliable", f"≥ {reliable} reliable"),
        ("tentative", f"{tentative}–{reliable} tentative"),
        ("unreliable", f"< {tentative} unreliable"),
    )
    parts, at = [], LABEL_WIDTH
    for verdict, text in items:
        parts.append(
            f'<rect x="{at}" y="{y - 10}" width="12" height="12" '
            f'fill="{VERDICT_COLOURS[verdict]}"/>'
            f'<text class="legend" {SMALL} x="{at + 17}" y="{y}">{escape(text)}</text>'
        )
        at += 26 + round(SMALL_CHAR_WIDTH * len(text))
    parts.append(
        f'<g stroke="#222" stroke-width="1.5"><line x1="{at}" y1="{y - 4}" x2="{at + 14}" '
        f'y2="{y - 4}"/><line x1="{at}" y1="{y - 9}" x2="{at}" y2="{y + 1}"/>'
        f'<line x1="{at + 14}" y1="{y - 9}" x2="{at + 14}" y2="{y + 1}"/></g>'
        f'<text class="legend" {SMALL} x="{at + 20}" y="{y}">bootstrap 95% CI</text>'
    )
    return "".join(parts)


def _pair_caption(matrix: ConfusionMatrix) -> str:
    return f"{matrix.field}: {matrix.coder_a} (rows) × {matrix.coder_b} (columns)"


def _ramp(share: float) -> str:
    rgb = (round(a + (b - a) * share) for a, b in zip(_LOW_RGB, _HIGH_RGB, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _decimal(number: float, places: int) -> str:
    """.667, -.2, 0, 1: the way agreement figures are usually printed."""
    if number == 0:
        return "0"
    if number == 1:
        return "1"
    text = f"{number:.{places}f}"
    return text.replace("0.", ".", 1)
