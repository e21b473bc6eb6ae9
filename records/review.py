"""Human review of a stored document: field and type corrections, approve/reject,
resolving violations, and re-running the policies so status and queues follow.

Corrections are the system's teacher: the machine's value is kept in
`FieldRow.original`, invoice corrections become the vendor's learned hints, and type
corrections become `TypeFeedback` rows for `backoffice train`. Every change here
writes the audit log with before and after.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from extractors.types import Field, Fields
from ingest.types import IngestedDocument, Page, Word
from records.audit import audit
from records.models import (
    Document,
    FieldRow,
    LedgerEntry,
    PageRow,
    ReviewTask,
    StatusEvent,
    TypeFeedback,
    Vendor,
    ViolationRow,
)
from records.vendors import resolve_vendor

log = logging.getLogger(__name__)

DOC_TYPES = ("invoice", "receipt", "contract", "hr", "other")
DATE_FIELDS = {
    "invoice_date", "due_date", "agreement_date", "effective_date", "expiration_date",
    "start_date", "end_date", "pay_period_start", "pay_period_end",
}
MONEY_FIELDS = {
    "subtotal", "tax_amount", "total_amount", "contract_value", "salary", "pay_rate",
    "gross_pay", "net_pay",
}
LIST_FIELDS = {"parties", "line_items"}
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
    ),
}
FIELD_NAMES["receipt"] = FIELD_NAMES["invoice"]
FIELD_NAMES["other"] = ()
OPEN_STATES = ("needs_review", "auto_approved", "approved", "rejected")
_SSN = re.compile(r"^\D*(\d{3})\D?(\d{2})\D?(\d{4})\D*$")
_DURATION = re.compile(r"^\s*(\d+)\s*[_ ]?(day|month|year)s?\s*$", re.I)


class ReviewError(ValueError):
    """The correction or decision is not valid for this document (HTTP 422)."""


class NotAllowed(PermissionError):
    """The user may see the document but not take this decision (HTTP 403)."""


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------------- rebuilding
def document_from_rows(session: Session, document_id: str) -> IngestedDocument:
    """The stored pages as an `IngestedDocument`, so extractors can learn from a
    correction without re-reading (or re-OCRing) the original.

    Line numbers are not stored; they are rebuilt from the words' vertical centres,
    which is what the layout code uses them for.
    """
    doc = session.get(Document, document_id)
    if doc is None:
        raise ReviewError(f"no document {document_id}")
    rows = session.scalars(
        select(PageRow).where(PageRow.document_id == document_id).order_by(PageRow.number)
    ).all()
    pages = []
    for r in rows:
        words: list[Word] = []
        line = -1
        last_mid: float | None = None
        last_h = 0.0
        for w in r.words or []:
            text, x0, y0, x1, y1 = w[0], float(w[1]), float(w[2]), float(w[3]), float(w[4])
            conf = float(w[5]) if len(w) > 5 else 1.0
            mid, h = (y0 + y1) / 2, max(1.0, y1 - y0)
            if last_mid is None or abs(mid - last_mid) > max(h, last_h) / 2:
                line += 1
            last_mid, last_h = mid, h
            words.append(Word(str(text), (x0, y0, x1, y1), conf, line=max(line, 0)))
        pages.append(Page(number=r.number, width=r.width, height=r.height, words=words,
                          text=r.text or "", ocr=r.ocr, ocr_engine=r.ocr_engine,
                          ocr_confidence=r.ocr_confidence))
    return IngestedDocument(filename=doc.filename, sha256=doc.sha256,
                            media_type=doc.media_type or "", size=doc.size, pages=pages)


def fields_from_rows(rows: list[FieldRow]) -> Fields:
    """Stored fields as extractor `Field`s; a human correction counts as certain."""
    out: Fields = {}
    for r in rows:
        bbox = tuple(r.bbox) if r.bbox else None
        conf = 1.0 if r.corrected else float(r.confidence or 0.0)
        out[r.name] = Field(r.value, r.normalized, conf, r.page, bbox, r.source)  # type: ignore[arg-type]
    return out


def field_rows(session: Session, document_id: str) -> list[FieldRow]:
    return list(session.scalars(
        select(FieldRow).where(FieldRow.document_id == document_id).order_by(FieldRow.name)
    ))


# ---------------------------------------------------------------------- normalising
def normalize_correction(name: str, value: str) -> tuple[Any, Any]:
    """`(value, normalized)` for what a reviewer typed, in CONTRACT.md's forms.

    A value that cannot be read as its field's kind is refused rather than stored
    un-normalized: downstream rules compare normalized values.
    """
    from extractors import normalize as n

    raw = (value or "").strip()
    if not raw:
        raise ReviewError("the value is empty")
    if name in DATE_FIELDS:
        iso = n.normalize_date(raw)
        if not iso:
            raise ReviewError(f"cannot read {raw!r} as a date")
        return raw, iso
    if name in MONEY_FIELDS:
        amount = n.normalize_money(raw)
        if amount is None:
            raise ReviewError(f"cannot read {raw!r} as an amount")
        return raw, amount
    if name == "currency":
        code = raw.upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            code = n.detect_currency(raw) or ""
        if not code:
            raise ReviewError(f"cannot read {raw!r} as an ISO 4217 currency")
        return raw, code
    if name == "iban":
        iban = n.normalize_iban(raw)
        if not iban:
            raise ReviewError(f"{raw!r} is not a valid IBAN")
        return raw, iban
    if name == "vendor_tax_id":
        got = n.normalize_tax_id(raw)
        return raw, (got[0] if got else re.sub(r"[\s.\-/]", "", raw).upper())
    if name == "ssn":
        m = _SSN.match(raw)
        if not m:
            raise ReviewError("an SSN has 9 digits")
        masked = f"***-**-{m.group(3)}"
        return masked, masked
    if name == "signed":
        flag = raw.lower() in ("true", "yes", "y", "1", "signed")
        if not flag and raw.lower() not in ("false", "no", "n", "0", "unsigned"):
            raise ReviewError("signed is yes or no")
        return raw, flag
    if name in DURATION_FIELDS:
        m = _DURATION.match(raw)
        if not m:
            raise ReviewError("a duration is like '30 days', '12 months' or '2 years'")
        return raw, f"{int(m.group(1))}_{m.group(2).lower()}s"
    if name in LIST_FIELDS:
        if raw.startswith("["):
            try:
                items = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ReviewError(f"not a JSON list: {exc.msg}") from exc
            if not isinstance(items, list):
                raise ReviewError("not a JSON list")
        else:
            items = [p.strip() for p in raw.split(";") if p.strip()]
        return items, items
    return raw, raw


# ---------------------------------------------------------------------- learning
def learn_vendor_hints(
    session: Session, vendor: Vendor, document_id: str, field_name: str, corrected_value: Any
) -> bool:
    """Teach the vendor's extraction hints where this value sits on its invoices.

    Learning is best effort: a hint failure must never lose the correction itself.
    """
    try:
        from extractors.invoice import VendorHints
    except ImportError:
        return False
    try:
        hints = VendorHints.from_json(vendor.hints or {})
        hints.learn(document_from_rows(session, document_id), field_name, corrected_value)
        vendor.hints = hints.to_json()
        return True
    except Exception:  # noqa: BLE001
        log.warning("learning hints for vendor %s failed", vendor.key, exc_info=True)
        return False


def _vendor_for(session: Session, fields: Fields) -> Vendor | None:
    """The vendor-master entry of a document's vendor, matched as the pipeline matches it
    when it looks up hints (tax id, then the name, fuzzily): a correction must teach the
    vendor whose hints the next document will get."""
    from policies import vendor_keys

    for key in vendor_keys(fields):
        vendor = resolve_vendor(session, key)
        if vendor is not None:
            return vendor
    return None


# ---------------------------------------------------------------------- corrections
def _field_json(row: FieldRow) -> dict[str, Any]:
    return {"value": row.value, "normalized": row.normalized, "confidence": row.confidence,
            "page": row.page, "bbox": row.bbox, "source": row.source,
            "corrected": row.corrected}


def _editable(doc: Document) -> None:
    if doc.deleted_at is not None:
        raise ReviewError("the document was deleted")
    if doc.status in ("processing", "received"):
        raise ReviewError("the document is still being processed")


def correct_field(
    session: Session,
    document_id: str,
    name: str,
    value: str,
    actor: str,
    config: Any,
) -> FieldRow:
    """Store a reviewer's value for `name` (creating the field when the machine missed it),
    keep the machine's, learn from it, and re-run the policies."""
    doc = session.get(Document, document_id)
    if doc is None:
        raise ReviewError(f"no document {document_id}")
    _editable(doc)
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,59}", name or ""):
        raise ReviewError("a field name is lower-case letters, digits and '_'")
    new_value, normalized = normalize_correction(name, value)
    row = session.scalar(
        select(FieldRow).where(FieldRow.document_id == document_id, FieldRow.name == name)
    )
    before = _field_json(row) if row is not None else None
    if row is None:
        row = FieldRow(document_id=document_id, name=name, confidence=1.0, source="human",
                       original=None)
        session.add(row)
    elif not row.corrected:
        row.original = {"value": row.value, "normalized": row.normalized,
                        "confidence": row.confidence, "source": row.source}
    row.value = new_value
    row.normalized = normalized
    row.confidence = 1.0
    row.corrected = True
    row.corrected_by = actor
    row.corrected_at = _now()
    session.flush()
    audit(session, actor, "field.correct", "document", document_id,
          {"field": name, **(before or {})}, {"field": name, **_field_json(row)})
    if doc.doc_type in ("invoice", "receipt"):
        vendor = _vendor_for(session, fields_from_rows(field_rows(session, document_id)))
        if vendor is not None:
            learn_vendor_hints(session, vendor, document_id, name, new_value)
    reevaluate(session, document_id, actor, config)
    return row


