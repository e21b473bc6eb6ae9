"""What the rules may ask about other documents, and an in-memory implementation.

The lead implements `PolicyContext` over the database; rules only see this protocol so they
stay pure functions that are easy to test with `MemoryPolicyContext`.

Invoice numbers handed to `invoices_with_number` are already normalized with
`policies.keys.normalize_invoice_number` (casefolded, no spaces/`#`/leading zeros): an
implementation should store and compare that normal form.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, TypeVar, runtime_checkable

from policies.keys import normalize_iban, normalize_invoice_number

T = TypeVar("T")


def _from_json(cls: type[T], data: dict[str, Any]) -> T:
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True, slots=True)
class InvoiceRecord:
    """Another stored invoice or receipt, as the duplicate and split rules compare it."""

    document_id: str
    vendor_key: str | None
    vendor_name: str | None = None
    invoice_number: str | None = None
    total_amount: str | None = None
    invoice_date: str | None = None
    iban: str | None = None
    doc_type: str = "invoice"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> InvoiceRecord:
        return _from_json(cls, data)


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One line of a purchase order and how much of it the goods receipts cover."""

    line: int
    description: str
    quantity: str
    unit_price: str
    received: str = "0"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OrderLine:
        return _from_json(cls, data)


@dataclass(frozen=True, slots=True)
class PurchaseOrder:
    po_number: str
    vendor_key: str | None
    vendor_name: str | None
    currency: str | None
    lines: tuple[OrderLine, ...] = ()

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PurchaseOrder:
        lines = tuple(OrderLine.from_json(x) for x in data.get("lines") or [])
        return _from_json(cls, {**data, "lines": lines})

    def quantity(self) -> Decimal:
        return sum((_dec(x.quantity) or Decimal(0) for x in self.lines), Decimal(0))

    def received(self) -> Decimal:
        return sum((_dec(x.received) or Decimal(0) for x in self.lines), Decimal(0))

    def total(self) -> Decimal:
        return sum(((_dec(x.quantity) or Decimal(0)) * (_dec(x.unit_price) or Decimal(0))
                    for x in self.lines), Decimal(0))


@dataclass(frozen=True, slots=True)
class ContractTerms:
    """A contract with a party and the payment terms it grants (days)."""

    document_id: str
    parties: list[str]
    payment_days: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ContractTerms:
        return _from_json(cls, data)


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

    def invoices_near(self, vendor_key: str | None, invoice_date: str | None,
                      window_days: int, iban: str | None,
                      exclude_document_id: str | None) -> list[InvoiceRecord]:
        """Other live invoices that could be this one again: those dated within
        `window_days` of `invoice_date`, and every one of the same vendor key or IBAN.
        The rules decide which of them are the same vendor."""
        ...

    def bank_changes(self, vendor_key: str) -> list[str]:
        """ISO dates on which the vendor master's bank details of this vendor changed."""
        ...

    def purchase_orders(self, po_number: str | None, vendor_key: str | None
                        ) -> list[PurchaseOrder]:
        """Purchase orders with this number (normalised like invoice numbers) or, when
        none is given, every order of the vendor; receipts summed per line."""
        ...

    def contract_terms(self) -> list[ContractTerms]:
        """Live contracts that state payment terms, with their parties."""
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
    records: list[InvoiceRecord] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)
    orders: list[PurchaseOrder] = field(default_factory=list)
    contracts: list[ContractTerms] = field(default_factory=list)

    def add_invoice(
        self,
        document_id: str,
        vendor_key: str,
        invoice_number: str | None = None,
        total_amount: str | None = None,
        invoice_date: str | None = None,
        iban: str | None = None,
        vendor_name: str | None = None,
    ) -> None:
        """Record a processed invoice; its vendor becomes known and its IBAN trusted."""
        number = normalize_invoice_number(invoice_number) if invoice_number else None
        self.invoices.append(
            _Invoice(document_id, vendor_key, number, total_amount, invoice_date, iban)
        )
        self.records.append(InvoiceRecord(
            document_id, vendor_key, vendor_name, invoice_number, total_amount, invoice_date,
            normalize_iban(iban) if iban else None))
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

    def invoices_near(self, vendor_key: str | None, invoice_date: str | None,
                      window_days: int, iban: str | None,
                      exclude_document_id: str | None) -> list[InvoiceRecord]:
        when = _date(invoice_date)
        wanted_iban = normalize_iban(iban) if iban else None
        out = []
        for r in self.records:
            if r.document_id == exclude_document_id:
                continue
            other = _date(r.invoice_date)
            near = (when is not None and other is not None
                    and abs(when - other) <= timedelta(days=window_days))
            if near or (vendor_key and r.vendor_key == vendor_key) or (
                    wanted_iban and r.iban == wanted_iban):
                out.append(r)
        return out

    def add_bank_change(self, vendor_key: str, when: str) -> None:
        self.changes.setdefault(vendor_key, []).append(when)

    def bank_changes(self, vendor_key: str) -> list[str]:
        return sorted(self.changes.get(vendor_key, []))

    def add_order(self, order: PurchaseOrder) -> None:
        self.orders.append(order)

    def purchase_orders(self, po_number: str | None, vendor_key: str | None
                        ) -> list[PurchaseOrder]:
        if po_number:
            wanted = normalize_invoice_number(po_number)
            return [o for o in self.orders if normalize_invoice_number(o.po_number) == wanted]
        return [o for o in self.orders if vendor_key and o.vendor_key == vendor_key]

    def add_contract(self, terms: ContractTerms) -> None:
        self.contracts.append(terms)

    def contract_terms(self) -> list[ContractTerms]:
        return list(self.contracts)
