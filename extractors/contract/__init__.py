"""Contract fields (CONTRACT.md contract table) from an ingested document.

`extract_contract` flattens the text once, runs the pattern finders of `fields` and turns
each field's best hit into a `Field` with page and union bbox of the matched words. Its
confidence is `calibration.apply`'s learned probability over the evidence (pattern,
agreeing and competing mentions, position), fitted on generated contracts; the heuristic
`fields.combine` score is one of its inputs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from extractors.contract import calibration, consistency, party_ranker, ranker, title_ranker
from extractors.contract import fields as F
from extractors.contract.dates import add_duration, eve, find_dates, term_ends
from extractors.contract.durations import normalize_duration
from extractors.contract.parties import preamble_parties, signature_parties
from extractors.contract.text import FlatText
from extractors.types import Field
from ingest.types import IngestedDocument

__all__ = ["extract_contract", "extract_contract_raw", "term_ends"]

_HEAD_PAGES = 3  # title, parties and dates live on the first pages
_ANY_DATE_CHARS = 4000  # dates this early may be the agreement's or effective date
_TAIL_DATE_CHARS = 4000  # dates this close to the end sit in the signature blocks
_END_CUE_CHARS = 200  # an ending word this close before a date makes it an end candidate
_LOCAL_START_CHARS = 200  # a date this close before a duration may be where the term starts
_MAX_TERM_DAYS = 50 * 365  # longer "terms" are ages, tenancies of land, not agreements
# words that make a nearby date a possible end of the agreement
_END_CUE = re.compile(
    r"\bterm\b|\bexpir\w*|\bterminat\w*|\bconclu\w*|\buntil\b|\bthrough\b|"
    r"\bend(?:s|ed|ing)?\b|\bextended\b|\bperiod\b", re.IGNORECASE)
# what joins the two dates of a range
_RANGE_TO = re.compile(r"^[\s,]*(?:to|through|until|thru|[-\u2013\u2014])[\s,]*(?:and\s+including\s+)?$",
                       re.IGNORECASE)
# term patterns that state how long the agreement runs from its start; a survival or
# covenant period says nothing about when the agreement ends
_TERM_RUNS_FROM_START = {"term.agreement", "term.expire_after", "term.anniversary",
                         "term.period_from"}


def _field(ft: FlatText, hit: F.Hit, conf: float, source: str = "regex") -> Field:
    page, bbox = ft.locate(hit.start, hit.end)
    return Field(
        value=hit.value,
        normalized=hit.normalized,
        confidence=round(conf, 4),
        page=page,
        bbox=bbox,
        source=f"{source}:{hit.pattern}",
    )


_NDA_HEAD = re.compile(
    r"non-?\s?disclosure|confidential(?:ity)?\s+(?:and\s+[\w-]+\s+)?(?:agreement|undertaking)"
    r"|secrecy\s+agreement|\bNDA\b",
    re.IGNORECASE,
)


_EVENT_EFFECTIVE = re.compile(
    r"\b(?:become|becomes|take|takes)\s+(?:effective|effect)\s+(?:only\s+)?(?:upon|on\s+the\s+"
    r"(?:closing|occurrence|receipt|satisfaction))\b", re.IGNORECASE,
)


def _dated_means_effective(flat: str, subtype: str | None) -> bool:
    """Whether an agreement with no stated effective date takes effect on the date it bears.

    Confidentiality agreements and letters take effect when dated and their readers record
    that date as the effective date; commercial contracts that mean a separate effective
    date say so ("effective as of", "Effective Date"), and copying their signing date in
    was wrong far more often than right on real filings.
    """
    if subtype:
        return subtype == "nda"
    return bool(_NDA_HEAD.search(flat[:1500]))


_CORP = re.compile(
    r"\b(?:Inc|Incorporated|Corp|Corporation|Co|Company|Ltd|Limited|LLC|L\.L\.C|LP|L\.P|LLP|"
    r"PLC|GmbH|AG|S\.A|N\.V|B\.V|N\.A|Bank|Trust|Fund)\b", re.IGNORECASE,
)


def _party_evidence(names: list[str]) -> dict[str, float]:
    """How hard the party list looked: lists of short, suffixed company names are rarely
    wrong; lone names, long ones and bare capitalised words (role labels, headings) often are."""
    n = max(1, len(names))
    return {
        "n_agree": float(len(names)),
        "n_names": float(len(names)),
        "mean_words": sum(len(x.split()) for x in names) / n,
        "frac_corp": sum(bool(_CORP.search(x)) for x in names) / n,
        "frac_caps": sum(x.isupper() for x in names) / n,
    }


@dataclass(slots=True)
class RawReading:
    """What the pattern finders saw: the rule's fields with heuristic confidences, the
    evidence behind each, every candidate mention per field, and the document context the
    learned ranker reads."""

    fields: dict[str, Field]
    evidence: dict[str, dict[str, float]]
    candidates: dict[str, list[F.Hit]]
    context: ranker.DocContext
    flat_text: FlatText
    signature_names: list[str]

    @property
    def n_chars(self) -> int:
        return len(self.flat_text.flat)


def extract_contract(doc: IngestedDocument, subtype: str | None = None) -> dict[str, Field]:
    """Fields of a contract; a field not found is absent. `subtype` is advisory only.

    The rule's choice and its logistic calibration stand for fields the learned ranker does
    not cover (title, parties, value, signed) or when no ranker model is shipped; for the
    ranked fields the ranker chooses among every candidate, or abstains.
    """
    raw = extract_contract_raw(doc, subtype)
    out = raw.fields
    calibration.apply(out, raw.evidence, raw.n_chars)
    model = ranker.load()
    if model is not None:
        apply_ranker(raw, model)
    parties = party_ranker.load()
    if parties is not None:
        apply_party_ranker(raw, parties, doc)
    titles = title_ranker.load()
    if titles is not None:
        apply_title_ranker(raw, titles, doc)
    consistency.cap_contradicted(out)
    return out


def apply_title_ranker(raw: RawReading, model: title_ranker.TitleRanker,
                       doc: IngestedDocument) -> None:
    """Replace the rule's title by the ranker's choice (or drop it when it abstains)."""
    rule = raw.fields.get("title")
    head = "\n".join(p.text for p in doc.pages[:title_ranker.HEAD_PAGES])
    flat = raw.context.flat
    got = model.choose(title_ranker.candidates(head, flat, str(rule.normalized) if rule else None),
                       flat)
    if got is None:
        raw.fields.pop("title", None)
        return
    c, conf = got
    at = flat.find(c.text)
    page, bbox = raw.flat_text.locate(at, at + len(c.text)) if at >= 0 else (
        (rule.page, rule.bbox) if rule else (None, None))
    raw.fields["title"] = Field(c.text, F._title_case(c.text), round(conf, 4), page, bbox,
                                "ranker:title")


def apply_party_ranker(raw: RawReading, model: party_ranker.PartyRanker,
                       doc: IngestedDocument) -> None:
    """Replace the grammar's party list by the selector's (or drop it when it abstains)."""
    rule = raw.fields.get("parties")
    rule_names = [str(x) for x in (rule.normalized or [])] if rule else []
    flat = raw.context.flat
    groups = party_ranker.group(party_ranker.mentions(flat, raw.signature_names), flat)
    choice = model.choose(groups, flat, rule_names, raw.context.nda)
    if choice is None:
        raw.fields.pop("parties", None)
        return
    first = choice.groups[0]
    if first.first_start >= 0:
        page, bbox = raw.flat_text.locate(first.first_start, first.first_start + len(first.name))
    else:  # named only over a signature line
        page, bbox = (doc.pages[-1].number if doc.pages else None), None
    raw.fields["parties"] = Field(", ".join(choice.names), choice.names,
                                  round(choice.probability, 4), page, bbox, "ranker:parties")


def apply_ranker(raw: RawReading, model: ranker.FieldRanker) -> None:
    """Replace each ranked field by the ranker's choice (or drop it when it abstains)."""
    for name in ranker.RANKED_FIELDS:
        if name not in model.fields:
            continue
        cands = ranker.group(name, raw.candidates.get(name, []))
        choice = model.choose(name, cands, raw.context)
        if choice is None:
            raw.fields.pop(name, None)
            continue
        hit = choice.candidate.first
        derived = hit.pattern.startswith(("derived.", "agree."))
        prev = raw.fields.get(name)
        if derived and prev is not None and str(prev.normalized).lower() == choice.candidate.key:
            page, bbox, value = prev.page, prev.bbox, prev.value
        else:
            page, bbox = raw.flat_text.locate(hit.start, hit.end)
            value = hit.value
        raw.fields[name] = Field(value, hit.normalized, round(choice.probability, 4), page, bbox,
                                 f"ranker:{hit.pattern}")