def correct_type(
    session: Session,
    document_id: str,
    doc_type: str,
    subtype: str | None,
    actor: str,
    config: Any,
) -> Document:
    """Set the document type by hand: recorded as training feedback, then re-checked."""
    doc = session.get(Document, document_id)
    if doc is None:
        raise ReviewError(f"no document {document_id}")
    _editable(doc)
    if doc_type not in DOC_TYPES:
        raise ReviewError(f"unknown type {doc_type!r}; one of {', '.join(DOC_TYPES)}")
    subtype = (subtype or "").strip().lower().replace(" ", "_") or None
    before = {"doc_type": doc.doc_type, "subtype": doc.subtype,
              "type_confidence": doc.type_confidence}
    session.add(TypeFeedback(document_id=document_id, doc_type=doc_type, subtype=subtype,
                             predicted_type=doc.doc_type, actor=actor))
    doc.doc_type, doc.subtype, doc.type_confidence = doc_type, subtype, 1.0
    reasons = list(doc.type_reasons or [])
    doc.type_reasons = [f"corrected_by:{actor}", *[r for r in reasons
                                                   if not str(r).startswith("corrected_by:")]]
    audit(session, actor, "document.type", "document", document_id, before,
          {"doc_type": doc_type, "subtype": subtype, "type_confidence": 1.0})
    session.flush()
    reevaluate(session, document_id, actor, config)
    return doc


