"""Background processing of uploads (intake itself is `workflow.intake`).

An upload is stored and recorded as `processing` before any work starts, so the
original is safe and visible at once; the work runs in an in-process thread pool
(one `Pipeline` per thread), or on Celery workers when `BACKOFFICE_BROKER_URL` is set.
Threads rather than processes: ingest already spreads OCR over processes, and the
pipeline keeps its own database sessions per call.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from records.db import session_scope
from records.models import Document
from workflow import work_lease
from workflow.settings import Settings
from workflow.states import DocumentStatus

log = logging.getLogger(__name__)


class Jobs(Protocol):
    def reserve(self) -> bool: ...

    def release(self) -> None: ...

    def submit(self, document_id: str, actor: str,
               reserved: bool = False) -> Future[dict[str, Any]] | None: ...

    def shutdown(self) -> None: ...


class LocalJobs:
    """A bounded thread pool inside the web process, with a bounded queue in front of it:
    an upload first reserves a place (`reserve`); when `queue_max` documents are already
    waiting or running it is refused (503 with Retry-After) before anything is stored."""

    def __init__(self, settings: Settings, workers: int | None = None,
                 queue_max: int | None = None) -> None:
        self.settings = settings
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers or 1),
                                       thread_name_prefix="backoffice-worker")
        self.queue_max = max(1, queue_max or settings.queue_max)
        self._local = threading.local()
        self._pending = 0  # reserved + queued + running
        self._count_lock = threading.Lock()
        self._closed = False

    def reserve(self) -> bool:
        """Take a place in the queue for one upload; False when the queue is full."""
        with self._count_lock:
            if self._closed or self._pending >= self.queue_max:
                return False
            self._pending += 1
            return True

    def release(self) -> None:
        """Give back a place `reserve` took that was not used (a duplicate, an error)."""
        with self._count_lock:
            self._pending -= 1

    def _track(self, future: Future[Any], reserved: bool) -> None:
        if not reserved:
            with self._count_lock:
                self._pending += 1
        future.add_done_callback(lambda _f: self.release())

    def health(self) -> Any:
        """For /healthz: the pool takes work unless it was shut down."""
        from api.web.health import WorkerCheck

        with self._count_lock:
            pending = self._pending
        if self._closed:
            return WorkerCheck(False, "the worker pool is shut down", "local", pending)
        return WorkerCheck(True, "", "local", pending)

    def _pipeline(self) -> Any:
        pipe = getattr(self._local, "pipeline", None)
        if pipe is None:
            from workflow.process import Pipeline

            pipe = Pipeline(self.settings)
            self._local.pipeline = pipe
        return pipe

    def _run(self, document_id: str, actor: str) -> dict[str, Any]:
        """Every failure, the database's included, ends on the document (`process_stored`);
        under the processing lease, so another node's live worker is left alone."""
        done = self._pipeline().process_leased(document_id, actor)
        return done if done is not None else {"document_id": document_id,
                                              "status": DocumentStatus.PROCESSING.value}

    def submit(self, document_id: str, actor: str,
               reserved: bool = False) -> Future[dict[str, Any]]:
        future = self.pool.submit(self._run, document_id, actor)
        self._track(future, reserved)
        return future

    def reindex(self, document_id: str) -> Future[None]:
        """Search entries follow corrections (type, parties, law...) in the background."""
        return self.pool.submit(lambda: self._pipeline().reindex_document(document_id))

    def shutdown(self) -> None:
        self._closed = True
        self.pool.shutdown(wait=False, cancel_futures=True)


class CeleryJobs:
    """Hands work to Celery workers; they read the original from the shared blob store."""

    def __init__(self, settings: Settings) -> None:
        from api.worker import process_document  # celery is the optional `scale` extra

        self._task = process_document
        self.settings = settings

    def reserve(self) -> bool:
        return True  # the broker holds the queue

    def release(self) -> None:
        return None

    def submit(self, document_id: str, actor: str, reserved: bool = False) -> None:
        with session_scope(_sessions(self.settings)) as s:
            row = s.get(Document, document_id)
            sha = row.sha256 if row else None
        if sha:
            self._task.delay(sha, actor)
        return None

    def reindex(self, document_id: str) -> None:
        from workflow.process import Pipeline

        try:
            Pipeline(self.settings).reindex_document(document_id)
        except Exception:  # noqa: BLE001 - the index is rebuilt by `backoffice search --reindex`
            log.exception("reindexing %s failed", document_id)

    def shutdown(self) -> None:
        return None


def _sessions(settings: Settings) -> Any:
    from records.db import init_db

    return init_db(settings.database_url)


def make_jobs(settings: Settings) -> Jobs:
    if settings.broker_url:
        return CeleryJobs(settings)
    return LocalJobs(settings, workers=min(max(1, settings.workers), 4),
                     queue_max=settings.queue_max)


def requeue_unfinished(sessions: Any, jobs: Jobs) -> int:
    """On start: documents left `processing` with no live lease (queued when the last process
    stopped, or their worker died) are queued again; those a live worker holds, on this
    machine or another, are left alone (`takeover` picks them up if that worker dies)."""
    with session_scope(sessions) as s:
        ids = work_lease.orphaned(s, unleased=True)
    for document_id in ids:
        jobs.submit(document_id, "system")
    return len(ids)


class Takeover:
    """Periodically queues documents whose processing lease ran out (their worker was
    killed), once per `resubmit_after_s`: the lease decides who works, this only makes sure
    somebody does."""

    def __init__(self, sessions: Any, jobs: Jobs,
                 resubmit_after_s: float = 3 * work_lease.LEASE_TTL_S) -> None:
        self.sessions, self.jobs = sessions, jobs
        self.resubmit_after_s = resubmit_after_s
        self._sent: dict[str, float] = {}

    def once(self) -> list[str]:
        now = time.monotonic()
        with session_scope(self.sessions) as s:
            ids = work_lease.orphaned(s)
        due = [i for i in ids if now - self._sent.get(i, -1e18) >= self.resubmit_after_s]
        for document_id in due:
            log.warning("%s: its worker stopped (lease ran out); queued again", document_id)
            self._sent[document_id] = now
            self.jobs.submit(document_id, "system")
        self._sent = {i: t for i, t in self._sent.items() if i in ids}
        return due

    async def loop(self, every_s: float) -> None:
        while True:
            await asyncio.sleep(every_s)
            try:
                await asyncio.to_thread(self.once)
            except Exception:  # noqa: BLE001 - the next round tries again
                log.warning("lease take-over round failed", exc_info=True)

