"""A person's changes to a document's data: correct a field (or add one the machine
missed), clear a wrong value with a reason, set the type. The machine's value is kept in
`FieldRow.original`, the box moves to where the corrected value is printed, invoice
corrections and confirmations teach the vendor's hints, type corrections become training
feedback, and every change is audited and re-judged (`workflow.judge.reevaluate`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors import normalize as n
from extractors.invoice.hints import locate_value
from ingest.redact import mask_ids, mask_value, mask_words
from ingest.types import Word
from policies import vendor_keys
from policies.config import PolicyConfig
from records.audit import audit
from records.channels import is_hr
from records.decisions import record_human
from records.models import Document, FieldRow, PageRow, TypeFeedback
from records.rows import document_from_rows, field_rows, fields_from_rows
from records.vendors import resolve_vendor_keys
from workflow import books, leases
from workflow.errors import Conflict, Invalid
from workflow.judge import now, reevaluate
from workflow.line_items import LineItemInput, normalize_line_items
from workflow.states import AP_TYPES, DocumentStatus, LedgerStatus

DOC_TYPES = ("invoice", "receipt", "contract", "hr", "other")
DATE_FIELDS = {
    "invoice_date", "due_date", "agreement_date", "effective_date", "expiration_date",
    "start_date", "end_date", "pay_period_start", "pay_period_end", "date_of_birth",
    "section2_date",
}
MONEY_FIELDS = {
    "subtotal", "tax_amount", "total_amount", "contract_value", "salary", "pay_rate",
    "gross_pay", "net_pay", "total_deductions",
}
LINE_ITEMS = "line_items"
LIST_FIELDS = {"parties", LINE_ITEMS}
NO_LINES = "no line items left; to remove them all, clear the field with a reason"
DURATION_FIELDS = {"term", "renewal_term", "notice_period"}
# Field names offered when adding a field the machine missed, per type (CONTRACT.md).
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "invoice": (
        "vendor_name", "vendor_address", "vendor_tax_id", "customer_name", "invoice_number",
        "invoice_date", "due_date", "po_number", "currency", "subtotal", "tax_amount",
        "total_amount", "iban", "payment_terms", "line_items",
    ),
    "contract": (
        "title", "parties", "agreement_date", "effective_date", "expiration_date", "term",
        "renewal_term", "notice_period", "governing_law", "contract_value", "signed",
    ),
    "hr": (
        "employee_name", "employee_id", "employer_name", "job_title", "department",
        "manager_name", "start_date", "end_date", "salary", "pay_rate", "pay_period_start",
        "pay_period_end", "hours_worked", "gross_pay", "net_pay", "ssn", "email", "phone",
        "total_deductions", "date_of_birth", "address", "section2_date",
    ),
}
FIELD_NAMES["receipt"] = FIELD_NAMES["invoice"]
FIELD_NAMES["other"] = ()
_SSN = re.compile(r"^\D*(\d{3})\D?(\d{2})\D?(\d{4})\D*$")
_DURATION = re.compile(r"^\s*(\d+)\s*[_ ]?(day|month|year)s?\s*$", re.I)
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,59}")
# Values whose position on the page is not a single printed span.
UNLOCATED_FIELDS = LIST_FIELDS | {"ssn", "signed"}


def normalize_correction(name: str, value: str) -> tuple[Any, Any]:
    """`(value, normalized)` for what a reviewer typed, in CONTRACT.md's forms.

    A value that cannot be read as its field's kind is refused rather than stored
    un-normalized: downstream rules compare normalized values.
    """
    raw = (value or "").strip()
    if not raw:
        raise Invalid("the value is empty; to remove a wrong value, clear the field with a reason")
    if name in DATE_FIELDS:
        iso = n.normalize_date(raw)
        if not iso:
            raise Invalid(f"cannot read {raw!r} as a date")
        return raw, iso
    if name in MONEY_FIELDS:
        amount = n.normalize_money(raw)
        if amount is None:
            raise Invalid(f"cannot read {raw!r} as an amount")
        return raw, amount
    if name == "currency":
        code = raw.upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            code = n.detect_currency(raw) or ""
        if not code:
            raise Invalid(f"cannot read {raw!r} as an ISO 4217 currency")
        return raw, code
    if name == "iban":
        iban = n.normalize_iban(raw)
        if not iban:
            raise Invalid(f"{raw!r} is not a valid IBAN")
        return raw, iban
    if name == "vendor_tax_id":
        got = n.normalize_tax_id(raw)
        return raw, (got[0] if got else re.sub(r"[\s.\-/]", "", raw).upper())
    if name == "ssn":
        m = _SSN.match(raw)
        if not m:
            raise Invalid("an SSN has 9 digits")
        masked = f"***-**-{m.group(3)}"
        return masked, masked
    if name == "signed":
        flag = raw.lower() in ("true", "yes", "y", "1", "signed")
        if not flag and raw.lower() not in ("false", "no", "n", "0", "unsigned"):
            raise Invalid("signed is yes or no")
        return raw, flag
    if name in DURATION_FIELDS:
        m = _DURATION.match(raw)
        if not m:
            raise Invalid("a duration is like '30 days', '12 months' or '2 years'")
        return raw, f"{int(m.group(1))}_{m.group(2).lower()}s"
    if name == LINE_ITEMS:
        try:
            items = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise Invalid(f"line items are a JSON list of objects: {exc.msg}") from exc
        if not isinstance(items, list):
            raise Invalid("line items are a JSON list of objects")
        lines = normalize_line_items(items)
        if not lines:
            raise Invalid(NO_LINES)
        return lines, lines
    if name in LIST_FIELDS:
        if raw.startswith("["):
            try:
                items = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise Invalid(f"not a JSON list: {exc.msg}") from exc
            if not isinstance(items, list):
                raise Invalid("not a JSON list")
        else:
            items = [p.strip() for p in raw.split(";") if p.strip()]
        return items, items
    return raw, raw


def strict_masking(doc: Document) -> bool:
    """HR documents and HR uploads get the strict id masking (`ingest.redact`)."""
    return is_hr(doc)


def remask_stored(session: Session, document_id: str) -> None:
    """Apply the strict masking to a document's stored pages and fields (re-typed as HR)."""
    for page in session.scalars(select(PageRow).where(PageRow.document_id == document_id)):
        page.text = mask_ids(page.text or "", strict=True)
        words = [Word(str(w[0]), (0.0, 0.0, 0.0, 0.0)) for w in page.words or []]
        mask_words(words, strict=True)
        page.words = [[w.text, *old[1:]] for w, old in zip(words, page.words or [], strict=True)]
    for row in field_rows(session, document_id):
        row.value = mask_value(row.value, True)
        row.normalized = mask_value(row.normalized, True)
        if row.original:
            row.original = mask_value(row.original, True)


