"""The AP ledger entry and the vendor master follow the document: one function files a
document's entry (under the vendor-master key its vendor resolves to, fuzzily, the same
key the duplicate checks look under), and every status move goes through `move`, along
`LEDGER_TRANSITIONS` only.

A vendor is created only by an approval (human or automatic), never by a bare upload:
the IBAN-change and new-vendor checks trust the vendor master, so only checked invoices
may add to it. A known vendor's bank details change only when a person settles the
`ap.bank_details_changed` finding and someone else approves the invoice.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from extractors.types import Fields
from policies import vendor_key, vendor_keys
from policies.keys import normalize_invoice_number
from records.audit import audit
from records.decisions import record_human
from records.ledger import entry_json
from records.models import Document, FieldRow, LedgerEntry, Vendor
from records.rows import document_from_rows
from records.vendors import resolve_vendor, resolve_vendor_keys
from workflow.controls import BANK_DETAILS_ACTION
from workflow.errors import Conflict
from workflow.states import (
    AP_TYPES,
    BOOKED,
    LEDGER_OF,
    LEDGER_TRANSITIONS,
    DocumentStatus,
    LedgerStatus,
)

log = logging.getLogger(__name__)
UNPAID = (LedgerStatus.PENDING_REVIEW, LedgerStatus.APPROVED, LedgerStatus.REJECTED)
LEDGER_FIELDS = ("invoice_number", "invoice_date", "due_date", "po_number", "currency",
                 "subtotal", "tax_amount", "total_amount", "iban")


def _value(fields: Fields, name: str) -> str | None:
    f = fields.get(name)
    if f is None:
        return None
    v = f.normalized if f.normalized not in (None, "") else f.value
    return None if v in (None, "") else str(v)


def entry_of(session: Session, document_id: str) -> LedgerEntry | None:
    return session.scalar(select(LedgerEntry).where(LedgerEntry.document_id == document_id))


def file_entry(session: Session, doc: Document, fields: Fields, actor: str) -> LedgerEntry | None:
    """Create or refresh the document's ledger entry from its current fields and move it to
    the status its document's status implies. Non-AP documents have none (an unbooked
    entry left by a type correction is removed)."""
    entry = entry_of(session, doc.id)
    if doc.doc_type not in AP_TYPES:
        if entry is not None and entry.status in UNPAID:  # no longer an invoice
            audit(session, actor, "ledger.remove", "ledger_entry", str(entry.id),
                  entry_json(entry), {"reason": f"document is now {doc.doc_type}"})
            session.delete(entry)
        return None
    if entry is None:
        entry = LedgerEntry(document_id=doc.id, status=LedgerStatus.PENDING_REVIEW)
        session.add(entry)
    raw_key = vendor_key(fields)
    vendor = resolve_vendor_keys(session, vendor_keys(fields))  # tax id, then the name
    entry.vendor_id = vendor.id if vendor is not None else None
    entry.vendor_key = vendor.key if vendor is not None else raw_key
    entry.vendor_name = _value(fields, "vendor_name")
    entry.doc_type = doc.doc_type
    for name in LEDGER_FIELDS:
        setattr(entry, name, _value(fields, name))
    entry.invoice_key = (normalize_invoice_number(entry.invoice_number) or None
                         if entry.invoice_number else None)
    target = LEDGER_OF.get(DocumentStatus(doc.status))
    if target is not None and entry.status != target and entry.status != LedgerStatus.PAID:
        move(session, entry, target, actor)
    return entry


def move(session: Session, entry: LedgerEntry, status: LedgerStatus, actor: str) -> LedgerEntry:
    """Move an entry along `LEDGER_TRANSITIONS`; booking registers the vendor. Audited.
    A second booking of a vendor's invoice number is refused by the database itself."""
    current = LedgerStatus(entry.status) if entry.status else LedgerStatus.PENDING_REVIEW
    if status == current:
        return entry
    if status not in LEDGER_TRANSITIONS[current]:
        raise Conflict(f"a {current.value.replace('_', ' ')} ledger entry cannot become "
                       f"{status.value.replace('_', ' ')}")
    if status in BOOKED:
        ensure_vendor(session, entry, actor)
    session.flush()
    before = entry_json(entry)
    try:
        with session.begin_nested():  # a refused booking rolls back only itself
            entry.status = status
            session.flush()
    except IntegrityError:
        session.refresh(entry)
        raise Conflict(f"invoice {entry.invoice_number} of {entry.vendor_name or entry.vendor_key}"
                       " is already booked in the AP ledger; a vendor's invoice number is "
                       "approved only once") from None
    audit(session, actor, f"ledger.{status.value}", "ledger_entry", str(entry.id), before,
          entry_json(entry))
    record_human(session, actor, f"ledger.{status.value}", entry.document_id,
                 f"ledger:{entry.id}", {"status": before["status"]}, {"status": status.value})
    return entry


