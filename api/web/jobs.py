"""Background processing of uploads (intake itself is `workflow.intake`).

An upload is stored and recorded as `processing` before any work starts, so the
original is safe and visible at once; the work runs in an in-process thread pool
(one `Pipeline` per thread), or on Celery workers when `BACKOFFICE_BROKER_URL` is set.
Threads rather than processes: ingest already spreads OCR over processes, and the
pipeline keeps its own database sessions per call.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy import select

from records.db import session_scope
from records.models import Document
from workflow.settings import Settings
from workflow.states import DocumentStatus

log = logging.getLogger(__name__)


class Jobs(Protocol):
    def submit(self, document_id: str, actor: str) -> Future[dict[str, Any]] | None: ...

    def shutdown(self) -> None: ...


class LocalJobs:
    """A bounded thread pool inside the web process."""

    def __init__(self, settings: Settings, workers: int | None = None) -> None:
        self.settings = settings
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers or 1),
                                       thread_name_prefix="backoffice-worker")
        self._local = threading.local()
        self._pending = 0
        self._count_lock = threading.Lock()
        self._closed = False

    def _track(self, future: Future[Any]) -> None:
        with self._count_lock:
            self._pending += 1

        def done(_f: Future[Any]) -> None:
            with self._count_lock:
                self._pending -= 1

        future.add_done_callback(done)

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
        pipe = self._pipeline()
        with session_scope(pipe.sessions) as s:
            row = s.get(Document, document_id)
            if row is None:
                raise LookupError(document_id)
            filename, sha = row.filename, row.sha256
        try:
            return pipe.process_bytes(filename, pipe.blobs.get(sha), actor=actor)
        except Exception:
            log.exception("processing %s failed", document_id)
            raise

    def submit(self, document_id: str, actor: str) -> Future[dict[str, Any]]:
        future = self.pool.submit(self._run, document_id, actor)
        self._track(future)
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

    def submit(self, document_id: str, actor: str) -> None:
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
    return LocalJobs(settings, workers=min(max(1, settings.workers), 4))


def requeue_unfinished(sessions: Any, jobs: Jobs) -> int:
    """Documents left `processing` by a stopped server are queued again on start."""
    with session_scope(sessions) as s:
        ids = list(s.scalars(select(Document.id).where(Document.status == DocumentStatus.PROCESSING,
                                                       Document.deleted_at.is_(None))))
    for document_id in ids:
        jobs.submit(document_id, "system")
    return len(ids)

