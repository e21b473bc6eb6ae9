"""Judging a stored document: run the policies on its current (corrected) fields, file its
findings, queues and status, and keep its ledger entry in step. Processing and every
human change end here, so the two cannot disagree.

A finding a person resolved is not reopened for the same rule; an open review item
stays open until someone decides the document.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

import policies
from policies.config import PolicyConfig
from policies.logged import evaluate_logged
from policies.types import Review, Violation
from records.models import Document, ReviewTask, StatusEvent, ViolationRow
from records.rows import field_rows, fields_from_rows, open_violations
from workflow import books, employees, events
from workflow.errors import Invalid
from workflow.policy_context import DbPolicyContext
from workflow.states import DocumentStatus, FindingStatus

REVIEW_QUEUE, EXCEPTION_QUEUE = "review", "exception"
QUEUES = (REVIEW_QUEUE, EXCEPTION_QUEUE)
TASK_OPEN, TASK_CLOSED = "open", "closed"
REOPENED = "changed_after_approval"  # review reason: an approved document's data changed
QA_RULE = "qa.error_found"  # raised by a QA reviewer (`workflow.qa`), not by the rules
# Findings people raise: re-running the rules neither files nor removes them.
RAISED_BY_PEOPLE = frozenset({QA_RULE})


def now() -> datetime:
    return datetime.now(UTC)


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def set_status(session: Session, doc: Document, status: DocumentStatus, actor: str,
               note: str | None = None) -> None:
    if doc.status != status:
        before, doc.status = doc.status, status
        session.add(StatusEvent(document_id=doc.id, status=status, actor=actor, note=note))
        events.status_changed(session, doc, before)


def open_task(session: Session, document_id: str, queue: str) -> ReviewTask | None:
    return session.scalar(
        select(ReviewTask).where(ReviewTask.document_id == document_id,
                                 ReviewTask.queue == queue, ReviewTask.status == TASK_OPEN)
    )


def close_tasks(session: Session, document_id: str, actor: str,
                queues: tuple[str, ...] = QUEUES, status: str = TASK_CLOSED) -> None:
    for task in session.scalars(
        select(ReviewTask).where(ReviewTask.document_id == document_id,
                                 ReviewTask.status == TASK_OPEN, ReviewTask.queue.in_(queues))
    ):
        task.status = status
        task.closed_at = now()
        task.closed_by = actor


def sync_exception_queue(session: Session, doc: Document, actor: str) -> None:
    """The exception item lists the document's open findings, and closes with the last."""
    open_rules = [f"violation:{v.rule}" for v in open_violations(session, doc.id)]
    task = open_task(session, doc.id, EXCEPTION_QUEUE)
    if open_rules:
        if task is None:
            session.add(ReviewTask(document_id=doc.id, queue=EXCEPTION_QUEUE,
                                   reasons=open_rules, doc_type=doc.doc_type))
        else:
            task.reasons, task.doc_type = open_rules, doc.doc_type
    elif task is not None:
        close_tasks(session, doc.id, actor, (EXCEPTION_QUEUE,))


def evaluate(session: Session, doc: Document, config: PolicyConfig
             ) -> tuple[list[Violation], Review]:
    """The policies' findings and routing for the document's stored fields."""
    fields = fields_from_rows(field_rows(session, doc.id))
    doc_type = doc.doc_type or "other"
    type_conf = float(doc.type_confidence or 0.0)
    abstained = doc_type == "other" and type_conf < config.type_threshold
    ctx = DbPolicyContext(session, window_days=config.duplicate_window_days)
    # every evaluation is appended to the hash-chained decision log (rule, inputs read,
    # outcome, policy version), so `backoffice policies replay` can re-run it
    violations = evaluate_logged(session, doc_type, doc.subtype, fields, ctx, config,
                                 document_id=doc.id)
    review = policies.route(doc_type, type_conf, abstained, fields, violations, config)
    return violations, review