def _date_mentions(flat: str, limit: int) -> list[F.Hit]:
    """Every date in the first `limit` characters: candidates the ranker may prefer."""
    return [F.Hit(flat[a:b], iso, a, b, "date.any") for a, b, iso in find_dates(flat, 0, limit)]


def _tail_dates(flat: str) -> list[F.Hit]:
    """Dates in the signature blocks at the end ("Date: 4/26/04", "executed this 16th day of
    May, 2011"): many agreements are dated only where they are signed."""
    lo = max(_ANY_DATE_CHARS, len(flat) - _TAIL_DATE_CHARS)
    return [F.Hit(flat[a:b], iso, a, b, "date.tail") for a, b, iso in find_dates(flat, lo)]


def _end_mentions(flat: str, taken: set[int]) -> list[F.Hit]:
    """Every date after an ending word within a clause's reach, and the second date of a
    range ("November 1, 2014 to October 31, 2017"): broad expiration candidates for dates
    no expiration finder took (`taken`: their starts), so a found date does not count twice."""
    hits = []
    prev_end = -100
    for a, b, iso in find_dates(flat):
        if a in taken:
            pass
        elif a - prev_end < 12 and _RANGE_TO.search(flat[prev_end:a]):
            hits.append(F.Hit(flat[a:b], iso, a, b, "expiration.range"))
        elif _END_CUE.search(flat[max(0, a - _END_CUE_CHARS):a]):
            hits.append(F.Hit(flat[a:b], iso, a, b, "expiration.near"))
        prev_end = b
    return hits


