"""Finding dates in contract prose and normalising them.

Contracts spell dates as "September 7, 2010", "the 16th day of July, 2002", "1 January
2013" or "5/8/14" (US filings: month first). We find the phrases with one regex (cheap on
long documents) and hand each to the shared `normalize_date`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractors.normalize import normalize_date

_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_DAY = r"(?:[0-3]?\d)(?:\s*(?:st|nd|rd|th))?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
DATE_RE = re.compile(
    r"(?:"
    rf"{_MONTHS}\s+{_DAY}\s*,?\s*{_YEAR}"  # September 7, 2010
    rf"|{_DAY}\s+(?:day\s+of\s+)?{_MONTHS}\s*,?\s*(?:A\.?D\.?\s*)?{_YEAR}"  # 16th day of July, 2002
    rf"|{_DAY}\s+day\s+of\s+{_MONTHS}\s*,?\s*(?:A\.?D\.?\s*)?{_YEAR}"
    r"|\b[01]?\d/[0-3]?\d/(?:\d{4}|\d{2})\b"  # 5/8/2014
    r"|\b(?:19|20)\d\d-[01]\d-[0-3]\d\b"  # ISO
    r")",
    re.IGNORECASE,
)


def parse_date(text: str) -> str | None:
    """YYYY-MM-DD for one date phrase; numeric dates are read month-first (US filings)."""
    t = re.sub(r"\s+", " ", text).strip()
    t = re.sub(r"\bA\.?D\.?\s*", "", t)
    t = re.sub(r"(\d)\s*(st|nd|rd|th)\b", r"\1", t, flags=re.I)
    t = re.sub(r"\bday of\b", "", t, flags=re.I)
    t = re.sub(r"\s+", " ", t).strip()
    return normalize_date(t, day_first=False)


# EDGAR exhibits carry a filing footer on every page, "Source: <FILER>, <FORM>, <M/D/YYYY>":
# its date is when the exhibit was filed, never a date of the agreement
_FILING_FOOTER = re.compile(
    r"\bSource\s*:\s*[^\n:]{1,120}?,\s*[A-Z0-9][A-Z0-9/\-. ]{0,15},\s*$", re.IGNORECASE)
_FOOTER_REACH = 170  # characters before a date in which a footer's lead-in can stand


def in_filing_footer(text: str, start: int) -> bool:
    """Whether the date at `start` is the filing date of an EDGAR "Source:" footer."""
    return bool(_FILING_FOOTER.search(text, max(0, start - _FOOTER_REACH), start))


def find_dates(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, str]]:
    """(start, end, YYYY-MM-DD) for every parsable date in text[start:end], less filing
    footers' dates (`in_filing_footer`)."""
    for m in DATE_RE.finditer(text, start, len(text) if end is None else end):
        iso = parse_date(m.group(0))
        if iso and not in_filing_footer(text, m.start()):
            yield m.start(), m.end(), iso
