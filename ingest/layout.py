"""Geometry helpers shared by every reader: words -> lines -> page text.

All sources end up as words with boxes in points (top-left origin). Text layers and
rapidocr give no trustworthy line structure, so lines are rebuilt from geometry:
words whose vertical extents mostly overlap belong to the same line. That also puts
a label and its value ("TOTAL ... 33.90") on one line, which extractors rely on.
"""

from __future__ import annotations

from collections.abc import Iterable
from statistics import median

from ingest.types import Page, Word

# Synthetic geometry for sources without any (plain text, docx, e-mail bodies):
# a monospace grid, so "same line" and "to the right of" still mean something.
CHAR_W = 6.0
LINE_H = 12.0
MARGIN = 36.0
LETTER_W, LETTER_H = 612.0, 792.0


# How many of the most recent lines a word may still join (lines are opened in order of
# their first word's vertical centre, so older ones lie above it).
_LINE_WINDOW = 7


def _median(values: list[float]) -> float:
    """`statistics.median` (the same value, the same float arithmetic) without its
    generality: called once per line."""
    values.sort()
    n = len(values)
    if n % 2:
        return values[n // 2]
    return (values[n // 2 - 1] + values[n // 2]) / 2


def _collides(spans: list[tuple[float, float]], x0: float, x1: float, half: float) -> bool:
    """Whether the word x0..x1 overlaps a word of the line (spans: their x0, x1) by more
    than `half`."""
    for o0, o1 in spans:
        if (x1 if x1 < o1 else o1) - (x0 if x0 > o0 else o0) > half:
            return True
    return False


def group_lines(words: list[Word]) -> list[list[Word]]:
    """Cluster words into lines top-to-bottom, each line left-to-right.

    A word joins the line whose vertical band overlaps it by at least half of the
    smaller height and where it does not collide horizontally with a word already
    there (which happens with tightly set, slightly skewed lines).

    One sweep in order of vertical centre, each word tried against the last
    `_LINE_WINDOW` lines. Each line keeps the horizontal extent of its words, so a word
    whose overlap with that extent is at most half its width, the usual case in a line
    read left to right, is known not to collide without looking at each word.
    """
    if not words:
        return []
    boxes = [w.bbox for w in words]
    keys = [((b[1] + b[3]) / 2, b[0]) for b in boxes]
    order = sorted(range(len(words)), key=keys.__getitem__)
    lines: list[list[int]] = []  # indexes into words
    spans: list[list[tuple[float, float]]] = []  # per line: x0, x1 of its words
    bands: list[tuple[float, float]] = []
    extents: list[tuple[float, float]] = []  # per line: min x0, max x1 of its words
    for k in order:
        x0, y0, x1, y1 = boxes[k]
        h = y1 - y0 if y1 - y0 > 0.1 else 0.1
        half = 0.5 * (x1 - x0)
        best, best_ov = -1, 0.0
        for i in range(len(lines) - 1, max(-1, len(lines) - 1 - _LINE_WINDOW), -1):
            b0, b1 = bands[i]
            if b1 <= y0 or b0 >= y1:
                continue  # no vertical overlap
            inner = (y1 if y1 < b1 else b1) - (y0 if y0 > b0 else b0)
            low = h if h < b1 - b0 else b1 - b0
            ov = inner / (low if low > 0.1 else 0.1)
            if ov < 0.5 or ov <= best_ov:
                continue
            if half < 0:
                continue  # an inverted box collides with any line
            left, right = extents[i]
            # an overlap of more than `half` with some word needs one with the extent
            if ((x1 if x1 < right else right) - (x0 if x0 > left else left) > half
                    and _collides(spans[i], x0, x1, half)):
                continue
            best, best_ov = i, ov
        if best < 0:
            lines.append([k])
            spans.append([(x0, x1)])
            bands.append((y0, y1))
            extents.append((x0, x1))
        else:
            lines[best].append(k)
            spans[best].append((x0, x1))
            n = len(lines[best])
            b0, b1 = bands[best]
            bands[best] = (b0 + (y0 - b0) / n, b1 + (y1 - b1) / n)  # running mean
            left, right = extents[best]
            extents[best] = (x0 if x0 < left else left, x1 if x1 > right else right)
    out = []
    for line in lines:
        line.sort(key=lambda j: boxes[j][0])  # stable, as sorting the words was
        out.append((_median([keys[j][0] for j in line]), [words[j] for j in line]))
    out.sort(key=lambda m_ln: m_ln[0])
    return [ln for _, ln in out]


def number_lines(lines: list[list[Word]]) -> list[Word]:
    """Set `line` and `block` on each word (blocks split at large vertical gaps)."""
    out: list[Word] = []
    if not lines:
        return out
    heights = [max(w.bbox[3] - w.bbox[1] for w in ln) for ln in lines]
    typical = median(heights) if heights else 10.0
    block = 0
    prev_bottom: float | None = None
    for idx, ln in enumerate(lines):
        top = min(w.bbox[1] for w in ln)
        if prev_bottom is not None and top - prev_bottom > 1.2 * typical:
            block += 1
        prev_bottom = max(w.bbox[3] for w in ln)
        for w in ln:
            w.line = idx
            w.block = block
            out.append(w)
    return out


def order_words(words: list[Word]) -> list[Word]:
    """Reading order by geometry; returns the same Word objects, renumbered."""
    return number_lines(group_lines(words))


def text_from_words(words: Iterable[Word]) -> str:
    """Words joined by spaces within a line, lines joined by newlines (words pre-ordered)."""
    out: list[str] = []
    current: int | None = None
    buf: list[str] = []
    for w in words:
        if current is not None and w.line != current:
            out.append(" ".join(buf))
            buf = []
        current = w.line
        buf.append(w.text)
    if buf:
        out.append(" ".join(buf))
    return "\n".join(out)


def synthetic_page(text: str, number: int = 1) -> Page:
    """Lay `text` out on a monospace grid: 6 pt per character, 12 pt per line.

    Tabs expand to 8 columns. The page is at least US Letter and grows to fit.
    """
    words: list[Word] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    max_cols = 0
    block = 0
    line_no = 0
    prev_blank = False
    for row, raw in enumerate(lines):
        line = raw.expandtabs(8)
        max_cols = max(max_cols, len(line))
        if not line.strip():
            if not prev_blank and words:
                block += 1
            prev_blank = True
            continue
        prev_blank = False
        y0 = MARGIN + row * LINE_H
        col = 0
        for tok in line.split(" "):
            if tok:
                x0 = MARGIN + col * CHAR_W
                words.append(
                    Word(
                        text=tok,
                        bbox=(x0, y0, x0 + len(tok) * CHAR_W, y0 + LINE_H),
                        conf=1.0,
                        line=line_no,
                        block=block,
                    )
                )
            col += len(tok) + 1
        line_no += 1
    width = max(LETTER_W, 2 * MARGIN + max_cols * CHAR_W)
    height = max(LETTER_H, 2 * MARGIN + len(lines) * LINE_H)
    return Page(
        number=number,
        width=width,
        height=height,
        words=words,
        text=text_from_words(words),
    )
