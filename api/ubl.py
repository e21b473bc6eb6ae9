"""Approved invoices as UBL 2.1 (EN 16931) for an accounting system's import: a translation
of what is stored (the ledger entry and the document's reviewed fields) through the
`factur-x` writer, which checks the result against the UBL 2.1 schema.

What the invoice does not say is not invented, except where the format requires a value:
a missing country comes from the VAT id's or the IBAN's prefix, else `ZZ`; missing line
items become one line for the subtotal; a missing tax amount is 0 with category `O`
(outside the scope of VAT), never a guessed rate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from policies.rules.base import parse_date
from records.models import Document, LedgerEntry
from records.rows import field_rows, fields_from_rows
from workflow.states import LedgerStatus

EXPORTABLE = frozenset({LedgerStatus.APPROVED, LedgerStatus.PAID})
UNKNOWN_COUNTRY = "ZZ"
INVOICE_TYPE = "380"
CENT = Decimal("0.01")


class UblExportError(ValueError):
    """The entry cannot be written as a UBL invoice; the message says what is missing."""


@dataclass(frozen=True, slots=True)
class UblInvoice:
    filename: str
    xml: bytes


def _decimal(raw: Any) -> Decimal | None:
    try:
        return Decimal(str(raw)).quantize(CENT) if raw not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None


def _country(*codes: Any) -> str:
    for code in codes:
        m = re.match(r"\s*([A-Za-z]{2})", str(code or ""))
        if m:
            return m.group(1).upper()
    return UNKNOWN_COUNTRY


def _value(fields: dict[str, Any], name: str) -> Any:
    f = fields.get(name)
    return None if f is None else (f.normalized if f.normalized not in (None, "") else f.value)


def _lines(items: Any, subtotal: Decimal, category: str, rate: Decimal) -> list[dict[str, Any]]:
    out = []
    for i, item in enumerate(items if isinstance(items, list) else [], start=1):
        if not isinstance(item, dict):
            continue
        amount = _decimal(item.get("amount"))
        if amount is None:
            continue
        qty = _decimal(item.get("quantity")) or Decimal("1")
        price = _decimal(item.get("unit_price")) or (amount / qty).quantize(CENT)
        out.append({"BT-126": str(i), "BT-153": str(item.get("description") or "Item")[:200],
                    "BT-129": float(qty), "BT-130": "C62", "BT-146": float(price),
                    "BT-131": float(amount), "BT-151": category, "BT-152": float(rate)})
    if not out or sum(Decimal(str(ln["BT-131"])) for ln in out).quantize(CENT) != subtotal:
        out = [{"BT-126": "1", "BT-153": "Invoice total before tax", "BT-129": 1.0,
                "BT-130": "C62", "BT-146": float(subtotal), "BT-131": float(subtotal),
                "BT-151": category, "BT-152": float(rate)}]
    return out


def entry_ubl(session: Session, entry: LedgerEntry) -> UblInvoice:
    """One approved (or paid) ledger entry as UBL 2.1."""
    from facturx.generate_xml import generate_xml

    if entry.status not in EXPORTABLE:
        raise UblExportError(f"ledger entry {entry.id} is {entry.status}; only approved or "
                             "paid invoices are exported")
    doc = session.get(Document, entry.document_id)
    fields = fields_from_rows(field_rows(session, entry.document_id)) if doc else {}
    number, issued = entry.invoice_number, parse_date(entry.invoice_date)
    total = _decimal(entry.total_amount)
    missing = [n for n, v in (("invoice_number", number), ("invoice_date", issued),
                              ("total_amount", total), ("vendor_name", entry.vendor_name))
               if v in (None, "")]
    if missing:
        raise UblExportError(f"ledger entry {entry.id} lacks {', '.join(missing)}")
    assert total is not None and issued is not None
    tax = _decimal(entry.tax_amount) or Decimal("0.00")
    subtotal = _decimal(entry.subtotal) or (total - tax)
    category, rate = ("S", (tax / subtotal * 100).quantize(CENT)) if tax and subtotal \
        else ("O", Decimal("0"))
    vat_id = _value(fields, "vendor_tax_id")
    seller: dict[str, Any] = {"name": entry.vendor_name,
                              "country_code": _country(vat_id, entry.iban)}
    if vat_id and re.match(r"^[A-Z]{2}", str(vat_id)):
        seller["vat_identifier"] = str(vat_id)
    customer = _value(fields, "customer_name") or "Unknown buyer"
    data: dict[str, Any] = {
        "BT-1": number, "BT-2": issued, "BT-3": INVOICE_TYPE,
        "BT-5": (entry.currency or "EUR").upper(),
        "BG-4": seller,
        "BG-7": {"name": str(customer), "country_code": UNKNOWN_COUNTRY},
        "BG-25": _lines(_value(fields, "line_items"), subtotal, category, rate),
        "BG-23": [{"BT-116": float(subtotal), "BT-117": float(tax), "BT-118": category,
                   "BT-119": float(rate)}],
        "BT-106": float(subtotal), "BT-109": float(subtotal), "BT-110": float(tax),
        "BT-112": float(total), "BT-115": float(total),
    }
    if (due := parse_date(entry.due_date)) is not None:
        data["BT-9"] = due
    if entry.po_number:
        data["BT-13"] = entry.po_number
    if (terms := _value(fields, "payment_terms")):
        data["BT-20"] = str(terms)
    if entry.iban:
        data["BT-81"], data["BT-84"] = "58", entry.iban
    if category == "O":
        data["BG-23"][0]["BT-121"] = "VATEX-EU-O"
    try:
        xml = generate_xml(data, flavor="ubl-2.1", level="en16931", check_schematron=False)
    except Exception as exc:  # noqa: BLE001 - the writer raises plain Exception
        raise UblExportError(f"ledger entry {entry.id} could not be written as UBL: "
                             f"{str(exc)[:300]}") from exc
    safe = re.sub(r"[^\w.-]+", "_", str(number))[:80]
    return UblInvoice(f"invoice-{entry.id}-{safe}.xml", xml)