# ---------------------------------------------------------------------- policies
def _violation_json(v: ViolationRow) -> dict[str, Any]:
    return {"rule": v.rule, "severity": v.severity, "message": v.message,
            "policy_version": v.policy_version}


def _set_status(session: Session, doc: Document, status: str, actor: str,
                note: str | None = None) -> None:
    if doc.status != status:
        doc.status = status
        session.add(StatusEvent(document_id=doc.id, status=status, actor=actor, note=note))


def _open_task(session: Session, document_id: str, queue: str) -> ReviewTask | None:
    return session.scalar(
        select(ReviewTask).where(ReviewTask.document_id == document_id,
                                 ReviewTask.queue == queue, ReviewTask.status == "open")
    )


def _close_tasks(session: Session, document_id: str, actor: str,
                 queues: tuple[str, ...] = ("review", "exception")) -> None:
    for task in session.scalars(
        select(ReviewTask).where(ReviewTask.document_id == document_id,
                                 ReviewTask.status == "open", ReviewTask.queue.in_(queues))
    ):
        task.status = "closed"
        task.closed_at = _now()
        task.closed_by = actor


def _sync_ledger(session: Session, doc: Document, fields: Fields) -> None:
    """Keep the ledger row's copy of the fields in step with corrections."""
    from policies import vendor_key

    entry = session.scalar(select(LedgerEntry).where(LedgerEntry.document_id == doc.id))
    if doc.doc_type not in ("invoice", "receipt"):
        if entry is not None and entry.status == "pending_review":
            session.delete(entry)
        return
    if entry is None:
        entry = LedgerEntry(document_id=doc.id, status="pending_review")
        session.add(entry)

    def norm(name: str) -> Any:
        f = fields.get(name)
        if f is None:
            return None
        v = f.normalized if f.normalized not in (None, "") else f.value
        return None if v is None else str(v)

    entry.vendor_key = vendor_key(fields)
    vendor = (session.scalar(select(Vendor).where(Vendor.key == entry.vendor_key))
              if entry.vendor_key else None)
    entry.vendor_id = vendor.id if vendor else None
    entry.vendor_name = norm("vendor_name")
    entry.doc_type = doc.doc_type
    for name in ("invoice_number", "invoice_date", "due_date", "po_number", "currency",
                 "subtotal", "tax_amount", "total_amount", "iban"):
        setattr(entry, name, norm(name))
    if doc.status == "needs_review" and entry.status == "approved":
        entry.status = "pending_review"


