"""Three-way match (purchase order, goods receipt, invoice) and contract payment terms.

An invoice is matched to a purchase order by its PO number, else by vendor and amount
(an order of the same vendor whose value is the invoiced amount within the price
tolerance). The invoiced amount is the subtotal when one was read (orders are priced
net), else the total; the invoiced quantity is the sum of the line items' quantities.

- `ap.missing_po`: above `po_required_above`, no order matches;
- `ap.po_over_invoiced`: more money, or a larger quantity, than the order allows;
- `ap.goods_not_received`: more than the goods receipts cover (quantity, or value at the
  order's prices when the invoice shows no quantities);
- `ap.terms_over_contract`: the invoice gives itself longer payment terms than
  the contract with this vendor (a `payment_terms` field on the contract, in days).
"""

from __future__ import annotations

import re
from decimal import Decimal

from policies.context import PurchaseOrder
from policies.keys import name_similarity, normalize_vendor_name, vendor_keys
from policies.rules.base import Rule, RuleInput, fmt_money, parse_days, parse_money
from policies.types import Violation

INVOICE = ("invoice",)
_NET = re.compile(r"(?i)\b(?:net|within|in)\s*(\d{1,3})\b|\b(\d{1,3})\s*days?\b")
_ON_RECEIPT = re.compile(r"(?i)\b(?:due\s+(?:up)?on\s+receipt|immediate(?:ly)?|cash)\b")


def _invoiced_amount(inp: RuleInput) -> tuple[str, Decimal] | None:
    for name in ("subtotal", "total_amount"):
        value = inp.money(name)
        if value is not None:
            return name, value
    return None


def _invoiced_quantity(inp: RuleInput) -> Decimal | None:
    items = inp.get("line_items")
    if not isinstance(items, list) or not items:
        return None
    total = Decimal(0)
    for item in items:
        qty = parse_money(item.get("quantity")) if isinstance(item, dict) else None
        if qty is None:
            return None  # one line without a quantity makes the sum meaningless
        total += qty
    return total


def _pct(value: str) -> Decimal:
    return Decimal(str(value)) / Decimal(100)


def _match_order(inp: RuleInput) -> tuple[PurchaseOrder, str] | None:
    po_number = inp.get("po_number")
    if po_number:
        orders = inp.ctx.purchase_orders(str(po_number), None)
        if orders:
            return orders[0], "po_number"
    amount = _invoiced_amount(inp)
    if amount is None:
        return None
    tol = _pct(inp.config.po_price_tolerance_percent)
    # orders carry the vendor's name: ask under the name's key too when a tax id was read
    for key in vendor_keys(inp.fields):
        for order in inp.ctx.purchase_orders(None, key):
            value = order.total()
            if value and abs(amount[1] - value) <= value * tol:
                return order, "vendor_amount"
    return None


def _order_evidence(order: PurchaseOrder, how: str) -> dict:
    return {"po_number": order.po_number, "matched_by": how, "po_vendor": order.vendor_name,
            "po_total": fmt_money(order.total()), "po_quantity": str(order.quantity()),
            "received_quantity": str(order.received()),
            "lines": [{"line": x.line, "description": x.description, "quantity": x.quantity,
                       "unit_price": x.unit_price, "received": x.received}
                      for x in order.lines]}


def missing_po(inp: RuleInput) -> list[Violation]:
    total = inp.money("total_amount")
    above = Decimal(str(inp.config.po_required_above))
    if total is None or total <= above or _match_order(inp) is not None:
        return []
    po_number = inp.get("po_number")
    said = f"PO {po_number} is not on file" if po_number else "no purchase order matches"
    return [MISSING_PO.violation(
        f"Total {fmt_money(total)} is above {fmt_money(above)} and {said}",
        total_amount=fmt_money(total), po_number=po_number, po_required_above=fmt_money(above))]


def over_invoiced(inp: RuleInput) -> list[Violation]:
    found = _match_order(inp)
    if found is None:
        return []
    order, how = found
    problems = []
    amount = _invoiced_amount(inp)
    price_tol = _pct(inp.config.po_price_tolerance_percent)
    if amount is not None and amount[1] > order.total() * (1 + price_tol):
        problems.append(f"{amount[0].replace('_', ' ')} {fmt_money(amount[1])} is above the "
                        f"order's {fmt_money(order.total())}")
    qty = _invoiced_quantity(inp)
    qty_tol = _pct(inp.config.po_quantity_tolerance_percent)
    if qty is not None and qty > order.quantity() * (1 + qty_tol):
        problems.append(f"quantity {qty} is above the ordered {order.quantity()}")
    if not problems:
        return []
    return [PO_OVER_INVOICED.violation(
        f"Over-invoiced against PO {order.po_number}: {'; '.join(problems)}",
        problems=problems, invoiced_amount=fmt_money(amount[1]) if amount else None,
        invoiced_quantity=str(qty) if qty is not None else None,
        **_order_evidence(order, how))]


