"""Upload, document list and detail pages, page images, downloads, and the reviewer's
actions on one document (correct a field or the type, approve/reject, settle a finding).

Every action is a plain HTML form posting back here and redirecting (POST/redirect/GET),
so the pages work without JavaScript and the browser's back button stays sane.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.web.access import VIOLATIONS, Principal
from api.web.bounds import DocumentPage, ListPage, PageNumber, RowId
from api.web.deps import DB, CurrentUser, flash, render
from api.web.field_check import check_field
from api.web.line_items import grid_of
from api.web.queries import (
    QUEUES,
    list_documents,
    neighbours,
    queue_items,
    violations_of,
    visible_document,
)
from api.web.refusals import flashed, refused
from api.web.render import page_png
from records.faults import DISK_FULL, disk_full_message, is_disk_full
from records.filenames import clean_filename
from records.models import (
    AuditLog,
    Document,
    LedgerEntry,
    PageRow,
    StatusEvent,
    ViolationRow,
    aware,
)
from records.rows import field_rows
from search.passages import passage_boxes
from workflow import controls, corrections, decide, leases
from workflow.errors import WorkflowError
from workflow.intake import Intake, receive
from workflow.judge import REVIEW_QUEUE, open_task
from workflow.line_items import LineItemInput
from workflow.states import AP_TYPES, DocumentStatus, Resolution

router = APIRouter()
QUEUE_FULL_RETRY_AFTER_S = 10
STATUSES = tuple(s.value for s in DocumentStatus if s != DocumentStatus.RECEIVED)
PASSAGE = r"^\d{1,9}-\d{1,9}$"  # a search hit's character range: ?passage=1200-2050


async def intake_files(request: Request, files: list[UploadFile], user: Principal) -> list[Intake]:
    """Store every upload and queue the new ones; shared by the page and the API. Each file
    first takes a place in the bounded processing queue: when it is full the upload is
    refused (503 with Retry-After) before its original is stored."""
    state = request.app.state
    out = []
    for f in files:
        data = await f.read()
        if not data and not f.filename:
            continue
        if not state.jobs.reserve():
            raise HTTPException(503, "the processing queue is full; retry later",
                                headers={"Retry-After": str(QUEUE_FULL_RETRY_AFTER_S)})
        queued = False
        try:
            intake = await asyncio.to_thread(receive, state.sessions, state.blobs,
                                             f.filename or "upload", data, user.username)
            if intake.queued:
                intake.status = DocumentStatus.PROCESSING
                intake.future = state.jobs.submit(intake.document_id, user.username,
                                                  reserved=True)
                queued = True
        except Exception as exc:
            if is_disk_full(exc):
                raise HTTPException(507, f"{DISK_FULL}: {disk_full_message(exc)}") from None
            raise
        finally:
            if not queued:
                state.jobs.release()
        out.append(intake)
    return out


@router.get("/upload")
def upload_page(request: Request, user: CurrentUser) -> Response:
    return render(request, "upload.html", {"max_mb": request.app.state.settings.max_bytes >> 20})


@router.post("/upload")
async def upload_form(request: Request, files: Annotated[list[UploadFile], File()],
                      user: CurrentUser) -> Response:
    got = await intake_files(request, files, user)
    flash(request, f"{len(got)} file(s) received; processing runs in the background.")
    return RedirectResponse("/documents", status_code=303)


@router.get("/documents")
def documents_page(
    request: Request,
    user: CurrentUser,
    session: DB,
    type: str | None = None,
    status: str | None = None,
    q: str | None = None,
    page: ListPage = 1,
) -> Response:
    docs, total = list_documents(session, user, type or None, status or None, q or None,
                                 limit=50, offset=(page - 1) * 50)
    types, _ = user.visible_types()
    return render(request, "documents.html", {
        "docs": docs, "total": total, "page": page, "pages": max(1, (total + 49) // 50),
        "filters": {"type": type or "", "status": status or "", "q": q or ""},
        "types": [*types, "other"], "statuses": STATUSES,
    })


def findings_only(session: Session, user: Principal, document_id: str) -> Document | None:
    """The document whose findings (not contents) this compliance user may review, or
    None. Only a document with findings: those already show in the exception queue, so
    the page reveals nothing new; any other hidden document answers 404 like a missing one."""
    doc = session.get(Document, document_id)
    if doc is None or doc.deleted_at is not None or user.can_view(doc) \
            or not user.has(VIOLATIONS) or not violations_of(session, doc.id):
        return None
    return doc


def _page_rows(session: Session, document_id: str) -> list[PageRow]:
    return list(session.scalars(
        select(PageRow).where(PageRow.document_id == document_id).order_by(PageRow.number)))


@dataclass(frozen=True, slots=True)
class LeaseView:
    """The review lease as the page shows it, read without taking it: a GET stays safe,
    the page takes the item with a POST (its script on load, or the button)."""

    holder: str | None
    until: str | None  # HH:MM UTC
    mine: bool


def _lease_view(session: Session, user: Principal, document_id: str) -> LeaseView | None:
    task = open_task(session, document_id, REVIEW_QUEUE)
    if task is None:
        return None
    holder = leases.holder(task)
    until = aware(task.lease_until).strftime("%H:%M") if holder and task.lease_until else None
    return LeaseView(holder, until, holder == user.username)


@router.get("/documents/{document_id}")
def document_page(
    request: Request,
    document_id: str,
    user: CurrentUser,
    session: DB,
    page: DocumentPage = 1,
    queue: str | None = None,
    passage: Annotated[str | None, Query(max_length=40, pattern=PASSAGE)] = None,
) -> Response:
    """The review page; `passage=START-END` (a search hit's characters in the document's
    text) draws the boxes of the words that print it on the page."""
    restricted = findings_only(session, user, document_id)
    if restricted is not None:
        return render(request, "document_restricted.html", {
            "doc": restricted, "violations": violations_of(session, restricted.id),
            "resolutions": [r.value for r in Resolution]})
    doc = visible_document(session, user, document_id)
    pages = _page_rows(session, doc.id)
    n_pages = max(len(pages), doc.pages or 0, 1)
    page = min(max(1, page), n_pages)
    current = next((p for p in pages if p.number == page), None)
    rows = field_rows(session, doc.id)
    boxes = [r for r in rows if r.bbox and (r.page or 1) == page]
    marked = []
    if passage and current is not None:
        start, end = (int(x) for x in passage.split("-"))
        marked = passage_boxes([p.text or "" for p in pages], page, current.words or [],
                               start, end)
    prev_id = next_id = None
    lease = _lease_view(session, user, doc.id) \
        if queue == "review" and user.can_edit(doc) else None
    if queue in QUEUES:
        prev_id, next_id = neighbours(queue_items(session, user, queue), doc.id)
    history = session.scalars(select(StatusEvent).where(StatusEvent.document_id == doc.id)
                              .order_by(StatusEvent.at, StatusEvent.id)).all()
    entry = session.scalar(select(LedgerEntry).where(LedgerEntry.document_id == doc.id))
    known = set(corrections.FIELD_NAMES.get(doc.doc_type or "other", ())) - {r.name for r in rows}
    reasons = list(doc.review_reasons or [])
    grid = None
    if doc.doc_type in AP_TYPES or any(r.name == corrections.LINE_ITEMS for r in rows):
        grid = grid_of(rows, doc.doc_type, request.app.state.policy_config,
                       f"low_confidence:{corrections.LINE_ITEMS}" in reasons)
    return render(request, "document.html", {
        "doc": doc, "fields": [r for r in rows if r.name != corrections.LINE_ITEMS],
        "grid": grid, "boxes": boxes, "passage": marked, "page": page, "n_pages": n_pages,
        "page_row": current, "violations": violations_of(session, doc.id), "history": history,
        "queue": queue if queue in QUEUES else None, "prev_id": prev_id, "next_id": next_id,
        "can_edit": user.can_edit(doc), "ledger": entry, "is_admin": "admin" in user.roles,
        "can_settle": user.can_edit(doc) or user.has(VIOLATIONS),
        "blocking": controls.BLOCKING_RULES, "resolutions": [r.value for r in Resolution],
        "missing_fields": sorted(known - {corrections.LINE_ITEMS}),
        "doc_types": corrections.DOC_TYPES, "reasons": reasons, "lease": lease,
    })


@router.post("/documents/{document_id}/lease")
def take_lease_form(request: Request, document_id: str, user: CurrentUser,
                    session: DB) -> Response:
    """Take the document's review item (the page's button; its script uses the API)."""
    doc = _editable(session, user, document_id)
    try:
        task = leases.take(session, doc.id, user.username)
        session.commit()
        flash(request, f"You hold this item until {aware(task.lease_until).strftime('%H:%M')} "
              "UTC.")
    except WorkflowError as exc:
        session.rollback()
        flash(request, str(exc), "error")
    return RedirectResponse(_back(doc.id, "review"), status_code=303)


@router.get("/documents/{document_id}/pages/{number}.png")
def page_image(request: Request, document_id: str, number: PageNumber,
               user: CurrentUser,
               session: DB) -> Response:
    doc = visible_document(session, user, document_id)
    if number < 1 or number > max(doc.pages or 0, 1):
        raise HTTPException(404, "no such page")
    row = session.scalar(select(PageRow).where(PageRow.document_id == doc.id,
                                               PageRow.number == number))
    state = request.app.state
    try:
        png = page_png(state.page_cache, doc, row, number, lambda: state.blobs.get(doc.sha256))
    except FileNotFoundError:
        raise HTTPException(404, "the original is missing from the blob store") from None
    return Response(png, media_type="image/png",
                    headers={"Cache-Control": "private, max-age=3600"})


@router.get("/documents/{document_id}/pages/{number}/words")
def page_words(document_id: str, number: PageNumber, user: CurrentUser,
               session: DB) -> dict[str, Any]:
    """The page's words and boxes (page coordinates) for click-to-capture on the review
    page; the same access check as the page image, so HR pages stay 404 to others."""
    doc = visible_document(session, user, document_id)
    if number < 1 or number > max(doc.pages or 0, 1):
        raise HTTPException(404, "no such page")
    row = session.scalar(select(PageRow).where(PageRow.document_id == doc.id,
                                               PageRow.number == number))
    if row is None:  # not read yet (processing): no words, like the page image's fallback
        return {"page": number, "width": None, "height": None, "words": []}
    words = [{"text": str(w[0]), "bbox": [float(c) for c in w[1:5]]}
             for w in (row.words or []) if len(w) >= 5]
    return {"page": number, "width": row.width, "height": row.height, "words": words}


@router.get("/documents/{document_id}/original")
def original(request: Request, document_id: str, user: CurrentUser,
             session: DB) -> Response:
    doc = visible_document(session, user, document_id)
    try:
        data = request.app.state.blobs.get(doc.sha256)
    except FileNotFoundError:
        raise HTTPException(404, "the original is missing from the blob store") from None
    # Always a download, never rendered inline: an uploaded HTML file must not run here.
    name = quote(clean_filename(doc.filename))
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


def _back(document_id: str, queue: str | None, anchor: str = "") -> str:
    q = f"?queue={queue}" if queue in QUEUES else ""
    return f"/documents/{document_id}{q}{anchor}"


def _editable(session: Session, user: Principal, document_id: str) -> Document:
    doc = visible_document(session, user, document_id)
    if not user.can_edit(doc):
        raise HTTPException(403, "your roles do not allow changing this document")
    return doc


def _reindex(request: Request, document_id: str) -> None:
    jobs = getattr(request.app.state, "jobs", None)
    if jobs is not None and hasattr(jobs, "reindex"):
        jobs.reindex(document_id)


T = TypeVar("T")


def _correct(request: Request, session: Session, document_id: str, change: Callable[[], T]) -> T:
    """A person's change: committed and re-indexed, or rolled back and refused with the
    workflow's reason (the form and the JSON API share this)."""
    try:
        out = change()
    except WorkflowError as exc:
        raise refused(session, exc) from None
    session.commit()
    _reindex(request, document_id)
    return out


