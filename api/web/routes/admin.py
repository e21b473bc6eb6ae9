"""The audit log (admin, compliance), user management and the intake channels (admin).

Audit entries about an HR document keep their before/after hidden from anyone who
may not read HR records, and so do entries about employee records: the log must not
become a side door to them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.web.access import ADMIN, AUDIT, HR_PAGES, Principal
from api.web.bounds import ListPage, RowId
from api.web.deps import DB, flash, render, require
from records import users
from records.channel_state import all_channels
from records.models import AuditLog, Document, Mailbox, Webhook
from records.passwords import MIN_LENGTH
from workflow import webhooks
from workflow.errors import Invalid
from workflow.events import Event

router = APIRouter()
PAGE = 100


def audit_entries(session: Session, user: Principal, actor: str | None = None,
                  entity: str | None = None, page: int = 1) -> list[dict[str, Any]]:
    stmt = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if actor:
        stmt = stmt.where(AuditLog.actor == actor)
    if entity:
        stmt = stmt.where(AuditLog.entity_id == entity)
    rows = session.scalars(stmt.limit(PAGE).offset((max(1, page) - 1) * PAGE)).all()
    doc_ids = {r.entity_id for r in rows if r.entity_type == "document"}
    hidden = set()
    if doc_ids:
        for doc in session.scalars(select(Document).where(Document.id.in_(doc_ids))):
            if not user.may_read(doc):
                hidden.add(doc.id)
    out = []
    for r in rows:
        redact = ((r.entity_type == "document" and r.entity_id in hidden)
                  or (r.entity_type == "employee" and not user.has(HR_PAGES)))
        out.append({"at": r.at, "actor": r.actor, "action": r.action,
                    "entity_type": r.entity_type, "entity_id": r.entity_id,
                    "before": "(restricted)" if redact else r.before,
                    "after": "(restricted)" if redact else r.after})
    return out


@router.get("/audit")
def audit_page(
    request: Request,
    user: Annotated[Principal, Depends(require(AUDIT))],
    session: DB,
    actor: str | None = None,
    entity: str | None = None,
    page: ListPage = 1,
) -> Response:
    return render(request, "audit.html", {
        "entries": audit_entries(session, user, actor or None, entity or None, page),
        "actor": actor or "", "entity": entity or "", "page": max(1, page), "size": PAGE})


@router.get("/users")
def users_page(request: Request, user: Annotated[Principal, Depends(require(ADMIN))],
               session: DB) -> Response:
    return render(request, "users.html", {"users": users.list_users(session),
                                          "roles": users.ROLES, "min_length": MIN_LENGTH})


@router.get("/channels")
def channels_page(request: Request, user: Annotated[Principal, Depends(require(ADMIN))],
                  session: DB) -> Response:
    """Each way in that runs on its own (watched folder...): state, counts, last error."""
    return render(request, "channels.html", {
        "channels": all_channels(session),
        "mailboxes": list(session.scalars(select(Mailbox).order_by(Mailbox.name)))})


@router.get("/webhooks")
def webhooks_page(request: Request, user: Annotated[Principal, Depends(require(ADMIN))],
                  session: DB) -> Response:
    """Endpoints told about document events, and the last deliveries with their outcome."""
    return render(request, "webhooks.html", {
        "hooks": list(session.scalars(select(Webhook).order_by(Webhook.id))),
        "deliveries": webhooks.recent_deliveries(session), "events": [e.value for e in Event]})


@router.post("/webhooks")
def add_webhook(request: Request, user: Annotated[Principal, Depends(require(ADMIN))],
                session: DB, url: Annotated[str, Form()],
                events: Annotated[list[str] | None, Form()] = None,
                hr: Annotated[str | None, Form()] = None) -> Response:
    try:
        hook = webhooks.add_webhook(session, url, events or [], user.username, hr=bool(hr))
    except Invalid as exc:
        flash(request, str(exc), "error")
        return RedirectResponse("/webhooks", status_code=303)
    flash(request, f"Webhook {hook.id} added. Its signing secret, shown only now: {hook.secret}")
    return RedirectResponse("/webhooks", status_code=303)


@router.post("/webhooks/{webhook_id}/active")
def webhook_active(request: Request, webhook_id: RowId,
                   user: Annotated[Principal, Depends(require(ADMIN))], session: DB,
                   active: Annotated[str, Form()]) -> Response:
    try:
        webhooks.set_active(session, webhook_id, active == "1", user.username)
    except Invalid as exc:
        flash(request, str(exc), "error")
    return RedirectResponse("/webhooks", status_code=303)


@router.post("/users")
def add_user(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    user: Annotated[Principal, Depends(require(ADMIN))],
    session: DB,
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        users.create_user(session, username, password, roles, actor=user.username)
        session.commit()
        flash(request, f"User {username.strip().lower()} created.")
    except users.UserError as exc:
        session.rollback()
        flash(request, f"Not created: {exc}", "error")
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{username}/active")
def set_active(request: Request, username: str, active: Annotated[str, Form()],
               user: Annotated[Principal, Depends(require(ADMIN))],
               session: DB) -> Response:
    if username == user.username:
        flash(request, "You cannot deactivate yourself.", "error")
        return RedirectResponse("/users", status_code=303)
    try:
        users.set_active(session, username, active == "1", actor=user.username)
        session.commit()
    except users.UserError as exc:
        session.rollback()
        flash(request, str(exc), "error")
    return RedirectResponse("/users", status_code=303)
