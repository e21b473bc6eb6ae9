"""Label-value reading of HR forms and letters, plus phrase patterns for prose.

Forms: "Employee Name: Jane Doe", "Gross Pay  3,200.00", or a label with its value on
the next line. Letters: "Dear Jane Doe,", "an annual salary of $85,000", "your start date
will be March 2, 2026", "reporting to John Roe".
"""

from __future__ import annotations

import re

from extractors.hr.candidates import Candidate
from extractors.hr.labels import LabelHit, find_labels
from extractors.hr.lines import Line, segments
from extractors.hr.ssn import LABELLED_NINE, SSN_PATTERN, masked
from extractors.hr.values import (
    DATE_RE,
    PARSERS,
    clean_name,
    parse_date_in,
    parse_money_in,
    parse_period,
)
from extractors.hr.vocab import LEGAL_SUFFIX, ROLE_WORDS

_TABLE_HEADERS = frozenset(
    "qty quantity price amount description total unit rate hours date item no".split()
)
BELOW_FACTOR = 0.85  # value read from the line under its label
NEXT_SEG_FACTOR = 0.97  # value read from the next column of the same line


# a form's item marker before a label: "(a)", "b.", "e " (W-4 steps, W-2 boxes)
_ITEM_MARK = re.compile(r"\(?[a-hA-H][).]?")


def _at_segment_start(text: str, hit: LabelHit) -> bool:
    before = text[: hit.start].strip(" \t•*-–|:.0123456789)(")
    return not before or (_ITEM_MARK.fullmatch(text[: hit.start].strip()) is not None)


def _parse(kind: str, field: str, text: str, day_first: bool | None, line: Line, offset: int,
           conf: float, source: str) -> list[Candidate]:
    """Candidates for `field` from `text` (a slice of `line.text` starting at `offset`)."""
    if kind == "date" and field == "pay_period_start":  # "Pay period from 01/05 to 01/18"
        per = parse_period(text, day_first)
        if per:
            return _parse("period", field, text, day_first, line, offset, conf, source)
    if kind == "date":
        got = parse_date_in(text, day_first)
        if not got:
            return []
        raw, norm, s, e = got
        return [Candidate(field, raw, norm, conf, line, offset + s, offset + e, source)]
    if kind == "period":
        per = parse_period(text, day_first)
        if not per:
            return []
        (r1, n1, s1, e1), (r2, n2, s2, e2) = per
        return [
            Candidate("pay_period_start", r1, n1, conf, line, offset + s1, offset + e1, source),
            Candidate("pay_period_end", r2, n2, conf, line, offset + s2, offset + e2, source),
        ]
    if kind == "ssn":
        m = SSN_PATTERN.search(text)
        if m:
            mask = masked(m.group(4))
            return [Candidate("ssn", mask, mask, conf, line, offset + m.start(),
                              offset + m.end(), source)]
        m2 = re.match(r"\s*(\d{5}|\*{5})(\d{4})(?!\d)", text)
        if m2:
            mask = masked(m2.group(2))
            return [Candidate("ssn", mask, mask, conf * 0.95, line, offset + m2.start(1),
                              offset + m2.end(), source)]
        return []
    parser = PARSERS[kind]
    got = parser(text)
    if not got:
        return []
    raw, norm, s, e = got
    if kind == "text" and field in ("employer_name", "job_title", "department"):
        low = raw.lower()
        if field == "job_title" and len(raw.split()) > 8:
            return []
        if re.match(r"(?:n/?a|none|tbd|-+)$", low):
            return []
        words = raw.split()
        if len(words) > 6 and field != "job_title":
            return []  # an instruction or a sentence, not a name
        if low in _TABLE_HEADERS or len(re.sub(r"[^A-Za-z]", "", raw)) < 2:
            return []
    if field == "salary" and re.search(r"per\s+hour|/\s?h(?:ou)?r|hourly", text, re.I):
        field = "pay_rate"
    return [Candidate(field, raw, norm, conf, line, offset + s, offset + e, source)]


def _below(lines: list[Line], line: Line, seg: Line, hit: LabelHit) -> tuple[Line, Line] | None:
    """The segment under a label (form layout with the value on the next line)."""
    nxt_i = line.index + 1
    if nxt_i >= len(lines) or lines[nxt_i].page != line.page:
        return None
    nxt = lines[nxt_i]
    box = seg.bbox(hit.start, hit.end)
    for cand in segments(nxt):
        if box is None or cand.bbox(0, len(cand.text)) is None:
            return nxt, cand
        cb = cand.bbox(0, len(cand.text))
        assert cb is not None
        if cb[0] < box[2] + 20 and cb[2] > box[0] - 20:
            return nxt, cand
    return None