def _duration_window(flat: str, taken: set[tuple[int, int]]) -> list[F.Hit]:
    """Every duration in years or months that no term finder took: the ranker, reading the
    words around it, decides whether it is how long the agreement (or its obligations) run."""
    hits = []
    for base, sent in F.sentences(flat):  # DURATION_RE's matches in flat, sentence by sentence
        for m in F.sentence_durations(sent):
            span = (base + m.start(), base + m.end())
            if span in taken:
                continue
            norm = normalize_duration(m.group(0))
            if norm and norm.endswith(("_years", "_months")) and \
                    ranker.duration_days(norm) <= _MAX_TERM_DAYS:
                hits.append(F.Hit(m.group(0), norm, *span, "term.window"))
    return hits


def _derived_ends(flat: str, term_hits: list[F.Hit], starts: list[tuple[str, str]]
                  ) -> list[F.Hit]:
    """End dates computed as start + term, and the day before (a term from 1 January runs
    to 31 December), for every plausible start and every term candidate. `starts` are
    (kind, YYYY-MM-DD); a date written shortly before the duration ("commence on April 1,
    1999 and continue for six (6) months") is a start of kind `local`. The pattern records
    the start's kind and the term finder (`derived.term|<kind>|<pattern>[|eve]`) for the
    ranker's features."""
    seen: set[tuple[str, str, str, str]] = set()
    hits = []
    for h in term_hits:
        if not str(h.normalized).endswith(("_years", "_months")):
            continue
        local = [("local", iso) for _, _, iso in
                 find_dates(flat, max(0, h.start - _LOCAL_START_CHARS), h.start)]
        for kind, s in [*starts, *local]:
            key = (kind, s, str(h.normalized), h.pattern)
            if key in seen:
                continue
            seen.add(key)
            iso = add_duration(s, str(h.normalized))
            if not iso:
                continue
            tag = f"derived.term|{kind}|{h.pattern}"
            hits.append(F.Hit(h.value, iso, h.start, h.end, tag))
            hits.append(F.Hit(h.value, eve(iso), h.start, h.end, tag + "|eve"))
    return hits


