"""Cut a contract into clauses at its own numbering and headings.

Clause boundaries are where drafters put them: "ARTICLE IV", "Section 5.2", "12.", "1.1",
"(a)", or a short ALL-CAPS heading line. Sections longer than ~2000 characters are cut
again at paragraph (line ending in a full stop) and then sentence boundaries so a tagger
sees units of one topic. Offsets index `IngestedDocument.text`.
"""

from __future__ import annotations

import re

from extractors.types import Clause
from ingest.types import IngestedDocument

MAX_CHARS = 2000
MIN_CHARS = 40

_HEADING = re.compile(
    r"^\s*(?:"
    r"(?:ARTICLE|Article)\s+(?:[IVXLC]+|\d+)\b"
    r"|(?:SECTION|Section)\s+\d+(?:\.\d+)*\b"
    r"|\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+(?=[A-Z(\"“])"
    r"|\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)\s+"
    r"|[A-Z]\.\s+(?=[A-Z])"
    r")"
)
_CAPS_LINE = re.compile(r"^\s*[A-Z][A-Z0-9 ,;:&'’()/-]{3,80}\.?\s*$")


def _is_heading_line(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if _HEADING.match(line):
        return True
    return bool(_CAPS_LINE.match(s)) and len(s.split()) <= 10 and sum(c.isalpha() for c in s) >= 4


def _heading_of(text: str) -> str:
    first = text.strip().split("\n", 1)[0].strip()
    m = re.match(r"^(.{3,100}?[.:])(?:\s|$)", first)
    if _CAPS_LINE.match(first) and len(first) <= 100:
        return first
    if m and len(m.group(1).split()) <= 12:
        return m.group(1).strip()
    return first[:80]


def _split_long(text: str, start: int) -> list[tuple[int, int]]:
    """Spans (absolute offsets) of pieces <= MAX_CHARS at paragraph, then sentence ends."""
    if len(text) <= MAX_CHARS:
        return [(start, start + len(text))]
    cuts = [m.end() for m in re.finditer(r"[.:;]\s*\n", text)]
    if not cuts:
        cuts = [m.end() for m in re.finditer(r"[.;]\s+(?=[A-Z(])", text)]
    spans, a = [], 0
    last_ok = None
    for c in [*cuts, len(text)]:
        if c - a > MAX_CHARS and last_ok is not None and last_ok > a:
            spans.append((a, last_ok))
            a = last_ok
        last_ok = c
    spans.append((a, len(text)))
    out = []
    for a, b in spans:
        if b - a > 2 * MAX_CHARS:  # no usable boundary: hard cut at whitespace
            pos = a
            while pos < b:
                end = min(b, pos + MAX_CHARS)
                if end < b:
                    ws = text.rfind(" ", pos + MAX_CHARS // 2, end)
                    end = ws if ws > pos else end
                out.append((start + pos, start + end))
                pos = end
        else:
            out.append((start + a, start + b))
    return out


def split_clauses(doc: IngestedDocument) -> list[Clause]:
    """Clauses of `doc` in reading order, with heading, page and offsets into `doc.text`."""
    text = doc.text
    page_starts, pos = [], 0
    for p in doc.pages:
        page_starts.append(pos)
        pos += len(p.text) + 1
    starts = [0]
    pos = 0
    for line in re.split(r"(?<=[\n\f])", text):
        if pos and _is_heading_line(line.lstrip("\f")):
            starts.append(pos + (len(line) - len(line.lstrip("\f \t"))))
        pos += len(line)
    starts = sorted(set(starts))
    spans: list[tuple[int, int]] = []
    for i, a in enumerate(starts):
        b = starts[i + 1] if i + 1 < len(starts) else len(text)
        spans.append((a, b))
    # a heading-only span (e.g. "ARTICLE 5\nTERM") joins the clause after it
    merged: list[list[int]] = []
    carry = None
    for a, b in spans:
        if carry is not None:
            a = carry
            carry = None
        if len(text[a:b].strip()) < MIN_CHARS and b < len(text):
            carry = a
            continue
        merged.append([a, b])
    if carry is not None:
        if merged:
            merged[-1][1] = len(text)
        else:
            merged.append([carry, len(text)])
    clauses: list[Clause] = []
    for a, b in merged:
        for s, e in _split_long(text[a:b], a):
            body = text[s:e]
            stripped = body.strip()
            if not stripped:
                continue
            s2 = s + (len(body) - len(body.lstrip()))
            e2 = s2 + len(stripped)
            page_i = 0
            for k, ps in enumerate(page_starts):
                if ps <= s2:
                    page_i = k
            page = doc.pages[page_i].number if doc.pages else 1
            clauses.append(Clause(index=len(clauses), heading=_heading_of(stripped), text=stripped,
                                  page=page, start=s2, end=e2, labels={}))
    return clauses