def apply_field(request: Request, session: Session, user: Principal, document_id: str,
                name: str, value: str, reason: str | None = None, clear: bool = False) -> Any:
    """Correct a field, or clear its value (`clear`, with a reason)."""
    _editable(session, user, document_id)
    config = request.app.state.policy_config
    if clear:
        return _correct(request, session, document_id, lambda: corrections.clear_field(
            session, document_id, name, reason or "", user.username, config))
    return _correct(request, session, document_id, lambda: corrections.correct_field(
        session, document_id, name, value, user.username, config, reason))


def apply_type(request: Request, session: Session, user: Principal, document_id: str,
               doc_type: str, subtype: str | None) -> Document:
    """A reviewer's type correction, for the form and the JSON API alike."""
    doc = _editable(session, user, document_id)
    if not user.could_view_as(doc, doc_type):
        raise HTTPException(403, "you could no longer see the document with that type")
    _correct(request, session, document_id, lambda: corrections.correct_type(
        session, document_id, doc_type, subtype, user.username,
        request.app.state.policy_config))
    return doc


@router.post("/documents/{document_id}/fields")
def correct_field(
    request: Request,
    document_id: str,
    name: Annotated[str, Form()],
    user: CurrentUser,
    session: DB,
    value: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    action: Annotated[str, Form()] = "save",
    queue: Annotated[str | None, Form()] = None,
) -> Response:
    clear = action == "clear"
    try:
        row = apply_field(request, session, user, document_id, name, value, reason, clear)
        done = "Cleared" if clear else "Saved" if row.corrected else "Confirmed"
        flash(request, f"{done} {name}.")
    except HTTPException as exc:
        if not flashed(exc):
            raise
        flash(request, f"Not saved: {exc.detail}", "error")
    return RedirectResponse(_back(document_id, queue, "#fields"), status_code=303)