def already_booked(session: Session, entry: LedgerEntry) -> LedgerEntry | None:
    """Another live booking of the same vendor and invoice number, if any."""
    if not entry.vendor_key or not entry.invoice_key:
        return None
    return session.scalar(select(LedgerEntry).where(
        LedgerEntry.vendor_key == entry.vendor_key, LedgerEntry.invoice_key == entry.invoice_key,
        LedgerEntry.status.in_([s.value for s in BOOKED]), LedgerEntry.id != entry.id))


def _field_norm(session: Session, document_id: str, name: str) -> Any:
    row = session.scalar(
        select(FieldRow).where(FieldRow.document_id == document_id, FieldRow.name == name)
    )
    if row is None:
        return None
    return row.normalized if row.normalized not in (None, "") else row.value


def ensure_vendor(session: Session, entry: LedgerEntry, actor: str) -> Vendor | None:
    """The entry's vendor, created with its IBAN and tax id when new.

    An existing vendor's IBANs are not changed here: new bank details are exactly what
    the IBAN-change rule flags; `add_bank_details` adds them deliberately.
    """
    if not entry.vendor_key:
        return None
    vendor = resolve_vendor(session, entry.vendor_key)
    if vendor is None:
        tax = _field_norm(session, entry.document_id, "vendor_tax_id")
        vendor = Vendor(
            key=entry.vendor_key,
            name=str(entry.vendor_name or entry.vendor_key),
            tax_id=str(tax) if tax else None,
            ibans=[entry.iban] if entry.iban else [],
        )
        session.add(vendor)
        session.flush()
        audit(session, actor, "vendor.create", "vendor", str(vendor.id), None,
              {"key": vendor.key, "name": vendor.name, "tax_id": vendor.tax_id,
               "ibans": vendor.ibans})
        _learn_from_corrections(session, vendor, entry.document_id)
    entry.vendor_id = vendor.id
    entry.vendor_key = vendor.key
    return vendor


def add_bank_details(session: Session, vendor: Vendor, iban: str, actor: str,
                     reason: str) -> None:
    """Add an IBAN to a known vendor, in the name of whoever accepted it. Audited under
    `BANK_DETAILS_ACTION`; that person may then not approve an invoice paying to it."""
    if iban in (vendor.ibans or []):
        return
    before = list(vendor.ibans or [])
    vendor.ibans = [*before, iban]
    audit(session, actor, BANK_DETAILS_ACTION, "vendor", str(vendor.id),
          {"ibans": before}, {"ibans": vendor.ibans, "added": iban, "reason": reason})


def learn_vendor_hints(
    session: Session, vendor: Vendor, document_id: str, field_name: str, corrected_value: Any
) -> bool:
    """Teach the vendor's extraction hints where this value sits on its invoices.

    Learning is best effort: a hint failure must never lose the correction itself.
    """
    from extractors.invoice import VendorHints

    try:
        hints = VendorHints.from_json(vendor.hints or {})
        hints.learn(document_from_rows(session, document_id), field_name, corrected_value)
        vendor.hints = hints.to_json()
        return True
    except Exception:  # noqa: BLE001
        log.warning("learning hints for vendor %s failed", vendor.key, exc_info=True)
        return False


def vouched_value(row: FieldRow) -> Any:
    """What a person vouched for when confirming a field: its normal form as the review
    shows it (a vendor name without the line it was read from), else the reading."""
    return row.normalized if row.normalized not in (None, "") else row.value


def _learn_from_corrections(session: Session, vendor: Vendor, document_id: str) -> None:
    """Corrections and confirmations made before the vendor existed become its first
    learned hints (a confirmed field keeps the machine's value and `corrected` false, with
    the machine's reading kept in `original`: `workflow.corrections`)."""
    rows = session.scalars(select(FieldRow).where(FieldRow.document_id == document_id)).all()
    for row in rows:
        if row.corrected and row.value is not None:
            learn_vendor_hints(session, vendor, document_id, row.name, row.value)
        elif row.original is not None and (value := vouched_value(row)) is not None:
            learn_vendor_hints(session, vendor, document_id, row.name, value)
