"""Scoring rules: how one prediction is compared with one truth file.

These rules are the yardstick for every accuracy claim about the pipeline, so they
are pure functions, unit-tested, and they change only on purpose (bump
`SCORING_VERSION` when they do, so reports made with different rules are not compared).

Fields
------
* The truth value of a field is the truth file's `normalized[name]`, falling back to
  `fields[name]` when `normalized` lacks it. The predicted value is the result's
  `fields[name]["normalized"]` (falling back to `"value"` when that is null).
* A field whose truth is in `fields` but left out of `normalized` although the field has
  a CONTRACT normal form (dates, money, durations, booleans, currency, line items) is
  *unscorable* for that document: the corpus left it out because the source form could
  not be converted mechanically (redacted dates, "perpetual"). It counts nowhere.
* Labelled fields of a source = the union of truth keys (`fields` and `normalized`) seen
  across that source, less fields that are unscorable in every document carrying them. Only labelled fields are scored; a field a source never labels is
  ignored there, predicted or not. Within a labelled field a missing truth key means
  "no value expected" (Kleister-NDA's absent effective_date, for instance).
* Scalars: TP when predicted and equal; predicted but unequal is one FP *and* one FN;
  truth value but no prediction is an FN; a prediction where the truth has no value is an
  FP. Equality is case- and whitespace-insensitive (NFKC, casefold, all whitespace
  removed: OCR and labellers disagree on spaces, "A.B.C.(PERAK)" vs "A.B.C. (PERAK)",
  and a reviewer would not call either wrong), and further:
  - money (`MONEY_FIELDS`): compared as decimals, currency marks and thousands
    separators ignored (`"1,234.5"` == `"1234.50"`);
  - identifiers (`ID_FIELDS`: tax ids, IBAN, invoice/PO numbers, ...): all whitespace
    removed; phone numbers compare their digits;
  - durations (`DURATION_FIELDS`): `N_years` == `12N_months`, singular or plural unit;
  - booleans: true/yes/1 vs false/no/0.
* Lists (a list on either side): compared as sets of normalized items, matched
  one-to-one (maximum matching). `parties` items match leniently: rapidfuzz
  `token_set_ratio >= 90` on lower-cased alphanumerics with `&` read as `and`, which
  tolerates defined-term suffixes and role phrases. Each matched item is a TP, each
  unmatched predicted item an FP, each unmatched truth item an FN. For calibration a
  list is *correct* when it has at least one item and every predicted item matched.
* Precision = TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean;
  0 when the denominator is 0. Aggregates are micro-averages (sums of counts).

Types
-----
doc_type accuracy compares `doc_type` exactly; subtype accuracy is counted only over
documents whose truth has a subtype. Failed documents count as predicted `other`.

Calibration
-----------
Expected calibration error over 10 equal-width confidence bins ([0, .1), ..., [.9, 1]):
sum over bins of |accuracy - mean confidence| * bin count / total. Field pairs are
(confidence, correct) for every scored predicted field; type pairs are
(type_confidence, doc_type correct) for every document.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

SCORING_VERSION = "2"

MONEY_FIELDS = frozenset({
    "subtotal", "tax_amount", "total_amount", "contract_value", "salary", "pay_rate",
    "gross_pay", "net_pay", "hours_worked", "amount", "unit_price", "quantity",
})
DATE_FIELDS = frozenset({"pay_period_start", "pay_period_end", "start_date", "end_date"})
DURATION_FIELDS = frozenset({"term", "renewal_term", "notice_period"})
BOOL_FIELDS = frozenset({"signed"})
ID_FIELDS = frozenset({
    "vendor_tax_id", "iban", "invoice_number", "po_number", "employee_id", "ssn",
})
FUZZY_LIST_FIELDS = frozenset({"parties"})
STRUCTURED_FIELDS = MONEY_FIELDS | DATE_FIELDS | DURATION_FIELDS | BOOL_FIELDS | frozenset(
    {"currency", "line_items"}
)
PARTY_THRESHOLD = 90.0

_WS = re.compile(r"\s+")
_MONEY_JUNK = re.compile(r"[^0-9.\-]")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[_ ]?\s*(day|month|year|week)s?\s*$", re.I)
_TRUE = {"true", "yes", "y", "1", "signed"}
_FALSE = {"false", "no", "n", "0", "unsigned"}


class _Unscorable:
    """Marker: the truth has a value here that cannot be compared (see module doc)."""

    def __repr__(self) -> str:
        return "UNSCORABLE"


UNSCORABLE: Any = _Unscorable()


@dataclass(slots=True)
class FieldScore:
    """The outcome for one (document, field). `correct` is None when nothing was predicted."""

    field: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    correct: bool | None = None
    confidence: float | None = None
    truth: Any = None
    predicted: Any = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------- normalizers
def has_normal_form(name: str) -> bool:
    """Fields whose CONTRACT normal form the corpus would have produced if it could."""
    return name in STRUCTURED_FIELDS or name.endswith("_date")


def norm_text(value: Any) -> str:
    """Case- and whitespace-insensitive form of any scalar."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    s = unicodedata.normalize("NFKC", str(value))
    return _WS.sub("", s.casefold())


