"""The JSON API for scripts and the upload page's JavaScript.

Same access rules and the same domain functions as the pages; results use the
CONTRACT.md shape plus a `corrections` object. Authenticate with HTTP Basic, a bearer
token (`backoffice users token NAME`), or the browser session plus `X-CSRF-Token`.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, File, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from api.web.access import LEDGER_CHANGE, LEDGER_VIEW, SEARCH, Principal
from api.web.bounds import Limit, Offset, RowId
from api.web.deps import DB, CurrentUser, require
from api.web.queries import list_documents, queue_items, violations_of, visible_document
from api.web.refusals import refused
from api.web.routes.documents import (
    apply_decision,
    apply_field,
    apply_type,
    intake_files,
    settle_finding,
)
from api.web.routes.ledger import change_status, visible_entries
from api.web.routes.search import TEXT_PAGE_SIZE, filter_args, run_search, run_text_search
from records import ledger
from records.db import session_scope
from records.models import Document
from workflow import controls, leases
from workflow.errors import WorkflowError
from workflow.intake import Intake
from workflow.judge import finding_json, result_json
from workflow.states import FINAL_STATES, DocumentStatus

router = APIRouter(prefix="/api")


def _summary(doc: Document) -> dict[str, Any]:
    return {"document_id": doc.id, "file": doc.filename, "sha256": doc.sha256,
            "status": doc.status, "doc_type": doc.doc_type, "subtype": doc.subtype,
            "type_confidence": doc.type_confidence, "pages": doc.pages,
            "review_needed": doc.review_needed,
            "created_at": doc.created_at.isoformat() if doc.created_at else None}


def _result_for(request: Request, user: Principal, document_id: str) -> dict[str, Any] | None:
    """The current result, or None when processing has made it invisible to this user."""
    with session_scope(request.app.state.sessions) as s:
        doc = s.get(Document, document_id)
        if doc is None or not user.can_view(doc):
            return None
        return result_json(s, doc)


POLL_S = 0.25  # how often a wait on a broker's worker looks at the document's status
MAX_WAIT_S = 3600.0


@router.post("/documents", responses={202: {
    "description": "wait=false, or not finished within the wait: stored and queued; the "
                   "document ids and status URLs to poll"}})
async def upload(
    request: Request,
    files: Annotated[list[UploadFile], File()],
    user: CurrentUser,
    wait: bool = True,
    timeout: Annotated[float | None, Query(ge=0, le=MAX_WAIT_S)] = None,
) -> JSONResponse:
    """Store and process files. With `wait=true` (default) answer with the results, waiting
    up to `timeout` seconds (default BACKOFFICE_UPLOAD_WAIT, 300) whether a thread of this
    node or a Celery worker elsewhere processes them; what is not finished by then, and
    everything with `wait=false`, is answered 202 with its id and status URL to poll."""
    got = await intake_files(request, files, user)
    if not wait:
        return JSONResponse({"documents": [_queued(g) for g in got]}, status_code=202)
    limit = request.app.state.settings.upload_wait_s if timeout is None else timeout
    deadline = asyncio.get_running_loop().time() + limit
    out, pending = [], False
    for g in got:
        if not await _finished(request, g, deadline):
            pending = True
            out.append(_queued(g))
            continue
        result = await asyncio.to_thread(_result_for, request, user, g.document_id)
        out.append({**(result or {"document_id": g.document_id, "status": "restricted"}),
                    "file": g.file})
    return JSONResponse({"documents": out}, status_code=202 if pending else 200)


def _queued(g: Intake) -> dict[str, Any]:
    return {**g.to_json(), "status_url": f"/api/documents/{g.document_id}/status"}


def _status(request: Request, document_id: str) -> str | None:
    with session_scope(request.app.state.sessions) as s:
        doc = s.get(Document, document_id)
        return doc.status if doc is not None else None


async def _finished(request: Request, g: Intake, deadline: float) -> bool:
    """Whether the document's processing ended before `deadline`: its local future, or (a
    Celery worker on another machine) its status in the shared database."""
    loop = asyncio.get_running_loop()
    if g.future is not None:
        try:
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(g.future)),
                                   max(0.0, deadline - loop.time()))
        except TimeoutError:
            return False
        except Exception:  # noqa: BLE001 - the stored `failed` result says why
            pass
        return True
    while True:
        status = await asyncio.to_thread(_status, request, g.document_id)
        if status != DocumentStatus.PROCESSING:
            return True
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(min(POLL_S, max(0.0, deadline - loop.time())))


@router.get("/documents")
def documents(
    user: CurrentUser,
    session: DB,
    type: str | None = None,
    status: str | None = None,
    q: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    docs, total = list_documents(session, user, type, status, q, limit, offset)
    return {"total": total, "documents": [_summary(d) for d in docs]}


@router.get("/documents/{document_id}")
def document(document_id: str, user: CurrentUser,
             session: DB) -> dict[str, Any]:
    """The CONTRACT.md result, plus `findings`: every finding with the id that
    `POST /api/violations/{id}` resolves or reopens, its status and whether it blocks."""
    doc = visible_document(session, user, document_id)
    findings = [{"id": v.id, **finding_json(v), "blocking": controls.is_blocking(v.rule)}
                for v in violations_of(session, doc.id)]
    return {**result_json(session, doc), "findings": findings}


@router.get("/documents/{document_id}/status")
def document_status(document_id: str, user: CurrentUser,
                    session: DB) -> dict[str, Any]:
    """For the upload page's polling. A document the user may not see (any more: once it
    turns out to be of a type its uploader may not see) answers like a missing one, so
    polling cannot tell whether someone else's document exists."""
    doc = visible_document(session, user, document_id)
    return {"document_id": doc.id, "status": doc.status, "doc_type": doc.doc_type,
            "final": doc.status in FINAL_STATES, "error": doc.error_code,
            "reasons": list(doc.review_reasons or [])}


