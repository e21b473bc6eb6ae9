"""The AP ledger: one entry per invoice or receipt, its payment status, CSV export,
and the vendor master entries created when an invoice is approved.

A vendor is created only by an approval (human or automatic), never by a bare
upload: the IBAN-change and new-vendor checks trust the vendor master, so only
checked invoices may add to it.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from records.audit import audit
from records.decisions import record_human
from records.models import Document, FieldRow, LedgerEntry, Vendor
from records.vendors import resolve_vendor

log = logging.getLogger(__name__)

STATUSES = ("pending_review", "approved", "rejected", "paid")
# status -> statuses it may move to; paying is only possible after approval.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending_review": ("approved", "rejected"),
    "approved": ("paid", "rejected"),
    "rejected": ("approved",),
    "paid": (),
}
CSV_COLUMNS = (
    "id", "document_id", "status", "doc_type", "vendor_name", "vendor_key", "invoice_number",
    "invoice_date", "due_date", "po_number", "currency", "subtotal", "tax_amount",
    "total_amount", "iban", "created_at", "updated_at",
)


class LedgerError(ValueError):
    """A status change that the ledger does not allow."""


def entry_json(e: LedgerEntry) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in CSV_COLUMNS:
        v = getattr(e, col)
        out[col] = v.isoformat() if hasattr(v, "isoformat") else v
    return out


def list_entries(
    session: Session, status: str | None = None, limit: int | None = None,
    visible: ColumnElement[bool] | None = None,
) -> list[LedgerEntry]:
    """Entries of live documents, newest first; `visible` is a condition on `Document`
    (the reader's access rule), so an entry never shows a document its reader may not see."""
    stmt = (
        select(LedgerEntry)
        .join(Document, Document.id == LedgerEntry.document_id)
        .where(Document.deleted_at.is_(None))
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
    )
    if visible is not None:
        stmt = stmt.where(visible)
    if status:
        stmt = stmt.where(LedgerEntry.status == status)
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def _csv_safe(value: Any) -> str:
    """Neutralise spreadsheet formulas: a vendor name like `=HYPERLINK(...)` stays text."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r" and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def entries_csv(entries: Iterable[LedgerEntry]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for e in entries:
        row = entry_json(e)
        w.writerow([_csv_safe(row[c]) for c in CSV_COLUMNS])
    return buf.getvalue()


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
    the IBAN-change rule flags, so they must be added deliberately.
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
    return vendor


def _learn_from_corrections(session: Session, vendor: Vendor, document_id: str) -> None:
    """Corrections made before the vendor existed become its first learned hints."""
    from records.review import learn_vendor_hints

    rows = session.scalars(
        select(FieldRow).where(FieldRow.document_id == document_id, FieldRow.corrected)
    ).all()
    for row in rows:
        learn_vendor_hints(session, vendor, document_id, row.name, row.value)


def set_status(session: Session, entry: LedgerEntry, status: str, actor: str) -> LedgerEntry:
    """Move an entry along `TRANSITIONS`; approving registers the vendor. Audited."""
    if status not in STATUSES:
        raise LedgerError(f"unknown ledger status {status!r}")
    if status == entry.status:
        return entry
    if status not in TRANSITIONS.get(entry.status, ()):
        raise LedgerError(f"a {entry.status} entry cannot become {status}")
    before = entry_json(entry)
    entry.status = status
    if status == "approved":
        ensure_vendor(session, entry, actor)
    session.flush()
    audit(session, actor, f"ledger.{status}", "ledger_entry", str(entry.id), before,
          entry_json(entry))
    record_human(session, actor, f"ledger.{status}", entry.document_id, f"ledger:{entry.id}",
                 {"status": before["status"]}, {"status": status})
    return entry
