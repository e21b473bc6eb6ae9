"""The database answers the questions compliance rules ask about other records."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import Document, LedgerEntry, Vendor


def _norm_number(value: str | None) -> str:
    return "".join(ch for ch in (value or "").casefold() if ch.isalnum()).lstrip("0")


class DbPolicyContext:
    """`policies.PolicyContext` over the ledger and the vendor master."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _live_entries(self, vendor_key: str, exclude_document_id: str | None):
        stmt = (
            select(LedgerEntry)
            .join(Document, Document.id == LedgerEntry.document_id)
            .where(LedgerEntry.vendor_key == vendor_key, Document.deleted_at.is_(None))
            .where(LedgerEntry.status != "rejected")
        )
        if exclude_document_id:
            stmt = stmt.where(LedgerEntry.document_id != exclude_document_id)
        return self.session.scalars(stmt).all()

    def invoices_with_number(
        self, vendor_key: str, invoice_number: str, exclude_document_id: str | None
    ) -> list[dict]:
        want = _norm_number(invoice_number)
        return [
            {
                "document_id": e.document_id,
                "total_amount": e.total_amount,
                "invoice_date": e.invoice_date,
            }
            for e in self._live_entries(vendor_key, exclude_document_id)
            if want and _norm_number(e.invoice_number) == want
        ]

    def invoices_similar(
        self,
        vendor_key: str,
        total_amount: str,
        invoice_date: str | None,
        exclude_document_id: str | None,
        days: int = 7,
    ) -> list[dict]:
        out = []
        for e in self._live_entries(vendor_key, exclude_document_id):
            if e.total_amount != total_amount:
                continue
            if invoice_date and e.invoice_date:
                try:
                    gap = abs(date.fromisoformat(invoice_date) - date.fromisoformat(e.invoice_date))
                except ValueError:
                    continue
                if gap > timedelta(days=days):
                    continue
            out.append(
                {
                    "document_id": e.document_id,
                    "total_amount": e.total_amount,
                    "invoice_date": e.invoice_date,
                    "invoice_number": e.invoice_number,
                }
            )
        return out

    def known_ibans(self, vendor_key: str) -> list[str]:
        vendor = self.session.scalar(select(Vendor).where(Vendor.key == vendor_key))
        return list(vendor.ibans or []) if vendor else []

    def vendor_known(self, vendor_key: str) -> bool:
        return self.session.scalar(select(Vendor.id).where(Vendor.key == vendor_key)) is not None