def label_candidates(lines: list[Line], day_first: bool | None) -> list[Candidate]:
    out: list[Candidate] = []
    for line in lines:
        segs = segments(line)
        for si, seg in enumerate(segs):
            hits = find_labels(seg.text)
            for j, hit in enumerate(hits):
                lab = hit.label
                at_start = _at_segment_start(seg.text, hit)
                if not (hit.colon or at_start):
                    continue
                nxt_start = hits[j + 1].start if j + 1 < len(hits) else len(seg.text)
                value = seg.text[hit.end:nxt_start]
                if not lab.specific and not hit.colon and value.strip():
                    continue  # "Employee agrees ...": prose, not a form
                if lab.field is None:
                    continue
                conf = lab.reliability
                found: list[Candidate] = []
                if value.strip():
                    found = _parse(lab.kind, lab.field, value, day_first, seg, hit.end, conf,
                                   "label")
                elif j + 1 == len(hits):
                    next_is_label = si + 1 < len(segs) and any(
                        _at_segment_start(segs[si + 1].text, h)
                        for h in find_labels(segs[si + 1].text)
                    )
                    if si + 1 < len(segs) and not next_is_label:
                        n = segs[si + 1]
                        found = _parse(lab.kind, lab.field, n.text, day_first, n, 0,
                                       conf * NEXT_SEG_FACTOR, "layout-kv")
                    else:
                        below = _below(lines, line, seg, hit)
                        if below and not any(
                            _at_segment_start(below[1].text, h) for h in
                            find_labels(below[1].text)
                        ):
                            found = _parse(lab.kind, lab.field, below[1].text, day_first,
                                           below[1], 0, conf * BELOW_FACTOR, "layout-kv")
                out.extend(found)
    return out


# --- prose ----------------------------------------------------------------------------

_AMOUNT = r"(?:[$€£₹]|USD\s?|INR\s?|Rs\.?\s?)\s?\d[\d,]*(?:\.\d{1,2})?(?:\s?[kK]\b)?"
_DAYNAME = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_NAME = r"(?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?[A-Z][A-Za-z'’.-]+(?:\s+[A-Z][A-Za-z'’.-]*){1,3}"
_COMPANY = rf"[A-Z][\w&'’-]*(?:\s+(?:[A-Z][\w&'’.-]*|of|and|&))*?,?\s+{LEGAL_SUFFIX}"

# (field, pattern with group v, kind, confidence)
PHRASES: list[tuple[str, re.Pattern[str], str, float]] = [
    ("employee_name", re.compile(rf"\bDear\s+(?P<v>{_NAME})\s*[,:]"), "name", 0.85),
    ("job_title", re.compile(
        r"\b(?:position|role|post|title)\s+(?:of|as)\s+(?:an?\s+|the\s+|our\s+)?"
        r"(?P<v>[A-Z][\w&/\- ]{2,60}?)(?=\s+(?:at|with|in|for|on|reporting|based|within|"
        r"starting|effective|and)\b|\s*[,.;(]|$)"), "title", 0.86),
    ("job_title", re.compile(
        r"\b(?:join(?:ing)?\s+\S+(?:\s+\S+){0,4}\s+|employ(?:ed)?\s+you\s+|hire\s+you\s+)"
        r"as\s+(?:an?\s+|the\s+|our\s+)?(?P<v>[A-Z][\w&/\- ]{2,50}?)"
        r"(?=\s+(?:at|with|in|for|on|reporting|based|within|starting|effective|and)\b|"
        r"\s*[,.;(]|$)"), "title", 0.8),
    ("salary", re.compile(
        rf"\b(?:annual|yearly|annualized)\s+(?:base\s+|gross\s+)?(?:salary|compensation|pay)"
        rf"(?:\s+rate)?\s+(?:of|will\s+be|is|at|shall\s+be)\s+(?P<v>{_AMOUNT})", re.I),
        "money", 0.92),
    ("salary", re.compile(
        rf"(?P<v>{_AMOUNT})\s*(?:per\s+(?:year|annum)|annually|a\s+year|/\s?(?:yr|year)\b)",
        re.I), "money", 0.9),
    ("salary", re.compile(
        rf"\b(?:base\s+)?salary\s+(?:of|will\s+be|is|at)\s+(?P<v>{_AMOUNT})"
        rf"(?!\s*(?:per\s+(?:hour|month|week)|/\s?h))", re.I), "money", 0.82),
    ("pay_rate", re.compile(
        rf"(?P<v>{_AMOUNT})\s*(?:per\s+hour|an\s+hour|/\s?(?:hr|hour)\b|hourly)", re.I),
        "money", 0.9),
    ("pay_rate", re.compile(
        rf"\bhourly\s+(?:rate|wage|pay)\s+(?:of|will\s+be|is|at)\s+(?P<v>{_AMOUNT})", re.I),
        "money", 0.92),
    ("start_date", re.compile(
        rf"\b(?:start(?:ing)?\s+date|first\s+day(?:\s+of\s+(?:employment|work))?|"
        rf"date\s+of\s+joining)\s+(?:will\s+be|is|of|shall\s+be|:)\s+(?:on\s+)?{_DAYNAME}"
        rf"(?P<v>{DATE_RE})", re.I), "date", 0.9),
    ("start_date", re.compile(
        rf"\b(?:commence|start|begin|join)(?:s|ing)?\s+(?:your\s+)?(?:employment\s+|work\s+)?"
        rf"(?:with\s+(?:us|[A-Z][\w&.,'\- ]{{1,40}}?)\s+)?on\s+{_DAYNAME}(?P<v>{DATE_RE})",
        re.I), "date", 0.85),
    ("end_date", re.compile(
        rf"\b(?:last\s+day\s+of\s+(?:employment|work)|last\s+working\s+day|"
        rf"employment\s+(?:with\s+[^.]{{1,40}}?\s+)?(?:will\s+)?(?:end|terminate)(?:s|d)?|"
        rf"termination\s+(?:date|will\s+be\s+effective|is\s+effective))"
        rf"\s+(?:will\s+be|is|on|as\s+of|effective|shall\s+be)?\s*(?:on\s+)?{_DAYNAME}"
        rf"(?P<v>{DATE_RE})", re.I), "date", 0.88),
    ("_effective", re.compile(rf"\beffective\s+(?:as\s+of\s+)?{_DAYNAME}(?P<v>{DATE_RE})",
                              re.I), "date", 0.7),
    ("manager_name", re.compile(rf"\breport(?:ing|s)?\s+(?:directly\s+)?to\s+(?P<v>{_NAME})"),
     "name", 0.82),
    ("employer_name", re.compile(
        rf"\b(?:join(?:ing)?|welcome\s+to|behalf\s+of|employment\s+with|employed\s+by|"
        rf"position\s+(?:at|with)|offer\s+from)\s+(?P<v>{_COMPANY})"), "text", 0.86),
    ("department", re.compile(
        r"\b(?:in|of|join(?:ing)?|within)\s+(?:the|our)\s+(?P<v>[A-Z][\w&\- ]{1,40}?)\s+"
        r"(?:department|team|division|group)\b"), "text", 0.8),
    ("hours_worked", re.compile(
        r"\b(?:worked|total\s+of)\s+(?P<v>\d{1,3}(?:\.\d{1,2})?)\s+hours\b", re.I),
        "number", 0.8),
]


