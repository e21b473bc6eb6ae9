"""Line items as a reviewer edits them in the document page's grid (or sends them as a
JSON list): every cell read with the project's grammars before anything is stored, so the
rules (`ap.line_items_sum`, PO matching) and the UBL export compare normalized numbers.

Amounts, unit prices and line tax go through `extractors.normalize.normalize_money` (the
grammar the extractor reads the page with), a quantity through its `normalize_quantity`; a tax cell may
instead be a rate (`19 %`). A cell that cannot be read is refused with its line and column
named, and a line without an amount is refused: one unread amount makes the sum meaningless.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from extractors import normalize as n
from workflow.errors import Invalid

# The grid's columns, in order, and how each reads (the stored item keeps these keys).
COLUMNS = ("description", "quantity", "unit_price", "amount", "tax")
MONEY_COLUMNS = frozenset({"unit_price", "amount", "tax"})
COLUMN_LABELS = {"description": "description", "quantity": "quantity",
                 "unit_price": "unit price", "amount": "amount", "tax": "tax"}
MAX_LINES = 500  # a grid longer than any invoice: refuse rather than store a runaway list
MAX_DESCRIPTION = 500
_RATE = re.compile(r"^\s*(\d{1,2}(?:[.,]\d{1,3})?)\s*%\s*$")


@dataclass(frozen=True, slots=True)
class LineItemInput:
    """One grid row as typed; every cell is text."""

    description: str = ""
    quantity: str = ""
    unit_price: str = ""
    amount: str = ""
    tax: str = ""

    def is_blank(self) -> bool:
        return not any(str(getattr(self, c) or "").strip() for c in COLUMNS)

    @classmethod
    def from_mapping(cls, item: Mapping[str, Any]) -> LineItemInput:
        """A stored or JSON item (`tax_rate` shown back as a rate)."""
        known = {f.name for f in fields(cls)}
        cells = {k: "" if v is None else str(v) for k, v in item.items() if k in known}
        if not cells.get("tax") and item.get("tax_rate") not in (None, ""):
            cells["tax"] = f"{item['tax_rate']} %"
        return cls(**cells)


def _quantity(raw: str, where: str) -> str:
    got = n.normalize_quantity(raw)
    if got is None:
        raise Invalid(f"{where}: cannot read {raw!r} as a quantity")
    return got


def _money(raw: str, column: str, where: str) -> str:
    amount = n.normalize_money(raw)
    if amount is None:
        raise Invalid(f"{where}: cannot read {raw!r} as an amount ({COLUMN_LABELS[column]})")
    return amount


def normalize_line(row: LineItemInput, number: int) -> dict[str, str]:
    """The stored form of one line: description, amount, and whichever of quantity,
    unit_price, tax (an amount) or tax_rate (a percentage) were given."""
    where = f"line {number}"
    description = " ".join(row.description.split())
    if len(description) > MAX_DESCRIPTION:
        raise Invalid(f"{where}: the description is longer than {MAX_DESCRIPTION} characters")
    if not row.amount.strip():
        raise Invalid(f"{where}: the amount is missing")
    item: dict[str, str] = {"description": description,
                            "amount": _money(row.amount, "amount", where)}
    if row.quantity.strip():
        item["quantity"] = _quantity(row.quantity, where)
    if row.unit_price.strip():
        item["unit_price"] = _money(row.unit_price, "unit_price", where)
    if row.tax.strip():
        rate = _RATE.match(row.tax)
        if rate:
            item["tax_rate"] = n.plain_decimal(Decimal(rate.group(1).replace(",", ".")))
        else:
            item["tax"] = _money(row.tax, "tax", where)
    return item


def normalize_line_items(rows: Sequence[LineItemInput | Mapping[str, Any]]) -> list[dict[str, str]]:
    """Every non-blank row read and checked, in the given order; blank rows (the grid's
    spare one) are dropped."""
    got = [r if isinstance(r, LineItemInput) else _from_json(r, k)
           for k, r in enumerate(rows, start=1)]
    got = [r for r in got if not r.is_blank()]
    if len(got) > MAX_LINES:
        raise Invalid(f"more than {MAX_LINES} line items")
    return [normalize_line(r, k) for k, r in enumerate(got, start=1)]


def _from_json(item: Any, number: int) -> LineItemInput:
    if not isinstance(item, Mapping):
        raise Invalid(f"line {number}: a line item is an object with description, quantity, "
                      "unit_price, amount and tax")
    unknown = set(item) - {*COLUMNS, "tax_rate"}
    if unknown:
        raise Invalid(f"line {number}: unknown column(s) {', '.join(sorted(map(str, unknown)))}")
    return LineItemInput.from_mapping(item)
