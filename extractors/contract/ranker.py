"""Learned choice among a contract field's candidate values, with a calibrated probability.

The pattern finders of `fields` propose candidate values (every date in the preamble,
every duration in a term sentence, every governing-law mention ...); this module groups
them by value, describes each group with general evidence (which patterns found it, how
often, where, which cue words stand around it, how it relates to the other dates) and lets
one gradient-boosting model per field rank the groups. The top group is reported only when
its probability clears the field's threshold, chosen by cross-validation to maximise F1;
the reported confidence is an isotonic map of that probability fitted on out-of-fold
predictions. Nothing here is fitted to a single document: the models are rebuilt from the
TRAIN split by `python -m training.contract_fields` (see `training/`).

Cue words are general contract vocabulary (a named table, `CUES`), not phrases of any one
document.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractors.context_words import FEATURE as CONTEXT_FEATURE
from extractors.context_words import ContextModel, window_tokens
from extractors.contract.fields import RELIABILITY, Hit
from extractors.scorer import CandidateScorer
from modelfile import load_shipped

MODEL_PATH = Path(__file__).parent / "model" / "field_ranker.joblib"
RANKED_FIELDS = ("agreement_date", "effective_date", "expiration_date", "governing_law",
                 "term", "renewal_term", "notice_period")
DATE_FIELDS = ("agreement_date", "effective_date", "expiration_date")
DURATION_FIELDS = ("term", "renewal_term", "notice_period")
# confidences never claim certainty: the training set is a few hundred contracts
CONF_FLOOR, CONF_CEIL = 0.02, 0.95
WINDOW = 90  # characters of context each side of a mention
TAIL_CHARS = 4000  # a mention this close to the end sits in the signature blocks

# Contract vocabulary that tells what a date or a duration is about.
CUES: dict[str, re.Pattern[str]] = {name: re.compile(rx, re.IGNORECASE) for name, rx in {
    "effective": r"\beffective\b",
    "dated": r"\bdated\b|\bdate\s+of\b|\bas\s+of\b",
    "made": r"\bmade\b|\bentered\s+into\b|\bexecuted\b",
    "commence": r"\bcommenc\w*|\bstart\w*|\bbegin\w*",
    "expire": r"\bexpir\w*|\bend\s+on\b|\bcontinue\s+until\b|\bthrough\b|\buntil\b",
    "terminate": r"\bterminat\w*|\bcancel\w*",
    "renew": r"\brenew\w*|\bextend\w*|\bextension\b|\bsuccessive\b",
    "notice": r"\bnotice\b|\bnotif\w*|\bwritten\b",
    "prior": r"\bprior\b|\bbefore\b|\bin\s+advance\b|\bpreceding\b",
    "term": r"\bterm\b",
    "initial": r"\binitial\b",
    "signature": r"\bBy\s*:|\bName\s*:|\bTitle\s*:|\bIN\s+WITNESS\b|/s/",
    "amend": r"\bamend\w*|\brestat\w*|\bsupersed\w*",
    "survive": r"\bsurviv\w*|\bthereafter\b|\bfollowing\s+(?:the\s+)?(?:termination|expiration)",
    "payment": r"\bpay\w*|\binvoice\w*|\bfees?\b|\broyalt\w*",
    "confidential": r"\bconfidential\w*|\bdisclos\w*",
    "filed": r"\bfiled\b|\bexhibit\b|\bsource\s*:|\bform\s+\d",
    "law": r"\blaws?\b|\bgovern\w*|\bconstrued\b",
    "date_label": r"\bDated?\s*:",
    "signed": r"\bIN\s+WITNESS\b|\bexecuted\b|\bsigned\b|\baccepted\b|\bagreed\b|\bday\s+of\b",
    "conclude": r"\bconclu\w*|\bend(?:s|ed|ing)?\b",
    "from_start": r"\bfrom\b|\bafter\b|\bfollowing\b|\bcommenc\w*|\bthereafter\b",
    "court": r"\bcourts?\b|\bjurisdiction\b|\bvenue\b|\barbitrat\w*",
    "breach": r"\bbreach\w*|\bcure\w*|\bdefault\w*|\binsolven\w*",
    "option": r"\boption\b|\belect\w*|\bmay\b",
    "convenience": r"\bconvenience\b|\bwithout\s+cause\b|\bfor\s+any\s+reason\b",
}.items()}
_YEAR = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# Fields whose mentions are also described by their sentence and the words right around them:
# a duration's role (notice before the end of the term, a cure period after a breach, a
# renewal period) is written in the few words beside it. Kept to the fields where this
# gained out of fold (TRAIN, 5 folds by filer: cuad notice_period F1 73.9 -> 76.6,
# renewal_term 79.3 -> 81.1); kleister term (70.3 -> 69.6) and cuad expiration_date
# (65.2 -> 65.2, ECE worse) did not gain and do without.
LOCAL_FIELDS = ("renewal_term", "notice_period")
# fields whose candidates are also described by `TERM_ROLE`
TERM_ROLE_FIELDS = ("term",)
SENT_REACH = 600  # the farthest a mention's sentence is read either side
_SENT_BREAK = re.compile(r"[.;:]\s+(?=[A-Z(\d])")
_WORD = re.compile(r"[a-z]+")
# a duration counted from the agreement's end ("for one year following the expiration
# thereof"): a survival or tail period, rarely the term itself (TRAIN Kleister: 2 of 29
# terms mentioned only so were the labelled term)
_AFTER_END = re.compile(r"[\s,)]*(?:from|after|following|beyond)\s+(?:the\s+|any\s+|such\s+)?"
                        r"(?:date\s+of\s+)?(?:expiration|termination|expiry|end)\b", re.I)
AFTER_END_CHARS = 80
# what stands right before a mention ("within thirty days", "at least ninety days")
LEAD_IN: dict[str, re.Pattern[str]] = {name: re.compile(rx, re.IGNORECASE) for name, rx in {
    "within": r"\bwithin\s*$",
    "at_least": r"\b(?:at\s+least|not\s+less\s+than|no\s+less\s+than|minimum\s+of|"
                r"no\s+later\s+than|not\s+later\s+than)\s*$",
    "for_period": r"\bfor\s+(?:a|an|the|such|any)?\s*(?:(?:initial|additional|further)\s+)?"
                  r"(?:period|term)s?\s+of\s*$|\bfor\s*$",
    "until": r"\b(?:until|through|ending|expir\w*\s+on|terminat\w*\s+on)\s*(?:on\s+)?$",
    "of": r"\bof\s*$",
}.items()}
# what stands right after it ("days' prior written notice", "after receipt", "periods")
LEAD_OUT: dict[str, re.Pattern[str]] = {name: re.compile(rx, re.IGNORECASE) for name, rx in {
    "notice": r"^\W*(?:\(\s*\d+\s*\)\s*)?(?:(?:prior|advance|written|express|formal|"
              r"calendar|business)\s+)*(?:notice|notification)\b",
    "prior": r"^\W*(?:prior|in\s+advance|before|preceding)\b",
    "after": r"^\W*(?:after|following|from|of\s+(?:the\s+)?(?:receipt|date))\b",
    "after_end": r"^\W*(?:period\s+)?(?:after|following|beyond)\s+(?:the\s+|any\s+|such\s+)?"
                 r"(?:date\s+of\s+)?(?:expiration|expiry|termination|end|cessation)",
    "periods": r"^[\s-]*(?:periods?|terms?)\b",
    "thereafter": r"^\W*thereafter\b",
}.items()}


# What a duration is the period of (the term field, above all an NDA's): how long the
# agreement or its confidentiality obligations run, counted from the start of the agreement
# or from a disclosure, against the period of a covenant (non-solicitation, standstill) or
# one that only starts when employment or the agreement ends. General contract wording,
# read in the mention's sentence and right before / after it.
TERM_ROLE: dict[str, tuple[str, re.Pattern[str]]] = {name: (where, re.compile(rx, re.IGNORECASE))
                                                    for name, (where, rx) in {
    # "obligations under this Agreement expire two years ...", "This Agreement shall continue
    # for a period of three years", "the term of this Agreement shall be one year"
    "subject_runs": ("before", r"\b(?:agreement|obligations?|undertakings?|confidentiality|"
                     r"term|restrictions?|duty|duties|nda)\b[^.;]{0,120}?\b(?:expire|terminate|"
                     r"end|continue|remain|survive|last|be\s+in\s+effect|extend|be)\b[^.;]*$"),
    # "... years from the date hereof / after the Effective Date / of the date of execution"
    "from_start": ("after", r"^[\W]{0,4}(?:\(\s*\d+\s*\)\s*)?(?:(?:after|from|following|of)\s+"
                   r"(?:the\s+)?(?:date\s+(?:hereof|of\s+(?:this|the)\s+(?:\w+\s+){0,2}"
                   r"(?:agreement|letter)|first\s+(?:written|above)|of\s+execution|on\s+which\s+"
                   r"(?:this|the)\s+agreement)|effective\s+date|execution|signing|commencement)"
                   r"|thereafter)"),
    # "... years from the date of disclosure" (how long each disclosure stays confidential)
    "from_disclosure": ("after", r"^[\W]{0,4}(?:\(\s*\d+\s*\)\s*)?(?:after|from|following)"
                        r"\s+(?:the\s+)?(?:date\s+of\s+)?(?:(?:each|such|any|the)\s+)?"
                        r"(?:disclosure|receipt)"),
    # "... years after termination of employment / following the expiration of this Agreement"
    "after_end": ("after", r"^[\W]{0,4}(?:\(\s*\d+\s*\)\s*)?(?:period\s+)?(?:after|following|"
                  r"from|beyond|of)\s+(?:the\s+|any\s+|such\s+|his\s+|her\s+)?(?:date\s+of\s+(?:the\s+)?)?"
                  r"(?:earlier\s+)?(?:expiration|expiry|termination|end|cessation|separation|"
                  r"completion|closing|consummation)"),
    "employment": ("sentence", r"\bemploy\w*|\bsalary\b|\bseverance\b|\bexecutive\b|"
                   r"\bcompensation\b|\bbonus\b|\bstock\s+options?\b"),
    "covenant": ("sentence", r"\bsolicit\w*|\bcompet\w*|\bhire\b|\bstandstill\b|"
                 r"\bacquir\w*|\btender\s+offer|\bproxy\b|\bvoting\s+securities"),
    "either_of": ("before", r"\b(?:earlier|later|lesser|greater)\s+of\b[^.;]*$"),
    "term_heading": ("near", r"\b(?:Term|TERM|Duration|DURATION|Termination|TERMINATION)\b"
                     r"\s*(?:of\s+(?:this\s+)?Agreement\s*)?[.:]"),
    "preceding": ("after", r"^[\W]{0,4}(?:period\s+)?(?:preceding|prior\s+to|before|"
                  r"immediately\s+preceding|ending\s+on)"),
}.items()}


def _term_role_features(c: Candidate, flat: str) -> dict[str, float]:
    """`TERM_ROLE` cues of every early mention (1 when any mention has one), and the share
    of the value's mentions that carry the agreement-runs-from-its-start reading."""
    f: dict[str, float] = {}
    runs = 0
    for h in c.hits[:6]:
        sent = _sentence(flat, h.start, h.end)
        sent_start = flat.find(sent[:40], max(0, h.start - SENT_REACH)) if sent else h.start
        parts = {"before": flat[max(sent_start, h.start - 160): h.start],
                 "after": flat[h.end: h.end + 120], "sentence": sent,
                 "near": flat[max(0, h.start - 400): h.start]}
        got = {name for name, (where, rx) in TERM_ROLE.items() if rx.search(parts[where])}
        for name in got:
            f[f"tr:{name}"] = 1.0
        runs += "subject_runs" in got and "after_end" not in got
    f["tr:runs_share"] = runs / max(1, min(6, len(c.hits)))
    return f


