"""Processing leases: a document is worked on by one worker at a time, and a dead worker's
document is taken over, on one machine or several.

A worker takes the document's lease (owner, until when) in one conditional UPDATE before it
starts, and a heartbeat thread renews it every TTL / 4.5 while it works. Another worker
(a redelivered Celery task, a web node's take-over) gets the lease only once it has run out,
`BACKOFFICE_LEASE_TTL` (90 s) after the last heartbeat: a live worker is left alone, a
killed one loses its document within that time. This replaced "re-send every `processing` document on restart",
which had two workers OCR the same receipts at once.

The lease's owner is unique per run (host, process, a random part) and is the fencing token:
every write of a run's outcome (`fence`) first renews the lease in the same transaction,
conditional on this owner still holding it. A worker that stalled past the TTL and lost the
document to another finds its write refused (`LeaseLost`) instead of overwriting the newer
run's result; the heartbeat alone only noticed it.

Stages done outside the storing transaction (search indexing) are recorded in
`document_stages`: a redelivered task for a finished document completes only what is missing.
Webhook events are written in the storing transaction itself (an outbox), so they need no
stage of their own.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from records.db import session_scope
from records.models import Document, DocumentStage, utcnow
from workflow.states import DocumentStatus

log = logging.getLogger(__name__)

LEASE_TTL_S = 90  # a worker that stopped heart-beating loses its document after this
BEATS_PER_TTL = 4.5  # renewals per TTL (every 20 s by default): one slow renewal is fine
TAKEOVER_PER_TTL = 3  # a web node looks for run-out leases 3 times per TTL (every 30 s)
# Runs of one document whose worker died holding its lease before it is failed as
# `worker_lost`: one crash may be the machine's fault, three in a row are the document's.
MAX_LOST_RUNS = 3
WORKER_LOST = "worker_lost"
LEASE_LOST = "lease_lost"


class LeaseLost(RuntimeError):
    """This run's lease was taken over (it stalled past the TTL): its result is not written."""

    code = LEASE_LOST


def heartbeat_s(ttl_s: float) -> float:
    return ttl_s / BEATS_PER_TTL


def takeover_every_s(ttl_s: float) -> float:
    return ttl_s / TAKEOVER_PER_TTL


class Stage(StrEnum):
    STORED = "stored"  # pages, fields, findings, ledger, webhook events: one transaction
    INDEXED = "indexed"  # search entries (contracts)


def new_owner() -> str:
    """Unique per run of a document: host, process and a random part."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def acquire(sessions: Any, document_id: str, owner: str, ttl_s: float = LEASE_TTL_S,
            now: datetime | None = None) -> bool:
    """Take the document's lease when nobody holds a live one (atomic: one UPDATE)."""
    now = now or utcnow()
    with session_scope(sessions) as s:
        done = s.execute(
            update(Document)
            .where(Document.id == document_id,
                   or_(Document.lease_until.is_(None), Document.lease_until < now,
                       Document.lease_owner == owner))
            .values(lease_owner=owner, lease_until=now + timedelta(seconds=ttl_s),
                    lease_runs=Document.lease_runs + 1,
                    updated_at=Document.updated_at)  # a lease is not a change of the document
            .execution_options(synchronize_session=False))
        return done.rowcount == 1


def lost_runs(sessions: Any, document_id: str) -> int:
    """Earlier runs of the document that took its lease and never released it (their
    worker died): the runs counted by `acquire`, less the one now holding it."""
    with session_scope(sessions) as s:
        runs = s.scalar(select(Document.lease_runs).where(Document.id == document_id))
        return max(0, (runs or 0) - 1)


def renew(sessions: Any, document_id: str, owner: str, ttl_s: float = LEASE_TTL_S) -> bool:
    """Extend a lease this owner still holds; False when it was taken over."""
    with session_scope(sessions) as s:
        done = s.execute(
            update(Document)
            .where(Document.id == document_id, Document.lease_owner == owner)
            .values(lease_until=utcnow() + timedelta(seconds=ttl_s),
                    updated_at=Document.updated_at)
            .execution_options(synchronize_session=False))
        return done.rowcount == 1