def to_decimal(value: Any) -> Decimal | None:
    """Money as a decimal: currency marks, spaces and thousands separators ignored."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return Decimal(str(value))
    s = str(value).strip()
    neg = s.startswith("(") and s.endswith(")")
    s = _MONEY_JUNK.sub("", s)
    if not s or s in {"-", ".", "-."}:
        return None
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    return -d if neg else d


def to_duration(value: Any) -> tuple[str, Decimal] | None:
    """`N_years` / `N_months` to months, `N_days` / `N_weeks` to days."""
    m = _DURATION.match(str(value))
    if not m:
        return None
    n, unit = Decimal(m.group(1)), m.group(2).lower()
    if unit == "year":
        return ("months", n * 12)
    if unit == "month":
        return ("months", n)
    if unit == "week":
        return ("days", n * 7)
    return ("days", n)


def to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    s = norm_text(value)
    return True if s in _TRUE else False if s in _FALSE else None


def norm_party(value: Any) -> str:
    """Party names keep their word boundaries: they are compared by token sets."""
    s = unicodedata.normalize("NFKC", str(value or "")).casefold().replace("&", " and ")
    return _WS.sub(" ", s).strip()


def scalar_match(field: str, truth: Any, pred: Any) -> bool:
    """Whether two scalar values of `field` are the same under the rules above."""
    if isinstance(truth, dict) or isinstance(pred, dict):
        return _dict_match(truth, pred)
    if field in MONEY_FIELDS:
        a, b = to_decimal(truth), to_decimal(pred)
        if a is not None and b is not None:
            return a == b
    elif field in DURATION_FIELDS:
        a2, b2 = to_duration(truth), to_duration(pred)
        if a2 is not None and b2 is not None:
            return a2 == b2
    elif field in BOOL_FIELDS:
        a3, b3 = to_bool(truth), to_bool(pred)
        if a3 is not None and b3 is not None:
            return a3 == b3
    elif field in ID_FIELDS:
        return _WS.sub("", norm_text(truth)) == _WS.sub("", norm_text(pred))
    elif field == "phone":
        da, db = re.sub(r"\D", "", str(truth)), re.sub(r"\D", "", str(pred))
        return bool(da) and da == db
    return norm_text(truth) == norm_text(pred)


def _dict_match(truth: Any, pred: Any) -> bool:
    """Line items: every key both sides carry must match (money keys as decimals)."""
    if not (isinstance(truth, dict) and isinstance(pred, dict)):
        return False
    common = [k for k in truth if k in pred and truth[k] is not None]
    return bool(common) and all(scalar_match(k, truth[k], pred[k]) for k in common)


def party_similarity(a: Any, b: Any) -> float:
    from rapidfuzz import fuzz
    from rapidfuzz.utils import default_process

    return float(fuzz.token_set_ratio(norm_party(a), norm_party(b), processor=default_process))


def match_lists(field: str, truth: Sequence[Any], pred: Sequence[Any]) -> tuple[int, int, int]:
    """One-to-one maximum matching of two lists -> (tp, fp, fn). Duplicates collapse."""
    t = _dedupe(truth)
    p = _dedupe(pred)
    if not t or not p:
        return 0, len(p), len(t)
    fuzzy = field in FUZZY_LIST_FIELDS
    weights = [[0.0] * len(p) for _ in t]
    for i, tv in enumerate(t):
        for j, pv in enumerate(p):
            if fuzzy:
                sim = party_similarity(tv, pv)
                ok = sim >= PARTY_THRESHOLD
            else:
                sim, ok = 100.0, scalar_match(field, tv, pv)
            # matches first (cardinality), closeness only breaks ties
            weights[i][j] = 1000.0 + sim if ok else 0.0
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(weights, maximize=True)
    tp = sum(1 for r, c in zip(rows, cols, strict=True) if weights[r][c] > 0)
    return tp, len(p) - tp, len(t) - tp


def _dedupe(values: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    seen: set[str] = set()
    for v in values:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        key = json.dumps(v, sort_keys=True, default=str) if isinstance(v, dict) else norm_text(v)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return [value]
        if isinstance(parsed, list):
            return parsed
    return [value]


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and len(value) == 0)


# ---------------------------------------------------------------------- documents
def truth_values(truth: Mapping[str, Any]) -> dict[str, Any]:
    """Field -> comparable truth value (or UNSCORABLE), per the fallback rule."""
    normalized = truth.get("normalized") or {}
    raw = truth.get("fields") or {}
    out: dict[str, Any] = {}
    for name in list(normalized) + [k for k in raw if k not in normalized]:
        if name in normalized:
            value = normalized[name]
        elif has_normal_form(name) and "normalized" in truth:
            value = UNSCORABLE
        else:
            value = raw[name]
        if value is UNSCORABLE or not _is_empty(value):
            out[name] = value
    return out


def labelled_fields(truths: Iterable[Mapping[str, Any]]) -> set[str]:
    """The fields a source labels: every key of `fields`/`normalized` seen in it, less
    those that are unscorable wherever they occur (a source whose line items never come
    in CONTRACT form does not label line items in a way a prediction can be held to)."""
    seen: set[str] = set()
    scorable: set[str] = set()
    for t in truths:
        seen.update((t.get("fields") or {}).keys())
        seen.update((t.get("normalized") or {}).keys())
        scorable.update(k for k, v in truth_values(t).items() if v is not UNSCORABLE)
    return {k for k in seen if k in scorable}


def predicted_values(result: Mapping[str, Any]) -> dict[str, tuple[Any, float | None]]:
    """Field -> (normalized value, confidence) of one pipeline result."""
    out: dict[str, tuple[Any, float | None]] = {}
    for name, f in (result.get("fields") or {}).items():
        if isinstance(f, Mapping):
            value = f.get("normalized")
            if value is None:
                value = f.get("value")
            conf = f.get("confidence")
        else:  # tolerate a bare value
            value, conf = f, None
        if _is_empty(value):
            continue
        try:
            c = float(conf) if conf is not None else None
        except (TypeError, ValueError):
            c = None
        out[name] = (value, c)
    return out


def score_field(name: str, truth: Any, pred: Any, confidence: float | None) -> FieldScore:
    """Score one field; `truth`/`pred` are None when absent."""
    s = FieldScore(field=name, confidence=confidence, truth=truth, predicted=pred)
    if truth is UNSCORABLE:
        return s
    if pred is None:
        s.fn = 0 if truth is None else (len(_dedupe(_as_list(truth)))
                                        if isinstance(truth, list) else 1)
        return s
    if isinstance(truth, list) or isinstance(pred, list):
        tp, fp, fn = match_lists(name, _as_list(truth) if truth is not None else [],
                                 _as_list(pred))
        s.tp, s.fp, s.fn = tp, fp, fn
        s.correct = tp > 0 and fp == 0
        return s
    if truth is None:
        s.fp, s.correct = 1, False
        return s
    if scalar_match(name, truth, pred):
        s.tp, s.correct = 1, True
    else:
        s.fp, s.fn, s.correct = 1, 1, False
    return s


def score_document(
    truth: Mapping[str, Any], result: Mapping[str, Any], labelled: Iterable[str]
) -> list[FieldScore]:
    """Scores for every labelled field with a truth value or a prediction.

    Unscorable truths are returned too (all counts 0, `correct` None) so that a report
    can say how many were skipped.
    """
    tv = truth_values(truth)
    pv = predicted_values(result)
    scores: list[FieldScore] = []
    for name in sorted(set(labelled)):
        t = tv.get(name)
        p, conf = pv.get(name, (None, None))
        if t is None and p is None:
            continue
        if t is UNSCORABLE:
            p, conf = None, None
        scores.append(score_field(name, t, p, conf))
    return scores


def is_unscorable(score: FieldScore) -> bool:
    return score.truth is UNSCORABLE


# ---------------------------------------------------------------------- aggregates
def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1; 0.0 where undefined."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def calibration(pairs: Iterable[tuple[float, bool]], bins: int = 10) -> dict[str, Any]:
    """ECE and a reliability table over `bins` equal-width confidence bins."""
    counts = [0] * bins
    conf_sum = [0.0] * bins
    hits = [0] * bins
    n = 0
    for conf, ok in pairs:
        c = min(max(float(conf), 0.0), 1.0)
        b = min(int(c * bins), bins - 1)
        counts[b] += 1
        conf_sum[b] += c
        hits[b] += int(bool(ok))
        n += 1
    table = []
    ece = 0.0
    for b in range(bins):
        mean_conf = conf_sum[b] / counts[b] if counts[b] else None
        acc = hits[b] / counts[b] if counts[b] else None
        if counts[b]:
            assert mean_conf is not None and acc is not None
            ece += abs(acc - mean_conf) * counts[b] / n
        table.append({
            "bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}",
            "count": counts[b],
            "mean_confidence": mean_conf,
            "accuracy": acc,
        })
    return {"ece": ece if n else None, "count": n, "bins": table}
