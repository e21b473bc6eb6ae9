"""Line items edited as a grid: every cell read with the money grammar (or refused with its
line named), stored through the correction path (audited, machine's list kept), and the
`ap.line_items_sum` finding follows the corrected lines."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from records.db import session_scope
from records.models import AuditLog, FieldRow, ViolationRow
from tests.api.test_web_support import INVOICE_FIELDS, add_user, login, seed_document
from workflow.errors import Invalid
from workflow.line_items import LineItemInput, normalize_line_items

# Subtotal 1,100.00 but the second line was read as 10.00: the lines add up to 1,010.00.
MISREAD = [{"description": "Consulting services", "quantity": "10", "unit_price": "100.00",
            "amount": "1000.00"},
           {"description": "Support hours", "quantity": "2", "unit_price": "50.00",
            "amount": "10.00"}]
FIELDS = dict(INVOICE_FIELDS, subtotal=("1,100.00", "1100.00", 0.95),
              tax_amount=("209.00", "209.00", 0.95),
              total_amount=("1,309.00", "1309.00", 0.95),
              line_items=(MISREAD, MISREAD, 0.6))


def test_cells_are_read_with_the_money_grammar() -> None:
    got = normalize_line_items([
        LineItemInput("  Widget   XL ", "1,5", "1.234,50", "1.851,75", "19 %"),
        LineItemInput(),  # the grid's spare row
        LineItemInput("Freight", "", "", "€ 12.00", "2.28"),
    ])
    assert got == [
        {"description": "Widget XL", "amount": "1851.75", "quantity": "1.5",
         "unit_price": "1234.50", "tax_rate": "19"},
        {"description": "Freight", "amount": "12.00", "tax": "2.28"},
    ]


@pytest.mark.parametrize(("row", "message"), [
    (LineItemInput("Widget", "2", "5.00", ""), "line 1: the amount is missing"),
    (LineItemInput("Widget", "2", "five", "10.00"), "line 1: cannot read 'five' as an amount"),
    (LineItemInput("Widget", "two", "5.00", "10.00"), "line 1: cannot read 'two' as a quantity"),
    (LineItemInput("Widget", "", "", "10.00", "x%"), "line 1: cannot read 'x%' as an amount"),
])
def test_an_unreadable_cell_is_refused_with_its_line(row: LineItemInput, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        normalize_line_items([row])


def test_json_lines_are_checked_too() -> None:
    with pytest.raises(Invalid, match="unknown column"):
        normalize_line_items([{"description": "x", "amount": "1", "colour": "red"}])
    with pytest.raises(Invalid, match="is an object"):
        normalize_line_items(["just text"])


def _rule_open(app: FastAPI, doc_id: str) -> bool:
    with session_scope(app.state.sessions) as s:
        return s.scalar(select(ViolationRow).where(
            ViolationRow.document_id == doc_id, ViolationRow.rule == "ap.line_items_sum",
            ViolationRow.status == "open")) is not None


def test_grid_save_fixes_the_sum_and_is_audited(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    doc = seed_document(app, "invoice", FIELDS)
    assert _rule_open(app, doc)
    token = login(client, "pat")
    page = client.get(f"/documents/{doc}").text
    assert 'id="line-items-form"' in page and 'id="li-diff-row" class="mismatch"' in page
    assert "Does not add up" in page and "≠ amount" in page
    assert 'id="v-line_items"' not in page  # no raw JSON box any more

    # A cell the grammar cannot read: refused, nothing stored, the finding stays.
    bad = {"csrf_token": token, "description": ["Consulting services", "Support hours", ""],
           "quantity": ["10", "2", ""], "unit_price": ["100.00", "50.00", ""],
           "amount": ["1,000.00", "one hundred", ""], "tax": ["", "", ""]}
    r = client.post(f"/documents/{doc}/line-items", data=bad)
    assert "Not saved: line 2: cannot read &#39;one hundred&#39; as an amount" in r.text
    assert _rule_open(app, doc)

    # Reordered, the misread amount fixed, the spare row left blank: saved and re-judged.
    good = dict(bad, description=["Support hours", "Consulting services", ""],
                quantity=["2", "10", ""], unit_price=["50.00", "100.00", ""],
                amount=["100,00", "1,000.00", ""], reason="second line misread")
    r = client.post(f"/documents/{doc}/line-items", data=good)
    assert "Saved 2 line items." in r.text and "Adds up" in r.text
    assert not _rule_open(app, doc)
    with session_scope(app.state.sessions) as s:
        row = s.scalar(select(FieldRow).where(FieldRow.document_id == doc,
                                              FieldRow.name == "line_items"))
        assert [i["description"] for i in row.normalized] == ["Support hours",
                                                               "Consulting services"]
        assert row.normalized[0]["amount"] == "100.00" and row.corrected_by == "pat"
        assert row.original["normalized"] == MISREAD and row.note == "second line misread"
        log = s.scalars(select(AuditLog).where(AuditLog.action == "field.correct")).all()
        assert len(log) == 1 and log[0].after["field"] == "line_items"
        assert log[0].before["normalized"] == MISREAD


def test_json_api_line_items_use_the_same_checks(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    doc = seed_document(app, "invoice", FIELDS)
    token = login(client, "pat")
    r = client.patch(f"/api/documents/{doc}/fields/line_items",
                     json={"value": json.dumps([{"description": "x", "amount": "abc"}])},
                     headers={"X-CSRF-Token": token})
    assert r.status_code == 422 and "line 1: cannot read 'abc' as an amount" in r.json()["detail"]
    fixed = [dict(MISREAD[0]), dict(MISREAD[1], amount="100.00")]
    r = client.patch(f"/api/documents/{doc}/fields/line_items",
                     json={"value": json.dumps(fixed)}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    assert not _rule_open(app, doc)


def test_only_editors_save_line_items(app: FastAPI, client: TestClient) -> None:
    add_user(app, "lee", "legal")
    doc = seed_document(app, "invoice", FIELDS)
    token = login(client, "lee")
    r = client.post(f"/documents/{doc}/line-items",
                    data={"csrf_token": token, "description": ["x"], "amount": ["1.00"]})
    assert r.status_code == 404  # legal does not see invoices at all


def test_readers_see_the_grid_without_inputs(app: FastAPI, client: TestClient) -> None:
    add_user(app, "cal", "compliance")  # reads invoices, does not edit them
    doc = seed_document(app, "invoice", FIELDS)
    login(client, "cal")
    page = client.get(f"/documents/{doc}").text
    assert 'id="line-items-form"' in page and "Support hours" in page
    assert 'name="amount"' not in page and 'id="li-save"' not in page
    assert "Does not add up" in page


def test_gross_lines_are_shown_against_the_total_and_raise_no_finding(
        app: FastAPI, client: TestClient) -> None:
    """Lines at prices with tax included add up to the total, not the subtotal: the grid
    shows them against the total (the subtotal kept for the script as another consistent
    sum) and `ap.line_items_sum` stays silent, as the rule's list says."""
    gross = [{"description": "Consulting services", "amount": "1190.00"},
             {"description": "Support hours", "amount": "119.00"}]
    add_user(app, "pat", "ap")
    doc = seed_document(app, "invoice", dict(FIELDS, line_items=(gross, gross, 0.9)))
    assert not _rule_open(app, doc)
    login(client, "pat")
    page = client.get(f"/documents/{doc}").text
    assert "Total on the invoice" in page and "Adds up" in page
    assert 'data-value="1309.00"' in page and 'data-others="1100.00"' in page
