"""A search hit's passage on the page image: its character range in the document's text
(`SearchHit.char_start/char_end`, offsets into the pages' text joined by form feeds, as the
chunks were cut) turned into the boxes of the page's words that print it.

Each stored word is found in its page's text in reading order, which gives it a character
span; the words whose span overlaps the passage are the passage. A word the text does not
hold (masked or re-read since) is skipped rather than guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

PAGE_JOIN = 1  # the form feed between pages in IngestedDocument.text
MERGE_GAP = 2.0  # words on one line closer than this many word heights share one box


@dataclass(frozen=True, slots=True)
class PassageBox:
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def page_offset(page_texts: Sequence[str], number: int) -> int:
    """Where page `number` (1-based) starts in the joined document text."""
    return sum(len(t) + PAGE_JOIN for t in page_texts[: max(0, number - 1)])


def word_spans(text: str, words: Sequence[Sequence[Any]]) -> list[tuple[int, int, int]]:
    """(word index, start, end) of each word found in `text`, in order."""
    out, cursor = [], 0
    for i, w in enumerate(words):
        token = str(w[0]) if w else ""
        if not token:
            continue
        at = text.find(token, cursor)
        if at < 0:
            continue
        out.append((i, at, at + len(token)))
        cursor = at + len(token)
    return out


def _merge(boxes: list[PassageBox]) -> list[PassageBox]:
    """Neighbouring word boxes on one line as one box (fewer, steadier rectangles)."""
    out: list[PassageBox] = []
    for b in boxes:
        last = out[-1] if out else None
        h = max(b.height, 1.0)
        if last is not None and abs(b.y0 - last.y0) < 0.5 * h \
                and -1.0 <= b.x0 - last.x1 <= MERGE_GAP * h:
            out[-1] = PassageBox(last.x0, min(last.y0, b.y0), max(last.x1, b.x1),
                                 max(last.y1, b.y1))
        else:
            out.append(b)
    return out


def passage_boxes(page_texts: Sequence[str], number: int, words: Sequence[Sequence[Any]],
                  start: int, end: int) -> list[PassageBox]:
    """Boxes on page `number` of the words printing document characters [start, end)."""
    if end <= start or number < 1 or number > len(page_texts):
        return []
    base = page_offset(page_texts, number)
    text = page_texts[number - 1]
    lo, hi = start - base, end - base
    if hi <= 0 or lo >= len(text):
        return []
    boxes = []
    for i, s, e in word_spans(text, words):
        if s < hi and e > lo and len(words[i]) >= 5:
            x0, y0, x1, y1 = (float(c) for c in words[i][1:5])
            boxes.append(PassageBox(x0, y0, x1, y1))
    return _merge(boxes)
