"""People's decisions on a document: approve, reject or escalate it, resolve or reopen
a finding, pay its ledger entry, delete it. Each step checks `workflow.controls` first
and is audited; the ledger entry then follows the document (`workflow.books`).

Approving never resolves anything: blocking findings must already be resolved one by
one, and any other open finding stays open (and in the exception queue) for someone to
settle with a reason.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from policies.config import PolicyConfig
from records.audit import audit
from records.decisions import record_human
from records.models import (
    Document,
    LedgerEntry,
    ReviewTask,
    StatusEvent,
    TypeFeedback,
    ViolationRow,
)
from records.rows import field_rows, fields_from_rows, open_violations
from records.vendors import resolve_vendor
from workflow import books, controls, events, leases, qa
from workflow.errors import Conflict, Invalid
from workflow.judge import (
    REVIEW_QUEUE,
    close_tasks,
    evaluate,
    finding_json,
    now,
    result_json,
    set_status,
    sync_exception_queue,
)
from workflow.states import (
    AP_TYPES,
    DECISIONS,
    LEDGER_ACTIONS,
    Decision,
    DocumentStatus,
    FindingStatus,
    LedgerStatus,
    Resolution,
)

ESCALATED = "escalated"
BANK_RULE = controls.BANK_RULE
_VERB = {Decision.APPROVE: "approved", Decision.REJECT: "rejected",
         Decision.ESCALATE: "escalated"}


def _document(session: Session, document_id: str) -> Document:
    doc = session.get(Document, document_id)
    if doc is None or doc.deleted_at is not None:
        raise Invalid(f"no document {document_id}")
    return doc


def _parse_decision(decision: str) -> Decision:
    try:
        return Decision(decision)
    except ValueError:
        raise Invalid("the decision is approve, reject or escalate") from None


def decide(
    session: Session,
    document_id: str,
    decision: str,
    actor: str,
    roles: set[str] | frozenset[str],
    config: PolicyConfig,
    note: str | None = None,
) -> Document:
    """Approve, reject or escalate a document; its queues and ledger entry follow."""
    doc = _document(session, document_id)
    choice = _parse_decision(decision)
    leases.require_free(session, document_id, actor)
    status = DocumentStatus(doc.status)
    target = DECISIONS[choice].get(status)
    if target is None:
        if status == DocumentStatus.REJECTED:
            raise Conflict("the document was rejected; a rejected document cannot be "
                           f"{_VERB[choice]}")
        if status == DocumentStatus.APPROVED and choice == Decision.APPROVE:
            raise Conflict("the document is already approved")
        raise Conflict(f"a {status.value.replace('_', ' ')} document cannot be "
                       f"{_VERB[choice]}")
    note = (note or "").strip() or None
    entry = books.entry_of(session, document_id)
    if entry is not None and entry.status == LedgerStatus.PAID:
        raise Conflict("the invoice is paid; its decision no longer changes")
    if choice == Decision.APPROVE:
        _check_approval(session, doc, entry, actor, roles, config)
    elif choice == Decision.ESCALATE and not note:
        raise Invalid("say why you escalate the document")
    before = {"status": doc.status}
    if choice == Decision.ESCALATE:
        reasons = [r for r in (doc.review_reasons or []) if r != ESCALATED]
        doc.review_reasons = [*reasons, ESCALATED]
        doc.review_needed = True
        set_status(session, doc, target, actor, note)
        session.add(StatusEvent(document_id=doc.id, status=ESCALATED, actor=actor, note=note))
        task = session.scalar(select(ReviewTask).where(
            ReviewTask.document_id == doc.id, ReviewTask.queue == REVIEW_QUEUE,
            ReviewTask.status == "open"))
        if task is None:
            session.add(ReviewTask(document_id=doc.id, queue=REVIEW_QUEUE, reasons=[ESCALATED],
                                   doc_type=doc.doc_type))
        elif ESCALATED not in (task.reasons or []):
            task.reasons = [*(task.reasons or []), ESCALATED]
    else:
        reviewed = status == DocumentStatus.NEEDS_REVIEW
        set_status(session, doc, target, actor, note)
        doc.review_needed = False
        doc.review_reasons = []
        if choice == Decision.REJECT:
            close_tasks(session, doc.id, actor)
        else:
            close_tasks(session, doc.id, actor, (REVIEW_QUEUE,))
            sync_exception_queue(session, doc, actor)
            session.add(TypeFeedback(document_id=document_id, doc_type=doc.doc_type or "other",
                                     subtype=doc.subtype, predicted_type=doc.doc_type,
                                     actor=actor))
            _accept_bank_details(session, doc, entry)
            if reviewed:  # drawn for a blind second review at the [qa] rate
                qa.sample_after_review(session, doc, actor, config)
    still_open = [v.rule for v in open_violations(session, doc.id)]
    audit(session, actor, f"document.{choice.value}", "document", document_id, before,
          {"status": target.value, "note": note, "open_findings": still_open})
    record_human(session, actor, f"document.{choice.value}", document_id, "status", before,
                 {"status": target.value, "open_findings": still_open}, reason=note,
                 roles=sorted(roles))
    session.flush()
    books.file_entry(session, doc, fields_from_rows(field_rows(session, doc.id)), actor)
    session.flush()
    doc.result = result_json(session, doc)
    return doc


def _check_approval(session: Session, doc: Document, entry: LedgerEntry | None, actor: str,
                    roles: set[str] | frozenset[str], config: PolicyConfig) -> None:
    """Every control an approval must pass, most fundamental first."""
    controls.require_no_blocking(session, doc.id, "approved")
    if doc.doc_type in AP_TYPES:
        controls.require_four_eyes(session, doc, entry, actor)
    controls.require_within_limit(entry, roles, config)
    if entry is not None:
        other = books.already_booked(session, entry)
        if other is not None:
            raise Conflict(f"invoice {entry.invoice_number} of "
                           f"{entry.vendor_name or entry.vendor_key} is already approved in "
                           f"the AP ledger (document {other.document_id}); a vendor's "
                           "invoice number is approved only once")


def _accept_bank_details(session: Session, doc: Document, entry: LedgerEntry | None) -> None:
    """A known vendor's new IBAN joins the vendor master once a person accepted the
    `ap.bank_details_changed` finding (in that person's name) and someone else approved."""
    if entry is None or not entry.iban:
        return
    finding = session.scalar(select(ViolationRow).where(
        ViolationRow.document_id == doc.id, ViolationRow.rule == BANK_RULE,
        ViolationRow.status == FindingStatus.RESOLVED))
    if finding is None or finding.resolution == Resolution.FALSE_POSITIVE:
        return
    vendor = resolve_vendor(session, entry.vendor_key)
    if vendor is not None and finding.resolved_by:
        books.add_bank_details(session, vendor, entry.iban, finding.resolved_by,
                               finding.note or "")


def _parse_resolution(resolution: str) -> Resolution:
    try:
        return Resolution(resolution)
    except ValueError:
        choices = ", ".join(r.value for r in Resolution)
        raise Invalid(f"the resolution is one of {choices}") from None


def resolve_finding(
    session: Session,
    violation_id: int,
    resolution: str,
    reason: str,
    actor: str,
    roles: set[str] | frozenset[str],
    can_edit: bool,
    config: PolicyConfig,
) -> ViolationRow:
    """Resolve one finding with a resolution and a reason; the exception item closes with
    the document's last open finding. Blocking findings: approvers and compliance only.
    `fixed` is accepted only when the rule, run again on the current data, no longer
    finds it (otherwise nothing was fixed: say false positive or accepted risk)."""
    v = session.get(ViolationRow, violation_id)
    if v is None:
        raise Invalid(f"no finding {violation_id}")
    controls.require_may_resolve(v, roles, can_edit)
    how = _parse_resolution(resolution)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("give a reason for resolving the finding")
    if v.status != FindingStatus.OPEN:
        raise Conflict(f"the finding {v.rule} is already resolved")
    doc = _document(session, v.document_id)
    if doc.status == DocumentStatus.REJECTED:
        raise Conflict("the document was rejected; its findings are closed with it")
    if how == Resolution.FIXED and v.rule in {x.rule for x in evaluate(session, doc, config)[0]}:
        raise Conflict(f"{v.rule} still applies to the document's current data; correct the "
                       "data first, or resolve it as false_positive or accepted_risk")
    before = finding_json(v)
    v.status, v.resolution, v.note = FindingStatus.RESOLVED, how, reason
    v.resolved_by, v.resolved_at = actor, now()
    audit(session, actor, "violation.resolve", "document", v.document_id, before,
          finding_json(v))
    record_human(session, actor, f"finding.{how.value}", v.document_id, f"finding:{v.id}",
                 before, {"rule": v.rule, "status": v.status}, reason=reason)
    events.emit(session, events.Event.FINDING_RESOLVED, doc, finding_id=v.id, rule=v.rule,
                resolution=how.value)
    session.flush()
    sync_exception_queue(session, doc, actor)
    doc.result = result_json(session, doc)
    return v


def reopen_finding(session: Session, violation_id: int, actor: str,
                   roles: set[str] | frozenset[str], can_edit: bool,
                   reason: str | None = None) -> ViolationRow:
    v = session.get(ViolationRow, violation_id)
    if v is None:
        raise Invalid(f"no finding {violation_id}")
    controls.require_may_resolve(v, roles, can_edit)
    if v.status == FindingStatus.OPEN:
        raise Conflict(f"the finding {v.rule} is already open")
    doc = _document(session, v.document_id)
    if doc.status in (DocumentStatus.APPROVED, DocumentStatus.REJECTED):
        raise Conflict(f"the document is {doc.status}; its findings no longer reopen")
    before = finding_json(v)
    v.status, v.resolution, v.resolved_by, v.resolved_at = FindingStatus.OPEN, None, None, None
    v.note = (reason or "").strip() or None
    audit(session, actor, "violation.reopen", "document", v.document_id, before,
          finding_json(v))
    record_human(session, actor, "finding.reopen", v.document_id, f"finding:{v.id}",
                 before, {"rule": v.rule, "status": v.status}, reason=v.note)
    events.emit(session, events.Event.FINDING_REOPENED, doc, finding_id=v.id, rule=v.rule)
    session.flush()
    sync_exception_queue(session, doc, actor)
    doc.result = result_json(session, doc)
    return v


def ledger_action(session: Session, entry: LedgerEntry, status: str, actor: str) -> LedgerEntry:
    """What a person may do on the ledger itself: mark an approved invoice paid. Approving
    and rejecting are the document's decision, never a ledger action."""
    try:
        wanted = LedgerStatus(status)
    except ValueError:
        raise Invalid(f"unknown ledger status {status!r}") from None
    if wanted not in LEDGER_ACTIONS:
        raise Conflict("the ledger follows the document's decision: approve or reject the "
                       "document on its page")
    doc = _document(session, entry.document_id)
    if doc.status not in (DocumentStatus.APPROVED, DocumentStatus.AUTO_APPROVED):
        raise Conflict(f"the document is {doc.status.replace('_', ' ')}; only an approved "
                       "invoice can be paid")
    controls.require_no_blocking(session, doc.id, "paid")
    return books.move(session, entry, wanted, actor)


def soft_delete(session: Session, doc: Document, actor: str) -> None:
    """Mark a document deleted; open review work on it is closed. Audited."""
    if doc.deleted_at is not None:
        return
    doc.deleted_at = now()
    close_tasks(session, doc.id, actor, status="done")
    session.add(StatusEvent(document_id=doc.id, status="deleted", actor=actor))
    audit(session, actor, "document.delete", "document", doc.id,
          {"status": doc.status, "deleted_at": None}, {"deleted_at": doc.deleted_at.isoformat()})