def reevaluate(session: Session, document_id: str, actor: str, config: Any) -> Any:
    """Re-run rules and routing on the stored (corrected) fields; update violations,
    queues, status, ledger and the stored result. Returns the `Review`.

    Violations a human already resolved or waived are not re-opened for the same rule;
    an open review task stays open until someone approves or rejects the document.
    """
    import policies
    from records.policy_context import DbPolicyContext

    doc = session.get(Document, document_id)
    if doc is None:
        raise ReviewError(f"no document {document_id}")
    session.flush()
    fields = fields_from_rows(field_rows(session, document_id))
    doc_type = doc.doc_type or "other"
    type_conf = float(doc.type_confidence or 0.0)
    abstained = doc_type == "other" and type_conf < config.type_threshold
    ctx = DbPolicyContext(session, window_days=config.duplicate_window_days)
    violations = policies.evaluate(doc_type, doc.subtype, fields, ctx,
                                   config, document_id=document_id)
    review = policies.route(doc_type, type_conf, abstained, fields, violations, config)

    settled = {v.rule for v in session.scalars(
        select(ViolationRow).where(ViolationRow.document_id == document_id,
                                   ViolationRow.status != "open"))}
    session.execute(delete(ViolationRow).where(ViolationRow.document_id == document_id,
                                               ViolationRow.status == "open"))
    for v in violations:
        if v.rule in settled:
            continue
        session.add(ViolationRow(document_id=document_id, rule=v.rule, severity=v.severity,
                                 message=v.message, policy_version=v.policy_version,
                                 evidence=_jsonable(v.evidence)))
    session.flush()
    reasons = [r for r in review.reasons
               if not (r.startswith("violation:") and r.split(":", 1)[1] in settled)]
    needed = bool(reasons)
    if needed:
        _set_status(session, doc, "needs_review", actor, "re-checked after correction")
    doc.review_needed = needed
    doc.review_reasons = reasons

    low = [r for r in reasons if not r.startswith("violation:")]
    task = _open_task(session, document_id, "review")
    if task is not None:
        task.reasons = low
        task.doc_type = doc_type
    elif low:
        session.add(ReviewTask(document_id=document_id, queue="review", reasons=low,
                               doc_type=doc_type))
    open_rules = [f"violation:{v.rule}" for v in open_violations(session, document_id)]
    task = _open_task(session, document_id, "exception")
    if open_rules:
        if task is None:
            session.add(ReviewTask(document_id=document_id, queue="exception",
                                   reasons=open_rules, doc_type=doc_type))
        else:
            task.reasons, task.doc_type = open_rules, doc_type
    elif task is not None:
        _close_tasks(session, document_id, actor, ("exception",))
    _sync_ledger(session, doc, fields)
    doc.result = result_json(session, doc)
    return review


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def open_violations(session: Session, document_id: str) -> list[ViolationRow]:
    return list(session.scalars(
        select(ViolationRow).where(ViolationRow.document_id == document_id,
                                   ViolationRow.status == "open").order_by(ViolationRow.id)
    ))


