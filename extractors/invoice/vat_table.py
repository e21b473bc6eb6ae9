"""VAT breakdown tables: rows that print a rate, a net amount, its tax and the gross.

Why: till receipts and many European invoices print the tax as a table, one row per rate
("A 19,00% 11,92 2,26 14,18"), and a scorer that ranks single amounts sees five or six
plausible taxes there (it picked the gross of a row on a third of generated German till
receipts). A row is read as a VAT row by arithmetic alone, whatever its language or
column order: three of its amounts satisfy net + tax = gross with tax = net x rate / 100
for the rate printed on the row. The document's tax is the sum of the rows' taxes, and
it is reported only where it is printed (a single row's tax cell, or a total line such
as "MwSt gesamt"): a sum printed nowhere is left to the reader, as annotators do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import permutations

from extractors.invoice.layout import PageLayout, centre_inside
from extractors.normalize import normalize_money
from ingest.types import BBox

# a rate as printed: "19%", "19,00 %", "7.0%" (the sign may be a word of its own), after
# the row's tax class where OCR read no space between them ("A7%", "1=19,00%")
RATE = re.compile(r"^(?:[A-Za-z]|\d=)?(\d{1,2}(?:[.,]\d{1,2})?)\s?%$")
# an amount cell: digits with exactly two decimals (no quantities, codes or years)
AMOUNT = re.compile(r"^-?\d{1,3}(?:[.,' \u00a0\u202f]?\d{3})*[.,]\d{2}-?$")
SUM_TOL = Decimal("0.011")  # net + tax = gross, each rounded to the cent
RATE_TOL = Decimal("0.015")  # tax against net x rate: the rounding of both
MAX_RATE = Decimal("30")  # no VAT/GST/sales tax rate is higher


@dataclass(frozen=True, slots=True)
class Cell:
    """One amount of a VAT row, where it is printed."""

    amount: Decimal
    page: int
    row: int
    bbox: BBox


@dataclass(frozen=True, slots=True)
class VatRow:
    rate: Decimal
    net: Cell
    tax: Cell
    gross: Cell


@dataclass(frozen=True, slots=True)
class VatTable:
    rows: tuple[VatRow, ...]

    @property
    def tax(self) -> Decimal:
        return sum((r.tax.amount for r in self.rows), Decimal("0"))

    @property
    def gross(self) -> Decimal:
        return sum((r.gross.amount for r in self.rows), Decimal("0"))

    @property
    def last_row(self) -> tuple[int, int]:
        return max((r.tax.page, r.tax.row) for r in self.rows)

    def is_cell(self, page: int | None, bbox: BBox | None) -> bool:
        """Whether a value at (page, bbox) is one of the table's amounts (its centre
        inside the cell's box)."""
        return any(c.page == page and centre_inside(bbox, c.bbox)
                   for r in self.rows for c in (r.net, r.tax, r.gross))


def _rate(texts: list[str]) -> Decimal | None:
    for i, t in enumerate(texts):
        cand = t if t.endswith("%") else (t + "%" if i + 1 < len(texts) and
                                          texts[i + 1] == "%" else "")
        m = RATE.match(cand)
        if m:
            try:
                rate = Decimal(m.group(1).replace(",", "."))
            except InvalidOperation:
                continue
            if rate <= MAX_RATE:
                return rate
    return None


def _row(lay: PageLayout, index: int, decimal_mark: str | None) -> VatRow | None:
    words = lay.rows[index].words
    texts = [w.text for w in words]
    rate = _rate(texts)
    if rate is None:
        return None
    cells = []
    for w in words:
        if w.text.endswith("%") or not AMOUNT.match(w.text):
            continue
        got = normalize_money(w.text, decimal_mark)
        if got is not None:
            cells.append(Cell(Decimal(got), lay.number, index, w.bbox))
    for net, tax, gross in permutations(cells, 3):
        if net.amount < 0 or tax.amount < 0 or gross.amount <= 0:
            continue
        if abs(net.amount + tax.amount - gross.amount) <= SUM_TOL and \
                abs(tax.amount - net.amount * rate / 100) <= RATE_TOL:
            return VatRow(rate, net, tax, gross)
    return None


def find(lays: list[PageLayout], decimal_mark: str | None) -> VatTable | None:
    """The document's VAT rows (None when it prints none)."""
    rows = tuple(r for lay in lays for i in range(len(lay.rows))
                 if (r := _row(lay, i, decimal_mark)) is not None)
    return VatTable(rows) if rows else None
