"""Deleting a document: admin only, audited, original kept, gone from lists and search."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.test_web_support import INVOICE_FIELDS, add_user, login, seed_document

NDA = """MUTUAL NON-DISCLOSURE AGREEMENT

This Mutual Non-Disclosure Agreement is entered into as of March 3, 2021 by and between
Quillfeather Analytics, Inc., a Delaware corporation, and Brightmoor Tooling LLC.

1. Confidential Information. Each party may disclose confidential information to the other.

2. Term. This Agreement shall remain in effect for a period of two (2) years.

3. Governing Law. This Agreement shall be governed by the laws of the State of New York.

4. Termination for Convenience. Either party may terminate this Agreement at any time
upon thirty (30) days' prior written notice to the other party.
"""


def test_admin_deletes_others_cannot(app: FastAPI, client: TestClient) -> None:
    doc_id = seed_document(app, "invoice", INVOICE_FIELDS)
    add_user(app, "pat", "ap")
    add_user(app, "root", "admin")
    token = login(client, "pat")
    assert client.delete(f"/api/documents/{doc_id}",
                         headers={"X-CSRF-Token": token}).status_code == 403
    client.post("/logout", data={"csrf_token": token})
    token = login(client, "root")
    r = client.delete(f"/api/documents/{doc_id}", headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    assert client.get(f"/api/documents/{doc_id}").status_code == 404
    ids = [d["document_id"] for d in client.get("/api/documents").json()["documents"]]
    assert doc_id not in ids
    from sqlalchemy import select

    from records.db import session_scope
    from records.models import AuditLog

    with session_scope(app.state.sessions) as s:
        actions = s.scalars(select(AuditLog.action).where(AuditLog.entity_id == doc_id)).all()
    assert "document.delete" in actions


@pytest.mark.slow
def test_deleted_contract_leaves_search(data_dir: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BACKOFFICE_SEARCH", "1")
    from records.db import session_scope
    from records.models import Document
    from workflow.decide import soft_delete
    from workflow.process import Pipeline
    from workflow.settings import Settings

    pipe = Pipeline(Settings.from_env())
    src = tmp_path / "nda.txt"
    src.write_text(NDA)
    result = pipe.process_path(src)
    assert result["doc_type"] == "contract", result["doc_type"]
    doc_id = result["document_id"]
    hits = pipe.search.search("terminate for convenience on written notice", k=5)
    assert doc_id in {h.document_id for h in hits}
    with session_scope(pipe.sessions) as s:
        soft_delete(s, s.get(Document, doc_id), "root")
    pipe.reindex_document(doc_id)
    hits = pipe.search.search("terminate for convenience on written notice", k=5)
    assert doc_id not in {h.document_id for h in hits}


@pytest.mark.slow
def test_parallel_batch_indexes_contracts_in_one_process(data_dir: Path, tmp_path: Path,
                                                         monkeypatch) -> None:
    """Worker processes never write the embedded Chroma index (concurrent writers corrupt
    it); the parent indexes each contract as its result arrives."""
    monkeypatch.setenv("BACKOFFICE_SEARCH", "1")
    from workflow import process as pipeline
    from workflow.process import process_many, shared_search_index
    from workflow.settings import Settings

    paths = []
    for i, party in enumerate(("Quillfeather Analytics, Inc.", "Larkspur Freight Ltd.")):
        p = tmp_path / f"nda{i}.txt"
        p.write_text(NDA.replace("Quillfeather Analytics, Inc.", party))
        paths.append(p)
    settings = Settings.from_env()
    results = list(process_many(paths, settings, workers=2))
    assert [r["doc_type"] for r in results] == ["contract", "contract"]
    assert all("index" in r["timings_ms"] for r in results)
    hits = shared_search_index(settings).search("terminate for convenience", k=10)
    assert {r["document_id"] for r in results} <= {h.document_id for h in hits}
    pipeline._init_worker(str(data_dir))  # what each pool process runs at start
    assert pipeline._worker is not None and pipeline._worker.search is None


def test_search_failure_does_not_fail_the_document(data_dir: Path, tmp_path: Path,
                                                   monkeypatch) -> None:
    """The index is secondary: a broken index is logged, the record is still stored."""
    from workflow.process import Pipeline
    from workflow.settings import Settings

    class Broken:
        def index_document(self, *_a, **_k):
            raise RuntimeError("index down")

        def delete_document(self, *_a, **_k):
            raise RuntimeError("index down")

    pipe = Pipeline(Settings.from_env())
    pipe._search = Broken()
    pipe.settings.search_enabled = True
    src = tmp_path / "nda.txt"
    src.write_text(NDA)
    result = pipe.process_path(src)
    assert result["doc_type"] == "contract"
    assert result["status"] != "failed" and result["error"] is None
    assert "index" in result["timings_ms"]
