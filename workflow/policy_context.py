"""The database answers the questions compliance rules ask about other records.

Matching rules (number normal form, amount equality, date window) are the ones of
`policies.MemoryPolicyContext`: this class only loads the vendor's live ledger
entries and delegates, so tests and production judge alike.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from policies.context import MemoryPolicyContext
from records.models import Document, LedgerEntry
from records.vendors import canonical_key, resolve_vendor


class DbPolicyContext:
    """`policies.PolicyContext` over the AP ledger and the vendor master."""

    def __init__(self, session: Session, window_days: int = 7) -> None:
        self.session = session
        self.window_days = window_days

    def _entries(self, vendor_key: str, exclude_document_id: str | None) -> MemoryPolicyContext:
        """The vendor's live ledger entries, filed under the key the caller asked with."""
        asked = vendor_key
        vendor_key = canonical_key(self.session, vendor_key) or vendor_key
        stmt = (
            select(LedgerEntry)
            .join(Document, Document.id == LedgerEntry.document_id)
            .where(LedgerEntry.vendor_key == vendor_key, Document.deleted_at.is_(None))
            .where(LedgerEntry.status != "rejected")
        )
        if exclude_document_id:
            stmt = stmt.where(LedgerEntry.document_id != exclude_document_id)
        ctx = MemoryPolicyContext(window_days=self.window_days)
        for e in self.session.scalars(stmt):
            ctx.add_invoice(e.document_id, asked, e.invoice_number, e.total_amount,
                            e.invoice_date)
        return ctx

    def invoices_with_number(
        self, vendor_key: str, invoice_number: str, exclude_document_id: str | None
    ) -> list[dict]:
        ctx = self._entries(vendor_key, exclude_document_id)
        return ctx.invoices_with_number(vendor_key, invoice_number, exclude_document_id)

    def invoices_similar(
        self,
        vendor_key: str,
        total_amount: str,
        invoice_date: str | None,
        exclude_document_id: str | None,
    ) -> list[dict]:
        ctx = self._entries(vendor_key, exclude_document_id)
        return ctx.invoices_similar(vendor_key, total_amount, invoice_date, exclude_document_id)

    def known_ibans(self, vendor_key: str) -> list[str]:
        vendor = resolve_vendor(self.session, vendor_key)
        return list(vendor.ibans or []) if vendor else []

    def vendor_known(self, vendor_key: str) -> bool:
        return resolve_vendor(self.session, vendor_key) is not None