def goods_not_received(inp: RuleInput) -> list[Violation]:
    found = _match_order(inp)
    if found is None:
        return []
    order, how = found
    received = order.received()
    qty = _invoiced_quantity(inp)
    qty_tol = _pct(inp.config.po_quantity_tolerance_percent)
    if qty is not None:
        if qty <= received * (1 + qty_tol):
            return []
        problem = f"invoiced quantity {qty}, received {received}"
    else:
        amount = _invoiced_amount(inp)
        received_value = sum(((parse_money(x.received) or Decimal(0))
                              * (parse_money(x.unit_price) or Decimal(0))
                              for x in order.lines), Decimal(0))
        price_tol = _pct(inp.config.po_price_tolerance_percent)
        if amount is None or amount[1] <= received_value * (1 + price_tol):
            return []
        problem = (f"invoiced {fmt_money(amount[1])}, goods received worth "
                   f"{fmt_money(received_value)}")
    return [GOODS_NOT_RECEIVED.violation(
        f"Goods not received for PO {order.po_number}: {problem}", problem=problem,
        **_order_evidence(order, how))]


def invoice_payment_days(inp: RuleInput) -> int | None:
    """Days the invoice gives for payment: its terms ("Net 45", "30 days", "due on
    receipt"), else due date minus invoice date."""
    terms = inp.get("payment_terms")
    if terms:
        text = str(terms)
        if _ON_RECEIPT.search(text):
            return 0
        m = _NET.search(text)
        if m:
            return int(m.group(1) or m.group(2))
    issued, due = inp.date("invoice_date"), inp.date("due_date")
    if issued and due and due >= issued:
        return (due - issued).days
    return None


def payment_terms_above_contract(inp: RuleInput) -> list[Violation]:
    days = invoice_payment_days(inp)
    name = inp.get("vendor_name")
    if days is None or not name:
        return []
    own = normalize_vendor_name(str(name))
    for terms in inp.ctx.contract_terms():
        party = next((p for p in terms.parties
                      if name_similarity(own, normalize_vendor_name(p))
                      >= inp.config.vendor_name_similarity), None)
        if party is None or days <= terms.payment_days:
            continue
        return [PAYMENT_TERMS.violation(
            f"The invoice asks for payment in {days} days; the contract with {party} "
            f"({terms.document_id}) allows {terms.payment_days}",
            invoice_days=days, contract_days=terms.payment_days,
            contract_document_id=terms.document_id, party=party)]
    return []


def contract_payment_days(value: object) -> int | None:
    """A contract's `payment_terms` field in days ("Net 30", "45 days", "30_days")."""
    if value is None:
        return None
    text = str(value)
    days = parse_days(text)
    if days is not None:
        return days
    if _ON_RECEIPT.search(text):
        return 0
    m = _NET.search(text)
    return int(m.group(1) or m.group(2)) if m else None


MISSING_PO = Rule(
    "ap.missing_po", INVOICE, "medium",
    "An invoice above po_required_above that no purchase order matches (by PO number, or "
    "vendor and amount).", missing_po,
)
PO_OVER_INVOICED = Rule(
    "ap.po_over_invoiced", INVOICE, "high",
    "The invoiced amount or quantity is above the purchase order's, beyond the price / "
    "quantity tolerance.", over_invoiced,
)
GOODS_NOT_RECEIVED = Rule(
    "ap.goods_not_received", INVOICE, "high",
    "The invoice bills more than the goods receipts of its purchase order cover.",
    goods_not_received,
)
PAYMENT_TERMS = Rule(
    "ap.terms_over_contract", INVOICE, "medium",
    "The invoice's payment terms are longer than those of the contract with the vendor.",
    payment_terms_above_contract,
)

RULES = [MISSING_PO, PO_OVER_INVOICED, GOODS_NOT_RECEIVED, PAYMENT_TERMS]