def field_json(row: FieldRow) -> dict[str, Any]:
    return {"value": row.value, "normalized": row.normalized, "confidence": row.confidence,
            "page": row.page, "bbox": row.bbox, "source": row.source,
            "corrected": row.corrected, "note": row.note}


def editable(session: Session, document_id: str) -> Document:
    """The document, if its data may still change: not deleted, processed, not rejected,
    not paid (a paid invoice's record is what was paid)."""
    doc = session.get(Document, document_id)
    if doc is None:
        raise Invalid(f"no document {document_id}")
    if doc.deleted_at is not None:
        raise Invalid("the document was deleted")
    if doc.status in (DocumentStatus.PROCESSING, DocumentStatus.RECEIVED):
        raise Invalid("the document is still being processed")
    if doc.status == DocumentStatus.REJECTED:
        raise Conflict("the document was rejected; its data no longer changes")
    entry = books.entry_of(session, document_id)
    if entry is not None and entry.status == LedgerStatus.PAID:
        raise Conflict("the invoice is paid; its data no longer changes")
    return doc


def _field_row(session: Session, document_id: str, name: str) -> FieldRow | None:
    return session.scalar(
        select(FieldRow).where(FieldRow.document_id == document_id, FieldRow.name == name))


def _keep_original(row: FieldRow) -> None:
    if not row.corrected:
        row.original = {"value": row.value, "normalized": row.normalized,
                        "confidence": row.confidence, "source": row.source,
                        "page": row.page, "bbox": row.bbox}


