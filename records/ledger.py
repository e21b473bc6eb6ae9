"""The AP ledger as stored: listing entries a reader may see and the CSV export.

Which status an entry has, and when it moves, is decided by `workflow.books` alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from records.models import Document, LedgerEntry

CSV_COLUMNS = (
    "id", "document_id", "status", "doc_type", "vendor_name", "vendor_key", "invoice_number",
    "invoice_date", "due_date", "po_number", "currency", "subtotal", "tax_amount",
    "total_amount", "iban", "created_at", "updated_at",
)


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
