"""The bounded intake queue and the database-busy answer: refusals that a client can retry
(503 + Retry-After) and that leave nothing behind."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import TimeoutError as PoolTimeout

from api.web.jobs import LocalJobs
from records.db import session_scope
from records.models import Document
from tests.api.test_web_support import add_user, login
from workflow.settings import Settings


def test_local_queue_is_bounded(tmp_path: Path) -> None:
    jobs = LocalJobs(Settings.from_env(tmp_path / "data"), workers=1, queue_max=2)
    try:
        assert jobs.reserve() and jobs.reserve()
        assert not jobs.reserve()  # full
        jobs.release()
        assert jobs.reserve()
    finally:
        jobs.shutdown()
    assert not jobs.reserve()  # shut down: nothing more is taken


class Full:
    """A queue that is always full: every upload must be refused before it is stored."""

    def reserve(self) -> bool:
        return False

    def release(self) -> None:
        raise AssertionError("nothing was reserved")

    def submit(self, document_id: str, actor: str,
               reserved: bool = False) -> Future[dict[str, object]]:
        raise AssertionError("nothing may be queued")

    def shutdown(self) -> None:
        return None


def test_full_queue_answers_503_and_keeps_nothing(app: FastAPI, client: TestClient) -> None:
    app.state.jobs = Full()
    add_user(app, "pat", "ap")
    token = login(client, "pat")
    r = client.post("/api/documents", files={"files": ("a.txt", b"INVOICE 1 total 5.00")},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 503 and int(r.headers["retry-after"]) > 0
    with session_scope(app.state.sessions) as s:
        assert s.scalars(select(Document)).all() == []
    assert [p for p in Path(app.state.blobs.root).rglob("*") if p.is_file()] == []


def test_pool_timeout_answers_503(app: FastAPI, client: TestClient, monkeypatch) -> None:
    import api.web.routes.api as routes

    add_user(app, "pat", "ap")
    login(client, "pat")

    def busy(*_a: object, **_k: object) -> object:
        raise PoolTimeout("QueuePool limit of size 16 overflow 48 reached")

    monkeypatch.setattr(routes, "list_documents", busy)
    r = client.get("/api/documents")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"


def test_worker_records_a_pool_timeout_on_the_document(app: FastAPI, client: TestClient,
                                                       monkeypatch) -> None:
    """A failure outside the stages (here the pool timing out while the worker looks the
    document up) ends the document `failed` with a code, not `processing` for good."""
    from workflow.intake import receive
    from workflow.process import Pipeline

    got = receive(app.state.sessions, app.state.blobs, "a.txt", b"INVOICE 7 total 9.00", "pat")
    pipe = Pipeline(app.state.settings)

    def busy(*_a: object, **_k: object) -> object:
        raise PoolTimeout("QueuePool limit reached, connection timed out")

    monkeypatch.setattr(Pipeline, "process_bytes", busy)
    result = pipe.process_stored(got.document_id, "pat")
    assert result["status"] == "failed" and result["error"]["code"] == "database_busy"
    with session_scope(app.state.sessions) as s:
        row = s.get(Document, got.document_id)
        assert row is not None
        assert (row.status, row.error_code) == ("failed", "database_busy")
