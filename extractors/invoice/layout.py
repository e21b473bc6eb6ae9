"""Rows and segments of a page, rebuilt from word boxes.

OCR engines and PDF text layers disagree on what a "line" is (tesseract splits a label and
its right-aligned value into separate blocks), so extraction works on its own geometry:
a *row* is every word overlapping vertically, a *segment* a run of words in a row without a
wide horizontal gap (one column cell: "Invoice No:" | "INV-001").
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from ingest.types import BBox, Page, Word


def union(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def centre_inside(bbox: BBox | None, box: BBox) -> bool:
    """Whether the centre of `bbox` (none: False) lies inside `box`, edges included."""
    if bbox is None:
        return False
    x, y = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def segment_above(lay: PageLayout, r: int, box: BBox, reach: int = 1
                  ) -> tuple[Segment, int] | None:
    """The nearest segment above row `r` that overlaps `box` horizontally, within `reach`
    rows, and how many rows up it is."""
    for d in range(1, reach + 1):
        if r - d < 0:
            break
        for seg in lay.rows[r - d].segments:
            b = seg.bbox
            if min(b[2], box[2]) - max(b[0], box[0]) > 0:
                return seg, d
    return None


@dataclass(slots=True)
class Segment:
    words: list[Word]
    row: int = 0
    page: int = 1

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bbox(self) -> BBox:
        return union([w.bbox for w in self.words])


@dataclass(slots=True)
class Row:
    index: int
    page: int
    words: list[Word]
    segments: list[Segment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bbox(self) -> BBox:
        return union([w.bbox for w in self.words])

    @property
    def height(self) -> float:
        return statistics.median(w.bbox[3] - w.bbox[1] for w in self.words)


@dataclass(slots=True)
class PageLayout:
    page: Page
    rows: list[Row]
    word_height: float  # median word height on the page: the unit for gaps and fonts

    @property
    def number(self) -> int:
        return self.page.number


def build_rows(page: Page) -> PageLayout:
    """Cluster words into rows by vertical overlap, then cut rows at wide gaps."""
    words = [w for w in page.words if w.text.strip()]
    if not words:
        return PageLayout(page, [], 10.0)
    wh = statistics.median(max(1.0, w.bbox[3] - w.bbox[1]) for w in words)
    words.sort(key=lambda w: ((w.bbox[1] + w.bbox[3]) / 2, w.bbox[0]))
    groups: list[list[Word]] = []
    spans: list[tuple[float, float]] = []
    for w in words:
        y0, y1 = w.bbox[1], w.bbox[3]
        cy = (y0 + y1) / 2
        placed = False
        for gi in range(len(groups) - 1, max(-1, len(groups) - 4), -1):
            g0, g1 = spans[gi]
            if g0 <= cy <= g1 and min(y1, g1) - max(y0, g0) >= 0.4 * min(y1 - y0, g1 - g0):
                groups[gi].append(w)
                # keep the row's span near its first words so slanted rows don't swallow
                spans[gi] = (min(g0, y0 + 0.25 * (y1 - y0)), max(g1, y1 - 0.25 * (y1 - y0)))
                placed = True
                break
        if not placed:
            groups.append([w])
            spans.append((y0, y1))
    rows = []
    for i, g in enumerate(groups):
        g.sort(key=lambda w: w.bbox[0])
        row = Row(i, page.number, g)
        seg: list[Word] = [g[0]]
        for prev, w in zip(g, g[1:], strict=False):
            gap = w.bbox[0] - prev.bbox[2]
            h = max(prev.bbox[3] - prev.bbox[1], w.bbox[3] - w.bbox[1], wh)
            if gap > 1.8 * h:
                row.segments.append(Segment(seg, i, page.number))
                seg = []
            seg.append(w)
        row.segments.append(Segment(seg, i, page.number))
        rows.append(row)
    return PageLayout(page, rows, wh)
