"""Upload intake and background processing.

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
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.config import Settings
from records.audit import audit
from records.blobs import BlobStore, sha256_bytes
from records.channels import stamp_intake
from records.db import session_scope
from records.filenames import clean_filename
from records.ids import new_id
from records.models import Document, StatusEvent

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Intake:
    """What the uploader learns at once: the document id and whether work was queued."""

    file: str
    document_id: str
    sha256: str
    status: str
    queued: bool
    future: Any = None  # set when queued on the local pool: lets the API wait for it

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "document_id": self.document_id, "sha256": self.sha256,
                "status": self.status, "queued": self.queued}


class Jobs(Protocol):
    def submit(self, document_id: str, actor: str) -> Future[dict[str, Any]] | None: ...

    def shutdown(self) -> None: ...


def receive(sessions: Any, blobs: BlobStore, filename: str, data: bytes, actor: str) -> Intake:
    """Keep the original and create (or find, by content hash) its document row."""
    sha = sha256_bytes(data)
    blobs.put(data, sha)
    name = clean_filename(filename)
    for _ in range(2):
        try:
            with session_scope(sessions) as s:
                row = s.scalar(select(Document).where(Document.sha256 == sha))
                if row is not None and row.deleted_at is None:
                    return Intake(name, row.id, sha, row.status, False)
                if row is not None:  # re-uploaded after deletion: bring it back
                    row.deleted_at = None
                    row.status = "processing"
                    stamp_intake(s, row, actor)
                    s.add(StatusEvent(document_id=row.id, status="processing", actor=actor,
                                      note="uploaded again"))
                    return Intake(name, row.id, sha, "processing", True)
                row = Document(id=new_id("doc"), sha256=sha, filename=name, size=len(data),
                               status="processing")
                stamp_intake(s, row, actor)
                s.add(row)
                s.add(StatusEvent(document_id=row.id, status="received", actor=actor))
                audit(s, actor, "document.create", "document", row.id, None,
                      {"filename": name, "sha256": sha})
                return Intake(name, row.id, sha, "processing", True)
        except IntegrityError:  # the same file uploaded twice at once: the other one won
            continue
    raise RuntimeError("could not record the upload")


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
            from api.pipeline import Pipeline

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
        from api.pipeline import Pipeline

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
        ids = list(s.scalars(select(Document.id).where(Document.status == "processing",
                                                       Document.deleted_at.is_(None))))
    for document_id in ids:
        jobs.submit(document_id, "system")
    return len(ids)
