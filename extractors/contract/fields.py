"""Contract fields found by patterns over the flattened text.

Each finder returns `Hit`s: a normalized value, the flat span to highlight and the name of
the pattern that produced it. A pattern's `reliability` (the share of its hits that were
right, measured on generated held-out contracts and shrunk towards real-world error
rates) is the confidence of a lone hit; several hits agreeing on one value raise it
(`combine`). Title/parties/dates only look at the first pages so long contracts stay fast;
law/term/renewal/notice scan the whole text because those clauses sit near the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.contract.dates import date_matches, find_dates, in_filing_footer, parse_date
from extractors.contract.durations import DURATION_RE, normalize_duration
from extractors.contract.places import ADJ_RE, PLACE_RE, canonical_place
from extractors.contract.scan import LeadPattern


@dataclass(slots=True)
class Hit:
    value: str
    normalized: object
    start: int
    end: int
    pattern: str


# Probability that a lone hit of each pattern is right (see module docstring).
RELIABILITY: dict[str, float] = {
    "law.governed_by": 0.95,
    "law.shall_govern": 0.93,
    "law.adjective": 0.85,
    "law.heading": 0.8,
    "law.thereof": 0.9,
    "title.heading": 0.85,
    "title.preamble": 0.8,
    "parties.preamble": 0.85,
    "parties.preamble_single": 0.55,
    "parties.signature": 0.6,
    "date.preamble": 0.88,
    "date.first_page": 0.55,
    "effective.defined": 0.92,
    "effective.phrase": 0.85,
    "effective.from_agreement": 0.6,
    "expiration.defined": 0.9,
    "expiration.agreement": 0.88,
    "expiration.phrase": 0.6,
    "expiration.computed": 0.5,
    "term.agreement": 0.85,
    "term.period_from": 0.7,
    "term.survival": 0.55,
    "term.expire_after": 0.85,
    "term.covenant": 0.3,
    "term.anniversary": 0.8,
    "renewal.auto": 0.85,
    "renewal.option": 0.6,
    "renewal.periodic": 0.75,
    "renewal.equal_term": 0.7,
    "notice.renewal": 0.85,
    "notice.convenience": 0.45,
    "notice.termination": 0.4,
    "value.total": 0.6,
    "signed.slash_s": 0.9,
    "signed.blank": 0.7,
    "signed.names": 0.6,
}


def combine(hits: list[Hit]) -> tuple[Hit, float] | None:
    """Pick the value with the most reliable support; agreeing mentions add confidence."""
    got = combine_ex(hits)
    return (got[0], got[1]) if got else None


def combine_ex(hits: list[Hit]) -> tuple[Hit, float, dict[str, float]] | None:
    """`combine` plus the evidence the confidence model reads.

    Independent mentions of one value combine as noisy-OR of their reliabilities, damped
    (mentions in one contract are not independent), and a competing value lowers it. The
    evidence: mentions agreeing, distinct values, support of the best and runner-up value.
    """
    if not hits:
        return None
    by_value: dict[str, list[Hit]] = {}
    for h in hits:
        by_value.setdefault(str(h.normalized).lower(), []).append(h)

    def support(hs: list[Hit]) -> float:
        miss = 1.0
        for i, h in enumerate(hs[:4]):
            r = RELIABILITY.get(h.pattern, 0.5)
            miss *= 1 - (r if i == 0 else r * 0.35)
        return 1 - miss

    scored = sorted(by_value.values(), key=lambda hs: (support(hs), -hs[0].start), reverse=True)
    best = scored[0]
    conf = support(best)
    second = support(scored[1]) if len(scored) > 1 else 0.0
    conf *= 1 - 0.5 * second
    first = min(best, key=lambda h: h.start)
    info = {"n_agree": float(len(best)), "n_values": float(len(scored)),
            "support": support(best), "second": second,
            "patterns": float(len({h.pattern for h in best}))}
    return first, min(0.99, max(0.05, conf)), info


# ------------------------------------------------------------------ governing law

_NOT_GOVERNING = re.compile(
    r"(?:organi[sz]ed|incorporated|existing|formed|registered|chartered|licensed|"
    r"qualified)\s+(?:and\s+\w+\s+)?(?:under|in|pursuant\s+to)\s+(?:and\s+by\s+virtue\s+of\s+)?"
    r"(?:the\s+)?laws?\s+of\s*$",
    re.IGNORECASE,
)
# what joins "laws" to the place: "laws of", "laws in force in", "laws in", "laws and
# decisions of", and "laws State of" with its "of the" left out
_LAWS_OF = (r"(?:(?:and\s+(?:decisions|regulations|statutes|rules|judicial\s+decisions)\s+)?"
            r"(?:in\s+force\s+in\s+|of\s+|in\s+)|(?=State\s+of\s))")
_LAW_GOVERNED = LeadPattern.compile(
    r"(?:govern(?:ed|s)?|constru(?:ed|e)|interpret(?:ed)?|enforc(?:ed|e)|determin(?:ed|e)|"
    r"controlled|subject\s+to|in\s+accordance\s+with|pursuant\s+to|applicable\s+law)",
    r"[^.;]{0,220}?\blaws?\s+" + _LAWS_OF + r"(?:the\s+)?"
    r"(?:(?:State|Commonwealth|Province|Republic|Kingdom)\s+of\s+)?(?P<place>" + PLACE_RE + r")\b",
)
_LAW_SHALL_GOVERN = LeadPattern.compile(
    r"\blaws?\s+", _LAWS_OF + r"(?:the\s+)?(?:(?:State|Commonwealth|Province)\s+of\s+)?(?P<place>"
    + PLACE_RE
    # a parenthetical may stand between the place and the verb ("(excluding its conflict
    # of laws rules)"); the verb in the future or the present ("The laws of the State of
    # Delaware ... govern all matters", "Internal law of the State of Texas applies")
    + r")\b\s*(?:\([^()]{0,200}\))?[^.;]{0,60}?\b(?:(?:shall|will|to)\s+(?:govern|apply|control)|"
    r"(?<!that\s)(?<!which\s)(?:govern|governs|applies|controls)\b)",
)
# federal and state law named together: "governed by the laws of the United States and (to
# the extent not inconsistent therewith, by the laws of) the State of Florida": the state's
# is the contract's law (a lone "United States" hit is kept with less weight)
# (led by the federal law, which is rare, and checked for a governing verb before it in the
# same sentence: led by the verbs, common words, it cost a third of the law finder's time)
_LAW_FEDERAL_AND_STATE = LeadPattern.compile(
    r"\blaws?\s+of\s+(?:the\s+)?united\s+states",
    r"(?:\s+of\s+America)?\b[^.;]{0,100}?\b(?:State|Commonwealth)\s+of\s+(?P<place>"
    + PLACE_RE + r")\b",
)
_GOVERNED_BEFORE = re.compile(
    r"(?:govern(?:ed|s)?|constru(?:ed|e)|interpret(?:ed)?|subject\s+to|in\s+accordance\s+with)"
    r"[^.;]{0,220}$", re.IGNORECASE,
)
_VERB_WINDOW = 260  # characters before "laws of the United States" the verb may stand in
_LAW_ADJ = LeadPattern.compile(
    r"\b(?:governed\s+by|subject\s+to|construed\s+(?:in\s+accordance\s+with|under))\s+",
    r"(?:the\s+)?(?:substantive\s+|internal\s+)?(?P<place>" + ADJ_RE + r")\s+law\b",
)
_LAW_HEADING = LeadPattern.compile(  # the lead in lower case: the same under IGNORECASE
    r"\b(?:governing|applicable|choice\s+of)\s+laws?\b",
    r"[^.]{0,300}?\b(?P<place>" + PLACE_RE + r")\b",
)


# the place named first and the law referred back to it: "This Agreement has been made in
# the State of California and shall be governed by ... the laws thereof", "accepted ... in
# the State of Nevada and shall be governed by the laws of such State"
_LAW_THEREOF = LeadPattern.compile(
    r"\b(?:made|entered\s+into|executed|accepted|performed|delivered)\b",
    r"[^.;]{0,80}?\b(?:in|under)(?:\s+the\s+laws?\s+of)?"
    r"\s+(?:the\s+)?(?:(?:State|Commonwealth|Province|Republic|Kingdom)\s+of\s+)?(?P<place>"
    + PLACE_RE + r")\b[^.;]{0,120}?\bgovern\w*[^.;]{0,120}?\blaws?\s+(?:thereof|of\s+(?:such|said|"
    r"that)\s+(?:state|commonwealth|province|jurisdiction|country))\b",
)


# (pattern, the hit's pattern name, a governing verb that must stand in the `_VERB_WINDOW`
# characters before the match, or None)
_LAW_PATTERNS: tuple[tuple[LeadPattern, str, re.Pattern[str] | None], ...] = (
    (_LAW_GOVERNED, "law.governed_by", None),
    (_LAW_SHALL_GOVERN, "law.shall_govern", None),
    (_LAW_FEDERAL_AND_STATE, "law.governed_by", _GOVERNED_BEFORE),
    (_LAW_ADJ, "law.adjective", None),
    (_LAW_HEADING, "law.heading", None),
    (_LAW_THEREOF, "law.thereof", None),
)


def governing_law(flat: str) -> list[Hit]:
    hits: list[Hit] = []
    for rx, name, verb_before in _LAW_PATTERNS:
        for m in rx.finditer(flat):
            if verb_before is not None and not verb_before.search(
                    flat, max(0, m.start() - _VERB_WINDOW), m.start()):
                continue
            a, b = m.span("place")
            lead = re.sub(
                r"(?:the\s+)?(?:(?:State|Commonwealth|Province)\s+of\s+)?$", "",
                flat[max(0, a - 120) : a], flags=re.I,
            )
            if _NOT_GOVERNING.search(lead):
                continue
            place = m.group("place")
            if re.fullmatch(r"United States(?: of America)?", place, re.I):
                # "laws of the State of X and the federal laws of the United States" -> X wins;
                # a lone "United States" is kept with less weight
                name_u = "law.heading"
            else:
                name_u = name
            hits.append(Hit(place, canonical_place(place), a, b, name_u))
    return hits


# ------------------------------------------------------------------ title

_TITLE_WORDS = re.compile(
    r"\b(?:AGREEMENT|CONTRACT|LEASE|LICEN[CS]E|MEMORANDUM|DEED|ADDENDUM|AMENDMENT|"
    r"UNDERTAKING|TERMS|COVENANT|NDA|LETTER|PLAN)\b",
    re.IGNORECASE,
)
_EDGAR_LINE = re.compile(r"^(?:EX-\d|Exhibit\b|EXHIBIT\b|\S+\.htm|Page\b|\d+$)", re.IGNORECASE)


def title(doc_text_head: str, flat: str) -> list[Hit]:
    """A short line carrying an agreement word, preferably in capitals, near the top."""
    hits: list[Hit] = []
    lines = doc_text_head.splitlines()
    pos = 0
    offsets = []
    for ln in lines:
        offsets.append(pos)
        pos += len(ln) + 1
    for i, ln in enumerate(lines[:60]):
        s = ln.strip()
        if not s or _EDGAR_LINE.match(s) or len(s) > 120 or not _TITLE_WORDS.search(s):
            continue
        words = s.split()
        if len(words) > 14 or s.endswith((",", ";")) or re.search(r"\b(?:this|the)\b\s+\w+", s) and not s.isupper():
            continue
        upper = s.isupper() or s.istitle()
        if not upper:
            continue
        full = s
        # a title wrapped over two capitalised lines ("CONFIDENTIALITY, IP\nAND NON-COMPETE AGREEMENT")
        if i > 0 and lines[i - 1].strip().isupper() and not _EDGAR_LINE.match(lines[i - 1].strip()) \
                and len(lines[i - 1].split()) <= 8 and not _TITLE_WORDS.search(lines[i - 1]):
            full = lines[i - 1].strip() + " " + s
        full = re.sub(r"\s+", " ", full).strip(" .:")
        idx = flat.find(full[:30])
        a = max(0, idx)
        hits.append(Hit(full, _title_case(full), a, a + len(full), "title.heading"))
        break
    if not hits:
        m = re.search(
            r"\bThis\s+(?P<t>(?:[A-Z][\w-]*\s+){0,6}(?:Agreement|Contract|Lease|License))\b",
            flat[:5000],
        )
        if m:
            hits.append(Hit(m.group("t"), _title_case(m.group("t")), *m.span("t"), "title.preamble"))
    return hits


def _title_case(s: str) -> str:
    if s.isupper():
        small = {"and", "of", "the", "for", "to", "in", "on", "a", "an", "or"}
        words = [w.capitalize() if w.lower() not in small else w.lower() for w in s.split()]
        if words:
            words[0] = words[0].capitalize()
        return " ".join(words)
    return s


# ------------------------------------------------------------------ dates

_AGREEMENT_DATE_CTX = re.compile(
    r"(?:dated|made|entered\s+into|executed|effective|as\s+of|this|on)\b[^.]{0,40}$", re.IGNORECASE
)
_EFFECTIVE_DEF = re.compile(
    r"[\"“”']\s*Effective\s+Date\s*[\"“”']|\(\s*(?:the\s+)?Effective\s+Date\s*\)", re.IGNORECASE
)
_EFFECTIVE_PHRASE = re.compile(
    r"(?:effective\s+(?:as\s+of|on|from|date\s+(?:of\s+this\s+Agreement\s+)?(?:shall\s+be|is|will\s+be))"
    r"|Effective\s+Date\s*:?|commenc(?:e|ing)\s+on|shall\s+become\s+effective\s+(?:on|as\s+of))"
    r"\s*(?:the\s+)?$",
    re.IGNORECASE,
)
# a definitions article: "“Effective Date” means October 31, 2019", "EFFECTIVE DATE shall
# mean 18 May 2000" defines the date as surely as "(the "Effective Date")" after it
_EFFECTIVE_MEANS = re.compile(
    r"\bEffective\s+Date\W{0,3}\s+(?:shall\s+mean|means|shall\s+refer\s+to|refers\s+to)"
    r"\s*(?:the\s+)?$", re.IGNORECASE)
_EXPIRE = re.compile(
    r"(?:expir(?:e|es|ing|ation)|terminat(?:e|es|ing|ion)|end(?:s|ing)?|until|through|continu\w+"
    r"\s+(?:in\s+(?:full\s+)?(?:force|effect)\s+)?(?:until|through))\b[^.]{0,60}?(?:on|until|"
    r"through|date\s+of|is|be)?\s*(?:the\s+)?$",
    re.IGNORECASE,
)


# the agreement (or its term) is what ends on the date: "This Agreement ... shall terminate
# on", "the Initial Term shall expire on", "shall continue in full force and effect until"
_EXPIRY_SUBJECT = re.compile(
    r"(?:\bthis\s+(?:[A-Z][\w-]*\s+){0,3}(?:Agreement|Contract|Lease|License|Licence)\b|"
    r"\b(?:the\s+|its\s+)?(?:initial\s+|primary\s+|original\s+)?Term\b(?:\s+of\s+this\s+\w+)?)"
    r"[^.;]{0,160}?\b(?:expir\w*|terminat\w*|end(?:s|ing)?|continu\w*|remain\w*|run\w*|"
    r"be\s+in\s+(?:full\s+)?(?:force|effect)|through|until)\b[^.;]{0,90}$",
    re.IGNORECASE,
)
# something else ends on the date: fees, pricing, a licence year, a defined sub-period
_OTHER_SUBJECT = re.compile(
    r"\b(?:compensation|fees?|price|pricing|payments?|rates?|royalt\w+|discount|offer|"
    r"warranty|option|Contract\s+Year|Year\s+\d|period\s+of\s+time|at\s+no\s+cost|"
    r"quarter|commitment)\b[^.;]{0,80}$",
    re.IGNORECASE,
)
_EXPIRY_DEF = re.compile(r"\s*\(?\s*(?:the\s+)?[\"“”']\s*(?:Expiration|Expiry|Termination)\s+Date",
                         re.IGNORECASE)


# an ending word just before a date makes it a broad expiration candidate (`dates`)
_EXPIRY_CUE = re.compile(r"\bexpir\w*|\bterminat\w*|\buntil\b|\bthrough\b|\bend\w*\b", re.I)


def _expiry_pattern(flat: str, a: int, b: int) -> str:
    """Whether the date ends the agreement itself or only sits near end-words.

    Real filings put many dates after "until"/"ending on" (pricing periods, contract years,
    free-use periods); the agreement's end is the one whose sentence makes the agreement or
    its term the thing that expires."""
    clause = re.split(r"(?<=[.;])\s+(?=[A-Z(\d])", flat[max(0, a - 300) : a])[-1]
    if _EXPIRY_DEF.match(flat[b : b + 40]):
        return "expiration.defined"
    if _EXPIRY_SUBJECT.search(clause) and not _OTHER_SUBJECT.search(clause[-120:]):
        return "expiration.agreement"
    return "expiration.phrase"


def dates(flat: str, head_len: int) -> tuple[list[Hit], list[Hit], list[Hit], list[Hit]]:
    """(agreement_date, effective_date, expiration_date) hits, and every date preceded
    closely by an ending word (expires, until, through ...): broad expiration candidates
    for the ranker, gathered in the same pass over the document's dates."""
    agreement: list[Hit] = []
    effective: list[Hit] = []
    expiration: list[Hit] = []
    expiry_any: list[Hit] = []
    head = flat[:head_len]
    for a, b, iso in find_dates(head):
        before = head[max(0, a - 60) : a]
        after = head[b : b + 40]
        if _EFFECTIVE_DEF.search(after[:30]) or _EFFECTIVE_PHRASE.search(before) \
                or _EFFECTIVE_MEANS.search(before):
            effective.append(Hit(flat[a:b], iso, a, b, "effective.defined"))
        if a < 3000 and _AGREEMENT_DATE_CTX.search(before):
            agreement.append(Hit(flat[a:b], iso, a, b, "date.preamble"))
    if not agreement:
        for a, b, iso in find_dates(head, 0, min(len(head), 2500)):
            agreement.append(Hit(flat[a:b], iso, a, b, "date.first_page"))
            break
    # effective/expiration phrases anywhere (term clauses are often in the middle)
    for m in date_matches(flat):
        a, b = m.span()
        if in_filing_footer(flat, a):
            continue
        before = flat[max(0, a - 90) : a]
        iso = None
        if a >= head_len and (_EFFECTIVE_DEF.search(flat[b : b + 30])
                              or _EFFECTIVE_MEANS.search(before[-45:])):
            # "(the "Effective Date")" defines the date wherever the preamble stands: after
            # a cover page, a table of contents or an amendment's own preamble
            iso = parse_date(m.group(0))
            if iso:
                effective.append(Hit(m.group(0), iso, a, b, "effective.defined"))
        elif _EFFECTIVE_PHRASE.search(before[-45:]) and a >= head_len:
            iso = parse_date(m.group(0))
            if iso:
                effective.append(Hit(m.group(0), iso, a, b, "effective.phrase"))
        if _EXPIRE.search(before) and not _EFFECTIVE_PHRASE.search(before[-45:]):
            ctx = flat[max(0, a - 250) : a].lower()
            if re.search(r"\bterm\b|this agreement|expir", ctx):
                iso = iso or parse_date(m.group(0))
                if iso:
                    expiration.append(Hit(m.group(0), iso, a, b, _expiry_pattern(flat, a, b)))
        elif _EXPIRY_DEF.match(flat[b : b + 40]):
            iso = iso or parse_date(m.group(0))
            if iso:
                expiration.append(Hit(m.group(0), iso, a, b, "expiration.defined"))
        if _EXPIRY_CUE.search(flat[max(0, a - 60): a]):
            iso = iso or parse_date(m.group(0))
            if iso:
                expiry_any.append(Hit(m.group(0), iso, a, b, "expiration.any"))
    return agreement, effective, expiration, expiry_any


