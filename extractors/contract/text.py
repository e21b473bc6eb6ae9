"""A whitespace-flattened view of a document that maps matches back to pages and boxes.

Contract prose wraps lines anywhere ("governed by the laws of the State of\\nDelaware"), so
patterns run on a copy where every whitespace run is one space; `FlatText` remembers where
each flat character came from so a match still yields its page and the union box of the
words it covers (what a reviewer highlights).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ingest.types import BBox, IngestedDocument

_WS = re.compile(r"\s+")
_WS_RUN = re.compile(r"\s\s+")


@dataclass
class FlatText:
    doc: IngestedDocument
    flat: str = ""
    # flat index -> original index into doc.text (one entry per flat char)
    orig: list[int] = field(default_factory=list)
    page_starts: list[int] = field(default_factory=list)  # original offsets where pages start
    _word_spans: dict[int, list[tuple[int, int, BBox]]] = field(default_factory=dict)

    @classmethod
    def of(cls, doc: IngestedDocument, max_pages: int | None = None) -> FlatText:
        pages = doc.pages if max_pages is None else doc.pages[:max_pages]
        starts, pos = [], 0
        for p in pages:
            starts.append(pos)
            pos += len(p.text) + 1  # "\f" separator
        text = "\f".join(p.text for p in pages)
        # a flat char maps to its own index, a collapsed run to where the run starts: only
        # runs of two or more drop indexes, so whole stretches between them are copied at once
        orig: list[int] = []
        last = 0
        for m in _WS_RUN.finditer(text):
            orig.extend(range(last, m.start() + 1))
            last = m.end()
        orig.extend(range(last, len(text)))
        return cls(doc=doc, flat=_WS.sub(" ", text), orig=orig, page_starts=starts)

    def prefix_len(self, n_pages: int) -> int:
        """Length of the flat text of the first `n_pages` pages alone (`of(doc, n_pages)`),
        without flattening them again: the flat chars that come from before the separator
        after page `n_pages` (a run across it is one char in both)."""
        if n_pages >= len(self.page_starts):
            return len(self.flat)
        return bisect.bisect_left(self.orig, self.page_starts[n_pages] - 1)

    def to_orig(self, i: int) -> int:
        if not self.orig:
            return 0
        return self.orig[min(max(i, 0), len(self.orig) - 1)]

    def page_index(self, flat_i: int) -> int:
        """0-based index of the page holding flat offset `flat_i`."""
        return max(0, bisect.bisect_right(self.page_starts, self.to_orig(flat_i)) - 1)

    def page_number(self, flat_i: int) -> int:
        return self.doc.pages[self.page_index(flat_i)].number if self.doc.pages else 1

    def _spans(self, pi: int) -> list[tuple[int, int, BBox]]:
        """Character spans of each word in the page text (words are found in order)."""
        if pi not in self._word_spans:
            page = self.doc.pages[pi]
            spans: list[tuple[int, int, BBox]] = []
            cur = 0
            for w in page.words:
                if not w.text:
                    continue
                j = page.text.find(w.text, cur)
                if j < 0:
                    continue
                spans.append((j, j + len(w.text), w.bbox))
                cur = j + len(w.text)
            self._word_spans[pi] = spans
        return self._word_spans[pi]

    def locate(self, start: int, end: int) -> tuple[int, BBox | None]:
        """Page number and union bbox of the words covering flat span [start, end)."""
        if not self.doc.pages:
            return 1, None
        pi = self.page_index(start)
        base = self.page_starts[pi]
        a = self.to_orig(start) - base
        b = self.to_orig(max(start, end - 1)) - base + 1
        boxes = [bb for (s, e, bb) in self._spans(pi) if s < b and e > a]
        if not boxes:
            return self.doc.pages[pi].number, None
        box = (
            min(x[0] for x in boxes),
            min(x[1] for x in boxes),
            max(x[2] for x in boxes),
            max(x[3] for x in boxes),
        )
        return self.doc.pages[pi].number, box
