"""Read-side queries shared by the pages and the JSON API, always filtered by what the
signed-in user may see, so the two can never disagree about access."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.web.access import Principal
from records.models import Document, ReviewTask, ViolationRow
from workflow import leases

QUEUES = ("review", "exception")
PAGE_SIZE = 50


def visible_document(session: Session, user: Principal, document_id: str) -> Document:
    """The document, or 404 when it does not exist *or* the user may not see it: a 403
    would confirm that a confidential document exists."""
    doc = session.get(Document, document_id)
    if doc is None or not user.can_view(doc):
        raise HTTPException(404, "no such document")
    return doc


def list_documents(
    session: Session,
    user: Principal,
    doc_type: str | None = None,
    status: str | None = None,
    q: str | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> tuple[list[Document], int]:
    """Newest first, with the total count for paging."""
    stmt = select(Document).where(Document.deleted_at.is_(None), user.document_filter())
    if doc_type:
        stmt = stmt.where(Document.doc_type == doc_type)
    if status:
        stmt = stmt.where(Document.status == status)
    if q:
        stmt = stmt.where(Document.filename.ilike(f"%{q.strip()}%"))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Document.created_at.desc(), Document.id.desc()).limit(limit).offset(offset)
    ).all()
    return list(rows), int(total)


@dataclass(slots=True)
class QueueItem:
    task: ReviewTask
    document: Document
    viewable: bool  # False: a compliance user sees that an HR finding exists, not its contents

    @property
    def leased_by(self) -> str | None:
        """Who holds the item's review lease now (`workflow.leases`)."""
        return leases.holder(self.task)

    def to_json(self) -> dict[str, Any]:
        d = self.document
        return {
            "task_id": self.task.id,
            "queue": self.task.queue,
            "document_id": d.id,
            "filename": d.filename if self.viewable else None,
            "doc_type": d.doc_type,
            "status": d.status,
            "reasons": list(self.task.reasons or []),
            "created_at": self.task.created_at.isoformat() if self.task.created_at else None,
            "leased_by": self.leased_by,
        }


def queue_items(session: Session, user: Principal, queue: str) -> list[QueueItem]:
    """Open items, oldest first (first in, first reviewed)."""
    if queue not in QUEUES:
        raise HTTPException(404, "no such queue")
    rows = session.execute(
        select(ReviewTask, Document)
        .join(Document, Document.id == ReviewTask.document_id)
        .where(ReviewTask.queue == queue, ReviewTask.status == "open",
               Document.deleted_at.is_(None))
        .order_by(ReviewTask.created_at, ReviewTask.id)
    ).all()
    out = []
    for task, doc in rows:
        if user.can_view(doc):
            out.append(QueueItem(task, doc, True))
        elif queue == "exception" and user.can_see_violation_of(doc):
            out.append(QueueItem(task, doc, False))
    return out


def neighbours(items: list[QueueItem], document_id: str) -> tuple[str | None, str | None]:
    """Previous and next document ids around `document_id` in a queue."""
    ids = [i.document.id for i in items]
    if document_id not in ids:
        return None, ids[0] if ids else None
    k = ids.index(document_id)
    return (ids[k - 1] if k > 0 else None), (ids[k + 1] if k + 1 < len(ids) else None)


def violations_of(session: Session, document_id: str) -> list[ViolationRow]:
    rows = session.scalars(
        select(ViolationRow).where(ViolationRow.document_id == document_id)
        .order_by(ViolationRow.id)
    ).all()
    return sorted(rows, key=lambda v: v.status != "open")  # open findings first