@dataclass(slots=True)
class DocContext:
    """What the ranker reads about the whole contract."""

    flat: str
    head_len: int
    nda: bool
    ocr_fraction: float
    anchors: dict[str, str] = field(default_factory=dict)  # field -> rule's top value
    # (start, end) of a duration mention -> the shipped term model's score for its value:
    # how much an end computed from that duration is the agreement's end (`term_scores`)
    term_scores: dict[tuple[int, int], float] = field(default_factory=dict)


@dataclass(slots=True)
class Candidate:
    """One value of one field and every mention that proposes it."""

    field: str
    key: str
    hits: list[Hit]

    @property
    def first(self) -> Hit:
        return min(self.hits, key=lambda h: h.start)


def group(field_name: str, hits: list[Hit]) -> list[Candidate]:
    """Mentions grouped by normalised value, in order of first mention."""
    by_key: dict[str, list[Hit]] = {}
    for h in hits:
        if h.normalized is None or str(h.normalized) == "":
            continue
        by_key.setdefault(str(h.normalized).lower(), []).append(h)
    cands = [Candidate(field_name, k, hs) for k, hs in by_key.items()]
    cands.sort(key=lambda c: c.first.start)
    return cands


def _support(hits: list[Hit]) -> float:
    """The hand prior: noisy-OR of the finders' reliabilities (see `fields.RELIABILITY`)."""
    miss = 1.0
    for i, h in enumerate(sorted(hits, key=lambda h: -RELIABILITY.get(h.pattern, 0.5))[:4]):
        r = RELIABILITY.get(h.pattern, 0.5)
        miss *= 1 - (r if i == 0 else r * 0.35)
    return 1 - miss


