"""Review-queue leases: one reviewer per item; the lease runs out back to the queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from records.db import session_scope
from records.models import ReviewTask
from tests.api.test_web_support import INVOICE_FIELDS, add_user, login, seed_document


def _api(client: TestClient, token: str, method: str, path: str, body: Any = None) -> Any:
    return client.request(method, path, json=body, headers={"X-CSRF-Token": token})


def test_two_reviewers_never_work_the_same_item(app: FastAPI, client: TestClient) -> None:
    doc = seed_document(app, "invoice", INVOICE_FIELDS)  # total at 0.55: in review
    add_user(app, "rita", "approver")
    add_user(app, "ron", "approver")
    rita = login(client, "rita")
    r = _api(client, rita, "POST", f"/api/queues/review/{doc}/lease")
    assert r.status_code == 200 and r.json()["leased_by"] == "rita"
    items = client.get("/api/queues/review").json()["items"]
    assert next(i for i in items if i["document_id"] == doc)["leased_by"] == "rita"
    client.cookies.clear()
    ron = login(client, "ron")
    r = _api(client, ron, "POST", f"/api/queues/review/{doc}/lease")
    assert r.status_code == 409 and "rita is reviewing this document" in r.json()["detail"]
    r = _api(client, ron, "PATCH", f"/api/documents/{doc}/fields/total_amount",
             {"value": "1190.00"})
    assert r.status_code == 409 and "rita is reviewing" in r.json()["detail"]
    r = _api(client, ron, "POST", f"/api/documents/{doc}/decision",
             {"decision": "reject", "note": "x"})
    assert r.status_code == 409 and "rita is reviewing" in r.json()["detail"]
    page = client.get(f"/documents/{doc}?queue=review")
    assert "rita is reviewing this document" in page.text
    # the lease runs out: the item is back in the queue for anyone
    with session_scope(app.state.sessions) as s:
        task = s.scalar(select(ReviewTask).where(ReviewTask.document_id == doc,
                                                 ReviewTask.queue == "review"))
        task.lease_until = datetime.now(UTC) - timedelta(seconds=1)
    page = client.get(f"/documents/{doc}?queue=review")  # a GET shows it, takes nothing
    assert 'data-lease-state="free"' in page.text and 'id="take-lease"' in page.text
    with session_scope(app.state.sessions) as s:
        task = s.scalar(select(ReviewTask).where(ReviewTask.document_id == doc,
                                                 ReviewTask.queue == "review"))
        assert task.leased_by == "rita"  # the run-out lease is still rita's row, unheld
    r = client.post(f"/documents/{doc}/lease", data={"csrf_token": ron})  # the button
    assert r.status_code == 200 and "You hold this item until" in r.text
    with session_scope(app.state.sessions) as s:
        task = s.scalar(select(ReviewTask).where(ReviewTask.document_id == doc,
                                                 ReviewTask.queue == "review"))
        assert task.leased_by == "ron"
    r = _api(client, ron, "DELETE", f"/api/queues/review/{doc}/lease")
    assert r.status_code == 200
    client.cookies.clear()
    rita = login(client, "rita")
    assert _api(client, rita, "POST",
                f"/api/queues/review/{doc}/lease").json()["leased_by"] == "rita"


def test_review_queue_page_shows_who_took_an_item(app: FastAPI, client: TestClient) -> None:
    doc = seed_document(app, "invoice", INVOICE_FIELDS)
    add_user(app, "rita", "approver")
    token = login(client, "rita")
    client.get(f"/documents/{doc}?queue=review")
    assert "<td>rita</td>" not in client.get("/queues/review").text  # a GET takes nothing
    client.post(f"/documents/{doc}/lease", data={"csrf_token": token})
    page = client.get("/queues/review")
    assert "Taken by" in page.text and "<td>rita</td>" in page.text


def test_taking_the_lease_needs_a_csrf_token(app: FastAPI, client: TestClient) -> None:
    doc = seed_document(app, "invoice", INVOICE_FIELDS)
    add_user(app, "rita", "approver")
    login(client, "rita")
    assert client.post(f"/documents/{doc}/lease", data={}).status_code == 403
    with session_scope(app.state.sessions) as s:
        task = s.scalar(select(ReviewTask).where(ReviewTask.document_id == doc,
                                                 ReviewTask.queue == "review"))
        assert task.leased_by is None