def file_findings(session: Session, doc: Document, violations: list[Violation],
                  review: Review, actor: str) -> list[str]:
    """Replace the open findings with `violations` (not reopening a rule a person already
    resolved) and file the review item; returns the reasons that still need a person."""
    settled = {v.rule for v in session.scalars(
        select(ViolationRow).where(ViolationRow.document_id == doc.id,
                                   ViolationRow.status != FindingStatus.OPEN))}
    # an open finding the rules still report keeps its row (its assignee, comments and
    # age in the work queue); one they no longer report goes
    kept: dict[str, list[ViolationRow]] = {}
    for row in session.scalars(select(ViolationRow).where(
            ViolationRow.document_id == doc.id, ViolationRow.status == FindingStatus.OPEN,
            ViolationRow.rule.not_in(RAISED_BY_PEOPLE)).order_by(ViolationRow.id)):
        kept.setdefault(row.rule, []).append(row)
    for v in violations:
        if v.rule in settled:
            continue
        rows = kept.get(v.rule)
        if rows:
            row = rows.pop(0)
            row.severity, row.message, row.policy_version = v.severity, v.message, v.policy_version
            row.evidence = jsonable(v.evidence)
            continue
        session.add(ViolationRow(document_id=doc.id, rule=v.rule, severity=v.severity,
                                 message=v.message, policy_version=v.policy_version,
                                 evidence=jsonable(v.evidence), status=FindingStatus.OPEN))
        events.emit(session, events.Event.FINDING_RAISED, doc, rule=v.rule,
                    severity=v.severity)  # a new row: raised now, not re-filed by a re-check
    gone = [row.id for rows in kept.values() for row in rows]
    if gone:
        session.execute(delete(ViolationRow).where(ViolationRow.id.in_(gone)))
    session.flush()
    reasons = [r for r in review.reasons
               if not (r.startswith("violation:") and r.split(":", 1)[1] in settled)]
    low = [r for r in reasons if not r.startswith("violation:")]
    task = open_task(session, doc.id, REVIEW_QUEUE)
    if task is not None:
        task.reasons, task.doc_type = low, doc.doc_type
    elif low:
        session.add(ReviewTask(document_id=doc.id, queue=REVIEW_QUEUE, reasons=low,
                               doc_type=doc.doc_type))
    sync_exception_queue(session, doc, actor)
    doc.review_needed = bool(reasons)
    doc.review_reasons = reasons
    return reasons


def reevaluate(session: Session, document_id: str, actor: str, config: PolicyConfig,
               note: str = "re-checked after correction") -> Review:
    """Re-run rules and routing on the stored (corrected) fields; update findings,
    queues, status, ledger and the stored result. A change to an approved document's data
    reopens it: the approval was given to the data as it was (`REOPENED`)."""
    doc = session.get(Document, document_id)
    if doc is None:
        raise Invalid(f"no document {document_id}")
    session.flush()
    was_approved = doc.status in (DocumentStatus.APPROVED, DocumentStatus.AUTO_APPROVED)
    violations, review = evaluate(session, doc, config)
    reasons = file_findings(session, doc, violations, review, actor)
    if was_approved:
        reasons = [*reasons, REOPENED]
        doc.review_needed, doc.review_reasons = True, reasons
        task = open_task(session, doc.id, REVIEW_QUEUE)
        if task is None:
            session.add(ReviewTask(document_id=doc.id, queue=REVIEW_QUEUE, reasons=[REOPENED],
                                   doc_type=doc.doc_type))
        else:
            task.reasons = [*(task.reasons or []), REOPENED]
    if reasons:
        set_status(session, doc, DocumentStatus.NEEDS_REVIEW, actor, note)
    books.file_entry(session, doc, fields_from_rows(field_rows(session, document_id)), actor)
    employees.follow(session, doc, actor)  # the employee record follows a correction too
    doc.result = result_json(session, doc)
    return review


def violation_json(v: ViolationRow) -> dict[str, Any]:
    return {"rule": v.rule, "severity": v.severity, "message": v.message,
            "policy_version": v.policy_version}


def finding_json(v: ViolationRow) -> dict[str, Any]:
    return {**violation_json(v), "status": v.status, "resolution": v.resolution,
            "reason": v.note, "resolved_by": v.resolved_by}


def result_json(session: Session, doc: Document) -> dict[str, Any]:
    """The CONTRACT.md result as it stands now: machine output plus human corrections."""
    base = dict(doc.result or {})
    fields: dict[str, Any] = {}
    corrections: dict[str, Any] = {}
    for r in field_rows(session, doc.id):
        if r.value is not None or r.normalized is not None:
            fields[r.name] = {"value": r.value, "normalized": r.normalized,
                              "confidence": round(float(r.confidence or 0), 4), "page": r.page,
                              "bbox": r.bbox, "source": r.source}
        if r.corrected:
            corrections[r.name] = {
                "original": r.original, "corrected_by": r.corrected_by,
                "corrected_at": r.corrected_at.isoformat() if r.corrected_at else None,
                "cleared": r.value is None and r.normalized is None, "reason": r.note,
            }
    base.update(
        sha256=doc.sha256, document_id=doc.id, status=doc.status,
        doc_type=doc.doc_type or base.get("doc_type", "other"), subtype=doc.subtype,
        type_confidence=round(float(doc.type_confidence or 0.0), 4), pages=doc.pages,
        ocr_pages=doc.ocr_pages, fields=fields,
        review={"needed": bool(doc.review_needed), "reasons": list(doc.review_reasons or [])},
        violations=[violation_json(v) for v in open_violations(session, doc.id)],
        corrections=corrections,
    )
    base.setdefault("file", doc.filename)
    base.setdefault("error", None)
    base.setdefault("timings_ms", dict(doc.timings_ms or {}))
    return base