# ------------------------------------------------------------------ durations

_SENT_SPLIT = re.compile(r"(?<=[.;])\s+(?=[A-Z(\d])")


@lru_cache(maxsize=2)
def sentences(flat: str) -> tuple[tuple[int, str], ...]:
    """(start, text) of each sentence of a contract's flat text. Split once per text: the
    term/renewal/notice finders, the duration mentions and the duration window
    (`extractors.contract._duration_window`) each read every sentence."""
    out = []
    pos = 0
    for m in _SENT_SPLIT.finditer(flat):
        out.append((pos, flat[pos : m.start()]))
        pos = m.end()
    out.append((pos, flat[pos:]))
    return tuple(out)


@lru_cache(maxsize=4096)
def sentence_durations(sent: str) -> tuple[re.Match[str], ...]:
    """DURATION_RE's matches in one sentence, found once: the term, renewal and notice
    finders and the duration window (`extractors.contract._duration_window`) read the same
    sentences. No match reaches across a sentence break (a duration cannot hold "." or ";"
    followed by a space), so a text's matches are its sentences' matches, shifted."""
    return tuple(DURATION_RE.finditer(sent))


_TERM_AGREEMENT = re.compile(
    r"(?:\bterm\s+of\s+(?:this|the)\s+(?:[A-Z][\w-]*\s+){0,3}(?:Agreement|Contract|Lease|License)|"
    r"\binitial\s+(?:term|period)|\bthis\s+(?:[A-Z][\w-]*\s+){0,3}(?:Agreement|Contract|Lease)\b[^.]{0,80}?\b(?:shall|will)\s+(?:continue|remain|be\s+in|"
    r"terminate|expire|be\s+effective|have\s+a\s+term)|\bTerm\b\s*(?:\.|:|shall|will|is|means))",
    re.I,
)
_PERIOD_FROM = re.compile(
    r"(?:for\s+a\s+(?:period|term)\s+of|period\s+of|for)\s*$", re.I
)
_FROM_DATE = re.compile(
    r"^\s*(?:(?:from|after|following|commencing\s+(?:on|with))\s+(?:the\s+)?"
    r"(?:date\s+(?:hereof|of\s+this\s+Agreement|first\s+(?:written|set\s+forth))|Effective\s+Date|"
    r"execution|date\s+on\s+which|date\s+this\s+Agreement|signing|Commencement))",
    re.I,
)
_SURVIVE = re.compile(
    r"\b(?:obligations?|confidentiality|restrictions?|covenants?|duty|duties)\b[^.]{0,160}?"
    r"\b(?:survive|continue|remain|expire|terminate|last)", re.I
)
_EMPLOYMENT_AFTER = re.compile(
    r"^\s*(?:after|following|from|of)\s+(?:the\s+)?(?:termination|cessation|end|separation|date\s+of\s+"
    r"termination)\s+of\s+(?:\w+\s+){0,2}(?:employment|engagement|service)|^\s*(?:after|following)\s+"
    r"(?:the\s+)?(?:Separation|Termination)\s+Date", re.I
)
_EXPIRE_AFTER = re.compile(
    r"\b(?:agreement|obligations?(?:\s+hereunder)?|NDA|duty)\b[^.;]{0,100}?\b(?:(?:shall|will)\s+"
    r"(?:automatically\s+)?(?:expire|terminate|end|(?:remain|continue)\s+in\s+(?:full\s+)?"
    r"(?:force|effect)(?:\s+and\s+effect)?)|expires?|terminates?)\b[^.;]{0,80}$", re.I
)
_COVENANT_AFTER = re.compile(
    r"\b(?:neither|not\s+to|will\s+not|shall\s+not|solicit|employ|acquire|standstill)\b", re.I
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
             "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "fifteenth": 15, "twentieth": 20}
_ANNIVERSARY = re.compile(
    r"\b(?:end|ends|expire|expires|terminate|terminates|until|through)\s+(?:on\s+)?(?:the\s+)?"
    r"(?P<n>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|fifteenth|twentieth|"
    r"\d{1,2})(?:st|nd|rd|th)?\s+(?:\(\d+(?:st|nd|rd|th)\)\s+)?anniversary\s+of\s+the\s+"
    r"(?:Effective\s+Date|Commencement\s+Date|date\s+(?:hereof|of\s+this\s+Agreement))", re.I
)
# any "second anniversary of the Effective Date": a span of whole years from a start, which
# end dates are derived from whatever verb stands before it ("through the day prior to")
_ANNIVERSARY_ANY = re.compile(
    r"\b(?P<n>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|fifteenth|"
    r"twentieth|\d{1,2})(?:st|nd|rd|th)?\s+(?:\(\d+(?:st|nd|rd|th)\)\s+)?anniversary\s+of\b",
    re.I)


def anniversaries(flat: str) -> list[Hit]:
    """Every "Nth anniversary of ..." as a span of N years (pattern `term.anniversary_any`)."""
    hits = []
    for m in _ANNIVERSARY_ANY.finditer(flat):
        raw = m.group("n").lower()
        n = _ORDINALS.get(raw) or (int(raw) if raw.isdigit() else 0)
        if n:
            hits.append(Hit(m.group(0), f"{n}_years", *m.span(), "term.anniversary_any"))
    return hits


# The duration is the notice itself: "ninety (90) days' prior written notice", or a notice
# verb earlier and "prior to/before" right after ("notify ... at least 30 days prior to").
_NOTICE_AFTER = re.compile(
    r"^\s*(?:\(\s*\d+\s*\)\s*)?(?:(?:prior|advance|written|express|formal|calendar)\s+)*"
    r"(?:notice|notification)\b", re.I,
)
_NOTICE_VERB = re.compile(r"notice|notif|elect|advise|inform|written\s+request", re.I)
_BEFORE_AFTER = re.compile(r"^\s*(?:prior|in\s+advance|before|preceding)\b", re.I)
# the notice ends the agreement at the end of a term or stops a renewal
_NOTICE_RENEWAL = re.compile(
    r"non-?\s?renew|not\s+(?:to\s+)?(?:renew|extend)|intent(?:ion)?\s+(?:not\s+)?to\s+(?:renew|"
    r"terminate)|(?:prior\s+to|before|preceding)\s+(?:the\s+)?(?:end|expiration|expiry|"
    r"conclusion|anniversary)\s+of\s+(?:the\s+|this\s+|such\s+|any\s+|each\s+)?(?:then[\s-]+"
    r"current\s+|initial\s+|renewal\s+|current\s+|applicable\s+|original\s+|extended\s+)*"
    r"(?:term|agreement|renewal|contract|lease|license|licence|extension|year)|renew|"
    r"thereafter\b[^.]{0,80}?\buntil\s+terminated|evergreen", re.I
)
# notices that do not end the agreement: breach and its cure, payment, audit, claims
_NOTICE_OTHER = re.compile(
    r"\b(?:breach\w*|cure[sd]?|curing|default\w*|fail(?:s|ure)?\s+to\s+(?:pay|perform|cure)|"
    r"insolven\w+|bankrupt\w*|invoice\w*|payments?|audit\w*|indemn\w+|claims?|"
    r"price\s+(?:change|increase)|dispute\w*)\b", re.I
)
_INSURANCE = re.compile(r"\binsur(?:ance|er|ers|ed)\b|\bcoverage\b", re.I)
_TERMINATE = re.compile(r"\bterminat\w*|\bcancel\w*", re.I)
_CONVENIENCE = re.compile(
    r"for\s+(?:its\s+|their\s+)?convenience|without\s+cause|for\s+any\s+(?:or\s+no\s+)?reason|"
    r"at\s+any\s+time|in\s+its\s+(?:sole\s+)?discretion|with\s+or\s+without\s+cause", re.I
)
# "renew for successive one (1) year periods", "renewal terms of two years", "extended for
# additional 12-month periods"; the words between the renewal word and the number stay few
_RENEW_WORD = re.compile(
    r"\b(?:renew\w*|successive|additional|subsequent|consecutive|further|extended|extension|"
    r"extend)\b(?P<gap>(?:\s+[\w()\-]+){0,5}?)\s*$", re.I
)
_RENEW_AFTER = re.compile(
    r"^[\s-]*(?:periods?|terms?)?\s*(?:each\s*)?[(,]?\s*(?:each\s+)?(?:a\s+|an\s+|such\s+)?"
    r"(?:the\s+)?[\"“”']?(?:renewal|extension|extended|additional)\s+(?:terms?|periods?)", re.I
)
_RENEW_GAP_BAD = re.compile(r"\b(?:fees?|pay\w*|price|prior|notice|days?|rate|royalt\w*)\b", re.I)
_AUTO_RENEW = re.compile(
    r"automatic\w*|successive|unless\s+(?:(?:either|a|one|the|any)\s+)?(?:party|parties|"
    r"Licensee|Licensor|Company|Customer|Supplier|Distributor)|evergreen|thereafter\s+(?:be\s+)?"
    r"(?:renew|extend|continue)|self-?renew", re.I,
)
_RENEWS_AGREEMENT = re.compile(
    r"\b(?:Agreement|Term|License|Licence|Lease)\b[^.;]{0,100}?\b(?:renew\w*|extend\w*)", re.I
)
_RENEW_VERB = re.compile(r"\brenew\w*|\bextend\w*|\bextension|\bsuccessive\b|\bsuccessor\b", re.I)
# the period runs after the agreement ends: a tail, survival or non-compete period
_TAIL = re.compile(
    r"^\s*(?:period\s+)?(?:(?:immediately\s+)?(?:following|after|from|beyond)\s+)(?:the\s+|any\s+|"
    r"such\s+)?(?:date\s+of\s+)?(?:expiration|expiry|termination|end|cessation|(?:earlier\s+)?"
    r"termination)\b", re.I,
)
_PAY_CTX = re.compile(r"\b(?:fees?|payable|pay|paid|price|pricing|invoice\w*|dollars|royalt\w*|"
                      r"compensation)\b", re.I)


# scanned over the whole contract, so compiled as `LeadPattern`s (tried only where a lead
# word stands)
_RENEW_PERIODIC = LeadPattern.compile(
    r"\b(?:renew|extend|continu|thereafter)",
    r"\w*\b[^.;]{0,60}?\b(?:from\s+|on\s+an?\s+)?(?P<u>year|month)[\s-]+to[\s-]+(?:year|month)\b",
)
# the same said with "annual": "renewing annually", "continue automatically for successive
# annual periods", "automatic annual renewals"
_RENEW_ANNUAL = (
    LeadPattern.compile(r"\brenew", r"\w*\b[^.;]{0,40}?\b(?P<u>annually|yearly)\b"),
    LeadPattern.compile(r"\b(?:renew|extend|continu)",
                        r"\w*\b[^.;]{0,60}?\bfor\s+(?:successive\s+|additional\s+)?"
                        r"(?P<u>annual)\s+(?:periods?|terms?)\b"),
    LeadPattern.compile(r"\bautomatic", r"(?:ally)?\s+(?P<u>annual)\s+renewals?\b"),
)
_RENEW_EQUAL = LeadPattern.compile(
    r"\b(?:renew|extend)",
    r"\w*\b[^.;]{0,80}?\b(?:periods?|terms?)\s+(?:of\s+time\s+)?"
    r"(?:equal|identical)\s+(?:in\s+(?:length|duration)\s+)?to\s+(?:the\s+)?(?:Initial\s+|"
    r"original\s+)?Term\b",
)


def _renewal_kind(sent: str, before: str, after: str) -> str | None:
    """`renewal.auto` / `renewal.option` when the duration is a renewal period, else None."""
    if not _RENEW_VERB.search(sent) or _TAIL.match(after) or _BEFORE_AFTER.match(after):
        return None
    m = _RENEW_WORD.search(before[-80:])
    by_word = bool(m) and not _RENEW_GAP_BAD.search(m.group("gap") or "")
    by_after = bool(_RENEW_AFTER.match(after))
    if not (by_word or by_after):
        return None
    if not by_word and not (_AUTO_RENEW.search(sent) or _RENEWS_AGREEMENT.search(sent)):
        # "for any one-year renewal period" names a renewal without making one
        return None
    # "for any one-year renewal period" inside a pricing sentence is not a renewal clause
    lead = before[-100:]
    if _PAY_CTX.search(lead) and not re.search(r"\b(?:Agreement|Term)\b", lead):
        return None
    return "renewal.auto" if _AUTO_RENEW.search(sent) else "renewal.option"


def _notice_kind(sent: str, before: str, after: str) -> str | None:
    """Which notice a duration is, or None when it is not a notice period at all."""
    is_notice = bool(_NOTICE_AFTER.match(after)) or bool(
        _NOTICE_VERB.search(before[-120:]) and _BEFORE_AFTER.match(after)
    )
    if not is_notice:
        return None
    if _INSURANCE.search(sent):
        # an insurer's notice of cancellation or non-renewal of a policy, not the agreement's
        return "notice.other"
    if re.search(r"\b(?:elect\w*|exercis\w*|option)\b", sent, re.I) \
            and re.search(r"\brenew|\bextend", sent, re.I) and not re.search(r"non-?\s?renew|not\s+(?:to\s+)?(?:renew|extend)|terminat", sent, re.I):
        # notice that exercises an option to renew keeps the agreement going; the field is
        # the notice that ends it
        return "notice.option"
    renewal = _NOTICE_RENEWAL.search(sent)
    if renewal and not (_NOTICE_OTHER.search(sent) and not re.search(
            r"non-?\s?renew|not\s+(?:to\s+)?renew|renewal", sent, re.I)):
        return "notice.renewal"
    if _TERMINATE.search(sent) and not _NOTICE_OTHER.search(sent):
        return "notice.convenience" if _CONVENIENCE.search(sent) else "notice.termination"
    return "notice.other"


def durations(flat: str) -> tuple[list[Hit], list[Hit], list[Hit]]:
    """(term, renewal_term, notice_period) hits, decided per sentence by its wording."""
    term: list[Hit] = []
    renewal: list[Hit] = []
    notice: list[Hit] = []
    other_notice: list[Hit] = []
    for base, sent in sentences(flat):
        if len(sent) > 1500 or not re.search(
            r"year|month|day|week|yrs", sent, re.I
        ):
            continue
        for m in sentence_durations(sent):
            norm = normalize_duration(m.group(0))
            if not norm:
                continue
            a, b = base + m.start(), base + m.end()
            before = sent[max(0, m.start() - 120) : m.start()]
            after = sent[m.end() : m.end() + 140]
            value = m.group(0)

            def hit(p: str, n: str = norm, a: int = a, b: int = b, v: str = value) -> Hit:
                return Hit(v, n, a, b, p)

            kind = _notice_kind(sent, before, after)
            if kind:
                if norm.endswith("_years"):
                    continue
                # CONTRACT's notice_period is notice to terminate or not renew at term end;
                # notice for breach, payment or claims is a different thing
                if kind == "notice.renewal":
                    notice.append(hit(kind))
                elif kind not in ("notice.other", "notice.option"):
                    other_notice.append(hit(kind))
                continue
            rkind = _renewal_kind(sent, before, after)
            if rkind:
                if not norm.endswith("_days") or re.match(r"^\s*(?:periods?|terms?)\b", after, re.I):
                    renewal.append(hit(rkind))
                continue
            if norm.endswith("_days") or _EMPLOYMENT_AFTER.search(after):
                continue
            if re.match(r"^\s*(?:thereafter|anniversary|of\s+(?:base\s+)?(?:salary|pay|"
                        r"compensation|the)\b)", after, re.I):
                continue
            if _TAIL.match(after) or re.match(r"^\s*(?:periods?\s+)?(?:after|following)\s+"
                                             r"(?:any\s+|the\s+)?(?:termination|expiration)",
                                             after, re.I):
                # a period that runs once the agreement has ended: survival (NDAs report it
                # as their term) or a tail licence / non-compete, never the agreement's term
                if _SURVIVE.search(sent) and re.search(r"confidential|non-?disclos", sent, re.I):
                    term.append(hit("term.survival"))
                continue
            near_term = any(
                t.end() <= m.start() and m.start() - t.end() < 150
                for t in _TERM_AGREEMENT.finditer(sent, 0, m.start())
            )
            if near_term and not re.search(r"\bpay|\bfee|\binvoice", before[-40:], re.I):
                term.append(hit("term.agreement"))
            elif _EXPIRE_AFTER.search(before) and re.match(
                r"^\s*(?:after|from|following)\b", after, re.I
            ):
                term.append(hit("term.expire_after"))
            elif _PERIOD_FROM.search(before) and _FROM_DATE.search(after):
                # "for a period of two years from the date hereof, neither party will ..." is a
                # restrictive covenant's own period, not the agreement's term
                covenant = _COVENANT_AFTER.search(after[:160])
                term.append(hit("term.covenant" if covenant else "term.period_from"))
            elif _SURVIVE.search(sent) and re.search(
                r"confidential|non-?disclos", sent, re.I
            ):
                term.append(hit("term.survival"))
    for m in _RENEW_PERIODIC.finditer(flat):
        # "renew from year to year", "continue on a month-to-month basis"
        unit = "1_years" if m.group("u").lower().startswith("y") else "1_months"
        renewal.append(Hit(m.group(0), unit, m.start("u"), m.end(), "renewal.periodic"))
    for rx in _RENEW_ANNUAL:
        for m in rx.finditer(flat):
            renewal.append(Hit(m.group(0), "1_years", m.start("u"), m.end("u"), "renewal.periodic"))
    for m in _RENEW_EQUAL.finditer(flat):
        renewal.append(Hit(m.group(0), "=term", *m.span(), "renewal.equal_term"))
    if not notice and renewal:
        # with a renewal clause, a notice to terminate at will is how the parties get out
        notice.extend(h for h in other_notice if h.pattern == "notice.convenience")
    for m in _ANNIVERSARY.finditer(flat):
        raw = m.group("n").lower()
        n = _ORDINALS.get(raw) or (int(raw) if raw.isdigit() else 0)
        if n:
            term.append(Hit(m.group(0), f"{n}_years", *m.span(), "term.anniversary"))
    return term, renewal, notice


# ------------------------------------------------------------------ value, signature

_VALUE = re.compile(
    r"\b(?:total|aggregate|maximum)\s+(?:contract\s+)?(?:price|value|amount|fees?|consideration|"
    r"purchase\s+price|compensation)\b[^.]{0,80}?(?P<amt>(?:US\s?)?\$\s?\d[\d,]*(?:\.\d{2})?"
    r"(?:\s+(?:million|billion))?)",
    re.IGNORECASE,
)


def contract_value(flat: str) -> list[Hit]:
    from extractors.normalize import normalize_money

    hits = []
    for m in _VALUE.finditer(flat):
        amt = m.group("amt")
        mult = 1
        if re.search(r"million", amt, re.I):
            mult = 1_000_000
        elif re.search(r"billion", amt, re.I):
            mult = 1_000_000_000
        n = normalize_money(re.sub(r"\s*(?:million|billion)", "", amt, flags=re.I))
        if n:
            if mult > 1:
                n = f"{float(n) * mult:.2f}"
            hits.append(Hit(amt, n, *m.span("amt"), "value.total"))
    return hits


_SIG_BLOCK = re.compile(r"(?:^|\s)By\s*:|IN\s+WITNESS\s+WHEREOF|Signature\s*:", re.IGNORECASE)
_SLASH_S = re.compile(r"/s/\s*\S+")
_NAME_FILLED = re.compile(r"\bName\s*:\s*(?![_\s]*(?:Title|Date|By)\b)[A-Z][A-Za-z.'-]+\s+[A-Z]")
_BLANK = re.compile(r"(?:By|Name|Signature)\s*:\s*_{3,}[^A-Za-z]{0,5}(?:Name|Title|Date|By)?", re.I)


def signed(flat: str) -> list[Hit]:
    tail = flat[-20000:]
    off = len(flat) - len(tail)
    if not _SIG_BLOCK.search(tail):
        return []
    m = _SLASH_S.search(tail)
    if m:
        return [Hit(m.group(0), "true", off + m.start(), off + m.end(), "signed.slash_s")]
    m = _NAME_FILLED.search(tail)
    if m:
        return [Hit(m.group(0), "true", off + m.start(), off + m.end(), "signed.names")]
    m = _BLANK.search(tail)
    if m:
        return [Hit(m.group(0), "false", off + m.start(), off + m.end(), "signed.blank")]
    return []


# ------------------------------------------------------------------ broad candidates
# Cue words that make any duration of a sentence a candidate for a field; the
# learned ranker (`ranker.py`), not these cues, decides which candidate is the value.
_BROAD_CUES: dict[str, re.Pattern[str]] = {
    "term": re.compile(r"\bterm\b|\bexpir\w*|\bcontinue\s+in\s+(?:full\s+)?force", re.I),
    "renewal_term": re.compile(r"\brenew\w*|\bextend\w*|\bextension\b|\bsuccessive\b", re.I),
    "notice_period": re.compile(r"\bnotice\b|\bnotif\w*", re.I),
}


def duration_mentions(flat: str) -> dict[str, list[Hit]]:
    """Every duration in a sentence that speaks of a term, renewal or notice."""
    out: dict[str, list[Hit]] = {k: [] for k in _BROAD_CUES}
    for base, sent in sentences(flat):
        if len(sent) > 1500:
            continue
        cued = [k for k, rx in _BROAD_CUES.items() if rx.search(sent)]
        if not cued:
            continue
        for m in sentence_durations(sent):
            norm = normalize_duration(m.group(0))
            if norm:
                for k in cued:
                    out[k].append(Hit(m.group(0), norm, base + m.start(), base + m.end(),
                                      f"{k.split('_')[0]}.any"))
    return out