def extract_contract_raw(doc: IngestedDocument, subtype: str | None = None) -> RawReading:
    """The rule's fields, their evidence and every candidate mention (see `RawReading`)."""
    ft = FlatText.of(doc)
    flat = ft.flat
    head_text = "\n".join(p.text for p in doc.pages[:_HEAD_PAGES])
    head_len = ft.prefix_len(_HEAD_PAGES)
    out: dict[str, Field] = {}
    evidence: dict[str, dict[str, float]] = {}
    cands: dict[str, list[F.Hit]] = {}

    def put(name: str, hits: list[F.Hit], scale: float = 1.0) -> None:
        cands.setdefault(name, []).extend(hits)
        got = F.combine_ex(hits)
        if got:
            hit, conf, info = got
            out[name] = _field(ft, hit, conf * scale)
            evidence[name] = {**info, "start": float(hit.start)}

    put("title", F.title(head_text, flat))

    pre = preamble_parties(flat)
    # names over the signature lines: the grammar's fallback and the party selector's input
    sig = signature_parties("\n".join(p.text for p in doc.pages[-party_ranker.TAIL_PAGES:]))
    if pre and len(pre[0]) >= 2:
        names, a, b = pre
        hit = F.Hit(flat[a:b].strip(), json.dumps(names), a, b, "parties.preamble")
        out["parties"] = _field(ft, hit, F.RELIABILITY[hit.pattern])
        out["parties"].normalized = names
    else:
        names = list(pre[0]) if pre else []
        for s in sig:
            if len(names) >= 2:
                break
            if not any(s.lower() in n.lower() or n.lower() in s.lower() for n in names):
                names.append(s)
        if names:
            pattern = "parties.preamble_single" if pre else "parties.signature"
            a, b = (pre[1], pre[2]) if pre else (0, 0)
            hit = F.Hit(", ".join(names), names, a, b, pattern)
            out["parties"] = _field(ft, hit, F.RELIABILITY[pattern] * (1 if len(names) > 1 else 0.9))
            if not pre:
                out["parties"].page, out["parties"].bbox = (doc.pages[-1].number if doc.pages
                                                            else None), None

    agreement, effective, expiration, expiry_any = F.dates(flat, head_len)
    put("agreement_date", agreement)
    if effective:
        put("effective_date", effective)
    elif "agreement_date" in out and _dated_means_effective(flat, subtype):
        f = out["agreement_date"]
        out["effective_date"] = Field(f.value, f.normalized, round(f.confidence * 0.65, 4),
                                      f.page, f.bbox, "derived:agreement_date")
        # copying the signing date is wrong when the text ties taking effect to an event
        evidence["effective_date"] = {"n_agree": 1.0, "n_values": 1.0,
                                      "event_effective": float(bool(_EVENT_EFFECTIVE.search(flat)))}
    put("governing_law", F.governing_law(flat))
    term, renewal, notice = F.durations(flat)
    put("term", term)
    if any(h.normalized == "=term" for h in renewal):
        # "renews for successive periods equal to the Initial Term": the term is the renewal
        t_hit = F.combine(term)
        renewal = [h for h in renewal if h.normalized != "=term"] + (
            [F.Hit(h.value, t_hit[0].normalized, h.start, h.end, h.pattern)
             for h in renewal if h.normalized == "=term"] if t_hit else [])
    put("renewal_term", renewal)
    put("notice_period", notice)
    put("expiration_date", expiration)
    start = out.get("effective_date") or out.get("agreement_date")  # the term runs from it
    t = out.get("term")
    weak_end = out.get("expiration_date") is not None and \
        out["expiration_date"].source == "regex:expiration.phrase"
    if ("expiration_date" not in out or weak_end) and t is not None and start is not None \
            and t.source.split(":")[-1] in _TERM_RUNS_FROM_START:
        iso = add_duration(start.normalized, t.normalized)
        if iso:
            base = "effective_date" if "effective_date" in out else "agreement_date"
            out["expiration_date"] = Field(
                t.value, iso, round(0.5 * t.confidence * start.confidence, 4),
                t.page, t.bbox, f"derived:{base}+{t.source.split(':')[-1]}",
            )
            evidence["expiration_date"] = {"n_agree": 1.0, "n_values": 1.0,
                                           "start": evidence.get("term", {}).get("start", 0.0)}
    put("contract_value", F.contract_value(flat))
    put("signed", F.signed(flat))
    for name in out:
        if name not in evidence:  # parties and derived fields
            evidence[name] = {"n_agree": 1.0, "n_values": 1.0}
    if "parties" in out:
        names = [str(n) for n in out["parties"].normalized or []]
        evidence["parties"].update(_party_evidence(names))
    # candidates beyond the rule's own: any preamble date, the signing date as the
    # effective date, the end computed from start + term
    head_dates = _date_mentions(flat, min(len(flat), _ANY_DATE_CHARS))
    tail_dates = _tail_dates(flat)
    cands.setdefault("agreement_date", []).extend(head_dates + tail_dates)
    cands.setdefault("effective_date", []).extend(
        [F.Hit(h.value, h.normalized, h.start, h.end, f"agree.{h.pattern}")
         for h in agreement] + head_dates + tail_dates)
    for name, hits in F.duration_mentions(flat).items():
        cands.setdefault(name, []).extend(hits)
    term_hits = list(cands.get("term", []))
    cands.setdefault("term", []).extend(
        _duration_window(flat, {(h.start, h.end) for h in term_hits}))
    # "shall end on the third anniversary hereof": a term of three years
    cands["term"].extend(F.anniversaries(flat))
    cands.setdefault("expiration_date", []).extend(expiry_any)
    cands["expiration_date"].extend(
        _end_mentions(flat, {h.start for h in cands["expiration_date"]}))
    starts = [(k, str(out[k].normalized)) for k in ("effective_date", "agreement_date")
              if k in out]
    starts += [("effective", str(h.normalized)) for h in effective]
    # ends are derived from every span in years or months, not only those of term
    # sentences: an end is labelled as start + span however the span is worded ("maintain
    # the software for an additional five years", "the day prior to the second anniversary")
    spans = cands["term"]
    cands["expiration_date"].extend(_derived_ends(flat, spans, starts))
    ctx = ranker.DocContext(
        flat=flat, head_len=head_len, nda=_dated_means_effective(flat, subtype),
        ocr_fraction=doc.ocr_pages / max(1, len(doc.pages)),
        anchors={k: str(out[k].normalized).lower() for k in
                 ("agreement_date", "effective_date", "expiration_date", "term") if k in out},
    )
    ctx.term_scores = ranker.term_scores(ranker.load(), cands["term"], ctx)
    return RawReading(out, evidence, cands, ctx, ft, sig)