def _pairs(lines: list[Line]) -> list[Line]:
    """Each line joined with the next one on the page: sentences wrap."""
    out = []
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and lines[i + 1].page == line.page:
            nxt = lines[i + 1]
            shift = len(line.text) + 1
            out.append(Line(
                page=line.page, index=line.index, text=f"{line.text} {nxt.text}",
                words=line.words + nxt.words,
                spans=line.spans + [(s + shift, e + shift) for s, e in nxt.spans],
            ))
        else:
            out.append(line)
    return out


def phrase_candidates(lines: list[Line], day_first: bool | None,
                      subtype: str | None) -> list[Candidate]:
    out: list[Candidate] = []
    seen: set[tuple[str, int, int]] = set()
    for joined in _pairs(lines):
        for field, pattern, kind, conf in PHRASES:
            for m in pattern.finditer(joined.text):
                s, e = m.start("v"), m.end("v")
                if (field, joined.index, s) in seen:
                    continue
                seen.add((field, joined.index, s))
                raw = m.group("v")
                name = field
                if field == "_effective":
                    name = "end_date" if subtype == "termination_letter" else "start_date"
                if kind == "date":
                    got = parse_date_in(raw, day_first)
                    if got:
                        out.append(Candidate(name, got[0], got[1], conf, joined, s, e, "phrase"))
                elif kind == "money":
                    got = parse_money_in(raw)
                    if got:
                        out.append(Candidate(name, got[0], got[1], conf, joined, s, e, "phrase"))
                elif kind == "name":
                    # a name that ends the sentence: "report to Andrew Dunn."
                    got_n = clean_name(re.sub(r"(?<=[a-z]{2})\.$", "", raw))
                    if got_n:
                        nm, ns, ne = got_n
                        out.append(Candidate(name, nm, nm, conf, joined, s + ns, s + ne,
                                             "phrase"))
                elif kind == "title":
                    words = raw.split()
                    if words and any(w.lower() in ROLE_WORDS for w in words) and len(words) <= 8:
                        out.append(Candidate(name, raw, raw, conf, joined, s, e, "phrase"))
                elif kind == "number":
                    out.append(Candidate(name, raw, f"{float(raw):.2f}", conf, joined, s, e,
                                         "phrase"))
                else:
                    v = raw.strip(" ,.")
                    out.append(Candidate(name, v, v, conf, joined, s, s + len(v), "phrase"))
    return out


