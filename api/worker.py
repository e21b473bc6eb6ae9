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
from celery.signals import worker_process_init
from sqlalchemy import select

from api.multinode import require_shared_keys
from workflow.settings import Settings

log = logging.getLogger(__name__)
VISIBILITY_MIN_S = 300
LEASED_ELSEWHERE = "leased_elsewhere"  # the task's answer when a live worker has the document



def visibility_timeout_s(settings: Settings) -> int:
    """How long Redis waits for an unacknowledged task before giving it to another worker:
    longer than the OCR timeout of a page (and a minute), so a live task is not handed out
    twice while it reads a slow page; the processing lease covers longer documents (a
    redelivered copy finds the lease live and leaves the document alone)."""
    return max(VISIBILITY_MIN_S, 2 * settings.ocr_timeout_s + 60)


def celery_conf(settings: Settings) -> dict[str, Any]:
    """Nothing lost when a worker dies: acknowledged only when done (`acks_late`), given back
    when the worker process is killed (`reject_on_worker_lost`), one task fetched at a time,
    and redelivered by Redis after the visibility timeout (default 1 h, too long)."""
    return {
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_transport_options": {"visibility_timeout": visibility_timeout_s(settings)},
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,
    }


_settings = Settings.from_env()
require_shared_keys(_settings)  # a worker seals and reads what the web nodes stored
app = Celery("backoffice", broker=_settings.broker_url, backend=None)
app.conf.update(celery_conf(_settings))

_pipeline: Any = None


@worker_process_init.connect
def limit_worker_memory(**_kwargs: Any) -> None:
    """Each worker process gets the per-document memory budget once (workflow/budget.py);
    the wall-time budget is armed around each document by the pipeline itself."""
    from workflow.budget import limit_memory

    limit_memory(_settings.doc_memory_mb)


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


@app.task(name="backoffice.process_document", bind=True, max_retries=None)
def process_document(self: Any, document_sha: str, actor: str = "system") -> dict[str, Any]:
    """Process the stored original with this content hash, idempotently: under the
    document's processing lease (a copy of the task delivered twice leaves the document to
    the live worker holding it), and a document already finished only gets the stages its
    last run did not reach (search indexing).

    Returns ids and the outcome only: Celery logs a task's return value at INFO, and the
    fields (names, e-mails, pay) must not land in worker logs. The result is stored."""
    from records.db import session_scope
    from records.models import Document

    pipe = _pipe()
    with session_scope(pipe.sessions) as s:
        row = s.scalar(select(Document).where(Document.sha256 == document_sha))
        document_id = row.id if row is not None else None
    if document_id is None:  # an original stored without its row (not through intake)
        return summary(pipe.process_bytes(document_sha, pipe.blobs.get(document_sha),
                                          actor=actor))
    r = pipe.process_leased(document_id, actor)
    if r is None:
        # Another worker holds a live lease: try again once it could have run out. Then the
        # document is finished (nothing left to do), or its holder died and this task takes
        # it over; either way no second worker reads it meanwhile.
        log.info("%s: %s; retrying in %.0f s", document_id, LEASED_ELSEWHERE,
                 pipe.settings.lease_ttl_s)
        raise self.retry(countdown=pipe.settings.lease_ttl_s)
    return summary(r)


def summary(result: dict[str, Any]) -> dict[str, Any]:
    """What a task may say about a document in logs: ids, status, type, error code."""
    return {"document_id": result.get("document_id"), "status": result.get("status"),
            "doc_type": result.get("doc_type"),
            "error": (result.get("error") or {}).get("code")}
