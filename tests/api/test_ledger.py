"""The AP ledger: CSV export (formula-safe), status transitions and who may make them."""

from __future__ import annotations

import csv
import io

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from records.db import session_scope
from records.models import LedgerEntry
from tests.api.test_web_support import (
    INVOICE_FIELDS,
    add_user,
    login,
    seed_document,
)


def _entry_id(app: FastAPI, doc_id: str) -> int:
    with session_scope(app.state.sessions) as s:
        return s.scalar(select(LedgerEntry.id).where(LedgerEntry.document_id == doc_id))


def test_csv_export_has_rows_and_neutralises_formulas(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    evil = dict(INVOICE_FIELDS, vendor_name=("=HYPERLINK(\"x\")", "=HYPERLINK(\"x\")", 0.9))
    seed_document(app, "invoice", INVOICE_FIELDS)
    seed_document(app, "invoice", evil)
    login(client, "pat")
    r = client.get("/ledger.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 2
    assert {row["total_amount"] for row in rows} == {"1190.00"}
    assert {row["iban"] for row in rows} == {"DE89370400440532013000"}
    names = {row["vendor_name"] for row in rows}
    assert "Northwind Traders GmbH" in names and "'=HYPERLINK(\"x\")" in names
    only = client.get("/ledger.csv?status=paid").text.strip().splitlines()
    assert len(only) == 1  # header only


def test_status_transitions_and_roles(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    add_user(app, "ann", "approver")
    doc_id = seed_document(app, "invoice", INVOICE_FIELDS)
    entry = _entry_id(app, doc_id)
    token = login(client, "pat")
    assert client.post(f"/api/ledger/{entry}/status", json={"status": "approved"},
                       headers={"X-CSRF-Token": token}).status_code == 403
    client.cookies.clear()
    token = login(client, "ann")
    r = client.post(f"/api/ledger/{entry}/status", json={"status": "paid"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 409  # not approved yet
    r = client.post(f"/ledger/{entry}/status", data={"status": "approved", "csrf_token": token})
    assert r.status_code == 200 and "Not changed: the ledger follows the document" in r.text
    r = client.post(f"/api/ledger/{entry}/status", json={"status": "approved"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 409 and "approve or reject the document" in r.json()["detail"]
    assert client.get(f"/api/documents/{doc_id}").json()["status"] == "needs_review"
    r = client.post(f"/api/documents/{doc_id}/decision", json={"decision": "approve"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = client.post(f"/api/ledger/{entry}/status", json={"status": "paid"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["status"] == "paid"
    doc = client.get(f"/api/documents/{doc_id}").json()
    assert doc["status"] == "approved"
    entries = client.get("/api/ledger").json()["entries"]
    assert [e["status"] for e in entries] == ["paid"]
    audit = client.get(f"/audit?entity={entry}")
    assert audit.status_code == 403  # approvers do not read the audit log
