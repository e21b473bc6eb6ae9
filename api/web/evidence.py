"""The page behind a finding: which fields a finding is about, and their boxes on the
page that holds most of them, so the finding card draws the evidence on the page image
instead of only linking to the document.

A rule's own evidence names fields in some cases (`compared_field`, `date_field`,
`fields`); `RULE_FIELDS` says it for the rest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import FieldRow, PageRow

# rule -> the fields whose printed values are its evidence
RULE_FIELDS: dict[str, tuple[str, ...]] = {
    "ap.duplicate_invoice": ("invoice_number", "total_amount"),
    "ap.possible_duplicate": ("total_amount", "invoice_date"),
    "ap.fuzzy_duplicate": ("invoice_number", "total_amount", "invoice_date"),
    "ap.split_invoice": ("total_amount", "invoice_date"),
    "ap.approval_required": ("total_amount",),
    "ap.arithmetic_total": ("subtotal", "tax_amount", "total_amount"),
    "ap.line_items_sum": ("subtotal", "total_amount"),
    "ap.bank_details_changed": ("iban",),
    "ap.recent_bank_change": ("iban",),
    "ap.invalid_iban": ("iban",),
    "vendor.iban_country": ("iban", "vendor_address"),
    "vendor.vat_invalid": ("vendor_tax_id",),
    "vendor.self_invoicing": ("vendor_name", "vendor_tax_id", "iban"),
    "ap.missing_tax_id": ("vendor_name", "total_amount"),
    "ap.due_before_issue": ("invoice_date", "due_date"),
    "ap.future_dated": ("invoice_date",),
    "ap.stale_invoice": ("invoice_date",),
    "ap.einvoice_mismatch": ("total_amount",),
    "ap.po_over_invoiced": ("po_number", "total_amount"),
    "ap.goods_not_received": ("po_number",),
    "ap.missing_po": ("total_amount",),
    "ap.terms_over_contract": ("payment_terms",),
    "ap.new_vendor": ("vendor_name",),
    "contract.governing_law": ("governing_law",),
    "contract.expiring_soon": ("expiration_date",),
    "hr.pay_stub_arithmetic": ("gross_pay", "total_deductions", "net_pay"),
}
# evidence keys whose value names a field (or fields)
FIELD_KEYS = ("compared_field", "date_field", "section2_field", "fields")


@dataclass(frozen=True, slots=True)
class Box:
    field: str
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class EvidencePage:
    number: int
    width: float
    height: float
    boxes: list[Box]


def evidence_fields(rule: str, evidence: dict[str, Any] | None) -> list[str]:
    names = list(RULE_FIELDS.get(rule, ()))
    for key in FIELD_KEYS:
        value = (evidence or {}).get(key)
        if isinstance(value, str):
            names.append(value)
        elif isinstance(value, dict | list):
            names += [str(v) for v in value]
    return list(dict.fromkeys(names))


def evidence_page(session: Session, document_id: str, rule: str,
                  evidence: dict[str, Any] | None) -> EvidencePage | None:
    """The page holding most of the finding's boxed fields, with their boxes; None when
    none of them has a box (the card then shows the first page alone)."""
    names = evidence_fields(rule, evidence)
    if not names:
        return None
    rows = [r for r in session.scalars(select(FieldRow).where(
        FieldRow.document_id == document_id, FieldRow.name.in_(names)))
        if r.bbox and len(r.bbox) == 4]
    if not rows:
        return None
    number = Counter(r.page or 1 for r in rows).most_common(1)[0][0]
    page = session.scalar(select(PageRow).where(PageRow.document_id == document_id,
                                                PageRow.number == number))
    if page is None:
        return None
    boxes = [Box(r.name, tuple(float(c) for c in r.bbox))  # type: ignore[arg-type]
             for r in sorted(rows, key=lambda r: names.index(r.name))
             if (r.page or 1) == number]
    return EvidencePage(number, float(page.width), float(page.height), boxes)