@router.patch("/documents/{document_id}/fields/{name}")
def patch_field(request: Request, document_id: str, name: str,
                body: Annotated[dict[str, Any], Body()], user: CurrentUser,
                session: DB) -> dict[str, Any]:
    if "value" not in body:
        raise HTTPException(422, 'send {"value": "..."}')
    value = body["value"]
    if not isinstance(value, str):
        import json

        value = json.dumps(value)
    apply_field(request, session, user, document_id, name, value, body.get("reason"))
    return result_json(session, visible_document(session, user, document_id))


@router.delete("/documents/{document_id}/fields/{name}")
def clear_field(request: Request, document_id: str, name: str,
                body: Annotated[dict[str, Any], Body()], user: CurrentUser,
                session: DB) -> dict[str, Any]:
    """Remove a wrong value; `{"reason": "..."}` is required."""
    apply_field(request, session, user, document_id, name, "", str(body.get("reason") or ""),
                clear=True)
    return result_json(session, visible_document(session, user, document_id))


@router.post("/violations/{violation_id}")
def post_finding(request: Request, violation_id: RowId, body: Annotated[dict[str, Any], Body()],
                 user: CurrentUser, session: DB) -> dict[str, Any]:
    """`{"action": "resolve", "resolution": "false_positive", "reason": "..."}` or
    `{"action": "reopen"}`."""
    v = settle_finding(request, session, user, violation_id, str(body.get("action", "resolve")),
                       str(body.get("resolution") or ""), str(body.get("reason") or ""))
    return finding_json(v)


@router.delete("/documents/{document_id}")
def delete_api(request: Request, document_id: str, user: CurrentUser,
               session: DB) -> dict[str, Any]:
    from api.web.routes.documents import delete_document

    delete_document(request, session, user, document_id)
    return {"document_id": document_id, "deleted": True}


