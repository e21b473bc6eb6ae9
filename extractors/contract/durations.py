"""Durations in contract prose -> CONTRACT.md's `N_days|N_months|N_years`.

Contracts write a duration many ways ("two (2) years", "eighteen months", "one-year",
"5 yrs", "thirty (30) days'"); the parenthesised digits, when present, are the
authoritative number (drafters add them precisely to remove ambiguity), otherwise the
spelled-out number is parsed.
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_NUMBER_WORD = "|".join(sorted([*_UNITS, *_TENS, "hundred", "and"], key=len, reverse=True))

# "two (2)", "thirty-six (36)", "one hundred twenty (120)", "12", "1.5", "half a", "one"
NUMBER_RE = (
    rf"(?:(?:(?:{_NUMBER_WORD})(?:[\s-]+(?:{_NUMBER_WORD}))*)\s*(?:\(\s*\d+(?:\.\d+)?\s*\))?|\d+(?:\.\d+)?"
    r"(?:\s*\(\s*\d+(?:\.\d+)?\s*\))?)"
)
UNIT_RE = r"(?:calendar\s+|business\s+|working\s+|contract\s+|lease\s+)?(?:years?|yrs?\.?|months?|mos?\.?|weeks?|days?)"
# A duration phrase: number, optional hyphen ("one-year"), unit, optional possessive ('s).
DURATION_RE = re.compile(
    rf"(?<![\w-])(?P<num>{NUMBER_RE})[\s-]*(?P<unit>{UNIT_RE})(?:['’]s?)?(?![\w])",
    re.IGNORECASE,
)


def words_to_number(text: str) -> float | None:
    """Parse a spelled-out (or digit) number: "thirty-six" -> 36, "one hundred twenty" -> 120."""
    text = text.strip().lower()
    paren = re.search(r"\(\s*(\d+(?:\.\d+)?)\s*\)", text)
    if paren:
        return float(paren.group(1))
    digits = re.match(r"^(\d+(?:\.\d+)?)", text)
    if digits:
        return float(digits.group(1))
    total, current, seen = 0, 0, False
    for tok in re.split(r"[\s-]+", text):
        if tok in _UNITS:
            current += _UNITS[tok]
            seen = True
        elif tok in _TENS:
            current += _TENS[tok]
            seen = True
        elif tok == "hundred":
            current = max(current, 1) * 100
            seen = True
        elif tok == "and" or not tok:
            continue
        else:
            return None
    return float(total + current) if seen else None


def _unit_name(unit: str) -> str:
    u = unit.lower().split()[-1].rstrip(".")
    if u.startswith("y"):
        return "years"
    if u.startswith("mo"):
        return "months"
    if u.startswith("w"):
        return "weeks"
    return "days"


def _fmt(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def normalize_duration(text: str) -> str | None:
    """First duration in `text` as `N_days|N_months|N_years` ("two (2) years" -> "2_years").

    Weeks become days (CONTRACT.md has no week unit); returns None when no duration is found.
    """
    m = DURATION_RE.search(text)
    if not m:
        return None
    n = words_to_number(m.group("num"))
    if n is None or n <= 0:
        return None
    unit = _unit_name(m.group("unit"))
    if unit == "weeks":
        return f"{_fmt(n * 7)}_days"
    return f"{_fmt(n)}_{unit}"
