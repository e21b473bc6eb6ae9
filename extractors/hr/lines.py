"""Lines and segments of a document with the geometry of every character span.

HR extractors match regular expressions on line text; `Line.bbox(start, end)` then turns
the matched character span back into the union of the words' boxes, so every field
carries the place a reviewer should look at. A *segment* is a run of words without a
wide horizontal gap: a form's label column and value column, or the double-spaced parts
of a flattened one-line resume, become separate segments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from ingest.types import BBox, IngestedDocument, Word

# a gap wider than this many average character widths separates two segments
SEGMENT_GAP_CHARS = 1.5


@dataclass(slots=True)
class Line:
    page: int
    index: int  # position in the document's line list
    text: str
    words: list[Word] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # char span of each word

    def bbox(self, start: int, end: int) -> BBox | None:
        """Union box of the words overlapping text[start:end]; None without geometry."""
        boxes = [
            w.bbox
            for w, (s, e) in zip(self.words, self.spans, strict=False)
            if s < end and e > start
        ]
        if not boxes:
            return None
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def ocr_conf(self, start: int, end: int) -> float:
        confs = [
            w.conf
            for w, (s, e) in zip(self.words, self.spans, strict=False)
            if s < end and e > start
        ]
        return min(confs) if confs else 1.0


def _char_width(words: list[Word]) -> float:
    widths = [(w.bbox[2] - w.bbox[0]) / len(w.text) for w in words if w.text]
    return median(widths) if widths else 6.0


def _make_line(page: int, index: int, words: list[Word]) -> Line:
    text_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for i, w in enumerate(words):
        if i:
            text_parts.append(" ")
            pos += 1
        spans.append((pos, pos + len(w.text)))
        text_parts.append(w.text)
        pos += len(w.text)
    return Line(page=page, index=index, text="".join(text_parts), words=words, spans=spans)


def document_lines(doc: IngestedDocument) -> list[Line]:
    """Every line of every page in reading order (words grouped by `Word.line`)."""
    out: list[Line] = []
    for page in doc.pages:
        if page.words:
            groups: dict[int, list[Word]] = {}
            for w in page.words:
                if w.text.strip():
                    groups.setdefault(w.line, []).append(w)
            for key in sorted(groups):
                ws = sorted(groups[key], key=lambda w: w.bbox[0])
                out.append(_make_line(page.number, len(out), ws))
        else:
            for raw in page.text.split("\n"):
                if raw.strip():
                    out.append(Line(page=page.number, index=len(out), text=raw.strip()))
    return out


def segments(line: Line) -> list[Line]:
    """Split a line at wide gaps (or at 2+ spaces when it has no geometry)."""
    if not line.words:
        parts = [p for p in line.text.split("  ") if p.strip()]
        return [Line(page=line.page, index=line.index, text=p.strip()) for p in parts] or [line]
    cw = _char_width(line.words)
    groups: list[list[Word]] = [[line.words[0]]]
    for prev, w in zip(line.words, line.words[1:], strict=False):
        if w.bbox[0] - prev.bbox[2] > SEGMENT_GAP_CHARS * cw:
            groups.append([w])
        else:
            groups[-1].append(w)
    if len(groups) == 1:
        return [line]
    return [_make_line(line.page, line.index, g) for g in groups]
