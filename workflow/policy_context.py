"""The database answers the questions compliance rules ask about other records.

Matching rules (number normal form, amount equality, date window) are the ones of
`policies.MemoryPolicyContext`: this class only loads the vendor's live ledger
entries and delegates, so tests and production judge alike.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from policies.context import (
    ContractTerms,
    InvoiceRecord,
    MemoryPolicyContext,
    OrderLine,
    PurchaseOrder,
)
from policies.keys import normalize_iban, normalize_invoice_number
from policies.rules.matching import contract_payment_days
from records.models import (
    AuditLog,
    Document,
    FieldRow,
    GoodsReceipt,
    LedgerEntry,
    PurchaseOrderLine,
    Vendor,
)
from records.vendors import NAME_MATCH_MIN, name_similarity, resolve_vendor
from workflow.controls import BANK_DETAILS_ACTION


def _dec(text: str | None) -> Decimal:
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _field_value(row: FieldRow) -> object:
    return row.normalized if row.normalized not in (None, "") else row.value


class DbPolicyContext:
    """`policies.PolicyContext` over the AP ledger and the vendor master."""

    def __init__(self, session: Session, window_days: int = 7) -> None:
        self.session = session
        self.window_days = window_days
        # each key's vendor-master entry, looked up once per evaluation (the rules only read
        # the master): an invoice's rules asked for the same vendor nine times, each a query
        # and a scan of every vendor for a name that is not a key
        self._vendors: dict[tuple[str, bool], Vendor | None] = {}

    def _vendor(self, vendor_key: str | None, strict: bool = False) -> Vendor | None:
        """`records.vendors.resolve_vendor`, remembered for this context."""
        if not vendor_key:
            return None
        asked = (vendor_key, strict)
        if asked not in self._vendors:
            self._vendors[asked] = resolve_vendor(self.session, vendor_key, strict=strict)
        return self._vendors[asked]

    def _canonical(self, vendor_key: str | None) -> str | None:
        """`records.vendors.canonical_key` through `_vendor`."""
        vendor = self._vendor(vendor_key)
        return vendor.key if vendor is not None else vendor_key

    def _entries(self, vendor_key: str, exclude_document_id: str | None) -> MemoryPolicyContext:
        """The vendor's live ledger entries, filed under the key the caller asked with."""
        asked = vendor_key
        vendor_key = self._canonical(vendor_key) or vendor_key
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
        vendor = self._vendor(vendor_key)
        return list(vendor.ibans or []) if vendor else []

    def vendor_known(self, vendor_key: str) -> bool:
        # the new-vendor control: a look-alike of a known vendor's name or tax id is new
        # (hints and bank-detail checks still find the vendor OCR-tolerantly)
        return self._vendor(vendor_key, strict=True) is not None

    def invoices_near(self, vendor_key: str | None, invoice_date: str | None,
                      window_days: int, iban: str | None,
                      exclude_document_id: str | None) -> list[InvoiceRecord]:
        canonical = self._canonical(vendor_key) if vendor_key else None
        conds = []
        if canonical:
            conds.append(LedgerEntry.vendor_key == canonical)
        if iban:
            conds.append(LedgerEntry.iban == normalize_iban(iban))
        try:
            when = date.fromisoformat(invoice_date) if invoice_date else None
        except ValueError:
            when = None
        if when is not None:
            lo, hi = when - timedelta(days=window_days), when + timedelta(days=window_days)
            conds.append(and_(LedgerEntry.invoice_date >= lo.isoformat(),
                              LedgerEntry.invoice_date <= hi.isoformat()))
        if not conds:
            return []
        stmt = (select(LedgerEntry).join(Document, Document.id == LedgerEntry.document_id)
                .where(Document.deleted_at.is_(None), LedgerEntry.status != "rejected",
                       or_(*conds)).order_by(LedgerEntry.id))
        if exclude_document_id:
            stmt = stmt.where(LedgerEntry.document_id != exclude_document_id)
        return [InvoiceRecord(
            document_id=e.document_id,
            vendor_key=vendor_key if canonical and e.vendor_key == canonical else e.vendor_key,
            vendor_name=e.vendor_name, invoice_number=e.invoice_number,
            total_amount=e.total_amount, invoice_date=e.invoice_date,
            iban=normalize_iban(e.iban) if e.iban else None, doc_type=e.doc_type)
            for e in self.session.scalars(stmt)]

    def bank_changes(self, vendor_key: str) -> list[str]:
        vendor = self._vendor(vendor_key)
        if vendor is None:
            return []
        return sorted(a.at.date().isoformat() for a in self.session.scalars(
            select(AuditLog).where(AuditLog.entity_type == "vendor",
                                   AuditLog.entity_id == str(vendor.id),
                                   AuditLog.action == BANK_DETAILS_ACTION)))

    def purchase_orders(self, po_number: str | None, vendor_key: str | None
                        ) -> list[PurchaseOrder]:
        if po_number:
            keys = [normalize_invoice_number(po_number)]
        elif vendor_key:
            canonical = self._canonical(vendor_key) or vendor_key
            pairs = self.session.execute(
                select(PurchaseOrderLine.po_key, PurchaseOrderLine.vendor_key).distinct()).all()
            keys = sorted({k for k, vk in pairs if vk and (
                vk in (vendor_key, canonical)
                or name_similarity(vk, vendor_key) >= NAME_MATCH_MIN)})
        else:
            return []
        found = [self._order(k) for k in keys if k]
        return [o for o in found if o is not None]

    def _order(self, po_key: str) -> PurchaseOrder | None:
        lines = list(self.session.scalars(select(PurchaseOrderLine).where(
            PurchaseOrderLine.po_key == po_key).order_by(PurchaseOrderLine.line)))
        received: dict[int, Decimal] = defaultdict(Decimal)
        unplaced = Decimal(0)
        for r in self.session.scalars(select(GoodsReceipt).where(GoodsReceipt.po_key == po_key)):
            if r.line is None:
                unplaced += _dec(r.quantity)
            else:
                received[r.line] += _dec(r.quantity)
        for x in lines:  # receipts without a line fill the lines in turn
            room = max(Decimal(0), _dec(x.quantity) - received[x.line])
            take = min(room, unplaced)
            received[x.line] += take
            unplaced -= take
        if lines and unplaced:
            received[lines[-1].line] += unplaced
        if not lines:
            return None
        first = lines[0]
        return PurchaseOrder(
            first.po_number, first.vendor_key, first.vendor_name, first.currency,
            tuple(OrderLine(x.line, x.description, x.quantity, x.unit_price,
                            str(received[x.line])) for x in lines))

    def contract_terms(self) -> list[ContractTerms]:
        rows = self.session.execute(
            select(FieldRow).join(Document, Document.id == FieldRow.document_id).where(
                Document.deleted_at.is_(None), Document.doc_type == "contract",
                FieldRow.name.in_(("payment_terms", "parties")))).scalars().all()
        by_doc: dict[str, dict[str, object]] = defaultdict(dict)
        for r in rows:
            by_doc[r.document_id][r.name] = _field_value(r)
        out = []
        for doc_id, values in sorted(by_doc.items()):
            days = contract_payment_days(values.get("payment_terms"))
            parties = values.get("parties")
            if days is None or not parties:
                continue
            names = [str(p.get("name") if isinstance(p, dict) else p)
                     for p in (parties if isinstance(parties, list) else [parties])]
            out.append(ContractTerms(doc_id, names, days))
        return out
