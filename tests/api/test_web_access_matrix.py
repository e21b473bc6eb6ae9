"""HR confidentiality over every route that takes a document id, for every role.

The routes are read from the app itself, so a new document route is checked the day
it is added (an unsafe one must say here what body to send, or this test fails).
Documents that may be HR records are checked in each state where that is not yet,
or never, settled: still processing, failed, classified HR, and an HR upload
classified as an invoice. Whoever may not see one gets exactly what a missing
document gets; it appears in no list, queue, search result, ledger or CSV export.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.web.queries import violations_of
from records.channels import HR
from records.db import session_scope
from records.ids import new_id
from records.models import Document, LedgerEntry, ReviewTask
from search.types import SearchHit
from tests.api.test_web_support import (
    ADMIN_PASSWORD,
    HR_FIELDS,
    INVOICE_FIELDS,
    add_user,
    login,
    seed_document,
)
from tests.conftest import pdf_bytes
from workflow.intake import receive

DOCUMENT_PARAM = "document_id"
# Values for a document route's other path parameters.
OTHER_PARAMS = {"number": "1", "name": "salary"}
PATH_PARAM = re.compile(r"\{(\w+)\}")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Compliance reviews the findings on documents it may not read (never their contents):
# the findings page of such a document, and its line in the exception queue.
FINDINGS_ROLE_USER = "cora"
FINDINGS_PAGE = ("GET", "/documents/{document_id}")
FINDINGS_QUEUES = ("/queues/exception", "/api/queues/exception")
# What an unsafe document route is sent: a valid request, so that only access can refuse it.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/documents/{document_id}/fields"): {"data": {"name": "salary", "value": "1"}},
    ("POST", "/documents/{document_id}/type"): {"data": {"doc_type": "invoice"}},
    ("POST", "/documents/{document_id}/line-items"): {
        "data": {"description": "Widget", "amount": "1.00"}},
    ("POST", "/documents/{document_id}/decision"): {"data": {"decision": "approve"}},
    ("POST", "/documents/{document_id}/delete"): {"data": {}},
    ("POST", "/documents/{document_id}/lease"): {"data": {}},
    ("PATCH", "/api/documents/{document_id}/fields/{name}"): {"json": {"value": "1"}},
    ("PATCH", "/api/documents/{document_id}/type"): {"json": {"doc_type": "invoice"}},
    ("POST", "/api/documents/{document_id}/decision"): {"json": {"decision": "approve"}},
    ("DELETE", "/api/documents/{document_id}"): {},
    ("DELETE", "/api/documents/{document_id}/fields/{name}"): {"json": {"reason": "wrong"}},
    ("POST", "/api/queues/review/{document_id}/lease"): {},
    ("DELETE", "/api/queues/review/{document_id}/lease"): {},
}

UPLOADER = "hana"  # hr: her uploads come in through the HR channel
USERS: dict[str, tuple[str, ...]] = {
    UPLOADER: ("hr",), "hugo": ("hr",), "pat": ("ap",), "abe": ("approver",),
    "lee": ("legal",), "cora": ("compliance",), "admin": ("admin",),
}
HR_READERS = frozenset({UPLOADER, "hugo", "admin"})


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    document_id: str
    filename: str
    readers: frozenset[str]
    findings: bool  # it has compliance findings (see FINDINGS_PAGE)

    def findings_visible_to(self, user: str) -> bool:
        return self.findings and user == FINDINGS_ROLE_USER


@dataclass(frozen=True, slots=True)
class DocRoute:
    method: str
    path: str

    def url(self, document_id: str) -> str:
        params = {DOCUMENT_PARAM: document_id, **OTHER_PARAMS}
        return self.path.format(**params)


def _api_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every APIRoute with its full path, hidden from the schema or not. Older FastAPI
    lists them flat on the app; newer versions nest each included router under an entry
    holding it as `original_router` (the schema cross-check below notices a miss)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            yield from _api_routes(inner.routes, prefix + getattr(context, "prefix", ""))


def document_routes(app: FastAPI) -> list[DocRoute]:
    """Every (method, path) of the app that names a document in its path."""
    return sorted({DocRoute(m, path) for path, route in _api_routes(app.routes)
                   if f"{{{DOCUMENT_PARAM}}}" in path for m in route.methods},
                  key=lambda r: (r.path, r.method))


def _schema_document_routes(app: FastAPI) -> set[DocRoute]:
    return {DocRoute(m.upper(), path) for path, ops in app.openapi()["paths"].items()
            if f"{{{DOCUMENT_PARAM}}}" in path for m in ops}


def _received(app: FastAPI, filename: str, actor: str) -> str:
    """A document just taken in through the real intake, as an upload leaves it."""
    intake = receive(app.state.sessions, app.state.blobs, filename,
                     pdf_bytes(["Form W-4 Employee's Withholding Certificate", filename]), actor)
    return intake.document_id


def _update(app: FastAPI, document_id: str, **columns: Any) -> None:
    with session_scope(app.state.sessions) as s:
        doc = s.get(Document, document_id)
        assert doc is not None
        for name, value in columns.items():
            setattr(doc, name, value)


def _in_review_queue(app: FastAPI, document_id: str) -> None:
    """A queue item, so the queues would show the document if they did not filter it."""
    with session_scope(app.state.sessions) as s:
        s.add(ReviewTask(document_id=document_id, queue="review", reasons=["test"]))


@pytest.fixture()
def cases(app: FastAPI) -> list[Case]:
    for name, roles in USERS.items():
        if name != "admin":
            add_user(app, name, *roles)
    processing = _received(app, "w4-scan-processing.pdf", UPLOADER)
    failed = _received(app, "w4-scan-failed.pdf", UPLOADER)
    _update(app, failed, status="failed", error_code="too_many_pages",
            error_message="the file has too many pages")
    classified = seed_document(app, "hr", HR_FIELDS, filename="payslip-jordan.pdf")
    _update(app, classified, uploaded_by="pat")  # uploaded by AP: the uploader loses it too
    hr_invoice = seed_document(app, "invoice", INVOICE_FIELDS, filename="hr-invoice.pdf")
    _update(app, hr_invoice, uploaded_by=UPLOADER, restricted_to=HR)
    ap_processing = _received(app, "ap-scan-processing.pdf", "pat")
    specs = [
        ("processing, uploaded by hr", processing, "w4-scan-processing.pdf", HR_READERS),
        ("failed, uploaded by hr", failed, "w4-scan-failed.pdf", HR_READERS),
        ("classified hr", classified, "payslip-jordan.pdf", HR_READERS),
        ("invoice uploaded by hr", hr_invoice, "hr-invoice.pdf", HR_READERS),
        ("processing, uploaded by ap", ap_processing, "ap-scan-processing.pdf",
         frozenset({"pat", "admin"})),
    ]
    out = []
    for name, document_id, filename, readers in specs:
        _in_review_queue(app, document_id)
        with session_scope(app.state.sessions) as s:
            findings = bool(violations_of(s, document_id))
        out.append(Case(name, document_id, filename, readers, findings))
    assert any(c.findings for c in out)  # the compliance exception is exercised
    return out


def _sign_in(client: TestClient, name: str) -> str:
    client.cookies.clear()
    return login(client, name, ADMIN_PASSWORD) if name == "admin" else login(client, name)


def _send(client: TestClient, route: DocRoute, document_id: str, token: str) -> Any:
    spec = BODIES.get((route.method, route.path), {})
    headers = {"X-CSRF-Token": token} if route.method in UNSAFE else {}
    return client.request(route.method, route.url(document_id), headers=headers,
                          follow_redirects=False, **spec)


def _same_as_missing(hidden: Any, missing: Any, hidden_id: str, missing_id: str) -> bool:
    body = hidden.content.replace(hidden_id.encode(), missing_id.encode())
    return (hidden.status_code, hidden.headers.get("content-type"), body) == (
        missing.status_code, missing.headers.get("content-type"), missing.content)


def test_every_unsafe_document_route_has_a_body(app: FastAPI) -> None:
    routes = document_routes(app)
    assert _schema_document_routes(app) <= set(routes), "the route walk misses routes"
    assert {(r.method, r.path) for r in routes} >= set(BODIES), "BODIES names a gone route"
    unknown = [r for r in routes if r.method in UNSAFE and (r.method, r.path) not in BODIES]
    assert not unknown, f"say in BODIES what to send to {unknown}"
    params = {name for r in routes for name in PATH_PARAM.findall(r.path)}
    assert params <= {DOCUMENT_PARAM, *OTHER_PARAMS}, params


def test_hidden_documents_answer_like_missing_ones_on_every_route(
        app: FastAPI, client: TestClient, cases: list[Case]) -> None:
    routes = document_routes(app)
    leaks = []
    for user in USERS:
        token = _sign_in(client, user)
        for case in cases:
            if user in case.readers:
                continue
            for route in routes:
                if case.findings_visible_to(user) and (route.method, route.path) == FINDINGS_PAGE:
                    continue  # test_compliance_reviews_findings_not_contents
                missing_id = new_id("doc")
                hidden = _send(client, route, case.document_id, token)
                missing = _send(client, route, missing_id, token)
                if hidden.status_code != 404 or not _same_as_missing(
                        hidden, missing, case.document_id, missing_id):
                    leaks.append((user, case.name, route.method, route.path,
                                  hidden.status_code, missing.status_code))
    assert not leaks, "\n".join(map(str, leaks))
    with session_scope(app.state.sessions) as s:  # and the refused changes changed nothing
        for case in cases:
            doc = s.get(Document, case.document_id)
            assert doc is not None and doc.deleted_at is None, case.name


def test_readers_still_get_the_documents(app: FastAPI, client: TestClient,
                                         cases: list[Case]) -> None:
    """The matrix above would pass on an app that hides everything: the readers must see."""
    reads = [r for r in document_routes(app) if r.method == "GET"]
    for user in USERS:
        _sign_in(client, user)
        for case in cases:
            if user not in case.readers:
                continue
            for route in reads:
                r = _send(client, route, case.document_id, "")
                assert r.status_code == 200, (user, case.name, route.path, r.status_code)


class _EveryDocumentIndex:
    """A search index that finds every document: run_search alone must drop hidden ones."""

    def __init__(self, cases: list[Case]) -> None:
        self.cases = cases

        self.keyword = self  # the filters' choices come from here too

    def search(self, q: str, k: int = 10, filters: Any = None,
               mode: str = "hybrid", relevant_only: bool = False) -> list[SearchHit]:
        return [SearchHit(chunk_id=f"{c.document_id}:0", document_id=c.document_id,
                          filename=c.filename, page=1, score=1.0, text=q, highlighted=q)
                for c in self.cases]

    def facets(self, document_ids: Any = None) -> dict[str, list[str]]:
        """Choices from the documents asked for (every one when None), each naming its
        file: a hidden document's name in the filters would be a leak."""
        names = [c.filename for c in self.cases
                 if document_ids is None or c.document_id in document_ids]
        return {"subtypes": names, "laws": names, "parties": names, "clause_types": []}