def _days(iso: str) -> int | None:
    m = _YEAR.match(iso)
    if not m:
        return None
    y, mo, d = (int(x) for x in m.groups())
    return y * 372 + mo * 31 + d  # order-preserving, good enough for gaps in days


def duration_days(norm: str) -> float:
    """A duration's rough length in days (`N_days|N_weeks|N_months|N_years`), 0 when unreadable."""
    try:
        n, unit = norm.split("_", 1)
        k = float(n)
    except ValueError:
        return 0.0
    per = {"day": 1, "week": 7, "month": 30, "year": 365}
    return k * next((v for u, v in per.items() if unit.startswith(u)), 0)


def features_all(cands: list[Candidate], ctx: DocContext) -> list[dict[str, float]]:
    """Evidence for every candidate of one field, in order; names are stable keys of the
    model's vectoriser. What compares a candidate with the others (support of the best
    other value, earliest and latest date) is computed once for the field."""
    supports = [_support(c.hits) for c in cands]
    by_support = sorted(range(len(cands)), key=lambda j: -supports[j])
    known_days = [d for d in (_days(c.key) for c in cands) if d is not None] \
        if cands and cands[0].field in DATE_FIELDS else []
    durs = [duration_days(c.key) for c in cands] \
        if cands and cands[0].field in DURATION_FIELDS else []
    n = max(1, len(ctx.flat))
    tail_days = [d for c in cands if any(n - h.start < TAIL_CHARS for h in c.hits)
                 and (d := _days(c.key)) is not None] if known_days else []
    low_flat = ctx.flat.lower() if cands and cands[0].field not in DATE_FIELDS \
        and cands[0].field not in DURATION_FIELDS else ""
    out = []
    for i, c in enumerate(cands):
        others = [j for j in by_support[:2] if j != i]
        best_other = supports[others[0]] if others else 0.0
        f = _features(c, i, len(cands), supports[i], best_other, known_days, tail_days,
                      low_flat, ctx)
        if durs:
            f["is_longest"] = float(durs[i] == max(durs))
            f["is_shortest"] = float(durs[i] == min(durs))
            f["n_longer"] = float(sum(d > durs[i] for d in durs))
        out.append(f)
    return out


