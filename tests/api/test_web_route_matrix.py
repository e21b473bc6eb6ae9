"""Every route of the app, for every role: who may use it, and that no HR data reaches
anyone else through it.

The route list is read from the app (the same walk as test_web_access_matrix.py), so a
route added without an entry in ACCESS fails `test_every_route_has_an_expectation`. The
document routes (a `{document_id}` in the path) are checked in depth, per document state,
by test_web_access_matrix.py; here they are listed with who may reach them at all.
HR data is the cases of that module (an HR upload still processing, one that failed, a
classified HR document, an HR upload classified as an invoice) plus an employee record
built from an HR document: its name, ids and file names must appear in no answer to a
role outside hr and admin.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from records.db import session_scope
from records.models import AuditLog, Employee, LedgerEntry, ViolationRow, Webhook
from tests.api.test_web_access_matrix import (
    HR_READERS,
    UNSAFE,
    USERS,
    Case,
    _api_routes,
    _EveryDocumentIndex,
    _sign_in,
    cases,  # noqa: F401  (a pytest fixture, used by name)
)
from tests.api.test_web_support import HR_FIELDS, INVOICE_FIELDS, seed_document

ROLES = ("ap", "approver", "legal", "hr", "compliance", "admin")


@dataclass(frozen=True, slots=True)
class Access:
    """Who may use a route: `public` (no sign-in), or the roles (admin is named where it
    may). A role outside them gets 403 (pages and API alike); signed out, 401 or the
    login page."""

    roles: frozenset[str] = frozenset()
    public: bool = False

    def allows(self, roles: tuple[str, ...]) -> bool:
        return self.public or bool(self.roles & set(roles))


def _roles(*names: str) -> Access:
    return Access(frozenset(names))


PUBLIC = Access(public=True)
ANY = _roles(*ROLES)
HR_ONLY = _roles("hr", "admin")
ADMIN = _roles("admin")
LEDGER_VIEW = _roles("ap", "approver", "compliance", "admin")
LEDGER_CHANGE = _roles("approver", "admin")
ORDERS = _roles("ap", "approver", "admin")
COMPLIANCE = _roles("compliance", "admin")
SEARCH = _roles("legal", "compliance", "admin")
# The routes that name a document: who reaches them at all is decided per document by
# test_web_access_matrix.py (HR readers, the uploader, compliance's findings page).
DOCUMENT = Access(frozenset({"per document"}))
# Settling a finding: who may depends on the finding (blocking: approver or compliance) and
# on whether the user may edit its document (workflow.controls.require_may_resolve); the
# form answers a refusal with its reason on the page it came from.
PER_FINDING = Access(frozenset({"per finding"}))
# A QA review is open to the QA roles that may see its document and did not touch it
# (workflow.qa, tests/workflow/test_qa.py); a saved search to the user who saved it
# (tests/api/test_web_search.py).
PER_REVIEW = Access(frozenset({"per QA review"}))
PER_OWNER = Access(frozenset({"per owner"}))
BY_OBJECT = (DOCUMENT, PER_FINDING, PER_REVIEW, PER_OWNER)
QA_REVIEWERS = _roles("approver", "compliance", "hr", "admin")

ACCESS: dict[tuple[str, str], Access] = {
    ("GET", "/"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/openapi.json"): ANY,
    ("GET", "/documents"): ANY,
    ("GET", "/api/documents"): ANY,
    ("POST", "/api/documents"): ANY,
    ("GET", "/upload"): ANY,
    ("POST", "/upload"): ANY,
    ("GET", "/policies"): ANY,
    ("GET", "/queues/{queue}"): ANY,
    ("GET", "/api/queues/{queue}"): ANY,
    ("GET", "/employees"): HR_ONLY,
    ("GET", "/employees.csv"): HR_ONLY,
    ("GET", "/employees.jsonl"): HR_ONLY,
    ("GET", "/employees/{employee_id}"): HR_ONLY,
    ("POST", "/employees/{employee_id}/merge"): HR_ONLY,
    ("GET", "/api/employees"): HR_ONLY,
    ("GET", "/api/employees/i9-purge-eligible"): HR_ONLY,
    ("GET", "/api/employees/{employee_id}"): HR_ONLY,
    ("POST", "/api/employees/{employee_id}/merge"): HR_ONLY,
    ("GET", "/ledger"): LEDGER_VIEW,
    ("GET", "/ledger.csv"): LEDGER_VIEW,
    ("GET", "/ledger.jsonl"): LEDGER_VIEW,
    ("GET", "/ledger/{entry_id}/ubl"): LEDGER_VIEW,
    ("GET", "/api/ledger"): LEDGER_VIEW,
    ("POST", "/ledger/{entry_id}/status"): LEDGER_CHANGE,
    ("POST", "/api/ledger/{entry_id}/status"): LEDGER_CHANGE,
    ("GET", "/purchase-orders"): ORDERS,
    ("POST", "/purchase-orders/import"): ORDERS,
    ("POST", "/api/purchase-orders"): ORDERS,
    ("POST", "/api/goods-receipts"): ORDERS,
    ("GET", "/search"): SEARCH,
    ("GET", "/search/text"): ANY,
    ("GET", "/api/search/text"): ANY,
    ("POST", "/search/saved"): ANY,
    ("POST", "/search/saved/{search_id}/delete"): PER_OWNER,
    ("GET", "/qa"): QA_REVIEWERS,
    ("GET", "/api/qa"): QA_REVIEWERS,
    ("GET", "/qa/{review_id}"): PER_REVIEW,
    ("POST", "/qa/{review_id}"): PER_REVIEW,
    ("GET", "/api/qa/{review_id}"): PER_REVIEW,
    ("POST", "/api/qa/{review_id}"): PER_REVIEW,
    ("GET", "/api/search"): SEARCH,
    ("GET", "/audit"): COMPLIANCE,
    ("GET", "/dashboard"): COMPLIANCE,
    ("GET", "/api/metrics"): COMPLIANCE,
    ("GET", "/api/findings"): COMPLIANCE,
    ("POST", "/api/findings/bulk"): COMPLIANCE,
    ("POST", "/api/findings/{violation_id}/assign"): COMPLIANCE,
    ("POST", "/api/findings/{violation_id}/comments"): COMPLIANCE,
    ("GET", "/exceptions"): COMPLIANCE,
    ("GET", "/exceptions.csv"): COMPLIANCE,
    ("GET", "/exceptions/{violation_id}"): COMPLIANCE,
    ("POST", "/exceptions/bulk"): COMPLIANCE,
    ("POST", "/exceptions/{violation_id}/assign"): COMPLIANCE,
    ("POST", "/exceptions/{violation_id}/comments"): COMPLIANCE,
    ("POST", "/exceptions/{violation_id}/settle"): COMPLIANCE,
    ("POST", "/violations/{violation_id}"): PER_FINDING,
    ("POST", "/api/violations/{violation_id}"): PER_FINDING,
    ("GET", "/documents/{document_id}"): DOCUMENT,
    ("GET", "/documents/{document_id}/original"): DOCUMENT,
    ("GET", "/documents/{document_id}/pages/{number}.png"): DOCUMENT,
    ("GET", "/documents/{document_id}/pages/{number}/words"): DOCUMENT,
    ("POST", "/documents/{document_id}/decision"): DOCUMENT,
    ("POST", "/documents/{document_id}/delete"): DOCUMENT,
    ("POST", "/documents/{document_id}/fields"): DOCUMENT,
    ("GET", "/documents/{document_id}/fields/{name}/check"): DOCUMENT,
    ("POST", "/documents/{document_id}/type"): DOCUMENT,
    ("POST", "/documents/{document_id}/lease"): DOCUMENT,
    ("POST", "/documents/{document_id}/line-items"): DOCUMENT,
    ("GET", "/api/documents/{document_id}"): DOCUMENT,
    ("GET", "/api/documents/{document_id}/status"): DOCUMENT,
    ("DELETE", "/api/documents/{document_id}"): DOCUMENT,
    ("PATCH", "/api/documents/{document_id}/type"): DOCUMENT,
    ("POST", "/api/documents/{document_id}/decision"): DOCUMENT,
    ("PATCH", "/api/documents/{document_id}/fields/{name}"): DOCUMENT,
    ("DELETE", "/api/documents/{document_id}/fields/{name}"): DOCUMENT,
    ("POST", "/api/queues/review/{document_id}/lease"): DOCUMENT,
    ("DELETE", "/api/queues/review/{document_id}/lease"): DOCUMENT,
    ("GET", "/users"): ADMIN,
    ("POST", "/users"): ADMIN,
    ("POST", "/users/{username}/active"): ADMIN,
    ("GET", "/channels"): ADMIN,
    ("GET", "/webhooks"): ADMIN,
    ("POST", "/webhooks"): ADMIN,
    ("POST", "/webhooks/{webhook_id}/active"): ADMIN,
}
# A query a GET route needs to answer at all.
QUERIES = {"/search": "?q=withholding", "/api/search": "?q=withholding",
           "/search/text": "?q=withholding", "/api/search/text": "?q=withholding"}
# What a signed-in user's GET of a public page answers (the app sends them on).
REDIRECTS = {"/", "/login"}
# Answers an allowed role may get besides 200: a UBL export of an entry not yet approved.
ALSO_OK = {("GET", "/ledger/{entry_id}/ubl"): {409}}
REFUSED = {403, 404}


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    return {(m, path) for path, route in _api_routes(app.routes) for m in route.methods}


# The auditor's view (compliance): the audit log and the findings name the HR documents
# and employee records that changed or have findings (ids, rule names), their contents
# "(restricted)"; never a name, pay or file name (api/web/routes/admin.py, the findings
# exception of test_web_access_matrix.py).
AUDITOR_SEES_IDS = COMPLIANCE


@dataclass(frozen=True, slots=True)
class World:
    """Path parameter values (objects every role may know exist) and the HR data that
    must reach no one outside hr and admin."""

    params: dict[str, str]
    hr_ids: tuple[str, ...]  # HR documents' and the employee record's ids
    hr_contents: tuple[str, ...]  # names, pay, file names

    def url(self, path: str) -> str:
        return path.format(**self.params) + QUERIES.get(path, "")


@pytest.fixture()
def world(app: FastAPI, cases: list[Case]) -> World:  # noqa: F811 - the imported fixture
    invoice = seed_document(app, "invoice", INVOICE_FIELDS, filename="ap-invoice.pdf")
    with session_scope(app.state.sessions) as s:
        employee = s.query(Employee).first()
        assert employee is not None, "the HR document made no employee record"
        violation = s.query(ViolationRow).filter_by(document_id=invoice).first()
        entry = s.query(LedgerEntry).filter_by(document_id=invoice).one()
        assert violation is not None
        s.add(Webhook(url="http://127.0.0.1:9/hook", secret="s" * 32, events=[],
                      created_by="admin"))
        s.flush()
        webhook = s.query(Webhook).first()
        assert webhook is not None
        params = {"employee_id": employee.id, "violation_id": str(violation.id),
                  "entry_id": str(entry.id), "queue": "review", "webhook_id": str(webhook.id),
                  "username": "pat", "document_id": invoice, "number": "1", "name": "vendor_name",
                  "review_id": "1", "search_id": "1"}
        ids = [employee.id]
        contents = [HR_FIELDS["employee_name"][0], HR_FIELDS["salary"][0]]
    app.state.settings.search_enabled = True  # search answers, finding every document
    app.state.search = _EveryDocumentIndex(cases)
    hr_cases = [c for c in cases if c.readers == HR_READERS]
    ids += [c.document_id for c in hr_cases]
    contents += [c.filename for c in hr_cases]
    return World(params, tuple(ids), tuple(contents))


def _roles_of(user: str) -> tuple[str, ...]:
    return USERS[user]


def test_every_route_has_an_expectation(app: FastAPI) -> None:
    routes = app_routes(app)
    missing = sorted(routes - set(ACCESS))
    assert not missing, f"say in ACCESS who may use {missing}"
    gone = sorted(set(ACCESS) - routes)
    assert not gone, f"ACCESS names routes the app no longer has: {gone}"
    by_document = {r for r in routes if "{document_id}" in r[1]}
    assert by_document and all(ACCESS[r] is DOCUMENT for r in by_document), \
        "a document route is decided per document (test_web_access_matrix.py)"


def test_every_get_route_by_role_and_no_hr_data_outside_hr(
        app: FastAPI, client: TestClient, world: World) -> None:
    wrong, leaks = [], []
    gets = sorted(r for r in ACCESS if r[0] == "GET" and ACCESS[r] not in BY_OBJECT)
    for user in USERS:
        _sign_in(client, user)
        roles = _roles_of(user)
        for method, path in gets:
            access = ACCESS[(method, path)]
            r = client.get(world.url(path), follow_redirects=False)
            if access.allows(roles):
                ok = {303} if path in REDIRECTS else {200, *ALSO_OK.get((method, path), ())}
            else:
                ok = REFUSED
            if r.status_code not in ok:
                wrong.append((user, path, r.status_code, sorted(ok)))
            if not set(roles) & {"hr", "admin"}:
                markers = world.hr_contents
                if not (access is AUDITOR_SEES_IDS and "compliance" in roles):
                    markers += world.hr_ids  # AUDITOR_SEES_IDS
                leaks += [(user, path, m) for m in markers if m in r.text]
    assert not wrong, "\n".join(map(str, wrong))
    assert not leaks, "\n".join(map(str, leaks))


def _unsafe(client: TestClient, path: str, token: str) -> Any:
    headers = {"X-CSRF-Token": token}
    if path.startswith("/api/"):
        return client.post(path, json={}, headers=headers, follow_redirects=False)
    return client.post(path, data={"csrf_token": token}, headers=headers,
                       follow_redirects=False)


def _audit_rows(app: FastAPI) -> int:
    with session_scope(app.state.sessions) as s:
        return s.query(AuditLog).count()


def test_every_unsafe_route_refuses_other_roles_and_changes_nothing(
        app: FastAPI, client: TestClient, world: World) -> None:
    """Refused: 403 (or 404 where the object is not theirs to know), no audit entry, so
    nothing changed. Allowed roles are let through to the route (an empty body is then
    a 422 or a page, never 401/403)."""
    unsafe = sorted(r for r in ACCESS if r[0] in UNSAFE and ACCESS[r] not in (*BY_OBJECT, PUBLIC))
    wrong = []
    for user in USERS:
        token = _sign_in(client, user)
        roles = _roles_of(user)
        for method, path in unsafe:
            assert method == "POST", (method, path)
            access = ACCESS[(method, path)]
            before = _audit_rows(app)
            r = _unsafe(client, world.url(path), token)
            if access.allows(roles):
                if r.status_code in (401, *REFUSED):
                    wrong.append((user, path, r.status_code, "allowed"))
            elif r.status_code not in REFUSED or _audit_rows(app) != before:
                wrong.append((user, path, r.status_code, "refused"))
        _sign_in(client, user)  # an allowed POST may have been /users/.../active on pat
    assert not wrong, "\n".join(map(str, wrong))


def test_signed_out_gets_nothing_but_the_public_routes(app: FastAPI, client: TestClient,
                                                       world: World) -> None:
    client.cookies.clear()
    wrong = []
    for (method, path), access in sorted(ACCESS.items()):
        if access.public:
            continue
        if method == "GET":
            r = client.get(world.url(path), follow_redirects=False)
            ok = r.status_code == 401 or (r.status_code == 303
                                          and "/login" in r.headers.get("location", ""))
        else:
            r = client.request(method, world.url(path), follow_redirects=False)
            ok = r.status_code in (401, 403)
        if not ok:
            wrong.append((method, path, r.status_code))
    assert not wrong, "\n".join(map(str, wrong))
