"""Purchase orders and goods receipts for the three-way match: parsed from CSV or the
API, stored line by line (a re-import of a PO line replaces it), audited, and every
undecided invoice they concern judged again so its findings follow at once.

CSV columns (header row, any order, extra columns ignored):
- orders: `po_number, vendor, quantity, unit_price` (required), `line, description,
  currency`;
- receipts: `po_number, quantity` (required), `line, received_on, receipt_number`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from policies.config import PolicyConfig
from policies.keys import normalize_invoice_number, normalize_vendor_name
from records.audit import audit
from records.models import Document, GoodsReceipt, LedgerEntry, PurchaseOrderLine
from records.rows import field_rows, fields_from_rows
from records.vendors import NAME_MATCH_MIN, name_similarity
from workflow import books, controls
from workflow.errors import Invalid
from workflow.judge import evaluate, file_findings, result_json, set_status
from workflow.states import DocumentStatus

ORDER_COLUMNS = ("po_number", "vendor", "quantity", "unit_price")
RECEIPT_COLUMNS = ("po_number", "quantity")
MAX_ROWS = 10_000
# Documents still open to new evidence; decided ones keep the findings they were decided on.
UNDECIDED = (DocumentStatus.NEEDS_REVIEW, DocumentStatus.AUTO_APPROVED)


class OrderDataInvalid(Invalid):
    """A purchase-order or goods-receipt row cannot be read (row number and reason)."""


@dataclass(frozen=True, slots=True)
class OrderLineIn:
    po_number: str
    vendor: str
    quantity: Decimal
    unit_price: Decimal
    line: int = 1
    description: str = ""
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class ReceiptIn:
    po_number: str
    quantity: Decimal
    line: int | None = None
    received_on: str | None = None
    receipt_number: str | None = None


@dataclass(frozen=True, slots=True)
class ImportResult:
    rows: int
    purchase_orders: list[str]
    rejudged: list[str]  # documents whose findings were re-checked

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "purchase_orders": self.purchase_orders,
                "rejudged": self.rejudged}


def _text(row: Mapping[str, Any], name: str, where: str, required: bool = True) -> str | None:
    value = row.get(name)
    text = str(value).strip() if value is not None else ""
    if not text:
        if required:
            raise OrderDataInvalid(f"{where}: {name} is missing")
        return None
    return text


def _number(row: Mapping[str, Any], name: str, where: str) -> Decimal:
    text = _text(row, name, where) or ""
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise OrderDataInvalid(f"{where}: {name} {text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise OrderDataInvalid(f"{where}: {name} must be zero or more")
    return value


def _line(row: Mapping[str, Any], where: str) -> int | None:
    text = _text(row, "line", where, required=False)
    if text is None:
        return None
    if not text.isdigit() or int(text) < 1:
        raise OrderDataInvalid(f"{where}: line {text!r} is not a line number (1, 2, ...)")
    return int(text)


def order_line(row: Mapping[str, Any], where: str = "row") -> OrderLineIn:
    currency = _text(row, "currency", where, required=False)
    if currency is not None and (len(currency) != 3 or not currency.isalpha()):
        raise OrderDataInvalid(f"{where}: currency {currency!r} is not a 3-letter code")
    return OrderLineIn(
        po_number=_text(row, "po_number", where) or "",
        vendor=_text(row, "vendor", where) or "",
        quantity=_number(row, "quantity", where),
        unit_price=_number(row, "unit_price", where),
        line=_line(row, where) or 1,
        description=_text(row, "description", where, required=False) or "",
        currency=currency.upper() if currency else None,
    )


def receipt(row: Mapping[str, Any], where: str = "row") -> ReceiptIn:
    received_on = _text(row, "received_on", where, required=False)
    if received_on is not None:
        try:
            received_on = date.fromisoformat(received_on).isoformat()
        except ValueError:
            raise OrderDataInvalid(f"{where}: received_on {received_on!r} is not "
                                   "YYYY-MM-DD") from None
    return ReceiptIn(
        po_number=_text(row, "po_number", where) or "",
        quantity=_number(row, "quantity", where),
        line=_line(row, where),
        received_on=received_on,
        receipt_number=_text(row, "receipt_number", where, required=False),
    )


def _csv_rows(text: str, required: tuple[str, ...]) -> list[tuple[str, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise OrderDataInvalid(f"the CSV lacks column(s): {', '.join(missing)} "
                               f"(needs {', '.join(required)})")
    out = []
    for k, raw in enumerate(reader, start=2):
        if k - 1 > MAX_ROWS:
            raise OrderDataInvalid(f"more than {MAX_ROWS} rows; split the file")
        row = {str(key).strip().lower(): v for key, v in raw.items() if key is not None}
        if any((v or "").strip() for v in row.values() if isinstance(v, str)):
            out.append((f"row {k}", row))
    if not out:
        raise OrderDataInvalid("the CSV has no rows")
    return out


def parse_orders_csv(text: str) -> list[OrderLineIn]:
    return [order_line(row, where) for where, row in _csv_rows(text, ORDER_COLUMNS)]


def parse_receipts_csv(text: str) -> list[ReceiptIn]:
    return [receipt(row, where) for where, row in _csv_rows(text, RECEIPT_COLUMNS)]


def _key(po_number: str) -> str:
    key = normalize_invoice_number(po_number)
    if not key:
        raise OrderDataInvalid(f"PO number {po_number!r} has no letters or digits")
    return key


def import_orders(session: Session, lines: Iterable[OrderLineIn], actor: str,
                  config: PolicyConfig) -> ImportResult:
    lines = list(lines)
    keys: dict[str, str] = {}
    for x in lines:
        key = _key(x.po_number)
        keys[key] = x.po_number
        row = session.scalar(select(PurchaseOrderLine).where(
            PurchaseOrderLine.po_key == key, PurchaseOrderLine.line == x.line))
        before = _order_json(row) if row is not None else None
        if row is None:
            row = PurchaseOrderLine(po_key=key, line=x.line, created_by=actor)
            session.add(row)
        row.po_number, row.vendor_name = x.po_number, x.vendor
        row.vendor_key = normalize_vendor_name(x.vendor) or None
        row.description, row.currency = x.description, x.currency
        row.quantity, row.unit_price = str(x.quantity), str(x.unit_price)
        session.flush()
        audit(session, actor, "purchase_order.import", "purchase_order", key, before,
              _order_json(row))
    rejudged = rejudge_for_orders(session, list(keys), actor, config)
    return ImportResult(len(lines), sorted(keys.values()), rejudged)


def import_receipts(session: Session, receipts: Iterable[ReceiptIn], actor: str,
                    config: PolicyConfig) -> ImportResult:
    receipts = list(receipts)
    keys: dict[str, str] = {}
    for r in receipts:
        key = _key(r.po_number)
        keys[key] = r.po_number
        row = GoodsReceipt(po_number=r.po_number, po_key=key, line=r.line,
                           quantity=str(r.quantity), received_on=r.received_on,
                           receipt_number=r.receipt_number, created_by=actor)
        session.add(row)
        session.flush()
        audit(session, actor, "goods_receipt.import", "purchase_order", key, None,
              {"line": r.line, "quantity": str(r.quantity), "received_on": r.received_on,
               "receipt_number": r.receipt_number})
    rejudged = rejudge_for_orders(session, list(keys), actor, config)
    return ImportResult(len(receipts), sorted(keys.values()), rejudged)


def _order_json(row: PurchaseOrderLine) -> dict[str, Any]:
    return {"po_number": row.po_number, "line": row.line, "vendor": row.vendor_name,
            "description": row.description, "quantity": row.quantity,
            "unit_price": row.unit_price, "currency": row.currency}


def rejudge_for_orders(session: Session, po_keys: list[str], actor: str,
                       config: PolicyConfig) -> list[str]:
    """Judge again the undecided invoices that quote one of these orders or come from
    one of their vendors (the vendor-and-amount match; vendors compared by name)."""
    vendors = {vk for (vk,) in session.execute(
        select(PurchaseOrderLine.vendor_key).where(PurchaseOrderLine.po_key.in_(po_keys)))
        if vk}
    entries = session.scalars(
        select(LedgerEntry).join(Document, Document.id == LedgerEntry.document_id).where(
            Document.deleted_at.is_(None),
            Document.status.in_([s.value for s in UNDECIDED])).order_by(LedgerEntry.id))
    done = []
    for e in list(entries):
        quoted = bool(e.po_number) and normalize_invoice_number(e.po_number) in po_keys
        name = normalize_vendor_name(e.vendor_name) if e.vendor_name else ""
        same_vendor = e.vendor_key in vendors or any(
            name and name_similarity(name, v) >= NAME_MATCH_MIN for v in vendors)
        if not (quoted or same_vendor):
            continue
        rejudge(session, e.document_id, actor, config,
                "re-checked after a purchase order or goods receipt import")
        done.append(e.document_id)
    return done


def rejudge(session: Session, document_id: str, actor: str, config: PolicyConfig,
            note: str) -> None:
    """Re-run the rules on an undecided document after new outside evidence (its data
    did not change): findings and queues follow, an auto-approved document that now
    needs a person goes to review."""
    doc = session.get(Document, document_id)
    if doc is None or doc.status not in UNDECIDED:
        return
    violations, review = evaluate(session, doc, config)
    reasons = file_findings(session, doc, violations, review, actor)
    blocking = [f"violation:{v.rule}" for v in controls.blocking_open(session, doc.id)]
    if blocking and not reasons:
        reasons = doc.review_reasons = blocking
        doc.review_needed = True
    if reasons:
        set_status(session, doc, DocumentStatus.NEEDS_REVIEW, actor, note)
    books.file_entry(session, doc, fields_from_rows(field_rows(session, document_id)), actor)
    doc.result = result_json(session, doc)
