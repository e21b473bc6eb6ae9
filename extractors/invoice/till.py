"""What a till receipt's own sums say about its total: one cross-field check.

A till prints its total more than once. The payment rows do (cash or card tendered, less
the change given back) and so does a VAT breakdown's gross column (`vat_table`, whose rows
are checked net + tax = gross). The learned ranker picks the total from features of each
amount; it does not add them up, and on a till whose wording it was not trained on (a
German "Gegeben Bar ... Rückgeld") it takes the cash handed over for the total, or an
OCR misreading of the total's digits. This check runs after the pick:

* the pick equals what the sums say, or differs by a cash rounding: it stands;
* an amount printed above the payment rows equals what the sums say: it is the total;
* two sums (payment rows and VAT table) agree with each other and not with the pick, and
  the page prints no such amount, or the pick is one rate's row of a VAT table with
  several: the pick is contradicted (at most 0.5; review decides).

A VAT table alone may name a printed total but never contradicts: a row that OCR lost
leaves its gross sum short. The payment words are data, per locale
(`labels/fields.json`, key "till"), matched on the row's normalised words (`norm_label`),
every locale on every page, as the label vocabularies are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache

from extractors.invoice.candidates import Candidate, norm_label, till_words
from extractors.invoice.receipt_ranker import till_text
from extractors.invoice.vat_table import VatTable
from ingest.types import BBox

# a change row sits this many rows under its tendered row at most
CHANGE_ROWS_BELOW = 3
# tills that round cash print the exact and the rounded total this far apart at most
CASH_ROUNDING = Decimal("0.04")
SAME = Decimal("0.005")


class Verdict(Enum):
    NO_EVIDENCE = "no_evidence"
    AGREES = "agrees"
    PRINTED = "printed"  # another printed amount is what the sums say
    CONTRADICTED = "contradicted"
    UNDECIDED = "undecided"  # the sums disagree with each other, or one alone disagrees


@dataclass(frozen=True, slots=True)
class Check:
    verdict: Verdict
    amount: Decimal | None = None  # what the sums say
    printed: Candidate | None = None  # the printed amount that says it (Verdict.PRINTED)


@dataclass(frozen=True, slots=True)
class Words:
    tendered: tuple[str, ...]
    change: tuple[str, ...]


@lru_cache(maxsize=1)
def words() -> Words:
    """Every locale's payment-row words (normalised like `norm_label`)."""
    return Words(till_words("tendered"), till_words("change"))


def _label_words(c: Candidate) -> str:
    """The words of an amount's row as `norm_label` writes them, misread till words read
    as the word (`till_text`), padded with a space on each side for phrase matching."""
    return f" {norm_label(till_text(norm_label(_row(c))))} "


def _says(padded: str, phrases: Sequence[str]) -> bool:
    return any(f" {p} " in padded for p in phrases)


def _amount(c: Candidate) -> Decimal | None:
    try:
        return Decimal(str(c.normalized))
    except InvalidOperation:
        return None


def _row(c: Candidate) -> str:
    return str(c.feats.get("_row", ""))


# a suggested tip printed under a check's total: "18% = $53.95", "20%: 59.94"
_TIP_SUGGESTION = re.compile(r"^\W*\d{1,2}(?:[.,]\d+)?\s*%\s*[=:]")


def is_tip_suggestion(row_text: str) -> bool:
    """Whether a row is one of a check's suggested tips (a percentage, then "=" or ":" and
    an amount): never the total, whatever the ranker thinks of the amount."""
    return bool(_TIP_SUGGESTION.match(row_text))


def payment_sums(money: Sequence[Candidate]) -> list[tuple[Decimal, Candidate]]:
    """(tendered - change, the tendered amount) for each tendered row with a change row
    just under it on the same page."""
    w = words()
    rows = [(c, _label_words(c)) for c in money]
    change = [c for c, row in rows if _says(row, w.change)]
    tendered = [c for c, row in rows if c not in change and _says(row, w.tendered)]
    out = []
    for a in tendered:
        va = _amount(a)
        for ch in change:
            vc = _amount(ch)
            if va is None or vc is None or ch.page != a.page or \
                    not a.row < ch.row <= a.row + CHANGE_ROWS_BELOW:
                continue
            if vc >= 0 and va - vc > 0:
                out.append((va - vc, a))
    return out


def check_total(pick: Decimal, money: Sequence[Candidate], vat: VatTable | None,
                pick_at: tuple[int, BBox] | None = None) -> Check:
    """What the page's own sums say about a total `pick` printed at `pick_at` (page, box;
    see the module's docstring). A pick on a suggested tip's row ("22% = $65.94") is
    contradicted unless the sums name another printed amount."""
    got = _sums_say(pick, money, vat, pick_at)
    if got.verdict is not Verdict.PRINTED and pick_at is not None and any(
            (c.page, c.bbox) == pick_at and is_tip_suggestion(_row(c)) for c in money):
        return Check(Verdict.CONTRADICTED, got.amount)
    return got


def _sums_say(pick: Decimal, money: Sequence[Candidate], vat: VatTable | None,
              pick_at: tuple[int, BBox] | None) -> Check:
    in_table = vat is not None and pick_at is not None and vat.is_cell(*pick_at)
    paid = payment_sums(money)
    paid_values = {v for v, _ in paid}
    sums: list[Decimal] = []
    if len(paid_values) == 1:
        sums.append(next(iter(paid_values)))
    if vat is not None and vat.rows:
        sums.append(vat.gross)
    if not sums and not paid_values:
        return Check(Verdict.NO_EVIDENCE)
    if any(abs(pick - s) <= CASH_ROUNDING for s in [*sums, *paid_values]):
        return Check(Verdict.AGREES, pick)
    if not sums or any(abs(s - sums[0]) > SAME for s in sums):
        return Check(Verdict.UNDECIDED)
    target = sums[0]
    first_payment = min(((a.page, a.row) for _, a in paid), default=None)
    printed = [c for c in sorted(money, key=lambda c: (c.page, c.row))
               if (v := _amount(c)) is not None and abs(v - target) <= SAME
               and not (vat is not None and vat.is_cell(c.page, c.bbox))
               and (first_payment is None or (c.page, c.row) < first_payment)]
    if printed:  # the nearest above the payment rows
        return Check(Verdict.PRINTED, target, printed[-1])
    if len(sums) >= 2 or (in_table and vat is not None and len(vat.rows) >= 2):
        # (one rate's row of a breakdown with several is never the receipt's total)
        return Check(Verdict.CONTRADICTED, target)
    if paid_values == {target} and _part_of(pick, target, money, pick_at):
        return Check(Verdict.CONTRADICTED, target)
    return Check(Verdict.UNDECIDED, target)


def _part_of(pick: Decimal, target: Decimal, money: Sequence[Candidate],
             pick_at: tuple[int, BBox] | None) -> bool:
    """Whether the pick and another printed amount add up to what the payment rows say
    ("Food 36.70" + "Tax 3.23" = cash 50.00 - change 10.07, the total's own digits
    misread): the pick is a part of the total, not the total."""
    others = {v for c in money if (v := _amount(c)) is not None and v > 0
              and (pick_at is None or (c.page, c.bbox) != pick_at)}
    return any(abs(pick + v - target) <= SAME for v in others)