_LETTERHEAD = re.compile(rf"^(?P<v>{_COMPANY})\.?$")


def letterhead_candidates(lines: list[Line]) -> list[Candidate]:
    """A company name alone on one of the first lines: the employer's letterhead."""
    out = []
    for line in lines[:4]:
        for seg in segments(line):
            m = _LETTERHEAD.match(seg.text.strip())
            if m:
                v = m.group("v")
                out.append(Candidate("employer_name", v, v, 0.75, seg, 0, len(v), "letterhead"))
                return out
    return out


# a pay stub's or letter's first line names its issuer when it is neither a heading nor a
# label: "Harborline Freight" over "EARNINGS STATEMENT"
HEADING_EMPLOYER_SUBTYPES = ("pay_stub", "offer_letter", "termination_letter")
_HEADING_WORDS = re.compile(
    r"\b(?:statement|stub|slip|payslip|payroll|earnings|advice|offer|letter|confidential|"
    r"private|employment|agreement|notice|re|subject|date|page|form|dear|to|from|memo)\b",
    re.I)
HEADING_EMPLOYER_CONF = 0.6


def heading_employer(lines: list[Line], subtype: str | None) -> list[Candidate]:
    """The first line as the employer (low confidence: review confirms it)."""
    if subtype not in HEADING_EMPLOYER_SUBTYPES or not lines:
        return []
    text = lines[0].text.strip()
    words = text.split()
    if (not 1 <= len(words) <= 6 or re.search(r"[\d:@/|]", text) or _HEADING_WORDS.search(text)
            or find_labels(text) or not text[0].isupper()):
        return []
    return [Candidate("employer_name", text, text, HEADING_EMPLOYER_CONF, lines[0], 0,
                      len(text), "layout")]


# a US street address on one line: number, street with its suffix, city, state, ZIP
US_ADDRESS = re.compile(
    r"(?<![\w-])\d{1,6}\s+(?:[A-Za-z0-9.'-]+\s+){0,4}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|"
    r"Drive|Dr|Boulevard|Blvd|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|"
    r"Highway|Hwy)\.?(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|#)\.?\s*[\w-]+)?,\s*"
    r"[A-Za-z][A-Za-z .'-]{1,40},\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?(?!\d)")


_DEAR = re.compile(r"^\s*Dear\s+(?:(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+)?(?P<first>[A-Z][\w'’-]+)\b")
ADDRESSEE_LOOKBACK = 8  # lines above the salutation where the addressee block sits


def addressee_candidates(lines: list[Line]) -> list[Candidate]:
    """A letter's addressee: the line above "Dear Dana," that is a full name starting
    with the salutation's first name (the inside address of an offer or termination)."""
    for i, line in enumerate(lines[:80]):
        m = _DEAR.match(line.text)
        if not m:
            continue
        first = m.group("first")
        for prev in reversed(lines[max(0, i - ADDRESSEE_LOOKBACK): i]):
            got = clean_name(prev.text)
            if got and got[0].split()[0] == first and len(got[0].split()) >= 2:
                name, s, e = got
                return [Candidate("employee_name", name, name, 0.88, prev, s, e, "layout")]
        return []
    return []


def loose_candidates(lines: list[Line], contacts: bool) -> list[Candidate]:
    """Unlabelled SSNs anywhere; unlabelled e-mails and phones only when `contacts` (a
    resume: the first address is the candidate's; in a letter it is HR's own)."""
    out: list[Candidate] = []
    for line in lines:
        for m in SSN_PATTERN.finditer(line.text):
            mask = masked(m.group(4))
            out.append(Candidate("ssn", mask, mask, 0.8, line, m.start(), m.end(), "regex"))
        for m in LABELLED_NINE.finditer(line.text):
            mask = masked(m.group(3))
            out.append(Candidate("ssn", mask, mask, 0.85, line, m.start(2), m.end(3), "regex"))
        if not contacts:
            continue
        got = PARSERS["email"](line.text)
        if got:
            out.append(Candidate("email", got[0], got[1], 0.95, line, got[2], got[3], "regex"))
        got = PARSERS["phone"](line.text)
        if got:
            out.append(Candidate("phone", got[0], got[1], 0.7, line, got[2], got[3], "regex"))
        m = US_ADDRESS.search(line.text)
        if m:
            addr = " ".join(m.group(0).split())
            out.append(Candidate("address", addr, addr, 0.7, line, m.start(), m.end(), "regex"))
    # keep the first e-mail/phone/address of the document: later ones are references'
    firsts: dict[str, Candidate] = {}
    rest = []
    for c in out:
        if c.field in ("email", "phone", "address"):
            firsts.setdefault(c.field, c)
        else:
            rest.append(c)
    return rest + list(firsts.values())
