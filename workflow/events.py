"""Document events for webhooks, written as outbox rows in the transaction of the change
they tell of: an event is never sent for a change that was rolled back, and never lost for
one that was committed (`workflow.webhooks` sends them).

Payloads carry ids, type and status, never field values: a receiver that needs the values
asks the API with its own credentials, and its role decides what it may read. HR
documents' events go only to endpoints an admin marked `hr`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.channels import is_hr
from records.ids import new_id
from records.models import Document, Webhook, WebhookDelivery, utcnow
from workflow.event_names import Event
from workflow.states import DocumentStatus

STATUS_EVENTS: dict[str, Event] = {
    DocumentStatus.NEEDS_REVIEW: Event.NEEDS_REVIEW,
    DocumentStatus.AUTO_APPROVED: Event.AUTO_APPROVED,
    DocumentStatus.APPROVED: Event.APPROVED,
    DocumentStatus.REJECTED: Event.REJECTED,
    DocumentStatus.FAILED: Event.FAILED,
}
def emit(session: Session, event: Event, doc: Document, **data: Any) -> int:
    """Queue `event` about `doc` for every active endpoint that wants it; returns how many."""
    hooks = list(session.scalars(select(Webhook).where(Webhook.active.is_(True))))
    if not hooks:
        return 0
    hr = is_hr(doc)
    payload = {"event": event.value, "document_id": doc.id, "doc_type": doc.doc_type,
               "status": doc.status, "occurred_at": utcnow().isoformat(), **data}
    if not hr:
        payload["filename"] = doc.filename
    n = 0
    for hook in hooks:
        if hook.events and event.value not in hook.events:
            continue
        if hr and not hook.hr:
            continue
        session.add(WebhookDelivery(id=new_id("whd"), webhook_id=hook.id, event=event.value,
                                    document_id=doc.id, payload=payload, status="pending",
                                    attempts=0, next_attempt_at=utcnow()))
        n += 1
    return n


def status_changed(session: Session, doc: Document, before: str | None) -> None:
    """The events of a status change: the new status's own, and `processed` when a
    document leaves processing."""
    if before in (DocumentStatus.PROCESSING, DocumentStatus.RECEIVED) \
            and doc.status not in (DocumentStatus.PROCESSING, DocumentStatus.RECEIVED):
        emit(session, Event.PROCESSED, doc)
    event = STATUS_EVENTS.get(doc.status)
    if event is not None:
        emit(session, event, doc)
