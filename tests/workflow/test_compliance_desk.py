"""The compliance officer's desk end to end through the pages and the JSON API: fuzzy
duplicates found and blocking, the work queue (filters, assignment, comments, resolve,
bulk, CSV), the dashboard and metrics, purchase orders by CSV and API, and HR findings
kept from everyone but hr and admin."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.cli import main as cli
from records.db import session_scope
from records.models import AuditLog, Document, FindingComment, ViolationRow
from tests.api.test_web_support import (
    HR_FIELDS,
    INVOICE_FIELDS,
    add_user,
    login,
    seed_document,
)


def _api(client: TestClient, token: str, method: str, path: str, body: Any = None) -> Any:
    return client.request(method, path, json=body, headers={"X-CSRF-Token": token})


def _findings(app: FastAPI, doc_id: str, rule: str) -> list[ViolationRow]:
    with session_scope(app.state.sessions) as s:
        rows = list(s.scalars(select(ViolationRow).where(ViolationRow.document_id == doc_id,
                                                         ViolationRow.rule == rule)))
        for r in rows:
            s.expunge(r)
        return rows


def _pair(app: FastAPI) -> tuple[str, str]:
    """Two invoices of one vendor whose numbers differ in one character."""
    first = seed_document(app, "invoice", INVOICE_FIELDS)
    second = seed_document(app, "invoice", {
        **INVOICE_FIELDS, "invoice_number": ("INV-2024-0118", "INV-2024-0118", 0.95)})
    return first, second


def test_one_character_apart_is_a_blocking_fuzzy_duplicate(app: FastAPI,
                                                           client: TestClient) -> None:
    first, second = _pair(app)
    [v] = _findings(app, second, "ap.fuzzy_duplicate")
    assert v.evidence["other_document_ids"] == [first]
    assert v.evidence["others"][0]["number_match"] == "edit"
    assert not _findings(app, second, "ap.duplicate_invoice")
    add_user(app, "ann", "approver")
    token = login(client, "ann")
    r = _api(client, token, "POST", f"/api/documents/{second}/decision",
             {"decision": "approve", "note": "ok"})
    assert r.status_code == 409 and "ap.fuzzy_duplicate" in r.json()["detail"]


def test_officer_assigns_comments_and_resolves_as_false_positive(app: FastAPI,
                                                                 client: TestClient) -> None:
    first, second = _pair(app)
    [v] = _findings(app, second, "ap.fuzzy_duplicate")
    add_user(app, "cora", "compliance")
    token = login(client, "cora")
    page = client.get("/exceptions", params={"rule": "ap.fuzzy_duplicate"})
    assert page.status_code == 200 and f"/exceptions/{v.id}" in page.text
    assert "Northwind Traders GmbH" in page.text and "1190.00" in page.text
    card = client.get(f"/exceptions/{v.id}")
    assert "Side by side" in card.text and "INV-2024-0113" in card.text
    assert "INV-2024-0118" in card.text and "{&#34;" not in card.text  # no raw JSON
    client.post(f"/exceptions/{v.id}/assign", data={"assignee": "me", "csrf_token": token})
    client.post(f"/exceptions/{v.id}/comments",
                data={"body": "Called Northwind: 0118 is a new order.", "csrf_token": token})
    mine = client.get("/exceptions", params={"assignee": "me"})
    assert f"/exceptions/{v.id}" in mine.text
    assert f"/exceptions/{v.id}" not in client.get(
        "/exceptions", params={"assignee": "none"}).text
    done = client.post(f"/exceptions/{v.id}/settle", data={
        "action": "resolve", "resolution": "false_positive",
        "reason": "Different order, confirmed by phone", "csrf_token": token})
    assert "Finding ap.fuzzy_duplicate resolved." in done.text
    [after] = _findings(app, second, "ap.fuzzy_duplicate")
    assert (after.status, after.resolution, after.assigned_to, after.resolved_by) == (
        "resolved", "false_positive", "cora", "cora")
    with session_scope(app.state.sessions) as s:
        thread = s.scalars(select(FindingComment).where(FindingComment.violation_id == v.id))
        assert [c.body for c in thread] == ["Called Northwind: 0118 is a new order."]
        actions = set(s.scalars(select(AuditLog.action).where(AuditLog.entity_id == second)))
    assert {"violation.assign", "violation.comment", "violation.resolve"} <= actions
    metrics = client.get("/api/metrics").json()
    assert {"resolution": "false_positive", "count": 1} in metrics["resolutions"]
    rule = next(r for r in metrics["exceptions_by_rule"] if r["rule"] == "ap.fuzzy_duplicate")
    assert rule == {"rule": "ap.fuzzy_duplicate", "open": 0, "total": 1}
    dash = client.get("/dashboard")
    assert dash.status_code == 200 and "<svg" in dash.text and "ap.fuzzy_duplicate" in dash.text
    assert "Resolved as false positive" in dash.text


def test_assignment_and_thread_survive_a_correction(app: FastAPI, client: TestClient) -> None:
    _, second = _pair(app)
    [v] = _findings(app, second, "ap.fuzzy_duplicate")
    add_user(app, "cora", "compliance")
    add_user(app, "pat", "ap")
    token = login(client, "cora")
    _api(client, token, "POST", f"/api/findings/{v.id}/assign", {"assignee": "cora"})
    _api(client, token, "POST", f"/api/findings/{v.id}/comments", {"body": "looking"})
    client.cookies.clear()
    token = login(client, "pat")
    r = _api(client, token, "PATCH", f"/api/documents/{second}/fields/currency",
             {"value": "EUR", "reason": "checked"})
    assert r.status_code == 200, r.text
    [after] = _findings(app, second, "ap.fuzzy_duplicate")
    assert after.id == v.id and after.assigned_to == "cora"


def test_assignee_must_be_able_to_work_findings(app: FastAPI, client: TestClient) -> None:
    _, second = _pair(app)
    [v] = _findings(app, second, "ap.fuzzy_duplicate")
    add_user(app, "cora", "compliance")
    add_user(app, "pat", "ap")
    token = login(client, "cora")
    r = _api(client, token, "POST", f"/api/findings/{v.id}/assign", {"assignee": "pat"})
    assert r.status_code == 422 and "cannot work findings" in r.json()["detail"]


def test_bulk_assign_and_resolve_with_refusals_reported(app: FastAPI,
                                                        client: TestClient) -> None:
    first, second = _pair(app)
    third = seed_document(app, "invoice", {
        **INVOICE_FIELDS, "invoice_number": ("INV-2024-0113-B", "INV-2024-0113-B", 0.95)})
    ids = [f.id for doc in (second, third) for f in _findings(app, doc, "ap.fuzzy_duplicate")]
    assert len(ids) == 2
    add_user(app, "cora", "compliance")
    token = login(client, "cora")
    r = _api(client, token, "POST", "/api/findings/bulk",
             {"ids": ids, "action": "assign", "assignee": "me"})
    assert r.json() == {"done": ids, "refused": {}}
    r = _api(client, token, "POST", "/api/findings/bulk",
             {"ids": ids, "action": "resolve", "resolution": "accepted_risk", "reason": ""})
    assert r.json()["done"] == [] and len(r.json()["refused"]) == 2  # a reason is required
    r = _api(client, token, "POST", "/api/findings/bulk", {
        "ids": ids, "action": "resolve", "resolution": "accepted_risk", "reason": "batch"})
    assert r.json() == {"done": ids, "refused": {}}
    assert all(f.status == "resolved" for doc in (second, third)
               for f in _findings(app, doc, "ap.fuzzy_duplicate"))


def test_filters_sort_and_csv_export(app: FastAPI, client: TestClient) -> None:
    _pair(app)
    add_user(app, "cora", "compliance")
    login(client, "cora")
    rows = client.get("/api/findings", params={"severity": "high"}).json()["findings"]
    assert rows and all(r["severity"] == "high" for r in rows)
    assert client.get("/api/findings", params={"vendor": "nobody"}).json()["findings"] == []
    assert client.get("/api/findings", params={"min_age_days": "3"}).json()["findings"] == []
    assert client.get("/api/findings", params={"sort": "sideways"}).status_code == 422
    r = client.get("/exceptions.csv", params={"rule": "ap.fuzzy_duplicate"})
    assert r.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert [t["rule"] for t in table] == ["ap.fuzzy_duplicate"]
    assert table[0]["vendor"] == "Northwind Traders GmbH" and table[0]["total_amount"] == "1190.00"


def test_hr_findings_stay_with_hr(app: FastAPI, client: TestClient) -> None:
    hr_doc = seed_document(app, "hr", HR_FIELDS)
    with session_scope(app.state.sessions) as s:
        s.add(ViolationRow(document_id=hr_doc, rule="hr.secret_rule", severity="high",
                           message="Salary of Jordan Example", policy_version="t",
                           evidence={"salary": "85000.00"}, status="open"))
    with session_scope(app.state.sessions) as s:
        vid = s.scalar(select(ViolationRow.id).where(ViolationRow.rule == "hr.secret_rule"))
    add_user(app, "cora", "compliance")
    add_user(app, "root", "admin")
    token = login(client, "cora")
    assert "hr.secret_rule" not in client.get("/exceptions", params={"status": "all"}).text
    assert "hr.secret_rule" not in client.get("/exceptions.csv", params={"status": "all"}).text
    assert "hr.secret_rule" not in client.get("/api/findings", params={"status": "all"}).text
    assert client.get(f"/exceptions/{vid}").status_code == 404
    assert _api(client, token, "POST", f"/api/findings/{vid}/comments",
                {"body": "x"}).status_code == 404
    metrics = client.get("/api/metrics").json()
    assert all(t["key"] != "hr" for t in metrics["automation_by_type"])
    assert "hr.secret_rule" not in json.dumps(metrics)
    client.cookies.clear()
    login(client, "root")
    assert "hr.secret_rule" in client.get("/api/findings").text
    assert client.get(f"/exceptions/{vid}").status_code == 200


def test_desk_pages_need_compliance_or_admin(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    login(client, "pat")
    for path in ("/exceptions", "/exceptions.csv", "/dashboard", "/api/metrics",
                 "/api/findings"):
        assert client.get(path).status_code == 403, path
    page = client.get("/policies")
    assert page.status_code == 200 and "version 2026" in page.text
    assert "fuzzy_amount_percent" in page.text and "ap.split_invoice" in page.text


PO_CSV = "po_number,vendor,line,description,quantity,unit_price\nPO-7001,Northwind Traders,1,Widgets,8,100.00\n"


def _po_invoice(app: FastAPI) -> str:
    items = [{"description": "Widgets", "quantity": "10", "unit_price": "100.00",
              "amount": "1000.00"}]
    return seed_document(app, "invoice", {
        **INVOICE_FIELDS, "total_amount": ("1,000.00", "1000.00", 0.95),
        "po_number": ("PO 7001", "PO 7001", 0.95), "line_items": (items, items, 0.95)})


def test_po_csv_with_less_quantity_raises_three_way_finding(app: FastAPI,
                                                            client: TestClient) -> None:
    doc = _po_invoice(app)
    assert not _findings(app, doc, "ap.po_over_invoiced")
    add_user(app, "pat", "ap")
    token = login(client, "pat")
    r = client.post("/purchase-orders/import", data={"kind": "orders", "csrf_token": token},
                    files={"file": ("po.csv", PO_CSV.encode(), "text/csv")})
    assert "Imported 1 row(s) for PO-7001; 1 invoice(s) checked again." in r.text
    [v] = _findings(app, doc, "ap.po_over_invoiced")
    assert "quantity 10 is above the ordered 8" in v.message
    assert _findings(app, doc, "ap.goods_not_received")  # nothing received yet
    r = _api(client, token, "POST", "/api/goods-receipts",
             {"receipts": [{"po_number": "PO-7001", "quantity": "10"}]})
    assert r.status_code == 200 and r.json()["rejudged"] == [doc]
    assert not _findings(app, doc, "ap.goods_not_received")
    r = _api(client, token, "POST", "/api/purchase-orders", {"lines": [
        {"po_number": "PO-7001", "vendor": "Northwind Traders", "line": 1, "quantity": "10",
         "unit_price": "100.00"}]})
    assert r.status_code == 200
    assert not _findings(app, doc, "ap.po_over_invoiced")


def test_bad_order_rows_are_refused_with_the_row(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    token = login(client, "pat")
    r = _api(client, token, "POST", "/api/purchase-orders", {"lines": [
        {"po_number": "PO-1", "vendor": "X", "quantity": "ten", "unit_price": "1"}]})
    assert r.status_code == 422 and r.json()["detail"] == "line 1: quantity 'ten' is not a number"
    r = client.post("/purchase-orders/import", data={"kind": "orders", "csrf_token": token},
                    files={"file": ("po.csv", b"po_number,vendor\nPO-1,X\n", "text/csv")})
    assert "the CSV lacks column(s): quantity, unit_price" in r.text
    client.cookies.clear()
    add_user(app, "cora", "compliance")
    token = login(client, "cora")
    assert _api(client, token, "POST", "/api/purchase-orders", {"lines": []}).status_code == 403


def test_cli_imports_orders_and_prints_metrics(app: FastAPI, data_dir: Path, tmp_path: Path,
                                               capsys: Any) -> None:
    doc = _po_invoice(app)
    path = tmp_path / "po.csv"
    path.write_text(PO_CSV, encoding="utf-8")
    assert cli(["orders", "import", str(path), "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["rejudged"] == [doc]
    assert _findings(app, doc, "ap.po_over_invoiced")
    assert cli(["metrics", "--format", "json", "--data-dir", str(data_dir)]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["documents"] == 1 and got["automated"] == 0
    assert {"rule": "ap.po_over_invoiced", "open": 1, "total": 1} in got["exceptions_by_rule"]
    path.write_text("po_number,vendor,quantity\n", encoding="utf-8")
    assert cli(["orders", "import", str(path), "--data-dir", str(data_dir)]) == 2


def test_auto_approved_documents_count_as_straight_through(app: FastAPI,
                                                           client: TestClient) -> None:
    doc = seed_document(app, "other", {"title": ("Memo", "Memo", 0.99)})
    with session_scope(app.state.sessions) as s:
        d = s.get(Document, doc)
        assert d.status == "needs_review"  # seeded documents start in review
    add_user(app, "cora", "compliance")
    login(client, "cora")
    got = client.get("/api/metrics").json()
    assert got["automated"] == 0 and got["documents"] == 1
