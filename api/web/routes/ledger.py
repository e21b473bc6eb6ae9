"""The AP ledger page, its CSV export and payment-status changes.

The ledger follows the document's decision: approving and rejecting happen on the
document (`workflow.decide.decide`, behind its controls), never here. The one ledger
action is marking an approved invoice paid (`workflow.decide.ledger_action`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.ubl import UblExportError, entry_ubl
from api.web.access import LEDGER_CHANGE, LEDGER_VIEW, Principal
from api.web.bounds import RowId
from api.web.deps import DB, flash, render, require
from api.web.refusals import flashed, refused
from records import ledger
from records.models import Document, LedgerEntry
from workflow import decide
from workflow.errors import WorkflowError
from workflow.states import LEDGER_ACTIONS, LedgerStatus

router = APIRouter()


def visible_entry(session: Session, user: Principal, entry_id: int) -> LedgerEntry:
    """The entry, or 404 alike when it does not exist or its document is hidden from the
    user (an invoice that came in through HR stays HR's, see `api.web.access`)."""
    entry = session.get(LedgerEntry, entry_id)
    doc = session.get(Document, entry.document_id) if entry is not None else None
    if entry is None or doc is None or not user.can_view(doc):
        raise HTTPException(404, "no such ledger entry")
    return entry


def visible_entries(session: Session, user: Principal,
                    status: str | None = None) -> list[LedgerEntry]:
    return ledger.list_entries(session, status or None, visible=user.document_filter())


def change_status(request: Request, session: Session, user: Principal, entry_id: int,
                  status: str) -> LedgerEntry:
    entry = visible_entry(session, user, entry_id)
    try:
        decide.ledger_action(session, entry, status, user.username)
    except WorkflowError as exc:
        raise refused(session, exc) from None
    session.commit()
    return entry


@router.get("/ledger")
def ledger_page(
    request: Request,
    user: Annotated[Principal, Depends(require(LEDGER_VIEW))],
    session: DB,
    status: str | None = None,
) -> Response:
    entries = visible_entries(session, user, status)
    return render(request, "ledger.html", {
        "entries": entries, "status": status or "",
        "statuses": [s.value for s in LedgerStatus], "actions": [a.value for a in LEDGER_ACTIONS],
        "can_change": user.has(LEDGER_CHANGE)})


@router.get("/ledger.jsonl")
def ledger_jsonl(
    user: Annotated[Principal, Depends(require(LEDGER_VIEW))],
    session: DB,
    status: str | None = None,
) -> Response:
    body = "".join(json.dumps(ledger.entry_json(e)) + "\n"
                   for e in visible_entries(session, user, status))
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(body, media_type="application/x-ndjson", headers={
        "Content-Disposition": f'attachment; filename="ledger-{stamp}.jsonl"'})


@router.get("/ledger/{entry_id}/ubl")
def ledger_ubl(
    entry_id: RowId,
    user: Annotated[Principal, Depends(require(LEDGER_VIEW))],
    session: DB,
) -> Response:
    """An approved or paid invoice as UBL 2.1 (EN 16931) for the accounting system."""
    entry = visible_entry(session, user, entry_id)
    try:
        invoice = entry_ubl(session, entry)
    except UblExportError as exc:
        raise HTTPException(409, str(exc)) from None
    return Response(invoice.xml, media_type="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{invoice.filename}"'})


@router.get("/ledger.csv")
def ledger_csv(
    user: Annotated[Principal, Depends(require(LEDGER_VIEW))],
    session: DB,
    status: str | None = None,
) -> Response:
    body = ledger.entries_csv(visible_entries(session, user, status))
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="ledger-{stamp}.csv"'})


@router.post("/ledger/{entry_id}/status")
def ledger_status(request: Request, entry_id: RowId, status: Annotated[str, Form()],
                  user: Annotated[Principal, Depends(require(LEDGER_CHANGE))],
                  session: DB) -> Response:
    try:
        change_status(request, session, user, entry_id, status)
        flash(request, f"Entry {entry_id} is now {status}.")
    except HTTPException as exc:
        if not flashed(exc):
            raise
        flash(request, f"Not changed: {exc.detail}", "error")
    return RedirectResponse("/ledger", status_code=303)