def _move_box(session: Session, row: FieldRow, document_id: str) -> None:
    """The box follows the corrected value: where the page prints it, else nowhere (an
    old box would point at the wrong words)."""
    row.page, row.bbox = None, None
    if row.name in UNLOCATED_FIELDS or row.value is None:
        return
    found = locate_value(document_from_rows(session, document_id), row.name, str(row.value))
    if found is not None:
        row.page, row.bbox = found[0], [round(c, 1) for c in found[1]]


def correct_field(
    session: Session,
    document_id: str,
    name: str,
    value: str,
    actor: str,
    config: PolicyConfig,
    reason: str | None = None,
) -> FieldRow:
    """Store a person's value for `name` (creating the field when the machine missed it),
    keep the machine's, move the box to the value, learn from it, and re-judge."""
    doc = editable(session, document_id)
    leases.require_free(session, document_id, actor)
    if not _FIELD_NAME.fullmatch(name or ""):
        raise Invalid("a field name is lower-case letters, digits and '_'")
    new_value, normalized = normalize_correction(name, value)
    return _store(session, doc, name, new_value, normalized, actor, config, reason)


def correct_line_items(
    session: Session,
    document_id: str,
    rows: list[LineItemInput],
    actor: str,
    config: PolicyConfig,
    reason: str | None = None,
) -> FieldRow:
    """The line-item grid's rows, read cell by cell (`workflow.line_items`), stored as the
    `line_items` field through the same path as any other correction (audited, the
    machine's list kept, re-judged: `ap.line_items_sum` follows the new lines)."""
    doc = editable(session, document_id)
    leases.require_free(session, document_id, actor)
    lines = normalize_line_items(rows)
    if not lines:
        raise Invalid(NO_LINES)
    return _store(session, doc, LINE_ITEMS, lines, lines, actor, config, reason)


def _store(session: Session, doc: Document, name: str, new_value: Any, normalized: Any,
           actor: str, config: PolicyConfig, reason: str | None) -> FieldRow:
    """Write a checked value: masked like a read one, the machine's kept, audited, the
    vendor's hints taught, and the document re-judged."""
    document_id = doc.id
    strict = strict_masking(doc)  # a typed-in SSN is masked like a read one
    new_value, normalized = mask_value(new_value, strict), mask_value(normalized, strict)
    reason = mask_ids(reason or "", strict)
    row = _field_row(session, document_id, name)
    before = field_json(row) if row is not None else None
    if _is_confirmation(row, normalized):
        return _confirm(session, doc, row, before, actor, config, reason)
    if row is None:
        row = FieldRow(document_id=document_id, name=name, confidence=1.0, source="human",
                       original=None)
        session.add(row)
    _keep_original(row)
    row.value = new_value
    row.normalized = normalized
    row.confidence = 1.0
    row.source = "human"
    row.corrected = True
    row.corrected_by = actor
    row.corrected_at = now()
    row.note = (reason or "").strip() or None
    _move_box(session, row, document_id)
    session.flush()
    audit(session, actor, "field.correct", "document", document_id,
          {"field": name, **(before or {})}, {"field": name, **field_json(row)})
    record_human(session, actor, "field.correct", document_id, f"field:{name}", before,
                 field_json(row), reason=row.note)
    _teach_vendor(session, doc, name, new_value)
    reevaluate(session, document_id, actor, config)
    return row


def _teach_vendor(session: Session, doc: Document, name: str, value: Any) -> None:
    """A person's value for an invoice or receipt field teaches the vendor's hints: the
    vendor the pipeline will look hints up under (tax id, then the name, fuzzily), so
    that the next document of that vendor gets them. A vendor not in the master yet
    learns it when it is created (`books.ensure_vendor`)."""
    if doc.doc_type not in AP_TYPES or value is None:
        return
    current = fields_from_rows(field_rows(session, doc.id))
    vendor = resolve_vendor_keys(session, vendor_keys(current))
    if vendor is not None:
        books.learn_vendor_hints(session, vendor, doc.id, name, value)


