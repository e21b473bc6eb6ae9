"""Value parsers: find a typed value inside the text that follows a label.

Each parser returns `(raw, normalized, start, end)` with the span relative to the text it
was given, or None, so the caller can box exactly the matched words.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from extractors.hr.vocab import NON_NAME_WORDS
from extractors.normalize import normalize_date, normalize_money

Parsed = tuple[str, object, int, int]

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
DATE_RE = (
    rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|"
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}})"
)
_DATE = re.compile(DATE_RE, re.I)
_PERIOD = re.compile(
    rf"({DATE_RE})\s*(?:-|–|—|to|through|thru|until)\s*({DATE_RE})", re.I
)
_MONEY = re.compile(r"(?:[$€£₹]|USD|EUR|GBP|INR|Rs\.?)?\s?\d{1,3}(?:[,\s]?\d{3})*(?:\.\d{1,2})?"
                    r"(?:\s?(?:k|K)\b)?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_ID = re.compile(r"\b(?=[A-Z0-9#-]*\d)[A-Z0-9][A-Z0-9#/-]{1,24}\b", re.I)
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\w*])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]?\d{2,5}){1,3}(?!\d)"
)
_YEARS = re.compile(r"(?:19|20)\d\d(?:\s*[-–/]\s*(?:19|20)\d\d)?")
NAME_TOKEN = re.compile(
    r"(?:[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*|(?:Mc|Mac|O'|O’|De|Di|La|Le|Du)[A-Z][a-z]+|"
    r"[A-Z]{2,}(?:[-'][A-Z]+)?|[A-Z]\.?)"
)
_PARTICLES = {"de", "da", "van", "von", "der", "den", "del", "la", "le", "bin", "binti", "al"}
_HONORIFIC = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+", re.I)


def parse_date_in(text: str, day_first: bool | None) -> Parsed | None:
    for m in _DATE.finditer(text):
        norm = normalize_date(m.group(0), day_first=day_first)
        if norm:
            return m.group(0), norm, m.start(), m.end()
    return None


def parse_period(text: str, day_first: bool | None) -> tuple[Parsed, Parsed] | None:
    m = _PERIOD.search(text)
    if not m:
        return None
    a = normalize_date(m.group(1), day_first=day_first)
    b = normalize_date(m.group(2), day_first=day_first)
    if not a or not b or a > b:
        return None
    return (m.group(1), a, m.start(1), m.end(1)), (m.group(2), b, m.start(2), m.end(2))


def parse_money_in(text: str) -> Parsed | None:
    for m in _MONEY.finditer(text):
        raw = m.group(0).strip()
        if not re.search(r"\d", raw):
            continue
        start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        thousands = raw.lower().endswith("k")
        norm = normalize_money(raw.rstrip("kK ").strip())
        if norm is None:
            continue
        if thousands:
            norm = f"{float(norm) * 1000:.2f}"
        return raw, norm, start, start + len(raw)
    return None


def parse_number_in(text: str) -> Parsed | None:
    m = _NUMBER.search(text)
    if not m:
        return None
    value = float(m.group(0))
    if value > 1000:
        return None
    return m.group(0), f"{value:.2f}", m.start(), m.end()


def parse_id_in(text: str) -> Parsed | None:
    m = _ID.search(text)
    if not m:
        return None
    raw = m.group(0).strip("#-/")
    return raw, raw.upper(), m.start(), m.start() + len(raw)


def clean_name(text: str) -> tuple[str, int, int] | None:
    """The person-like name at the start of `text`: 2-5 capitalised words, initials and
    particles allowed; credentials after a comma dropped. Returns (name, start, end)."""
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    hon = _HONORIFIC.match(body)
    offset = lead
    if hon:
        offset += hon.end()
        body = body[hon.end():]
    body = re.split(r",|\s[-–|(]|\s{2,}|;|/", body, maxsplit=1)[0]
    tokens = body.split()
    kept: list[str] = []
    for tok in tokens:
        if NAME_TOKEN.fullmatch(tok) or (kept and tok.lower() in _PARTICLES):
            kept.append(tok)
        else:
            break
    # "Jane Doe PROSPER": a capitalised name does not run on into an upper-case word
    if kept and not kept[0].isupper():
        for i, tok in enumerate(kept[1:], 1):
            if len(tok) > 1 and tok.isupper():
                kept = kept[:i]
                break
    while kept and kept[-1].lower() in _PARTICLES:
        kept.pop()
    if any(t.lower().strip(".") in NON_NAME_WORDS for t in kept):
        return None
    if not 2 <= len(kept) <= 5:
        return None
    if sum(1 for t in kept if len(t.rstrip(".")) > 1) < 2:
        return None
    name = " ".join(kept)
    return name, offset, offset + len(name)


def parse_name_in(text: str) -> Parsed | None:
    got = clean_name(text)
    if not got:
        return None
    name, s, e = got
    if name.isupper():
        norm = " ".join(w.capitalize() if len(w) > 1 else w for w in name.split())
    else:
        norm = name
    return name, norm, s, e


# a full stop ends a value, unless it closes a legal-form or name abbreviation
_SENTENCE_END = re.compile(
    r"\s{2,}|;|\t|(?<!\bInc)(?<!\bLtd)(?<!\bCo)(?<!\bCorp)(?<!\bJr)(?<!\bSr)\.(?:\s|$)"
)


def parse_text_in(text: str) -> Parsed | None:
    lead = len(text) - len(text.lstrip(" :#-–"))
    body = text[lead:]
    body = re.split(_SENTENCE_END, body, maxsplit=1)[0]
    body = body.strip(" ,:")
    if not body or not re.search(r"[A-Za-z]{2,}", body) or len(body) > 80:
        return None
    return body, body, lead, lead + len(body)


def parse_email_in(text: str) -> Parsed | None:
    m = _EMAIL.search(text)
    if not m:
        return None
    raw = m.group(0).rstrip(".")
    return raw, raw.lower(), m.start(), m.start() + len(raw)


def parse_phone_in(text: str) -> Parsed | None:
    for m in _PHONE.finditer(text):
        raw = m.group(0).strip()
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15:
            continue
        if re.fullmatch(r"\d{3}-\d{2}-\d{4}", raw) or _YEARS.fullmatch(raw):
            continue  # an SSN or a span of years, not a phone
        if not raw.startswith(("+", "(")) and len(digits) < 10 and " " in raw:
            continue  # "12 345 678": loose digits, too weak without a country code
        norm = ("+" if raw.startswith("+") else "") + digits
        start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        return raw, norm, start, start + len(raw)
    return None


PARSERS: dict[str, Callable[[str], Parsed | None]] = {
    "money": parse_money_in,
    "number": parse_number_in,
    "id": parse_id_in,
    "name": parse_name_in,
    "text": parse_text_in,
    "email": parse_email_in,
    "phone": parse_phone_in,
}
