"""Review-queue leases: a document taken from the review queue is leased to one
reviewer for `LEASE_MINUTES`; while the lease lives nobody else may take it, correct it
or decide it, so two reviewers never work the same item. A lease runs out by itself
(the item goes back to the queue) and ends when its holder releases it or the item
closes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from records.models import ReviewTask, aware
from workflow.errors import Conflict, Invalid
from workflow.judge import REVIEW_QUEUE, open_task

LEASE_MINUTES = 15


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def holder(task: ReviewTask | None, now: datetime | None = None) -> str | None:
    """Who holds a live lease on the item, if anyone."""
    if task is None or not task.leased_by or task.lease_until is None:
        return None
    return task.leased_by if aware(task.lease_until) > _now(now) else None


def take(session: Session, document_id: str, actor: str, now: datetime | None = None,
         minutes: int = LEASE_MINUTES) -> ReviewTask:
    """Lease the document's open review item to `actor` (renewed when already theirs)."""
    task = open_task(session, document_id, REVIEW_QUEUE)
    if task is None:
        raise Invalid("the document is not in the review queue")
    other = holder(task, now)
    if other is not None and other != actor:
        raise Conflict(f"{other} is reviewing this document until "
                       f"{aware(task.lease_until).strftime('%H:%M')} UTC; take another "
                       "item from the queue")
    task.leased_by = actor
    task.lease_until = _now(now) + timedelta(minutes=minutes)
    session.flush()
    return task


def release(session: Session, document_id: str, actor: str) -> None:
    task = open_task(session, document_id, REVIEW_QUEUE)
    if task is not None and task.leased_by == actor:
        task.leased_by, task.lease_until = None, None
        session.flush()


def require_free(session: Session, document_id: str, actor: str,
                 now: datetime | None = None) -> None:
    """Refuse a correction or decision while someone else holds the item's lease."""
    other = holder(open_task(session, document_id, REVIEW_QUEUE), now)
    if other is not None and other != actor:
        raise Conflict(f"{other} is reviewing this document (leased from the review queue); "
                       "wait until they finish or the lease runs out")