@router.get("/documents/{document_id}/fields/{name}/check")
def check_field_value(
    document_id: str,
    name: Annotated[str, Path(max_length=60, pattern=r"^[a-z][a-z0-9_]{0,59}$")],
    user: CurrentUser,
    session: DB,
    value: Annotated[str, Query(max_length=200)] = "",
) -> dict[str, Any]:
    """What `value` would be saved as for the field, or why it would be refused, for the
    note beside the input on the review page; nothing is saved (the save path re-checks)."""
    doc = _editable(session, user, document_id)
    currency = next((r.normalized for r in field_rows(session, doc.id)
                     if r.name == "currency" and isinstance(r.normalized, str)), None)
    return check_field(name, value, currency).as_json()


def apply_line_items(request: Request, session: Session, user: Principal, document_id: str,
                     rows: list[LineItemInput], reason: str | None = None) -> Any:
    """The line-item grid's rows, for the form (and any future API caller)."""
    _editable(session, user, document_id)
    return _correct(request, session, document_id, lambda: corrections.correct_line_items(
        session, document_id, rows, user.username, request.app.state.policy_config, reason))


def _column(values: list[str], k: int) -> str:
    return values[k] if k < len(values) else ""


@router.post("/documents/{document_id}/line-items")
def save_line_items(
    request: Request,
    document_id: str,
    user: CurrentUser,
    session: DB,
    description: Annotated[list[str] | None, Form()] = None,
    quantity: Annotated[list[str] | None, Form()] = None,
    unit_price: Annotated[list[str] | None, Form()] = None,
    amount: Annotated[list[str] | None, Form()] = None,
    tax: Annotated[list[str] | None, Form()] = None,
    reason: Annotated[str, Form()] = "",
    queue: Annotated[str | None, Form()] = None,
) -> Response:
    """The grid posts its columns as parallel lists, in the rows' order on the page."""
    cols = [description or [], quantity or [], unit_price or [], amount or [], tax or []]
    rows = [LineItemInput(*(_column(c, k) for c in cols))
            for k in range(max(len(c) for c in cols))]
    try:
        got = apply_line_items(request, session, user, document_id, rows, reason)
        n = len(got.value or [])
        flash(request, f"Saved {n} line item{'' if n == 1 else 's'}.")
    except HTTPException as exc:
        if not flashed(exc):
            raise
        flash(request, f"Not saved: {exc.detail}", "error")
    return RedirectResponse(_back(document_id, queue, "#line-items"), status_code=303)


