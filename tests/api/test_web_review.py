"""Reviewer actions: field and type corrections (audited, learned from), approve and
reject with queues, limits and the vendor master, page rendering with highlights."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from records.db import session_scope
from records.models import (
    AuditLog,
    Document,
    FieldRow,
    LedgerEntry,
    PageRow,
    ReviewTask,
    TypeFeedback,
    Vendor,
    ViolationRow,
)
from tests.api.test_web_support import (
    INVOICE_FIELDS,
    add_user,
    login,
    seed_document,
)


def _open_tasks(app: FastAPI, doc_id: str, queue: str) -> list[ReviewTask]:
    with session_scope(app.state.sessions) as s:
        return list(s.scalars(select(ReviewTask).where(
            ReviewTask.document_id == doc_id, ReviewTask.queue == queue,
            ReviewTask.status == "open")))


def test_field_correction_is_audited_kept_and_rechecked(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    doc_id = seed_document(app, "invoice", INVOICE_FIELDS)
    task = _open_tasks(app, doc_id, "review")
    assert task and "low_confidence:total_amount" in task[0].reasons
    token = login(client, "pat")
    r = client.post(f"/documents/{doc_id}/fields",
                    data={"name": "total_amount", "value": "1.290,00", "csrf_token": token})
    assert r.status_code == 200 and "Saved total_amount" in r.text
    with session_scope(app.state.sessions) as s:
        row = s.scalar(select(FieldRow).where(FieldRow.document_id == doc_id,
                                              FieldRow.name == "total_amount"))
        assert row.corrected and row.corrected_by == "pat" and row.corrected_at
        assert row.normalized == "1290.00" and row.confidence == 1.0
        assert row.original["value"] == "1,190.00"
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == doc_id))
        assert entry.total_amount == "1290.00"
        log = s.scalars(select(AuditLog).where(AuditLog.action == "field.correct")).all()
        assert len(log) == 1 and log[0].actor == "pat" and log[0].entity_id == doc_id
        assert log[0].before["value"] == "1,190.00" and log[0].after["value"] == "1.290,00"
        doc = s.get(Document, doc_id)
        assert "low_confidence:total_amount" not in (doc.review_reasons or [])
        assert doc.result["corrections"]["total_amount"]["corrected_by"] == "pat"
    task = _open_tasks(app, doc_id, "review")
    assert not task or "low_confidence:total_amount" not in task[0].reasons
    page = client.get(f"/documents/{doc_id}").text
    assert "corrected by pat" in page


def test_bad_correction_is_refused_and_not_stored(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    doc_id = seed_document(app, "invoice", INVOICE_FIELDS)
    token = login(client, "pat")
    r = client.post(f"/documents/{doc_id}/fields",
                    data={"name": "invoice_date", "value": "next tuesday-ish",
                          "csrf_token": token})
    assert "Not saved" in r.text
    r = client.patch(f"/api/documents/{doc_id}/fields/iban", json={"value": "DE00 1234"},
                     headers={"X-CSRF-Token": token})
    assert r.status_code == 422
    with session_scope(app.state.sessions) as s:
        assert not s.scalars(select(FieldRow).where(FieldRow.corrected)).all()
        assert not s.scalars(select(AuditLog).where(AuditLog.action == "field.correct")).all()


def test_type_correction_becomes_training_feedback(app: FastAPI, client: TestClient) -> None:
    from records.feedback import load_type_feedback

    add_user(app, "pat", "ap", "approver")
    doc_id = seed_document(app, "invoice", INVOICE_FIELDS)
    token = login(client, "pat")
    r = client.post(f"/documents/{doc_id}/type",
                    data={"doc_type": "receipt", "subtype": "", "csrf_token": token})
    assert r.status_code == 200
    with session_scope(app.state.sessions) as s:
        fb = s.scalars(select(TypeFeedback)).all()
        assert [(f.doc_type, f.predicted_type, f.actor) for f in fb] == [
            ("receipt", "invoice", "pat")]
        assert s.get(Document, doc_id).type_confidence == 1.0
        rows = load_type_feedback(s)
    assert len(rows) == 1 and rows[0][1] == "receipt" and "Northwind" in rows[0][0]
    # Setting a type the user could no longer see is refused.
    r = client.post(f"/documents/{doc_id}/type",
                    data={"doc_type": "hr", "subtype": "", "csrf_token": token})
    assert r.status_code == 403


def test_approve_from_queue_registers_vendor_and_moves_on(app: FastAPI,
                                                           client: TestClient) -> None:
    add_user(app, "ann", "approver")
    first = seed_document(app, "invoice", INVOICE_FIELDS)
    other = dict(INVOICE_FIELDS, invoice_number=("INV-2", "INV-2", 0.95),
                 vendor_name=("Contoso Supplies", "Contoso Supplies", 0.95))
    second = seed_document(app, "invoice", other)
    token = login(client, "ann")
    page = client.get(f"/documents/{first}?queue=review")
    assert f'data-next="/documents/{second}?queue=review"' in page.text
    r = client.post(f"/documents/{first}/decision",
                    data={"decision": "approve", "queue": "review", "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/documents/{second}?queue=review"
    assert not _open_tasks(app, first, "review")
    # Approving resolves nothing: the new-vendor finding stays open, in the exception queue.
    [task] = _open_tasks(app, first, "exception")
    assert "violation:ap.new_vendor" in task.reasons
    with session_scope(app.state.sessions) as s:
        assert s.get(Document, first).status == "approved"
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == first))
        assert entry.status == "approved" and entry.vendor_id is not None
        vendor = s.get(Vendor, entry.vendor_id)
        assert vendor.ibans == ["DE89370400440532013000"]
        actions = {a.action for a in s.scalars(select(AuditLog))}
    assert {"document.approve", "ledger.approved", "vendor.create"} <= actions
    assert first not in client.get("/queues/review").text


def test_ap_clerk_approval_limit(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    big = dict(INVOICE_FIELDS, total_amount=("9,000.00", "9000.00", 0.95))
    doc_id = seed_document(app, "invoice", big)
    token = login(client, "pat")
    r = client.post(f"/api/documents/{doc_id}/decision", json={"decision": "approve"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 409 and "ap.approval_required" in r.json()["detail"]
    # Once an approver resolved the approval-limit finding, the clerk's own limit still holds.
    add_user(app, "ann", "approver")
    with session_scope(app.state.sessions) as s:
        from workflow.decide import resolve_finding

        v = s.scalar(select(ViolationRow).where(ViolationRow.document_id == doc_id,
                                                ViolationRow.rule == "ap.approval_required"))
        resolve_finding(s, v.id, "accepted_risk", "budget owner signed PO 77", "ann",
                        {"approver"}, True, app.state.policy_config)
    r = client.post(f"/api/documents/{doc_id}/decision", json={"decision": "approve"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 403 and "above your approval limit 5000.00" in r.json()["detail"]
    r = client.post(f"/api/documents/{doc_id}/decision", json={"decision": "reject",
                                                               "note": "duplicate"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["status"] == "rejected"


def test_document_page_renders_image_and_highlights(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    items = [{"description": 'Widget "XL" <b>', "amount": "10.00"}]
    doc_id = seed_document(app, "invoice", dict(INVOICE_FIELDS, line_items=(items, items, 0.9)))
    login(client, "pat")
    page = client.get(f"/documents/{doc_id}").text
    assert 'rect class="box" data-field="total_amount"' in page
    # line items are a grid of cells, each escaped (no raw JSON box)
    assert 'value="Widget &#34;XL&#34; &lt;b&gt;" aria-label="Description, line 1"' in page
    assert 'id="approve-form"' in page
    img = client.get(f"/documents/{doc_id}/pages/1.png")
    assert img.status_code == 200 and img.content[:8] == b"\x89PNG\r\n\x1a\n"
    import io

    from PIL import Image

    w, h = Image.open(io.BytesIO(img.content)).size
    assert abs(w / h - 612 / 792) < 0.01  # same geometry as the boxes' page
    assert client.get(f"/documents/{doc_id}/pages/2.png").status_code == 404
    orig = client.get(f"/documents/{doc_id}/original")
    assert orig.content.startswith(b"%PDF") and "attachment" in orig.headers[
        "content-disposition"]


def test_document_from_rows_rebuilds_lines(app: FastAPI) -> None:
    from records.rows import document_from_rows

    doc_id = seed_document(app, "invoice", INVOICE_FIELDS)
    with session_scope(app.state.sessions) as s:
        doc = document_from_rows(s, doc_id)
    assert len(doc.pages) == 1 and doc.pages[0].width == 612.0
    lines = {w.line for w in doc.pages[0].words}
    assert len(lines) == len(INVOICE_FIELDS)
    first = [w.text for w in doc.pages[0].words if w.line == 0]
    assert first[0] == "vendor_name:"


def test_a_correction_teaches_the_vendor_whose_hints_the_next_document_gets(
        app: FastAPI, client: TestClient) -> None:
    """The vendor master matches a misread name fuzzily when the pipeline looks up hints;
    a correction must reach the same vendor (it used to need the exact key)."""
    from extractors.invoice import VendorHints

    add_user(app, "pat", "ap")
    with session_scope(app.state.sessions) as s:
        s.add(Vendor(key="northwind traders", name="Northwind Traders GmbH", ibans=[]))
    misread = ("Northwind Tradres GmbH", "Northwind Tradres GmbH", 0.95)
    lines = ["Northwind Tradres GmbH", "Hauptweg 5, 10115 Berlin", "Rechnung Nr. 4711",
             "Kundenreferenz ZX-88121", "Datum 05.03.2024", "Gesamtbetrag 1.190,00 EUR"]
    doc_id = seed_document(app, "invoice", dict(INVOICE_FIELDS, vendor_name=misread),
                           lines=lines)
    token = login(client, "pat")
    r = client.patch(f"/api/documents/{doc_id}/fields/invoice_number",
                     json={"value": "ZX-88121"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200
    with session_scope(app.state.sessions) as s:
        vendor = s.scalar(select(Vendor).where(Vendor.key == "northwind traders"))
        learned = VendorHints.from_json(vendor.hints).data
    assert any("invoice_number" in per_vendor for per_vendor in learned.values())


def test_a_confirmed_address_teaches_the_vendor_known_by_its_tax_id(
        app: FastAPI, client: TestClient) -> None:
    """A reviewer who confirms the machine's reading vouches for it: the vendor (filed
    under its tax id, found by its recorded name since this receipt's tax id was not read)
    learns the address verbatim, as from a correction, and the confirmation stays one."""
    from extractors.invoice import VendorHints

    add_user(app, "pat", "ap")
    with session_scope(app.state.sessions) as s:
        s.add(Vendor(key="DE136695976", name="Northwind Traders GmbH", tax_id="DE136695976",
                     ibans=[]))
    address = "Hauptweg 5, 10115 Berlin"
    lines = ["Northwind Traders GmbH", address, "Rechnung Nr. 4711",
             "Datum 05.03.2024", "Gesamtbetrag 1.190,00 EUR"]
    doc_id = seed_document(app, "receipt", dict(INVOICE_FIELDS,
                                                vendor_address=(address, address, 0.5)),
                           lines=lines)
    token = login(client, "pat")
    r = client.patch(f"/api/documents/{doc_id}/fields/vendor_address",
                     json={"value": address}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    with session_scope(app.state.sessions) as s:
        vendor = s.scalar(select(Vendor).where(Vendor.key == "DE136695976"))
        learned = VendorHints.from_json(vendor.hints).data
        row = s.scalar(select(FieldRow).where(FieldRow.document_id == doc_id,
                                              FieldRow.name == "vendor_address"))
        assert not row.corrected and row.confidence == 1.0  # still a confirmation
    assert [h["value"] for per_vendor in learned.values()
            for h in per_vendor.get("vendor_address", [])] == [address]


def test_page_words_serve_the_stored_words_in_page_coordinates(app: FastAPI,
                                                               client: TestClient) -> None:
    """The words click-to-capture reads: text and box only, malformed entries skipped."""
    add_user(app, "pat", "ap")
    doc_id = seed_document(app, "invoice", INVOICE_FIELDS)
    with session_scope(app.state.sessions) as s:
        row = s.query(PageRow).filter_by(document_id=doc_id, number=1).one()
        row.words = [["INV-7", 10, 20, 40, 30, 0.9], ["short"]]
    login(client, "pat")
    got = client.get(f"/documents/{doc_id}/pages/1/words").json()
    assert got["words"] == [{"text": "INV-7", "bbox": [10.0, 20.0, 40.0, 30.0]}]
    assert got["width"] == 612
    assert client.get(f"/documents/{doc_id}/pages/2/words").status_code == 404
