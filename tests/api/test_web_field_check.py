"""The review page's in-place field validation: the check endpoint runs the save path's
normalisation without saving and words the outcome (dates, amounts with the document's
currency, IBAN checksum, VAT id checksum), refuses nothing it would store, and keeps HR
documents to hr and admin."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.web.field_check import check_field
from records.db import session_scope
from records.models import AuditLog, FieldRow
from tests.api.test_web_support import HR_FIELDS, INVOICE_FIELDS, add_user, login, seed_document


def _check(client: TestClient, doc_id: str, name: str, value: str) -> dict:
    r = client.get(f"/documents/{doc_id}/fields/{name}/check", params={"value": value})
    assert r.status_code == 200, r.text
    return r.json()


def test_check_words_each_kind_and_saves_nothing(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    doc_id = seed_document(app, "invoice", INVOICE_FIELDS)
    login(client, "pat")
    got = _check(client, doc_id, "invoice_date", "5 March 2024")
    assert (got["saveable"], got["valid"], got["shown"]) == (True, True, "2024-03-05")
    got = _check(client, doc_id, "total_amount", "1.234,5")
    assert got["normalized"] == "1234.50" and got["shown"] == "1,234.50 EUR"
    got = _check(client, doc_id, "iban", "de89370400440532013000")
    assert got["valid"] and got["shown"] == "DE89 3704 0044 0532 0130 00 valid"
    got = _check(client, doc_id, "iban", "DE89 3704 0044 0532 0130 01")
    assert not got["saveable"] and "not a valid IBAN" in got["shown"]
    got = _check(client, doc_id, "invoice_date", "next tuesday-ish")
    assert not got["saveable"] and "cannot read" in got["shown"]
    got = _check(client, doc_id, "vendor_tax_id", "DE 136 695 976")
    assert got["valid"] and got["shown"] == "DE136695976 valid EU VAT"
    got = _check(client, doc_id, "vendor_tax_id", "DE 136 695 977")  # checksum fails
    assert got["saveable"] and not got["valid"] and "would be saved as DE136695977" in got["shown"]
    with session_scope(app.state.sessions) as s:
        assert not s.scalars(select(FieldRow).where(FieldRow.corrected)).all()
        assert not s.scalars(select(AuditLog).where(AuditLog.action == "field.correct")).all()


def test_check_agrees_with_the_save_path(app: FastAPI, client: TestClient) -> None:
    """What the check calls saveable is saved with the normalized value it showed."""
    add_user(app, "pat", "ap")
    doc_id = seed_document(app, "invoice", INVOICE_FIELDS)
    token = login(client, "pat")
    shown = _check(client, doc_id, "total_amount", "2.500,00 €")
    r = client.post(f"/documents/{doc_id}/fields",
                    data={"name": "total_amount", "value": "2.500,00 €", "csrf_token": token})
    assert "Saved total_amount" in r.text
    with session_scope(app.state.sessions) as s:
        row = s.scalar(select(FieldRow).where(FieldRow.document_id == doc_id,
                                              FieldRow.name == "total_amount"))
        assert row.normalized == shown["normalized"] == "2500.00"


def test_check_follows_document_access(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    add_user(app, "lee", "legal")
    hr_doc = seed_document(app, "hr", HR_FIELDS)
    invoice = seed_document(app, "invoice", INVOICE_FIELDS)
    login(client, "pat")
    assert client.get(f"/documents/{hr_doc}/fields/salary/check?value=1").status_code == 404
    login(client, "lee")
    assert client.get(f"/documents/{invoice}/fields/iban/check?value=1").status_code in (403, 404)


def test_amount_without_a_currency_and_empty_value() -> None:
    assert check_field("subtotal", "1234.5").shown == "1,234.50"
    empty = check_field("invoice_number", "  ")
    assert not empty.saveable and "clear the field" in empty.shown
