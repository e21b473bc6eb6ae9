"""Uploads through the API and the plain form: the original is kept, a document row
exists at once, processing finishes in the background pool, re-uploads dedupe."""

from __future__ import annotations

import time

from fastapi import FastAPI
from fastapi.testclient import TestClient

from records.db import session_scope
from records.models import Document
from tests.api.test_web_support import (
    ADMIN_PASSWORD,
    add_user,
    login,
)
from tests.conftest import INVOICE_LINES, pdf_bytes

FINAL = {"needs_review", "auto_approved", "failed", "restricted"}

def test_api_upload_processes_and_dedupes(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    token = login(client, "pat")
    data = pdf_bytes(INVOICE_LINES)
    r = client.post("/api/documents", files=[("files", ("inv.pdf", data, "application/pdf"))],
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    (res,) = r.json()["documents"]
    assert res["file"] == "inv.pdf" and res["status"] in FINAL
    assert app.state.blobs.get(res["sha256"]) == data
    again = client.post("/api/documents?wait=false",
                        files=[("files", ("copy.pdf", data, "application/pdf"))],
                        headers={"X-CSRF-Token": token})
    assert again.status_code == 202
    (dup,) = again.json()["documents"]
    assert dup["document_id"] == res["document_id"] and dup["queued"] is False
    if res["status"] != "restricted":
        detail = client.get(f"/api/documents/{res['document_id']}").json()
        assert detail["sha256"] == res["sha256"] and "corrections" in detail


def test_form_upload_lists_document_and_polls(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    token = login(client, "pat")
    data = pdf_bytes(["Hello", "a plain note"])
    r = client.post("/upload", data={"csrf_token": token},
                    files=[("files", ("note.pdf", data, "application/pdf"))])
    assert r.status_code == 200 and "1 file(s) received" in r.text
    docs = client.get("/api/documents").json()["documents"]
    assert [d["file"] for d in docs] == ["note.pdf"]
    doc_id = docs[0]["document_id"]
    for _ in range(300):
        s = client.get(f"/api/documents/{doc_id}/status").json()
        if s["final"]:
            break
        time.sleep(0.1)
    assert s["final"] and s["status"] in FINAL
    assert client.post("/upload", files=[("files", ("x.pdf", data, "application/pdf"))]
                       ).status_code == 403  # no CSRF token


def _w4() -> bytes:
    return pdf_bytes(["Form W-4 Employee's Withholding Certificate", "SSN 123-45-6789"])


def test_hr_upload_is_hidden_from_other_roles_while_processing(app: FastAPI,
                                                               client: TestClient) -> None:
    """The scanned W-4 an ap user could once fetch 0.05 s after HR uploaded it."""
    from concurrent.futures import Future

    class Idle:  # processing never finishes: the document stays untyped
        def reserve(self) -> bool:
            return True

        def release(self) -> None:
            return None

        def submit(self, document_id: str, actor: str,
                   reserved: bool = False) -> Future[dict[str, object]]:
            return Future()

        def shutdown(self) -> None:
            return None

    app.state.jobs = Idle()
    add_user(app, "hana", "hr")
    add_user(app, "hugo", "hr")
    add_user(app, "pat", "ap")
    token = login(client, "hana")
    r = client.post("/api/documents?wait=false",
                    files=[("files", ("w4.pdf", _w4(), "application/pdf"))],
                    headers={"X-CSRF-Token": token})
    (doc,) = r.json()["documents"]
    doc_id = doc["document_id"]
    assert client.get(f"/api/documents/{doc_id}/status").json()["status"] == "processing"
    for name, seen in (("pat", False), ("hugo", True)):
        client.cookies.clear()
        login(client, name)
        assert (client.get(f"/documents/{doc_id}/original").status_code == 200) is seen
        assert (client.get(f"/api/documents/{doc_id}/status").status_code == 200) is seen
        assert ("w4.pdf" in client.get("/documents").text) is seen


def test_hr_upload_that_fails_stays_hidden(app: FastAPI, client: TestClient) -> None:
    app.state.settings.max_pages = 0  # every PDF fails with too_many_pages
    add_user(app, "hana", "hr")
    add_user(app, "pat", "ap")
    token = login(client, "hana")
    r = client.post("/api/documents", files=[("files", ("w4.pdf", _w4(), "application/pdf"))],
                    headers={"X-CSRF-Token": token})
    (res,) = r.json()["documents"]
    assert res["status"] == "failed" and res["error"]["code"] == "too_many_pages"
    client.cookies.clear()
    login(client, "pat")
    for path in (f"/documents/{res['document_id']}", f"/documents/{res['document_id']}/original",
                 f"/api/documents/{res['document_id']}/status"):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/documents").json()["total"] == 0


def test_upload_name_loses_bidi_and_control_characters(app: FastAPI, client: TestClient) -> None:
    token = login(client, "admin", ADMIN_PASSWORD)
    name = "invoice\u202efdp.exe"
    r = client.post("/api/documents?wait=false", headers={"X-CSRF-Token": token},
                    files=[("files", (name, pdf_bytes(INVOICE_LINES), "application/pdf"))])
    assert r.status_code == 202 and r.json()["documents"][0]["file"] == "invoicefdp.exe"
    doc_id = r.json()["documents"][0]["document_id"]
    with session_scope(app.state.sessions) as s:
        assert s.get(Document, doc_id).filename == "invoicefdp.exe"
    r = client.get(f"/documents/{doc_id}/original")
    assert "invoicefdp.exe" in r.headers["content-disposition"]
    assert "%E2%80%AE" not in r.headers["content-disposition"]
