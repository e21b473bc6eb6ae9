"""Item-level scoring of line items: which predicted item is which truth item.

The field-level scorer (`scoring.py`) compares a list as a set of exact items, so one
misread quantity makes the whole item wrong and says nothing about which column failed.
Here predicted items are matched to truth items one to one (maximum weight matching,
scipy's `linear_sum_assignment`), a pair being allowed when

* the amounts are equal as decimals (when the truth gives an amount; invoice2data's
  labels sometimes give only a description, or `qty` and a `price` from which the amount
  is derived), and
* the descriptions are similar: rapidfuzz `token_set_ratio` of the lower-cased texts at
  least `DESCRIPTION_MIN_RATIO` (tolerates a description continued on a second line that
  one side kept and the other did not).

Matched pairs are TPs, unmatched predictions FPs, unmatched truth items FNs; precision,
recall and F1 are micro-averaged over documents. Per column (description, quantity,
unit_price, amount), accuracy is over matched pairs whose truth has that column: equal
as decimals for the numbers, ratio >= `DESCRIPTION_EXACT_RATIO` for the description.

Truth items are read from CONTRACT form (`normalized.line_items`: description, quantity,
unit_price, amount) or from invoice2data's own labels (`fields.line_items`, keys such as
desc/name, qty, price_unit/price, price_subtotal); `TRUTH_KEYS` lists the mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from evaluation.scoring import prf, to_decimal

DESCRIPTION_MIN_RATIO = 60.0   # two descriptions name the same line
DESCRIPTION_EXACT_RATIO = 90.0  # the description column is right
COLUMNS = ("description", "quantity", "unit_price", "amount")
NUMBER_COLUMNS = ("quantity", "unit_price", "amount")
AMOUNT_TOLERANCE = Decimal("0.005")

# column -> the keys a truth file may call it, in order of preference (CONTRACT first,
# then invoice2data's templates)
TRUTH_KEYS: dict[str, tuple[str, ...]] = {
    "description": ("description", "desc", "name", "item", "product", "title"),
    "quantity": ("quantity", "qty"),
    "unit_price": ("unit_price", "price_unit", "unit", "price", "rate"),
    "amount": ("amount", "price_subtotal", "line_total", "total", "subtotal", "price_total"),
}


class LineItemTruthError(ValueError):
    """A truth file's line items are not a list of objects."""


@dataclass(slots=True, frozen=True)
class Item:
    """One line item as compared: text and decimals (None where absent)."""

    description: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None


@dataclass(slots=True)
class ColumnCount:
    right: int = 0
    compared: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.right / self.compared if self.compared else None


@dataclass(slots=True)
class ItemScore:
    """Counts for one document or a sum over many."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    docs: int = 0
    exact_docs: int = 0  # documents whose predicted list matched the truth list exactly
    columns: dict[str, ColumnCount] = field(
        default_factory=lambda: {c: ColumnCount() for c in COLUMNS})

    @property
    def precision(self) -> float:
        return prf(self.tp, self.fp, self.fn)[0]

    @property
    def recall(self) -> float:
        return prf(self.tp, self.fp, self.fn)[1]

    @property
    def f1(self) -> float:
        return prf(self.tp, self.fp, self.fn)[2]

    def add(self, other: ItemScore) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.docs += other.docs
        self.exact_docs += other.exact_docs
        for c in COLUMNS:
            self.columns[c].right += other.columns[c].right
            self.columns[c].compared += other.columns[c].compared

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(precision=self.precision, recall=self.recall, f1=self.f1,
                   column_accuracy={c: n.accuracy for c, n in self.columns.items()})
        return out


def _pick(raw: Mapping[str, Any], column: str) -> Any:
    for key in TRUTH_KEYS[column]:
        if raw.get(key) not in (None, ""):
            return raw[key]
    return None


def as_item(raw: Mapping[str, Any]) -> Item:
    """A truth or predicted item as compared; an amount the truth leaves out is derived
    from quantity x unit price when both are given."""
    desc = " ".join(str(_pick(raw, "description") or "").split())
    qty, unit, amount = (to_decimal(_pick(raw, c)) for c in NUMBER_COLUMNS)
    if amount is None and qty is not None and unit is not None:
        amount = (qty * unit).quantize(Decimal("0.01"))
    return Item(desc, qty, unit, amount)


def truth_items(truth: Mapping[str, Any]) -> list[Item] | None:
    """The truth file's line items (CONTRACT form preferred), or None when it has none."""
    raw = (truth.get("normalized") or {}).get("line_items")
    if not raw:
        raw = (truth.get("fields") or {}).get("line_items")
    if not raw:
        return None
    if not isinstance(raw, list) or not all(isinstance(r, Mapping) for r in raw):
        raise LineItemTruthError(f"line_items must be a list of objects, got {type(raw).__name__}")
    return [as_item(r) for r in raw]


