"""Corrections: a wrong value can be cleared with a reason, the box follows a corrected
value, and a correction keeps the ledger entry where the duplicate checks look."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from records.db import session_scope
from records.models import AuditLog, FieldRow, LedgerEntry, Vendor, ViolationRow
from tests.api.test_web_support import INVOICE_FIELDS, add_user, login, seed_document
from workflow import metrics

POSTAL_PO = dict(INVOICE_FIELDS, po_number=("60311", "60311", 0.99))


def _field(app: FastAPI, doc_id: str, name: str) -> FieldRow:
    with session_scope(app.state.sessions) as s:
        row = s.scalar(select(FieldRow).where(FieldRow.document_id == doc_id,
                                              FieldRow.name == name))
        s.expunge(row)
        return row


def test_a_wrong_value_is_cleared_with_a_reason(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    doc = seed_document(app, "invoice", POSTAL_PO)
    token = login(client, "pat")
    # An empty value is not a correction; the message says how to remove it.
    r = client.patch(f"/api/documents/{doc}/fields/po_number", json={"value": ""},
                     headers={"X-CSRF-Token": token})
    assert r.status_code == 422 and "clear the field with a reason" in r.json()["detail"]
    r = client.request("DELETE", f"/api/documents/{doc}/fields/po_number", json={},
                       headers={"X-CSRF-Token": token})
    assert r.status_code == 422 and "say why" in r.json()["detail"]
    page = client.post(f"/documents/{doc}/fields", data={
        "name": "po_number", "value": "60311", "action": "clear",
        "reason": "postal code of the vendor, not a PO", "csrf_token": token})
    assert "Cleared po_number." in page.text and "cleared by pat" in page.text
    row = _field(app, doc, "po_number")
    assert (row.value, row.normalized, row.bbox) == (None, None, None)
    assert row.original["value"] == "60311" and row.note.startswith("postal code")
    result = client.get(f"/api/documents/{doc}").json()
    assert "po_number" not in result["fields"]
    assert result["corrections"]["po_number"]["cleared"] is True
    with session_scope(app.state.sessions) as s:
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == doc))
        assert entry.po_number is None
        log = s.scalar(select(AuditLog).where(AuditLog.action == "field.clear"))
        assert log.actor == "pat" and log.before["value"] == "60311"
        assert log.after["value"] is None and log.after["note"].startswith("postal code")
    assert "60311" not in client.get("/ledger.csv").text
    # Clearing twice is refused: there is nothing left to clear.
    r = client.request("DELETE", f"/api/documents/{doc}/fields/po_number",
                       json={"reason": "again"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 422


def test_box_follows_the_corrected_value(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    lines = [f"{k}: {v[0]}" for k, v in INVOICE_FIELDS.items()] + ["Amount due 1,290.00"]
    doc = seed_document(app, "invoice", INVOICE_FIELDS, lines=lines)
    before = _field(app, doc, "total_amount")
    token = login(client, "pat")
    r = client.patch(f"/api/documents/{doc}/fields/total_amount", json={"value": "1290.00"},
                     headers={"X-CSRF-Token": token})
    assert r.status_code == 200
    after = _field(app, doc, "total_amount")
    # The words "1,290.00" sit on the last line (seed_document: 16 pt per line, x from 72).
    y = 792 - 740 - 10 + 16 * (len(lines) - 1)
    x0 = 72.0 + sum(6.0 * len(w) + 4 for w in ("Amount", "due"))
    assert after.page == 1 and after.bbox == [x0, y, x0 + 6.0 * len("1,290.00"), y + 10]
    assert after.bbox != before.bbox and after.original["bbox"] == before.bbox
    assert r.json()["fields"]["total_amount"]["bbox"] == after.bbox
    # A value the page does not show has no box rather than the old, wrong one.
    client.patch(f"/api/documents/{doc}/fields/total_amount", json={"value": "999.99"},
                 headers={"X-CSRF-Token": token})
    assert _field(app, doc, "total_amount").bbox is None


def test_correction_then_second_copy_is_still_a_duplicate(app: FastAPI,
                                                         client: TestClient) -> None:
    """The vendor master spells the name one way, OCR another: the first invoice is filed
    under the master's key. A correction must keep it there (it used to re-file it under
    the raw key with no vendor), or the second copy is not recognised."""
    add_user(app, "pat", "ap")
    with session_scope(app.state.sessions) as s:
        s.add(Vendor(key="northwind traders", name="Northwind Traders GmbH",
                     ibans=["DE89370400440532013000"]))
    misread = dict(INVOICE_FIELDS, vendor_name=("Northwind Tradres GmbH",
                                                "Northwind Tradres GmbH", 0.95))
    first = seed_document(app, "invoice", misread)
    with session_scope(app.state.sessions) as s:
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == first))
        assert entry.vendor_key == "northwind traders" and entry.vendor_id is not None
    token = login(client, "pat")
    assert client.patch(f"/api/documents/{first}/fields/total_amount",
                        json={"value": "1190.00"},
                        headers={"X-CSRF-Token": token}).status_code == 200
    with session_scope(app.state.sessions) as s:
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == first))
        assert entry.vendor_key == "northwind traders" and entry.vendor_id is not None
    second = seed_document(app, "invoice", misread)
    with session_scope(app.state.sessions) as s:
        rules = set(s.scalars(select(ViolationRow.rule).where(
            ViolationRow.document_id == second)))
    assert "ap.duplicate_invoice" in rules


def test_an_invoice_retyped_as_something_else_leaves_the_ledger(app: FastAPI,
                                                               client: TestClient) -> None:
    add_user(app, "ann", "approver", "legal")
    add_user(app, "bob", "approver")
    doc = seed_document(app, "invoice", INVOICE_FIELDS)
    token = login(client, "bob")
    assert client.post(f"/api/documents/{doc}/decision", json={"decision": "approve"},
                       headers={"X-CSRF-Token": token}).status_code == 200
    client.cookies.clear()
    token = login(client, "ann")
    r = client.patch(f"/api/documents/{doc}/type", json={"doc_type": "contract"},
                     headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["status"] == "needs_review"
    with session_scope(app.state.sessions) as s:
        assert s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == doc)) is None
        removed = s.scalar(select(AuditLog).where(AuditLog.action == "ledger.remove"))
        assert removed.actor == "ann" and removed.before["status"] == "approved"


def test_saving_the_machine_value_unchanged_is_a_confirmation(app: FastAPI,
                                                              client: TestClient) -> None:
    add_user(app, "pat", "ap")
    doc = seed_document(app, "invoice", INVOICE_FIELDS)
    before = _field(app, doc, "invoice_number")
    assert before.confidence < 1.0
    token = login(client, "pat")
    page = client.post(f"/documents/{doc}/fields", data={
        "name": "invoice_number", "value": before.value, "csrf_token": token})
    assert "Confirmed invoice_number." in page.text
    row = _field(app, doc, "invoice_number")
    # Certain now, still the machine's reading (source, box), and not a correction.
    assert row.confidence == 1.0 and not row.corrected and row.corrected_by is None
    assert (row.source, row.bbox, row.value) == (before.source, before.bbox, before.value)
    assert row.original["confidence"] == before.confidence
    assert "invoice_number" not in client.get(f"/api/documents/{doc}").json()["corrections"]
    with session_scope(app.state.sessions) as s:
        assert metrics.compute(s).corrected_documents == 0
        assert s.scalar(select(AuditLog).where(AuditLog.action == "field.confirm")).actor == "pat"
        assert s.scalar(select(AuditLog).where(AuditLog.action == "field.correct")) is None
    # A changed value is still a correction.
    page = client.post(f"/documents/{doc}/fields", data={
        "name": "invoice_number", "value": "INV-9", "csrf_token": token})
    assert "Saved invoice_number." in page.text
    assert _field(app, doc, "invoice_number").corrected