def _is_confirmation(row: FieldRow | None, normalized: Any) -> bool:
    """Saving the machine's own value unchanged is a reviewer saying "right", not a
    correction: counting it as one would inflate the correction figures and teach the
    vendor nothing new."""
    return (row is not None and not row.corrected and normalized is not None
            and row.normalized == normalized)


def _confirm(session: Session, doc: Document, row: FieldRow, before: dict[str, Any] | None,
             actor: str, config: PolicyConfig, reason: str | None) -> FieldRow:
    """A person vouches for the machine's value: it is certain now (confidence 1.0) and
    keeps its source and box; the machine's reading is kept as for a correction, and the
    confirmation is audited (`field.confirm`) and re-judged, but `corrected` stays false."""
    _keep_original(row)
    row.confidence = 1.0
    session.flush()
    audit(session, actor, "field.confirm", "document", doc.id,
          {"field": row.name, **(before or {})}, {"field": row.name, **field_json(row)})
    record_human(session, actor, "field.confirm", doc.id, f"field:{row.name}", before,
                 field_json(row), reason=(reason or "").strip() or None)
    # a value a person vouched for is as good a lesson as a corrected one: the vendor's
    # exact name and address, where it prints a field
    _teach_vendor(session, doc, row.name, books.vouched_value(row))
    reevaluate(session, doc.id, actor, config)
    return row


def clear_field(session: Session, document_id: str, name: str, reason: str, actor: str,
                config: PolicyConfig) -> FieldRow:
    """Remove a wrong value (a PO number read from a postal code): the field is kept,
    empty, with the machine's value and the reason, so it no longer reaches the ledger."""
    doc = editable(session, document_id)
    leases.require_free(session, document_id, actor)
    reason = mask_ids((reason or "").strip(), strict_masking(doc))
    if not reason:
        raise Invalid("say why the value is wrong to clear it")
    row = _field_row(session, document_id, name)
    if row is None or (row.value is None and row.normalized is None):
        raise Invalid(f"{name} has no value to clear")
    before = field_json(row)
    _keep_original(row)
    row.value = row.normalized = None
    row.page = row.bbox = None
    row.confidence = 1.0
    row.source = "human"
    row.corrected = True
    row.corrected_by = actor
    row.corrected_at = now()
    row.note = reason
    session.flush()
    audit(session, actor, "field.clear", "document", document_id,
          {"field": name, **before}, {"field": name, **field_json(row)})
    record_human(session, actor, "field.clear", document_id, f"field:{name}", before,
                 field_json(row), reason=reason)
    reevaluate(session, document_id, actor, config)
    return row


def correct_type(
    session: Session,
    document_id: str,
    doc_type: str,
    subtype: str | None,
    actor: str,
    config: PolicyConfig,
) -> Document:
    """Set the document type by hand: recorded as training feedback, then re-checked."""
    doc = editable(session, document_id)
    leases.require_free(session, document_id, actor)
    if doc_type not in DOC_TYPES:
        raise Invalid(f"unknown type {doc_type!r}; one of {', '.join(DOC_TYPES)}")
    subtype = (subtype or "").strip().lower().replace(" ", "_") or None
    before = {"doc_type": doc.doc_type, "subtype": doc.subtype,
              "type_confidence": doc.type_confidence}
    session.add(TypeFeedback(document_id=document_id, doc_type=doc_type, subtype=subtype,
                             predicted_type=doc.doc_type, actor=actor))
    doc.doc_type, doc.subtype, doc.type_confidence = doc_type, subtype, 1.0
    if doc_type == "hr":  # what was stored under the lighter masking is masked again
        remask_stored(session, document_id)
    reasons = list(doc.type_reasons or [])
    doc.type_reasons = [f"corrected_by:{actor}", *[r for r in reasons
                                                   if not str(r).startswith("corrected_by:")]]
    audit(session, actor, "document.type", "document", document_id, before,
          {"doc_type": doc_type, "subtype": subtype, "type_confidence": 1.0})
    record_human(session, actor, "document.type", document_id, "doc_type", before,
                 {"doc_type": doc_type, "subtype": subtype})
    session.flush()
    reevaluate(session, document_id, actor, config)
    return doc