def result_json(session: Session, doc: Document) -> dict[str, Any]:
    """The CONTRACT.md result as it stands now: machine output plus human corrections."""
    base = dict(doc.result or {})
    rows = field_rows(session, doc.id)
    fields: dict[str, Any] = {}
    corrections: dict[str, Any] = {}
    for r in rows:
        fields[r.name] = {"value": r.value, "normalized": r.normalized,
                          "confidence": round(float(r.confidence or 0), 4), "page": r.page,
                          "bbox": r.bbox, "source": r.source}
        if r.corrected:
            corrections[r.name] = {
                "original": r.original, "corrected_by": r.corrected_by,
                "corrected_at": r.corrected_at.isoformat() if r.corrected_at else None,
            }
    base.update(
        sha256=doc.sha256, document_id=doc.id, status=doc.status,
        doc_type=doc.doc_type or base.get("doc_type", "other"), subtype=doc.subtype,
        type_confidence=round(float(doc.type_confidence or 0.0), 4), pages=doc.pages,
        ocr_pages=doc.ocr_pages, fields=fields,
        review={"needed": bool(doc.review_needed), "reasons": list(doc.review_reasons or [])},
        violations=[_violation_json(v) for v in open_violations(session, doc.id)],
        corrections=corrections,
    )
    base.setdefault("file", doc.filename)
    base.setdefault("error", None)
    base.setdefault("timings_ms", dict(doc.timings_ms or {}))
    return base


# ---------------------------------------------------------------------- decisions
OVERRIDE_ROLES: dict[str, set[str]] = {
    "invoice": {"approver", "admin"},
    "receipt": {"approver", "admin"},
    "contract": {"legal", "admin"},
    "hr": {"hr", "admin"},
    "other": {"admin", "approver", "legal", "hr"},
}


def approval_limit(roles: set[str], config: Any) -> float | None:
    """The highest total these roles may approve alone; None means no limit (admin)."""
    if "admin" in roles:
        return None
    limits = [float(v) for r, v in (config.approval_limits or {}).items() if r in roles]
    return max(limits) if limits else 0.0