LISTINGS = ("/documents", "/api/documents", "/queues/review", "/queues/exception",
            "/api/queues/review", "/api/queues/exception", "/ledger", "/ledger.csv",
            "/api/ledger", "/search?q=withholding", "/api/search?q=withholding",
            "/search", "/search/text?q=withholding", "/api/search/text?q=withholding")


def test_lists_queues_search_and_ledger_leave_hidden_documents_out(
        app: FastAPI, client: TestClient, cases: list[Case]) -> None:
    app.state.settings.search_enabled = True
    app.state.search = _EveryDocumentIndex(cases)
    for user in USERS:
        _sign_in(client, user)
        hidden = [c for c in cases if user not in c.readers]
        shown = [c for c in cases if user in c.readers]
        for path in LISTINGS:
            r = client.get(path)
            if r.status_code == 403:  # not this role's area at all
                continue
            assert r.status_code == 200, (user, path, r.status_code)
            for case in hidden:
                if not (case.findings_visible_to(user) and path in FINDINGS_QUEUES):
                    assert case.document_id not in r.text, (user, path, case.name)
                assert case.filename not in r.text, (user, path, case.name)
        listing = client.get("/api/documents").text
        for case in shown:
            assert case.document_id in listing, (user, case.name)


def test_ledger_entry_of_an_hr_upload_answers_like_a_missing_entry(
        app: FastAPI, client: TestClient, cases: list[Case]) -> None:
    hr_invoice = next(c for c in cases if c.name == "invoice uploaded by hr")
    with session_scope(app.state.sessions) as s:
        entry = s.query(LedgerEntry).filter_by(document_id=hr_invoice.document_id).one()
        entry_id, missing_id = entry.id, entry.id + 1000
    for user in ("abe", "admin"):  # approvers may change ledger entries, admin sees this one
        token = _sign_in(client, user)
        hidden = client.post(f"/api/ledger/{entry_id}/status", json={"status": "approved"},
                             headers={"X-CSRF-Token": token})
        missing = client.post(f"/api/ledger/{missing_id}/status", json={"status": "approved"},
                              headers={"X-CSRF-Token": token})
        if user == "admin":
            assert hidden.status_code != 404
        else:
            assert hidden.status_code == 404
            assert hidden.json() == missing.json()
        hidden_form = client.post(f"/ledger/{entry_id}/status", data={"status": "paid"},
                                  headers={"X-CSRF-Token": token}, follow_redirects=False)
        if user != "admin":
            assert hidden_form.status_code == 404


def test_upload_by_hr_user_is_recorded_as_hr_channel(app: FastAPI, cases: list[Case]) -> None:
    with session_scope(app.state.sessions) as s:
        hr_doc = s.get(Document, cases[0].document_id)
        ap_doc = s.get(Document, cases[-1].document_id)
        assert hr_doc is not None and ap_doc is not None
        assert (hr_doc.uploaded_by, hr_doc.restricted_to) == (UPLOADER, HR)
        assert (ap_doc.uploaded_by, ap_doc.restricted_to) == ("pat", None)


def test_compliance_reviews_findings_not_contents(app: FastAPI, client: TestClient,
                                                  cases: list[Case]) -> None:
    """The one hidden-document page that is not a 404, and only where there are findings
    (which the exception queue lists anyway): rule names, never the contents."""
    _sign_in(client, FINDINGS_ROLE_USER)
    for case in cases:
        if FINDINGS_ROLE_USER in case.readers:
            continue
        r = client.get(f"/documents/{case.document_id}")
        if case.findings:
            assert r.status_code == 200 and "Restricted" in r.text, case.name
            assert case.filename not in r.text and "Northwind" not in r.text, case.name
        else:
            assert r.status_code == 404, case.name
