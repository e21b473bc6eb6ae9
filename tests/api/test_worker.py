"""Scale-out wiring: with BACKOFFICE_BROKER_URL set, uploads go to the Celery task,
which reads the original from the blob store by content hash. Celery runs eagerly
on its in-memory transport here; the task code is the one a worker runs."""

from __future__ import annotations

import importlib
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
