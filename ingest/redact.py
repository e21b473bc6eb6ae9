"""National ids masked in what was read, before anything stores, indexes or logs it.

Why here: the pages (text and word boxes) are what the database, the search index and
every later stage keep, so masking them once, right after classification and before
extraction, keeps a social security number out of all of them at once. Masking keeps the
length of every string (each masked character becomes `*`), so clause offsets and the
word-to-text alignment stay valid, and keeps the last four characters, the form HR staff
use to confirm an identity (`123-45-6789` -> `***-**-6789`).

Two strengths, as named tables below:
* every document: the 3-2-4 SSN/ITIN shape with a separator (`123-45-6789`, `123 45 6789`,
  `123.45.6789`); a bare nine-digit number on an invoice is more often an invoice number;
* HR documents (`strict`): also nine bare digits (`123456789`), nine digits typed one per
  box (`1 2 3 4 5 6 7 8 9`), the 3-3-3 grouping (Canadian SIN, a mis-grouped SSN), India's
  PAN and Aadhaar and the UK National Insurance number. A nine-digit employee id on an
  HR document is masked too: the conservative reading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ingest.types import IngestedDocument, Word

KEEP = 4  # characters left readable at the end of a masked id
MASK = "*"

_SEP = r"[-\s.\u00a0]"
# id shapes masked on every document
EVERY_DOCUMENT: dict[str, str] = {
    "ssn_separated": rf"(?<![\d*])\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{4}}(?!\d)",
}
# further shapes masked on HR documents
HR_ONLY: dict[str, str] = {
    "ssn_bare": r"(?<![\d*])\d{9}(?!\d)",
    "ssn_boxes": r"(?<![\d*])(?<!\d )\d(?: \d){8}(?! ?\d)",
    "sin_3_3_3": rf"(?<![\d*])\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}(?!{_SEP}?\d)",
    "aadhaar": rf"(?<![\d*])\d{{4}}{_SEP}?\d{{4}}{_SEP}?\d{{4}}(?!\d)",
    "pan": r"(?<![A-Za-z0-9])[A-Z]{5}\d{4}[A-Z](?![A-Za-z0-9])",
    "uk_nino": r"(?<![A-Za-z0-9])[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D](?![A-Za-z0-9])",
}

_EVERY = re.compile("|".join(f"(?:{p})" for p in EVERY_DOCUMENT.values()))
_STRICT = re.compile("|".join(f"(?:{p})" for p in (*EVERY_DOCUMENT.values(), *HR_ONLY.values())))


@dataclass(frozen=True, slots=True)
class Redaction:
    """How many ids were masked in a document (never what they were)."""

    pages: int
    ids: int


def _spans(text: str, strict: bool) -> list[tuple[int, int]]:
    pattern = _STRICT if strict else _EVERY
    return [m.span() for m in pattern.finditer(text)]


def _mask_span(chars: list[str], start: int, end: int) -> None:
    """Mask the letters and digits of chars[start:end] except the last `KEEP`."""
    alnum = [i for i in range(start, end) if chars[i].isalnum()]
    for i in alnum[:-KEEP] if len(alnum) > KEEP else alnum:
        chars[i] = MASK


def mask_ids(text: str, strict: bool = True) -> str:
    """`text` with every national id masked (same length)."""
    if not text:
        return text
    spans = _spans(text, strict)
    if not spans:
        return text
    chars = list(text)
    for s, e in spans:
        _mask_span(chars, s, e)
    return "".join(chars)


def has_id(text: str, strict: bool = True) -> bool:
    return bool(text) and bool((_STRICT if strict else _EVERY).search(text))


def mask_words(words: Iterable[Word], strict: bool) -> int:
    """Mask ids in a page's words in place, also ids split over several words (an OCR'd
    `123 45 6789`, a form's one-digit boxes): the words are read joined by single spaces.
    Returns how many ids were masked."""
    words = list(words)
    if not words:
        return 0
    offsets: list[tuple[int, int]] = []
    pos = 0
    for w in words:
        offsets.append((pos, pos + len(w.text)))
        pos += len(w.text) + 1
    joined = " ".join(w.text for w in words)
    spans = _spans(joined, strict)
    if not spans:
        return 0
    chars = list(joined)
    for s, e in spans:
        _mask_span(chars, s, e)
    masked = "".join(chars)
    for w, (s, e) in zip(words, offsets, strict=True):
        w.text = masked[s:e]
        if w.char_alt is not None:  # the other reading of a masked word is no less an id
            w.char_alt = None
    return len(spans)


def redact_document(doc: IngestedDocument, strict: bool) -> Redaction:
    """Mask national ids in every page's text and words and in the metadata, in place."""
    ids = 0
    for page in doc.pages:
        before = page.text
        page.text = mask_ids(page.text, strict)
        ids += len(_spans(before, strict))
        mask_words(page.words, strict)
    doc.metadata = mask_value(doc.metadata, strict)
    return Redaction(pages=len(doc.pages), ids=ids)


def mask_value(value: Any, strict: bool) -> Any:
    """Strings inside a value (lists, dicts such as a PDF's AcroForm values) masked."""
    if isinstance(value, str):
        return mask_ids(value, strict)
    if isinstance(value, list):
        return [mask_value(v, strict) for v in value]
    if isinstance(value, tuple):
        return tuple(mask_value(v, strict) for v in value)
    if isinstance(value, dict):
        return {k: mask_value(v, strict) for k, v in value.items()}
    return value