@router.post("/documents/{document_id}/type")
def correct_type(
    request: Request,
    document_id: str,
    doc_type: Annotated[str, Form()],
    user: CurrentUser,
    session: DB,
    subtype: Annotated[str, Form()] = "",
    queue: Annotated[str | None, Form()] = None,
) -> Response:
    try:
        apply_type(request, session, user, document_id, doc_type, subtype)
        flash(request, f"Type set to {doc_type}.")
    except HTTPException as exc:
        if not flashed(exc):
            raise
        flash(request, f"Not saved: {exc.detail}", "error")
    return RedirectResponse(_back(document_id, queue), status_code=303)


def apply_decision(request: Request, session: Session, user: Principal, document_id: str,
                   decision: str, note: str | None) -> Document:
    _editable(session, user, document_id)
    try:
        doc = decide.decide(session, document_id, decision, user.username, user.roles,
                            request.app.state.policy_config, note or None)
    except WorkflowError as exc:
        raise refused(session, exc) from None
    session.commit()
    return doc


DONE = {"approve": "approved", "reject": "rejected", "escalate": "escalated"}


@router.post("/documents/{document_id}/decision")
def decision(
    request: Request,
    document_id: str,
    decision: Annotated[str, Form()],
    user: CurrentUser,
    session: DB,
    note: Annotated[str, Form()] = "",
    queue: Annotated[str | None, Form()] = None,
) -> Response:
    next_id = None
    if queue in QUEUES:
        _, next_id = neighbours(queue_items(session, user, queue), document_id)
    try:
        apply_decision(request, session, user, document_id, decision, note)
    except HTTPException as exc:
        if exc.status_code == 404:
            raise
        flash(request, f"Not done: {exc.detail}", "error")
        return RedirectResponse(_back(document_id, queue), status_code=303)
    flash(request, f"Document {DONE.get(decision, decision)}.")
    if queue in QUEUES:
        return RedirectResponse(_back(next_id, queue) if next_id else f"/queues/{queue}",
                                status_code=303)
    return RedirectResponse(_back(document_id, None), status_code=303)


