"""Role rules: HR confidentiality everywhere (list, detail, image, words, download, API, queues,
audit), ledger/search/audit pages by role."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.test_web_support import (
    ADMIN_PASSWORD,
    HR_FIELDS,
    INVOICE_FIELDS,
    add_user,
    login,
    seed_document,
)


def _paths(doc_id: str) -> list[str]:
    return [f"/documents/{doc_id}", f"/documents/{doc_id}/pages/1.png",
            f"/documents/{doc_id}/pages/1/words",
            f"/documents/{doc_id}/original", f"/api/documents/{doc_id}"]


def test_ap_user_cannot_see_hr_document_hr_user_can(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    add_user(app, "hana", "hr")
    hr_id = seed_document(app, "hr", HR_FIELDS, filename="payslip-jordan.pdf")
    inv_id = seed_document(app, "invoice", INVOICE_FIELDS, filename="northwind.pdf")

    login(client, "pat")
    listing = client.get("/documents").text
    assert "northwind.pdf" in listing and "payslip-jordan.pdf" not in listing
    for path in _paths(hr_id):
        assert client.get(path).status_code == 404, path
    ids = [d["document_id"] for d in client.get("/api/documents").json()["documents"]]
    assert ids == [inv_id]
    assert hr_id not in client.get("/queues/review").text
    assert all(i["document_id"] != hr_id
               for i in client.get("/api/queues/review").json()["items"])
    status = client.get(f"/api/documents/{hr_id}/status")
    assert (status.status_code, status.json()) == (404, {"detail": "no such document"})
    r = client.patch(f"/api/documents/{hr_id}/fields/salary", json={"value": "1"},
                     headers={"X-CSRF-Token": login(client, "pat")})
    assert r.status_code == 404

    client.cookies.clear()
    login(client, "hana")
    for path in _paths(hr_id):
        assert client.get(path).status_code == 200, path
    assert client.get(f"/documents/{inv_id}").status_code == 404
    assert "payslip-jordan.pdf" in client.get("/queues/review").text
    assert client.get("/ledger").status_code == 403


def test_compliance_sees_hr_findings_not_contents(app: FastAPI, client: TestClient) -> None:
    from records.db import session_scope
    from records.models import ReviewTask, ViolationRow

    add_user(app, "cora", "compliance")
    hr_id = seed_document(app, "hr", HR_FIELDS, filename="payslip-jordan.pdf")
    with session_scope(app.state.sessions) as s:
        s.add(ViolationRow(document_id=hr_id, rule="hr.test_rule", severity="high",
                           message="salary 85000.00 out of band", policy_version="t"))
        s.add(ReviewTask(document_id=hr_id, queue="exception", reasons=["violation:hr.test_rule"],
                         doc_type="hr"))
    token = login(client, "cora")
    queue = client.get("/queues/exception").text
    assert "Restricted hr document" in queue and "payslip-jordan.pdf" not in queue
    page = client.get(f"/documents/{hr_id}")
    assert page.status_code == 200 and "hr.test_rule" in page.text
    assert "Jordan" not in page.text and "85000" not in page.text
    assert client.get(f"/documents/{hr_id}/original").status_code == 404
    with session_scope(app.state.sessions) as s:
        vid = s.query(ViolationRow).filter_by(document_id=hr_id).one().id
    r = client.post(f"/violations/{vid}", data={"action": "resolve", "resolution": "false_positive",
                                                "note": "known",
                                                "csrf_token": token, "queue": "exception"})
    assert r.status_code == 200
    with session_scope(app.state.sessions) as s:
        assert s.get(ViolationRow, vid).status == "resolved"
        assert s.get(ViolationRow, vid).resolution == "false_positive"
        assert s.query(ReviewTask).filter_by(document_id=hr_id, queue="exception",
                                             status="open").count() == 0
    audit = client.get(f"/audit?entity={hr_id}").text
    assert "violation.resolve" in audit and "(restricted)" in audit and "85000" not in audit


def test_area_pages_by_role(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    add_user(app, "lee", "legal")
    login(client, "pat")
    assert client.get("/ledger").status_code == 200
    assert client.get("/ledger.csv").status_code == 200
    assert client.get("/search").status_code == 403
    assert client.get("/api/search?q=x").status_code == 403
    assert client.get("/audit").status_code == 403
    client.cookies.clear()
    login(client, "lee")
    assert client.get("/ledger").status_code == 403
    assert client.get("/api/ledger").status_code == 403
    assert client.get("/search").status_code == 200
    client.cookies.clear()
    login(client, "admin", ADMIN_PASSWORD)
    for path in ("/ledger", "/search", "/audit", "/users"):
        assert client.get(path).status_code == 200, path
