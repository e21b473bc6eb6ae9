"""Finding dates in contract prose and normalising them.

Contracts spell dates as "September 7, 2010", "the 16th day of July, 2002", "1 January
2013" or "5/8/14" (US filings: month first). We find the phrases with one regex (cheap on
long documents) and hand each to the shared `normalize_date`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from functools import lru_cache

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


# Where a date can start: every alternative of DATE_RE but the first opens with a digit, the
# first with a month word (3-9 letters) and an optional period before the whitespace that
# precedes its day. Trying DATE_RE only there gives finditer's matches at a fraction of its
# cost: the pattern has no literal prefix, so finditer tries all its branches at every
# character of a long contract (~2.5 ms a page per scan).
_DIGIT = re.compile(r"\d")
_SPACE_BEFORE_DIGIT = re.compile(r"\s+(?=\d)")
_MONTH_WORD_LENGTHS = range(3, 11)  # "Jan" .. "September" plus its optional "."


def date_matches(text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match[str]]:
    """The matches of `DATE_RE.finditer(text, pos, endpos)`, the same ones in the same order:
    the pattern is tried (with `match`, which is what finditer's search does at each
    position) only at the positions where one of its alternatives can open."""
    pos = max(0, pos)
    end = len(text) if endpos is None else max(0, min(endpos, len(text)))
    starts = {m.start() for m in _DIGIT.finditer(text, pos, end)}
    for m in _SPACE_BEFORE_DIGIT.finditer(text, pos, end):
        run = m.start()  # the whole run: a month word ends in a letter or "."
        starts.update(x for x in (run - k for k in _MONTH_WORD_LENGTHS) if x >= pos)
    resume = pos
    match = DATE_RE.match
    for x in sorted(starts):
        if x < resume:
            continue
        m = match(text, x, end)
        if m is not None:
            yield m
            resume = m.end()


@lru_cache(maxsize=8192)
def parse_date(text: str) -> str | None:
    """YYYY-MM-DD for one date phrase; numeric dates are read month-first (US filings).
    Cached: a contract repeats its dates and several finders read the same ones."""
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
    for m in date_matches(text, start, end):
        iso = parse_date(m.group(0))
        if iso and not in_filing_footer(text, m.start()):
            yield m.start(), m.end(), iso


def add_duration(iso: str, dur: str) -> str | None:
    """`iso` (YYYY-MM-DD) plus a whole number of years or months (`N_years|N_months`),
    the day clamped to the month's end; None for any other duration."""
    n, unit = dur.split("_")
    try:
        y, m, d = (int(x) for x in iso.split("-"))
        k = float(n)
        if not k.is_integer():
            return None
        k = int(k)
        if unit == "years":
            y += k
        elif unit == "months":
            m0 = m - 1 + k
            y, m = y + m0 // 12, m0 % 12 + 1
        else:
            return None
        d = min(d, 28) if m == 2 else min(d, 30 if m in (4, 6, 9, 11) else 31)
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def eve(iso: str) -> str:
    """The day before `iso`."""
    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()


def term_ends(start: str, duration: str) -> set[str]:
    """The end dates a term of `duration` (`N_years|N_months`) from `start` (YYYY-MM-DD) is
    written with: start + duration, and the day before (a term from 1 January 1996 runs to
    31 December 1998); empty when the term is not counted in whole years or months."""
    end = add_duration(start, duration) if duration.endswith(("_years", "_months")) else None
    return {end, eve(end)} if end else set()