@router.patch("/documents/{document_id}/type")
def patch_type(request: Request, document_id: str, body: Annotated[dict[str, Any], Body()],
               user: CurrentUser,
               session: DB) -> dict[str, Any]:
    doc = apply_type(request, session, user, document_id, str(body.get("doc_type", "")),
                     body.get("subtype"))
    return result_json(session, doc)


@router.post("/documents/{document_id}/decision")
def post_decision(request: Request, document_id: str, body: Annotated[dict[str, Any], Body()],
                  user: CurrentUser,
                  session: DB) -> dict[str, Any]:
    doc = apply_decision(request, session, user, document_id, str(body.get("decision", "")),
                         body.get("note"))
    return result_json(session, doc)


@router.get("/search")
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1)],
    user: Annotated[Principal, Depends(require(SEARCH))],
    session: DB,
    k: Annotated[int, Query(ge=1, le=100)] = 10,
    mode: str = "hybrid",
    type: str | None = None,
    subtype: str | None = None,
    party: str | None = None,
    law: str | None = None,
    clause: str | None = None,
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    relevant: bool = False,
) -> dict[str, Any]:
    """The best `k` hits; `relevant=true` keeps only hits with evidence of their own (the
    clause page's cut-off), so a query nothing answers returns no hits instead of the
    nearest unrelated ones."""
    hits = run_search(request, session, user, q, k, mode, relevant_only=relevant,
                      **filter_args(type, subtype, party, law, clause, date_from, date_to))
    return {"query": q, "hits": [h.to_json() for h in hits]}


@router.get("/search/text")
def search_text(
    request: Request,
    q: Annotated[str, Query(min_length=1)],
    user: CurrentUser,
    session: DB,
    limit: Annotated[int, Query(ge=1, le=200)] = TEXT_PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Full-text search over every document this user may see (title, fields, text)."""
    rows, total = run_text_search(request, session, user, q, limit, offset)
    return {"query": q, "total": total, "hits": [r.to_json() for r in rows]}


@router.get("/ledger")
def ledger_entries(
    user: Annotated[Principal, Depends(require(LEDGER_VIEW))],
    session: DB,
    status: str | None = None,
) -> dict[str, Any]:
    return {"entries": [ledger.entry_json(e) for e in visible_entries(session, user, status)]}


@router.post("/ledger/{entry_id}/status")
def ledger_status(request: Request, entry_id: RowId, body: Annotated[dict[str, Any], Body()],
                  user: Annotated[Principal, Depends(require(LEDGER_CHANGE))],
                  session: DB) -> dict[str, Any]:
    entry = change_status(request, session, user, entry_id, str(body.get("status", "")))
    return ledger.entry_json(entry)


@router.get("/queues/{queue}")
def queue(queue: str, user: CurrentUser,
          session: DB) -> dict[str, Any]:
    return {"queue": queue, "items": [i.to_json() for i in queue_items(session, user, queue)]}


@router.post("/queues/review/{document_id}/lease")
def take_lease(document_id: str, user: CurrentUser, session: DB) -> dict[str, Any]:
    """Take (or renew) the review item of a document: nobody else may correct or decide
    it until the lease runs out or is released."""
    doc = visible_document(session, user, document_id)
    if not user.can_edit(doc):
        raise HTTPException(403, "your roles do not allow reviewing this document")
    try:
        task = leases.take(session, doc.id, user.username)
    except WorkflowError as exc:
        raise refused(session, exc) from None
    session.commit()
    return {"document_id": doc.id, "leased_by": task.leased_by,
            "lease_until": task.lease_until.isoformat() if task.lease_until else None}


@router.delete("/queues/review/{document_id}/lease")
def release_lease(document_id: str, user: CurrentUser, session: DB) -> dict[str, Any]:
    doc = visible_document(session, user, document_id)
    leases.release(session, doc.id, user.username)
    session.commit()
    return {"document_id": doc.id, "released": True}
