"""Scale-out wiring: with BACKOFFICE_BROKER_URL set, uploads go to the Celery task,
which reads the original from the blob store by content hash. Celery runs eagerly
on its in-memory transport here; the task code is the one a worker runs."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api.test_web_support import (
    ADMIN_PASSWORD,
    BASE_URL,
    add_user,
    fast_hashes,
    login,
)
from tests.conftest import INVOICE_LINES, pdf_bytes

celery = pytest.importorskip("celery")


def test_upload_is_processed_by_the_celery_task(data_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("BACKOFFICE_BROKER_URL", "memory://")
    monkeypatch.setenv("BACKOFFICE_SECRET_KEY", "shared-by-every-node-" + "s" * 30)
    monkeypatch.setenv("BACKOFFICE_ADMIN_PASSWORD", ADMIN_PASSWORD)
    fast_hashes(monkeypatch)
    import api.worker

    worker = importlib.reload(api.worker)
    worker.app.conf.task_always_eager = True
    worker._pipeline = None
    from api.app import create_app
    from api.web.jobs import CeleryJobs
    from workflow.settings import Settings

    app = create_app(Settings.from_env(data_dir))
    assert isinstance(app.state.jobs, CeleryJobs)
    with TestClient(app, base_url=BASE_URL) as client:
        add_user(app, "pat", "ap")
        token = login(client, "pat")
        r = client.post("/api/documents?wait=false",
                        files=[("files", ("inv.pdf", pdf_bytes(INVOICE_LINES), "application/pdf"))],
                        headers={"X-CSRF-Token": token})
        assert r.status_code in (200, 202), r.text
        doc_id = client.get("/api/documents").json()["documents"][0]["document_id"]
        status = client.get(f"/api/documents/{doc_id}/status").json()
        assert status["final"], status
        detail = client.get(f"/api/documents/{doc_id}").json()
        assert detail["doc_type"] == "invoice" and detail["fields"]


def test_task_result_carries_no_field_values(data_dir: Path, monkeypatch) -> None:
    """Celery logs a task's return value at INFO: it must hold ids and outcome only."""
    monkeypatch.setenv("BACKOFFICE_BROKER_URL", "memory://")
    monkeypatch.setenv("BACKOFFICE_SECRET_KEY", "shared-by-every-node-" + "s" * 30)
    import api.worker

    worker = importlib.reload(api.worker)
    worker._pipeline = None
    from records.blobs import sha256_bytes

    data = pdf_bytes(INVOICE_LINES)
    pipe = worker._pipe()
    sha = sha256_bytes(data)
    pipe.blobs.put(data, sha)
    out = worker.process_document.run(sha)
    assert set(out) == {"document_id", "status", "doc_type", "error"}
    assert "INV-2024-0113" not in repr(out) and out["doc_type"] == "invoice"


def test_with_a_broker_an_upload_waits_for_the_worker_and_answers_the_fields(
        data_dir: Path, monkeypatch) -> None:
    """A real Celery worker (a thread of this process, on the in-memory broker) processes
    the upload outside the request: `wait=true` answers the fields like the local pool, a
    wait that runs out answers 202 with the status URL."""
    from celery.contrib.testing.worker import start_worker

    monkeypatch.setenv("BACKOFFICE_BROKER_URL", "memory://")
    monkeypatch.setenv("BACKOFFICE_SECRET_KEY", "shared-by-every-node-" + "s" * 30)
    monkeypatch.setenv("BACKOFFICE_ADMIN_PASSWORD", ADMIN_PASSWORD)
    # the worker runs as a thread of this process and fires worker_process_init here: its
    # per-document memory limit would bind the test process (and Chromium started later)
    monkeypatch.setenv("BACKOFFICE_DOC_MEMORY_MB", "0")
    fast_hashes(monkeypatch)
    import api.worker

    worker = importlib.reload(api.worker)
    worker._pipeline = None
    from api.app import create_app
    from workflow.settings import Settings

    app = create_app(Settings.from_env(data_dir))
    with TestClient(app, base_url=BASE_URL) as client:
        add_user(app, "pat", "ap")
        token = login(client, "pat")
        headers = {"X-CSRF-Token": token}
        # no worker yet: the wait runs out, 202 with where to look
        r = client.post("/api/documents?timeout=0.5", headers=headers, files=[
            ("files", ("late.pdf", pdf_bytes([*INVOICE_LINES, "Ref: late"]), "application/pdf"))])
        assert r.status_code == 202, r.text
        late = r.json()["documents"][0]
        assert late["status"] == "processing"
        assert late["status_url"] == f"/api/documents/{late['document_id']}/status"
        with start_worker(worker.app, pool="solo", perform_ping_check=False,
                          shutdown_timeout=30):
            r = client.post("/api/documents", headers=headers, files=[
                ("files", ("inv.pdf", pdf_bytes(INVOICE_LINES), "application/pdf"))])
            assert r.status_code == 200, r.text
            got = r.json()["documents"][0]
            assert got["status"] in ("auto_approved", "needs_review")
            assert got["fields"]["invoice_number"]["value"] == "INV-2024-0113"
            status = client.get(late["status_url"]).json()  # the late one was done as well
            for _ in range(200):
                if status["final"]:
                    break
                time.sleep(0.2)
                status = client.get(late["status_url"]).json()
            assert status["final"], status