def delete_document(request: Request, session: Session, user: Principal,
                    document_id: str) -> None:
    """Soft delete (admin): the document leaves lists, queues, the ledger's duplicate
    checks and search; the original and its history stay (nothing is ever lost)."""
    doc = visible_document(session, user, document_id)
    if "admin" not in user.roles:
        raise HTTPException(403, "only an admin may delete documents")
    decide.soft_delete(session, doc, user.username)
    session.commit()
    _reindex(request, document_id)


@router.post("/documents/{document_id}/delete")
def delete_form(request: Request, document_id: str, user: CurrentUser,
                session: DB) -> Response:
    delete_document(request, session, user, document_id)
    flash(request, "Document deleted. Its original is kept in the data dir.")
    return RedirectResponse("/documents", status_code=303)


def settle_finding(request: Request, session: Session, user: Principal, violation_id: int,
                   action: str, resolution: str, reason: str) -> ViolationRow:
    """Resolve (with a resolution and a reason) or reopen one finding; pages and API."""
    v = session.get(ViolationRow, violation_id)
    doc = session.get(Document, v.document_id) if v is not None else None
    if v is None or doc is None or not user.can_see_violation_of(doc):
        raise HTTPException(404, "no such finding")
    try:
        if action == "reopen":
            decide.reopen_finding(session, violation_id, user.username, user.roles,
                                  user.can_edit(doc), reason)
        elif action == "resolve":
            decide.resolve_finding(session, violation_id, resolution, reason, user.username,
                                   user.roles, user.can_edit(doc),
                                   request.app.state.policy_config)
        else:
            raise HTTPException(422, "the action is resolve or reopen")
    except WorkflowError as exc:
        raise refused(session, exc) from None
    session.commit()
    return v


@router.post("/violations/{violation_id}")
def settle_violation(
    request: Request,
    violation_id: RowId,
    user: CurrentUser,
    session: DB,
    action: Annotated[str, Form()] = "resolve",
    resolution: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    queue: Annotated[str | None, Form()] = None,
) -> Response:
    v = session.get(ViolationRow, violation_id)
    doc_id = v.document_id if v is not None else ""
    try:
        got = settle_finding(request, session, user, violation_id, action, resolution, note)
        flash(request, f"Finding {got.rule} {'reopened' if action == 'reopen' else 'resolved'}.")
    except HTTPException as exc:
        if not flashed(exc):
            raise
        flash(request, f"Not done: {exc.detail}", "error")
    return RedirectResponse(_back(doc_id, queue, "#violations"), status_code=303)


def audit_of(session: Session, document_id: str) -> list[AuditLog]:
    return list(session.scalars(
        select(AuditLog).where(AuditLog.entity_type == "document",
                               AuditLog.entity_id == document_id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())))