def _features(c: Candidate, rank: int, n_cands: int, sup: float, best_other: float,
              known_days: list[int], tail_days: list[int], low_flat: str,
              ctx: DocContext) -> dict[str, float]:
    n = max(1, len(ctx.flat))
    first = c.first
    f: dict[str, float] = {
        "n_hits": float(len(c.hits)),
        "n_cands": float(n_cands),
        "rank": float(rank),
        "support": sup,
        "support_gap": sup - best_other,
        "best_reliability": max(RELIABILITY.get(h.pattern, 0.3) for h in c.hits),
        "rel_pos": first.start / n,
        "log_start": math.log1p(first.start),
        "in_head": float(first.start < ctx.head_len),
        "nda": float(ctx.nda),
        "ocr": ctx.ocr_fraction,
        "log_chars": math.log1p(n),
        "n_patterns": float(len({h.pattern for h in c.hits})),
    }
    for h in c.hits:
        # a derived end names its start's kind and its term finder: `derived.term|kind|pat[|eve]`
        pat, *how = h.pattern.split("|")
        f[f"pat={pat}"] = f.get(f"pat={pat}", 0.0) + 1.0
        if how:
            f[f"dstart={how[0]}"] = 1.0
            f[f"dterm={how[1]}"] = 1.0
            f["deve"] = max(f.get("deve", 0.0), float(len(how) > 2))
            f["dexact"] = max(f.get("dexact", 0.0), float(len(how) == 2))
    f["in_tail"] = float(n - first.start < TAIL_CHARS)
    f["last_rel"] = max(h.start for h in c.hits) / n
    # cue words before and after every mention (counted once per side per mention)
    for h in c.hits[:6]:
        before = ctx.flat[max(0, h.start - WINDOW): h.start]
        after = ctx.flat[h.end: h.end + WINDOW // 2]
        in_before, in_after = _cues_in(before), _cues_in(after)
        for name in CUES:
            if name in in_before:
                f[f"b:{name}"] = f.get(f"b:{name}", 0.0) + 1.0
            if name in in_after:
                f[f"a:{name}"] = f.get(f"a:{name}", 0.0) + 1.0
    if c.field in LOCAL_FIELDS:
        f.update(_local_features(c, ctx.flat))
    if c.field in TERM_ROLE_FIELDS:
        f.update(_term_role_features(c, ctx.flat))
    key = c.key
    if c.field in DATE_FIELDS:
        d = _days(key)
        if d is not None:
            f["year"] = float(int(key[:4]))
            for anchor_name, anchor in ctx.anchors.items():
                if anchor_name == c.field or anchor_name not in DATE_FIELDS:
                    continue
                a = _days(anchor)
                if a is not None:
                    f[f"same_as:{anchor_name}"] = float(a == d)
                    f[f"after:{anchor_name}"] = float(d > a)
                    f[f"gap_years:{anchor_name}"] = max(-5.0, min(10.0, (d - a) / 372))
            if c.field == "expiration_date" and ctx.term_scores:
                f.update(_term_score_features(c, ctx))
            f["is_earliest"] = float(d == min(known_days))
            f["is_latest"] = float(d == max(known_days))
            if tail_days:
                f["is_latest_tail"] = float(d == max(tail_days))
                f["n_tail_dates"] = float(len(tail_days))
    elif c.field in DURATION_FIELDS:
        days = duration_days(key)
        f["after_end"] = sum(bool(_AFTER_END.match(ctx.flat, h.end, h.end + AFTER_END_CHARS))
                             for h in c.hits) / len(c.hits)
        f["log_days"] = math.log1p(days)
        f["unit_day"] = float("day" in key)
        f["unit_month"] = float("month" in key)
        f["unit_year"] = float("year" in key)
        term = ctx.anchors.get("term")
        if term and c.field != "term":
            f["same_as_term"] = float(term == key)
    else:  # governing law: how often the place is named at all
        f["mentions"] = float(min(20, low_flat.count(key)))
    return f


def _term_score_features(c: Candidate, ctx: DocContext) -> dict[str, float]:
    """For an end computed from a duration: the term model's score of that duration (the
    best over the candidate's derived mentions) and whether it is the document's best term."""
    got = [ctx.term_scores[(h.start, h.end)] for h in c.hits
           if h.pattern.startswith("derived.") and (h.start, h.end) in ctx.term_scores]
    if not got:
        return {}
    best = max(ctx.term_scores.values())
    return {"term_score": max(got), "term_top": float(max(got) >= best)}


def _sentence(flat: str, start: int, end: int) -> str:
    """The sentence around flat[start:end] (at most `SENT_REACH` characters each side)."""
    lo = max(0, start - SENT_REACH)
    breaks = list(_SENT_BREAK.finditer(flat, lo, start))
    a = breaks[-1].end() if breaks else lo
    m = _SENT_BREAK.search(flat, end, min(len(flat), end + SENT_REACH))
    return flat[a: m.start() if m else min(len(flat), end + SENT_REACH)]


@lru_cache(maxsize=16384)
def _cues_in(text: str) -> frozenset[str]:
    """The `CUES` found in `text`. Cached: the same mention's windows and sentence are read
    for every field that has it as a candidate (a date is an agreement, effective and
    expiration date candidate at once)."""
    return frozenset(name for name, rx in CUES.items() if rx.search(text))


def _local_features(c: Candidate, flat: str) -> dict[str, float]:
    """The words right before and after each mention and the cue words of its sentence
    (present in any of the first mentions), and the words immediately beside the first."""
    f: dict[str, float] = {}
    for h in c.hits[:6]:
        before = flat[max(0, h.start - 60): h.start]
        after = flat[h.end: h.end + 80]
        for name, rx in LEAD_IN.items():
            if rx.search(before):
                f[f"in:{name}"] = 1.0
        for name, rx in LEAD_OUT.items():
            if rx.search(after):
                f[f"out:{name}"] = 1.0
        sent = _sentence(flat, h.start, h.end)
        in_sent = _cues_in(sent)
        for name in CUES:  # in the table's order, as the features have always been added
            if name in in_sent:
                f[f"s:{name}"] = 1.0
        f["sent_len"] = max(f.get("sent_len", 0.0), math.log1p(len(sent)))
    first = c.first
    prev = _WORD.findall(flat[max(0, first.start - 30): first.start].lower())
    nxt = _WORD.findall(flat[first.end: first.end + 30].lower())
    if prev:
        f[f"prev={prev[-1]}"] = 1.0
    if nxt:
        f[f"next={nxt[0]}"] = 1.0
    return f


def context_tokens(c: Candidate, flat: str) -> list[str]:
    """The words around the candidate's mentions, for the context-word model."""
    return window_tokens(((h.start, h.end) for h in c.hits), flat)


@dataclass(slots=True)
class Choice:
    candidate: Candidate
    probability: float  # calibrated


class FieldRanker:
    """The shipped per-field models, one `CandidateScorer` (vectoriser, classifier,
    threshold, calibration) per ranked field."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        self.version: str = bundle["version"]
        self.fields: dict[str, CandidateScorer] = {
            name: CandidateScorer({"version": self.version, **m})
            for name, m in bundle["fields"].items()}
        # fields reported over one threshold for confidentiality agreements and another for
        # the rest (`DocContext.nda`; `training.contract_fields.KIND_THRESHOLD_FIELDS`)
        self.kind_thresholds: dict[str, dict[str, float]] = {
            name: m["kind_thresholds"] for name, m in bundle["fields"].items()
            if m.get("kind_thresholds")}
        # fields fitted with the stacked context-word score (`extractors.context_words`)
        self.context: dict[str, ContextModel] = {
            name: ContextModel.from_bundle(m["ctx"])
            for name, m in bundle["fields"].items() if m.get("ctx") is not None}

    def rows(self, field_name: str, cands: list[Candidate],
             ctx: DocContext) -> list[dict[str, float]]:
        """The feature rows the field's model reads: `features_all`, and the context-word
        score where the model was fitted with it."""
        out = features_all(cands, ctx)
        words = self.context.get(field_name)
        if words is not None:
            for row, c in zip(out, cands, strict=True):
                row[CONTEXT_FEATURE] = words.score(context_tokens(c, ctx.flat))
        return out

    def score(self, field_name: str, cands: list[Candidate], ctx: DocContext) -> list[float]:
        return self.fields[field_name].scores(self.rows(field_name, cands, ctx))

    def choose(self, field_name: str, cands: list[Candidate], ctx: DocContext) -> Choice | None:
        """The best candidate (the earliest mentioned on a tie) when it clears the field's
        threshold (its contract kind's, where the field has one per kind), else None."""
        if field_name not in self.fields or not cands:
            return None
        by_kind = self.kind_thresholds.get(field_name, {})
        got = self.fields[field_name].best(self.rows(field_name, cands, ctx), CONF_FLOOR,
                                           CONF_CEIL, by_kind.get(contract_kind(ctx.nda)))
        return Choice(cands[got[0]], got[1]) if got else None


def contract_kind(nda: bool) -> str:
    """The kind a per-kind threshold is keyed by (`FieldRanker.kind_thresholds`)."""
    return "nda" if nda else "other"


def term_scores(model: FieldRanker | None, term_hits: list[Hit],
                ctx: DocContext) -> dict[tuple[int, int], float]:
    """The shipped term model's score of every term mention's value, by the mention's span
    (empty when no term model is shipped). In training the scores come from term scorers
    fitted without the contract's filer instead (`training.contract_fields`), so the
    expiration model learns from scores like those the shipped model gives a new contract."""
    if model is None or "term" not in model.fields:
        return {}
    cands = group("term", term_hits)
    if not cands:
        return {}
    out: dict[tuple[int, int], float] = {}
    for c, s in zip(cands, model.score("term", cands, ctx), strict=True):
        for h in c.hits:
            out[(h.start, h.end)] = max(s, out.get((h.start, h.end), 0.0))
    return out


def load(path: Path = MODEL_PATH) -> FieldRanker | None:
    """The shipped ranker; None when no model file is shipped. A model file whose checksum
    does not match its manifest is refused loudly (`ModelFileError`) rather than used: a
    half-written or swapped file must not silently change every contract's fields."""
    bundle = load_shipped(path)
    if not bundle:
        return None
    # one FieldRanker per loaded bundle: its context-word models are built once per
    # process (dicts of 6,000-20,000 bucket weights), not twice per contract
    built = _BUILT.get(id(bundle))
    if built is None or built[0] is not bundle:
        built = _BUILT[id(bundle)] = (bundle, FieldRanker(bundle))
    return built[1]


_BUILT: dict[int, tuple[dict[str, Any], FieldRanker]] = {}
