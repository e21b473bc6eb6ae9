"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable without
styles (each chart has a title and every bar its label and value as text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

ROW_H = 22
LABEL_W = 230
BAR_W = 320
VALUE_W = 90
COL_W = 26
COLUMN_H = 140


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown ("83 %", "12")


def bars(title: str, items: Sequence[Bar], max_value: float | None = None) -> Markup:
    """Horizontal bars, one row per item, largest scale `max_value` (else the largest)."""
    if not items:
        return Markup(f'<p class="chart-empty">{escape(title)}: nothing yet.</p>')
    top = max_value or max((b.value for b in items), default=0) or 1
    height = ROW_H * len(items) + 28
    width = LABEL_W + BAR_W + VALUE_W
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    for k, b in enumerate(items):
        y = 28 + k * ROW_H
        w = max(0.0, min(1.0, b.value / top)) * BAR_W
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end" class="chart-label">'
            f"{escape(b.label[:38])}</text>"
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{w:.1f}" height="{ROW_H - 6}" '
            f'class="chart-bar"><title>{escape(b.label)}: {escape(b.text)}</title></rect>'
            f'<text x="{LABEL_W + w + 6:.1f}" y="{y + 15}" class="chart-value">'
            f"{escape(b.text)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(title: str, items: Sequence[Bar]) -> Markup:
    """Vertical columns over time (documents per day), labels under every few columns."""
    if not items:
        return Markup(f'<p class="chart-empty">{escape(title)}: nothing yet.</p>')
    top = max(b.value for b in items) or 1
    width = max(COL_W * len(items) + 40, 420)
    height = COLUMN_H + 60
    every = max(1, len(items) // 8)
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>",
             f'<text x="0" y="16" class="chart-title">{escape(title)}</text>']
    for k, b in enumerate(items):
        h = b.value / top * COLUMN_H
        x = 20 + k * COL_W
        y = 28 + COLUMN_H - h
        parts.append(
            f'<rect x="{x}" y="{y:.1f}" width="{COL_W - 6}" height="{h:.1f}" '
            f'class="chart-bar"><title>{escape(b.label)}: {escape(b.text)}</title></rect>'
            f'<text x="{x + (COL_W - 6) / 2}" y="{y - 3:.1f}" text-anchor="middle" '
            f'class="chart-value">{escape(b.text)}</text>')
        if k % every == 0:
            parts.append(f'<text x="{x}" y="{28 + COLUMN_H + 16}" class="chart-label">'
                         f"{escape(b.label[5:])}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


def percent(rate: float) -> str:
    return f"{rate * 100:.0f} %"
