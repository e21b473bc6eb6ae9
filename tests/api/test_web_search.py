"""`GET /api/search` and the search page over a real index: hits link to the page,
highlights are safe HTML, and documents the user may not see never come back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from records.db import session_scope
from tests.api.test_web_support import add_user, login, make_app, make_client, seed_document

CONTRACT_LINES = [
    "MUTUAL NON-DISCLOSURE AGREEMENT",
    "This Agreement is made between Alpha Widgets Inc. and Beta Gadgets LLC.",
    "1. Termination. Either party may terminate this Agreement for convenience",
    "upon thirty days written notice to the other party.",
    "2. Governing Law. This Agreement is governed by the laws of the State of Delaware.",
]
HR_LINES = ["Employee handbook acknowledgement", "Termination for convenience of the employee"]


@pytest.fixture()
def app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    monkeypatch.setenv("BACKOFFICE_SEARCH", "1")
    yield from make_app(data_dir, monkeypatch)


@pytest.fixture()
def client(app: FastAPI) -> Iterator[TestClient]:
    yield from make_client(app)


@pytest.mark.slow
def test_search_returns_visible_contract_hits(app: FastAPI, client: TestClient) -> None:
    from records.rows import document_from_rows

    try:
        from search import SearchIndex

        index = SearchIndex(app.state.settings.data_dir, None)
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"search index not ready: {type(exc).__name__}: {exc}")
    app.state.search = index
    contract = seed_document(app, "contract", {}, lines=CONTRACT_LINES, filename="nda.pdf")
    hr = seed_document(app, "hr", {}, lines=HR_LINES, filename="handbook.pdf")
    with session_scope(app.state.sessions) as s:
        for doc_id, kind in ((contract, "contract"), (hr, "hr")):
            index.index_document(doc_id, document_from_rows(s, doc_id),
                                 {"doc_type": kind, "filename": f"{kind}.pdf"})
    add_user(app, "lee", "legal")
    login(client, "lee")
    r = client.get("/api/search", params={"q": "termination for convenience",
                                          "mode": "keyword"})
    assert r.status_code == 200, r.text
    hits = r.json()["hits"]
    assert hits and {h["document_id"] for h in hits} == {contract}
    assert hits[0]["link"] == f"/documents/{contract}?page=1"
    page = client.get("/search", params={"q": "termination", "mode": "keyword"})
    assert page.status_code == 200 and "<mark>" in page.text and "handbook" not in page.text
