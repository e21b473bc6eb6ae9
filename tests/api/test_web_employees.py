"""HR pages and API: employee list, page, CSV export, merge; 404 for everyone without the
hr or admin role (pages and API alike), and employee audit entries restricted."""

from __future__ import annotations

import csv
import io
import json

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.test_web_support import add_user, login
from tests.conftest import pdf_bytes
from tests.workflow.test_employees import OFFER, OTHER_RESUME, RESUME, W4


def _upload(client: TestClient, token: str, docs: list[tuple[str, list[str]]]) -> list[dict]:
    r = client.post("/api/documents", headers={"X-CSRF-Token": token},
                    files=[("files", (n, pdf_bytes(lines), "application/pdf"))
                           for n, lines in docs])
    assert r.status_code == 200, r.text[:300]
    return r.json()["documents"]


def test_hr_sees_one_employee_with_three_documents_others_get_404(
        app: FastAPI, client: TestClient) -> None:
    add_user(app, "hana", "hr")
    add_user(app, "pat", "ap")
    add_user(app, "cora", "compliance")
    token = login(client, "hana")
    _upload(client, token, [("resume.pdf", RESUME), ("offer.pdf", OFFER), ("w4.pdf", W4),
                            ("other.pdf", OTHER_RESUME)])
    listed = client.get("/api/employees").json()["employees"]
    dana = next(e for e in listed if e["name"] == "Dana Whitfield")
    assert len(listed) == 2
    assert sorted(d["file"] for d in dana["documents"]) == ["offer.pdf", "resume.pdf", "w4.pdf"]
    assert dana["ssn_last4"] == "7890" and dana["missing_documents"] == ["i9"]
    emp_id = dana["id"]
    page = client.get("/employees")
    assert page.status_code == 200 and "Dana Whitfield" in page.text
    assert [e["name"] for e in client.get(
        "/api/employees?department=Finance").json()["employees"]] == ["Dana Whitfield"]
    assert client.get("/api/employees?missing=w4").json()["employees"][0]["name"] == \
        "Rahul Menon"
    detail = client.get(f"/employees/{emp_id}")
    assert detail.status_code == 200
    assert "Senior Data Analyst" in detail.text and "offer.pdf" in detail.text
    api = client.get(f"/api/employees/{emp_id}").json()
    assert api["sources"]["job_title"]["document_id"] in {d["document_id"]
                                                          for d in dana["documents"]}
    assert any(t["action"] == "employee.link" for t in api["timeline"])
    rows = list(csv.DictReader(io.StringIO(client.get("/employees.csv").text)))
    assert {r["name"] for r in rows} == {"Dana Whitfield", "Rahul Menon"}
    assert "521" not in client.get("/employees.csv").text
    lines = [json.loads(x) for x in client.get("/employees.jsonl").text.splitlines()]
    assert {r["name"] for r in lines} == {"Dana Whitfield", "Rahul Menon"}
    assert all(isinstance(r["documents"], list) for r in lines)

    for name in ("pat", "cora"):
        client.cookies.clear()
        other_token = login(client, name)
        for path in ("/employees", "/employees.csv", "/employees.jsonl", f"/employees/{emp_id}",
                     "/api/employees",
                     f"/api/employees/{emp_id}"):
            r = client.get(path)
            assert r.status_code == 404, (name, path)
            assert "Dana" not in r.text
        assert client.post(f"/api/employees/{emp_id}/merge", json={"other": "x", "reason": "y"},
                           headers={"X-CSRF-Token": other_token}).status_code == 404
        assert "/employees" not in client.get("/documents").text  # not in the menu
    # compliance reads the audit log, but not what it says about employees
    audit = client.get("/audit?entity=" + emp_id).text
    assert "employee.link" in audit and "(restricted)" in audit and "offer.pdf" not in audit


def test_merge_through_the_api(app: FastAPI, client: TestClient) -> None:
    add_user(app, "hana", "hr")
    token = login(client, "hana")
    _upload(client, token, [("resume.pdf", RESUME), ("other.pdf", OTHER_RESUME)])
    a, b = (e["id"] for e in client.get("/api/employees").json()["employees"])
    r = client.post(f"/api/employees/{a}/merge", json={"other": b, "reason": ""},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 422
    r = client.post(f"/api/employees/{a}/merge", json={"other": b, "reason": "one person"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and len(r.json()["documents"]) == 2
    assert [e["id"] for e in client.get("/api/employees").json()["employees"]] == [a]
    assert client.get(f"/employees/{b}", follow_redirects=False).headers["location"] == \
        f"/employees/{a}"


def test_corrections_reach_the_record_and_the_i9_purge_list(app: FastAPI,
                                                             client: TestClient) -> None:
    from tests.workflow.test_employees import I9_LINES

    add_user(app, "hana", "hr")
    token = login(client, "hana")
    docs = {d["file"]: d["document_id"] for d in _upload(
        client, token, [("resume.pdf", RESUME), ("offer.pdf", OFFER), ("i9.pdf", I9_LINES)])}
    (emp,) = client.get("/api/employees").json()["employees"]
    assert len(emp["documents"]) == 3 and emp["i9_purge_after"] is None
    assert client.get("/api/employees/i9-purge-eligible").json()["employees"] == []
    for name, value in (("start_date", "2019-01-07"), ("end_date", "2020-03-31")):
        r = client.patch(f"/api/documents/{docs['offer.pdf']}/fields/{name}",
                         json={"value": value}, headers={"X-CSRF-Token": token})
        assert r.status_code == 200, r.text[:300]
    got = client.get(f"/api/employees/{emp['id']}").json()
    assert (got["start_date"], got["end_date"], got["status"]) == (
        "2019-01-07", "2020-03-31", "terminated")
    assert got["sources"]["end_date"]["corrected_by"] == "hana"
    (purge,) = client.get("/api/employees/i9-purge-eligible").json()["employees"]
    assert purge["id"] == emp["id"] and purge["i9_purge_after"] == "2022-01-07"
    assert "I-9s past retention" in client.get("/employees").text
    assert client.get("/api/employees?status=terminated").json()["employees"][0]["id"] == \
        emp["id"]