def decide(
    session: Session,
    document_id: str,
    decision: str,
    actor: str,
    roles: set[str],
    config: Any,
    note: str | None = None,
) -> Document:
    """Approve or reject a document; closes its queue items and moves its ledger entry.

    Approving over open violations is an override: only `OVERRIDE_ROLES` may do it, and
    the violations are recorded as waived by that person. Invoices above the user's
    approval limit need someone with a higher one.
    """
    from records import ledger

    doc = session.get(Document, document_id)
    if doc is None:
        raise ReviewError(f"no document {document_id}")
    if decision not in ("approve", "reject"):
        raise ReviewError("decision is approve or reject")
    if doc.status not in OPEN_STATES:
        raise ReviewError(f"a {doc.status} document cannot be decided")
    target = "approved" if decision == "approve" else "rejected"
    if doc.status == target:
        raise ReviewError(f"the document is already {target}")
    doc_type = doc.doc_type or "other"
    entry = session.scalar(select(LedgerEntry).where(LedgerEntry.document_id == document_id))
    if decision == "approve":
        pending = open_violations(session, document_id)
        if pending and not roles & OVERRIDE_ROLES.get(doc_type, {"admin"}):
            raise NotAllowed("open violations: someone with the "
                             f"{' or '.join(sorted(OVERRIDE_ROLES.get(doc_type, {'admin'})))} "
                             "role must approve or resolve them first")
        if entry is not None and entry.total_amount:
            limit = approval_limit(roles, config)
            try:
                total = float(entry.total_amount)
            except ValueError:
                total = 0.0
            if limit is not None and total > limit:
                raise NotAllowed(f"total {entry.total_amount} is above your approval limit "
                                 f"{limit:.2f}")
        for v in pending:
            before = _violation_json(v) | {"status": v.status}
            v.status, v.resolved_by, v.resolved_at = "waived", actor, _now()
            v.note = f"approved over this violation{': ' + note if note else ''}"
            audit(session, actor, "violation.waive", "document", document_id, before,
                  _violation_json(v) | {"status": v.status, "note": v.note})
        session.add(TypeFeedback(document_id=document_id, doc_type=doc_type,
                                 subtype=doc.subtype, predicted_type=doc.doc_type,
                                 actor=actor))
    before = {"status": doc.status}
    _set_status(session, doc, target, actor, note)
    doc.review_needed = False
    _close_tasks(session, document_id, actor)
    audit(session, actor, f"document.{decision}", "document", document_id, before,
          {"status": target, "note": note})
    if entry is not None and entry.status != target and target in ledger.TRANSITIONS.get(
        entry.status, ()
    ):
        ledger.set_status(session, entry, target, actor)
    session.flush()
    doc.result = result_json(session, doc)
    return doc


def resolve_violation(
    session: Session, violation_id: int, action: str, actor: str, note: str | None = None
) -> ViolationRow:
    """Mark one finding resolved (fixed) or waived (accepted); closes the exception item
    when it was the document's last open violation."""
    v = session.get(ViolationRow, violation_id)
    if v is None:
        raise ReviewError(f"no violation {violation_id}")
    status = {"resolve": "resolved", "waive": "waived", "reopen": "open"}.get(action)
    if status is None:
        raise ReviewError("action is resolve, waive or reopen")
    before = _violation_json(v) | {"status": v.status, "note": v.note}
    v.status = status
    v.resolved_by = None if status == "open" else actor
    v.resolved_at = None if status == "open" else _now()
    v.note = note or v.note
    audit(session, actor, f"violation.{action}", "document", v.document_id, before,
          _violation_json(v) | {"status": v.status, "note": v.note})
    session.flush()
    remaining = [f"violation:{x.rule}" for x in open_violations(session, v.document_id)]
    task = _open_task(session, v.document_id, "exception")
    if remaining and task is None:
        doc = session.get(Document, v.document_id)
        session.add(ReviewTask(document_id=v.document_id, queue="exception",
                               reasons=remaining, doc_type=doc.doc_type if doc else None))
    elif task is not None:
        if remaining:
            task.reasons = remaining
        else:
            _close_tasks(session, v.document_id, actor, ("exception",))
    doc = session.get(Document, v.document_id)
    if doc is not None:
        doc.result = result_json(session, doc)
    return v


def soft_delete(session: Session, doc: Document, actor: str) -> None:
    """Mark a document deleted; open review work on it is closed. Audited."""
    if doc.deleted_at is not None:
        return
    now = datetime.now(UTC)
    doc.deleted_at = now
    for task in session.scalars(select(ReviewTask).where(ReviewTask.document_id == doc.id,
                                                         ReviewTask.status == "open")):
        task.status = "done"
        task.closed_at = now
        task.closed_by = actor
    session.add(StatusEvent(document_id=doc.id, status="deleted", actor=actor))
    audit(session, actor, "document.delete", "document", doc.id,
          {"status": doc.status, "deleted_at": None}, {"deleted_at": now.isoformat()})
