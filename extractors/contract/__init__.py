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
from datetime import date

from extractors.contract import fields as F
from extractors.contract.parties import preamble_parties, signature_parties
from extractors.contract.text import FlatText
from extractors.types import Field
from ingest.types import IngestedDocument

__all__ = ["extract_contract", "extract_contract_raw"]

_HEAD_PAGES = 3  # title, parties and dates live on the first pages
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


def _add_years(iso: str, dur: str) -> str | None:
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


def extract_contract(doc: IngestedDocument, subtype: str | None = None) -> dict[str, Field]:
    """Fields of a contract; a field not found is absent. `subtype` is advisory only."""
    from extractors.contract import calibration

    out, evidence, n_chars = extract_contract_raw(doc, subtype)
    calibration.apply(out, evidence, n_chars)
    return out


def extract_contract_raw(
    doc: IngestedDocument, subtype: str | None = None
) -> tuple[dict[str, Field], dict[str, dict[str, float]], int]:
    """Fields with heuristic confidences, the evidence behind each, and the text length."""
    ft = FlatText.of(doc)
    flat = ft.flat
    head_text = "\n".join(p.text for p in doc.pages[:_HEAD_PAGES])
    head_len = len(FlatText.of(doc, max_pages=_HEAD_PAGES).flat) if len(doc.pages) > _HEAD_PAGES \
        else len(flat)
    out: dict[str, Field] = {}
    evidence: dict[str, dict[str, float]] = {}

    def put(name: str, hits: list[F.Hit], scale: float = 1.0) -> None:
        got = F.combine_ex(hits)
        if got:
            hit, conf, info = got
            out[name] = _field(ft, hit, conf * scale)
            evidence[name] = {**info, "start": float(hit.start)}

    put("title", F.title(head_text, flat))

    pre = preamble_parties(flat)
    if pre and len(pre[0]) >= 2:
        names, a, b = pre
        hit = F.Hit(flat[a:b].strip(), json.dumps(names), a, b, "parties.preamble")
        out["parties"] = _field(ft, hit, F.RELIABILITY[hit.pattern])
        out["parties"].normalized = names
    else:
        sig = signature_parties("\n".join(p.text for p in doc.pages[-4:]))
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

    agreement, effective, expiration = F.dates(flat, head_len)
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
        iso = _add_years(start.normalized, t.normalized)
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
    return out, evidence, len(flat)