def predicted_items(result: Mapping[str, Any]) -> list[Item]:
    """The pipeline result's line items (empty when it reported none)."""
    f = (result.get("fields") or {}).get("line_items")
    if isinstance(f, Mapping):
        f = f.get("normalized") or f.get("value")
    if not isinstance(f, list):
        return []
    return [as_item(r) for r in f if isinstance(r, Mapping)]


def _num_equal(a: Decimal | None, b: Decimal | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= AMOUNT_TOLERANCE


def similarity(a: str, b: str) -> float:
    return float(fuzz.token_set_ratio(a.lower(), b.lower()))


def pair_score(t: Item, p: Item) -> float | None:
    """How well prediction `p` fits truth `t` (higher is better), None when they may not be
    paired."""
    if t.amount is not None and not _num_equal(t.amount, p.amount):
        return None
    sim = similarity(t.description, p.description) if t.description else 100.0
    if sim < DESCRIPTION_MIN_RATIO:
        return None
    return sim


def match(truth: Sequence[Item], pred: Sequence[Item]) -> list[tuple[int, int]]:
    """(truth index, predicted index) of the one-to-one pairs with the largest total fit."""
    if not truth or not pred:
        return []
    allowed = np.full((len(truth), len(pred)), -1.0)
    for i, t in enumerate(truth):
        for j, p in enumerate(pred):
            s = pair_score(t, p)
            if s is not None:
                allowed[i, j] = 1000.0 + s  # the number of pairs first, then their fit
    rows, cols = linear_sum_assignment(np.maximum(allowed, 0.0), maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if allowed[i, j] >= 0]


def score_items(truth: Sequence[Item], pred: Sequence[Item]) -> ItemScore:
    """Item counts and column accuracy for one document."""
    pairs = match(truth, pred)
    s = ItemScore(tp=len(pairs), fp=len(pred) - len(pairs), fn=len(truth) - len(pairs), docs=1)
    s.exact_docs = int(s.fp == 0 and s.fn == 0)
    for i, j in pairs:
        t, p = truth[i], pred[j]
        if t.description:
            s.columns["description"].compared += 1
            s.columns["description"].right += similarity(t.description, p.description) >= \
                DESCRIPTION_EXACT_RATIO
        for c in NUMBER_COLUMNS:
            tv = getattr(t, c)
            if tv is not None:
                s.columns[c].compared += 1
                s.columns[c].right += _num_equal(tv, getattr(p, c))
    return s


def score_raw(truth: Iterable[Mapping[str, Any]], pred: Iterable[Mapping[str, Any]]
              ) -> ItemScore:
    """`score_items` on item dicts as stored (truth or CONTRACT form)."""
    return score_items([as_item(t) for t in truth], [as_item(p) for p in pred])


def score_results(pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]]
                  ) -> ItemScore | None:
    """Sum over (truth file, pipeline result) pairs whose truth has line items; None when
    no truth has any."""
    total: ItemScore | None = None
    for truth, result in pairs:
        items = truth_items(truth)
        if items is None:
            continue
        total = total or ItemScore()
        total.add(score_items(items, predicted_items(result)))
    return total