def release(sessions: Any, document_id: str, owner: str) -> None:
    with session_scope(sessions) as s:
        s.execute(update(Document)
                  .where(Document.id == document_id, Document.lease_owner == owner)
                  .values(lease_owner=None, lease_until=None, lease_runs=0,
                          updated_at=Document.updated_at)
                  .execution_options(synchronize_session=False))


@dataclass(slots=True)
class Lease:
    document_id: str
    owner: str
    ttl_s: float = LEASE_TTL_S
    lost: bool = False  # taken over (this worker stalled past the TTL): seen by a beat or a fence


# The lease the running code works under (set by `held`): `fence` checks writes against it.
_current: ContextVar[Lease | None] = ContextVar("backoffice_work_lease", default=None)


def fence(session: Session, document_id: str) -> None:
    """In a transaction that writes the outcome of work on `document_id`: when that work runs
    under a lease, renew it conditionally on still owning it, first; raises `LeaseLost` (the
    caller's transaction rolls back) when another run took it over. The conditional UPDATE
    locks the row, so a take-over (`acquire`, also an UPDATE) waits for this transaction and
    then finds the lease live. Work outside a lease (a batch, a test) is not fenced."""
    lease = _current.get()
    if lease is None or lease.document_id != document_id:
        return
    done = session.execute(
        update(Document)
        .where(Document.id == document_id, Document.lease_owner == lease.owner)
        .values(lease_until=utcnow() + timedelta(seconds=lease.ttl_s),
                updated_at=Document.updated_at)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        lease.lost = True
        raise LeaseLost(f"{document_id}: the processing lease of {lease.owner} was taken over "
                        "by another worker (this one stalled past the lease TTL); its result "
                        "is not written")


def current_owner() -> str | None:
    lease = _current.get()
    return lease.owner if lease is not None else None


@contextmanager
def held(sessions: Any, document_id: str, owner: str, ttl_s: float = LEASE_TTL_S,
         every_s: float | None = None) -> Iterator[Lease]:
    """Renew the (acquired) lease in the background while the block runs; release after."""
    every_s = every_s or heartbeat_s(ttl_s)
    lease = Lease(document_id, owner, ttl_s)
    token = _current.set(lease)
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every_s):
            try:
                if not renew(sessions, document_id, owner, ttl_s):
                    lease.lost = True
                    log.error("%s: processing lease lost to another worker", document_id)
                    return
            except Exception:  # noqa: BLE001 - the next beat tries again within the TTL
                log.warning("%s: lease renewal failed", document_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"lease-{document_id}", daemon=True)
    thread.start()
    try:
        yield lease
    finally:
        _current.reset(token)
        stop.set()
        thread.join()
        try:
            release(sessions, document_id, owner)
        except Exception:  # noqa: BLE001 - it runs out by itself
            log.warning("%s: lease release failed; it runs out in %ss", document_id, ttl_s)


def orphaned(session: Session, now: datetime | None = None,
             unleased: bool = False) -> list[str]:
    """Documents still `processing` whose lease ran out (their worker died); with
    `unleased`, also those never leased (queued when the last process stopped)."""
    now = now or utcnow()
    gone = Document.lease_until < now
    cond = or_(gone, Document.lease_until.is_(None)) if unleased else gone
    return list(session.scalars(select(Document.id).where(
        Document.status == DocumentStatus.PROCESSING, Document.deleted_at.is_(None), cond)
        .order_by(Document.created_at)))


def mark(session: Session, document_id: str, stage: Stage) -> None:
    if session.get(DocumentStage, (document_id, stage.value)) is None:
        session.add(DocumentStage(document_id=document_id, stage=stage.value))


def forget(session: Session, document_id: str) -> None:
    """A document processed again starts with no stage done."""
    session.execute(delete(DocumentStage).where(DocumentStage.document_id == document_id))


def done(session: Session, document_id: str) -> set[Stage]:
    return {Stage(s) for s in session.scalars(
        select(DocumentStage.stage).where(DocumentStage.document_id == document_id))}
