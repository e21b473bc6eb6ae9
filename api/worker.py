"""Celery worker for the scale-out set-up (`pip install backoffice[scale]`).

Run with `BACKOFFICE_BROKER_URL=redis://... celery -A api.worker worker`. The web
server only records the upload and sends the document's content hash; the worker
reads the original from the shared blob store, so no file travels through the broker.
Celery is imported only here, and this module only when a broker is configured.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery
from sqlalchemy import select

from api.multinode import require_shared_keys
from workflow.settings import Settings

_settings = Settings.from_env()
require_shared_keys(_settings)  # a worker seals and reads what the web nodes stored
app = Celery("backoffice", broker=_settings.broker_url, backend=None)
app.conf.update(task_acks_late=True, worker_prefetch_multiplier=1, task_reject_on_worker_lost=True)

_pipeline: Any = None
log = logging.getLogger(__name__)


def _pipe() -> Any:
    global _pipeline
    if _pipeline is None:
        from workflow.process import Pipeline

        settings = Settings.from_env()
        if not settings.chroma_url:
            # Several worker processes writing one embedded Chroma directory corrupt it:
            # with Celery, search needs a Chroma server (BACKOFFICE_CHROMA_URL). Without one,
            # documents are processed and stored; `backoffice search --reindex` indexes them.
            log.warning("BACKOFFICE_CHROMA_URL is not set: Celery workers skip search indexing")
            settings.search_enabled = False
        _pipeline = Pipeline(settings)
    return _pipeline


@app.task(name="backoffice.process_document")
def process_document(document_sha: str, actor: str = "system") -> dict[str, Any]:
    """Process the stored original with this content hash (idempotent on the hash).

    Returns ids and the outcome only: Celery logs a task's return value at INFO, and the
    fields (names, e-mails, pay) must not land in worker logs. The result is stored."""
    from records.db import session_scope
    from records.models import Document

    pipe = _pipe()
    with session_scope(pipe.sessions) as s:
        row = s.scalar(select(Document).where(Document.sha256 == document_sha))
        filename = row.filename if row is not None else document_sha
    r = pipe.process_bytes(filename, pipe.blobs.get(document_sha), actor=actor)
    return summary(r)


def summary(result: dict[str, Any]) -> dict[str, Any]:
    """What a task may say about a document in logs: ids, status, type, error code."""
    return {"document_id": result.get("document_id"), "status": result.get("status"),
            "doc_type": result.get("doc_type"),
            "error": (result.get("error") or {}).get("code")}
