"""What the rules may ask about other documents, and an in-memory implementation.

The lead implements `PolicyContext` over the database; rules only see this protocol so they
stay pure functions that are easy to test with `MemoryPolicyContext`.

Invoice numbers handed to `invoices_with_number` are already normalized with
`policies.keys.normalize_invoice_number` (casefolded, no spaces/`#`/leading zeros): an
implementation should store and compare that normal form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, runtime_checkable

from policies.keys import normalize_iban, normalize_invoice_number


@runtime_checkable
class PolicyContext(Protocol):
    def invoices_with_number(
        self, vendor_key: str, invoice_number: str, exclude_document_id: str | None
    ) -> list[dict]:
        """Other invoices of this vendor with this (normalized) number:
        `[{document_id, total_amount, invoice_date}]`."""
        ...

    def invoices_similar(
        self,
        vendor_key: str,
        total_amount: str,
        invoice_date: str | None,
        exclude_document_id: str | None,
    ) -> list[dict]:
        """Other invoices of this vendor with the same total, dated within N days."""
        ...

    def known_ibans(self, vendor_key: str) -> list[str]:
        """Bank accounts previously seen/approved for this vendor (compact IBANs)."""
        ...

    def vendor_known(self, vendor_key: str) -> bool:
        """True when the vendor is in the vendor master / has been processed before."""
        ...


def _dec(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except (TypeError, ValueError):
        return None


@dataclass
class _Invoice:
    document_id: str
    vendor_key: str
    invoice_number: str | None
    total_amount: str | None
    invoice_date: str | None
    iban: str | None


@dataclass
class MemoryPolicyContext:
    """A dict-backed `PolicyContext` for tests and one-off command-line runs."""

    window_days: int = 7
    invoices: list[_Invoice] = field(default_factory=list)
    vendors: set[str] = field(default_factory=set)
    ibans: dict[str, set[str]] = field(default_factory=dict)

    def add_invoice(
        self,
        document_id: str,
        vendor_key: str,
        invoice_number: str | None = None,
        total_amount: str | None = None,
        invoice_date: str | None = None,
        iban: str | None = None,
    ) -> None:
        """Record a processed invoice; its vendor becomes known and its IBAN trusted."""
        number = normalize_invoice_number(invoice_number) if invoice_number else None
        self.invoices.append(
            _Invoice(document_id, vendor_key, number, total_amount, invoice_date, iban)
        )
        self.vendors.add(vendor_key)
        if iban:
            self.ibans.setdefault(vendor_key, set()).add(normalize_iban(iban))

    def add_vendor(self, vendor_key: str, ibans: list[str] | None = None) -> None:
        """Register a vendor-master entry with its approved bank accounts."""
        self.vendors.add(vendor_key)
        for iban in ibans or []:
            self.ibans.setdefault(vendor_key, set()).add(normalize_iban(iban))

    @staticmethod
    def _row(inv: _Invoice) -> dict:
        return {
            "document_id": inv.document_id,
            "invoice_number": inv.invoice_number,
            "total_amount": inv.total_amount,
            "invoice_date": inv.invoice_date,
        }

    def invoices_with_number(
        self, vendor_key: str, invoice_number: str, exclude_document_id: str | None
    ) -> list[dict]:
        number = normalize_invoice_number(invoice_number)
        return [
            self._row(i)
            for i in self.invoices
            if i.vendor_key == vendor_key
            and i.invoice_number == number
            and i.document_id != exclude_document_id
        ]

    def invoices_similar(
        self,
        vendor_key: str,
        total_amount: str,
        invoice_date: str | None,
        exclude_document_id: str | None,
    ) -> list[dict]:
        total = _dec(total_amount)
        when = _date(invoice_date)
        out = []
        for i in self.invoices:
            if i.vendor_key != vendor_key or i.document_id == exclude_document_id:
                continue
            if total is None or _dec(i.total_amount) != total:
                continue
            other = _date(i.invoice_date)
            if when and other and abs((when - other).days) > self.window_days:
                continue
            out.append(self._row(i))
        return out

    def known_ibans(self, vendor_key: str) -> list[str]:
        return sorted(self.ibans.get(vendor_key, set()))

    def vendor_known(self, vendor_key: str) -> bool:
        return vendor_key in self.vendors
