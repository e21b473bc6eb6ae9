"""What the document page's line-item grid shows: each stored line as its cells, the line's
quantity x unit price against its amount, and the sum of the amounts against the invoice's
subtotal, total or total less tax (`ap.line_items_sum`'s list: net or gross prices) with the
tolerance that rule uses, so the grid marks the same mismatch the finding reports. Display only: saving goes through
`workflow.corrections.correct_line_items`, which reads every cell again."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from policies.config import PolicyConfig
from policies.rules.ap import line_sum_targets, line_sum_tolerance
from policies.rules.base import fmt_money, parse_money
from records.models import FieldRow
from workflow.line_items import LineItemInput

ROW_TOLERANCE = Decimal("0.02")  # quantity x unit price vs amount (the extractor's check)
SPARE_ROWS = 1  # a blank row to type a missing line into, with or without the script


@dataclass(frozen=True, slots=True)
class GridRow:
    cells: LineItemInput
    computed: str | None  # quantity x unit price, when both are given
    mismatch: bool  # computed differs from the amount


@dataclass(frozen=True, slots=True)
class Grid:
    rows: list[GridRow]
    spare: int
    total: str | None  # sum of the amounts; None when one is unreadable or there are none
    target_name: str | None  # what the lines add up to, else what the rule reports against
    target: str | None
    others: list[str]  # the other amounts consistent lines may add up to (the rule's list)
    difference: str | None
    tolerance: str  # for the sum, per line
    min_tolerance: str  # receipts' rounding floor
    mismatch: bool
    needs_attention: bool

    @property
    def target_label(self) -> str:
        return {"subtotal": "Subtotal", "total_amount": "Total",
                "total_less_tax": "Total less tax"}.get(self.target_name or "", "Subtotal")


def _row(item: Any) -> GridRow:
    cells = LineItemInput.from_mapping(item) if isinstance(item, dict) \
        else LineItemInput(description=str(item))
    qty, unit, amount = (parse_money(c) if c.strip() else None
                         for c in (cells.quantity, cells.unit_price, cells.amount))
    computed = qty * unit if qty is not None and unit is not None else None
    mismatch = computed is not None and amount is not None \
        and abs(computed - amount) > ROW_TOLERANCE
    return GridRow(cells, fmt_money(computed) if computed is not None else None, mismatch)


def grid_of(rows: list[FieldRow], doc_type: str | None, config: PolicyConfig,
            attention: bool) -> Grid:
    by_name = {r.name: r for r in rows}
    li = by_name.get("line_items")
    items = li.normalized if li is not None and isinstance(li.normalized, list) else []
    lines = [_row(i) for i in items]
    amounts = [parse_money(i.get("amount")) if isinstance(i, dict) else None for i in items]
    total = sum(amounts, Decimal(0)) if amounts and None not in amounts else None  # type: ignore[arg-type]

    def money(name: str) -> Decimal | None:
        r = by_name.get(name)
        return parse_money(r.normalized) if r is not None and r.normalized is not None else None

    targets = line_sum_targets(money("subtotal"), money("tax_amount"), money("total_amount"))
    per_line = Decimal(config.amount_tolerance)
    floor = Decimal(config.receipt_rounding_tolerance) if doc_type == "receipt" else Decimal(0)
    tol = line_sum_tolerance(config, doc_type, len(lines))
    # shown against the amount the lines add up to, else the one the finding names
    closing = [t for t in targets if total is not None and abs(t[1] - total) <= tol]
    target_name, target = (closing or targets or [(None, None)])[0]
    diff = target - total if target is not None and total is not None else None
    return Grid(
        rows=lines, spare=SPARE_ROWS,
        total=fmt_money(total) if total is not None else None,
        target_name=target_name, target=fmt_money(target) if target is not None else None,
        others=list(dict.fromkeys(fmt_money(v) for n, v in targets
                                  if n != target_name and v != target)),
        difference=fmt_money(diff) if diff is not None else None,
        tolerance=str(per_line), min_tolerance=fmt_money(floor),
        mismatch=diff is not None and abs(diff) > tol, needs_attention=attention)
