"""`GET /api/search` and the search page over a real index: hits link to the page,
highlights are safe HTML, and documents the user may not see never come back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture()
def index(app: FastAPI) -> Any:
    """The app's search index, real (skips, saying why, where it cannot be built)."""
    try:
        from search import SearchIndex

        built = SearchIndex(app.state.settings.data_dir, None)
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"search index not ready: {type(exc).__name__}: {exc}")
    app.state.search = built
    return built


@pytest.mark.slow
def test_search_returns_visible_contract_hits(app: FastAPI, client: TestClient,
                                              index: Any) -> None:
    from records.rows import document_from_rows

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
    # A query nothing answers: the plain ranking still lists the nearest chunks, the
    # relevance cut-off lists none.
    nonsense = {"q": "zebra quokka", "mode": "hybrid"}
    assert client.get("/api/search", params=nonsense).json()["hits"]
    assert client.get("/api/search", params={**nonsense, "relevant": "true"}).json()["hits"] == []
    page = client.get("/search", params={"q": "termination", "mode": "keyword"})
    assert page.status_code == 200 and "<mark>" in page.text and "handbook" not in page.text


@pytest.mark.slow
def test_clause_page_groups_cuts_and_opens_the_passage(app: FastAPI, client: TestClient,
                                                       index: Any) -> None:
    import re

    from records.rows import document_from_rows

    contract = seed_document(app, "contract", {}, lines=CONTRACT_LINES, filename="nda.pdf")
    other = seed_document(app, "contract", {}, filename="lease.pdf", lines=[
        "EQUIPMENT LEASE", "The lessee shall keep the forklift insured and in good repair."])
    with session_scope(app.state.sessions) as s:
        index.index_document(contract, document_from_rows(s, contract),
                             {"doc_type": "contract", "subtype": "nda",
                              "governing_law": "Delaware",
                              "parties": ["Alpha Widgets Inc.", "Beta Gadgets LLC"]})
        index.index_document(other, document_from_rows(s, other),
                             {"doc_type": "contract", "subtype": "lease"})
    add_user(app, "lee", "legal")
    login(client, "lee")
    page = client.get("/search")
    # filters offer what the index holds, clause types by name
    assert '<option value="Delaware" >Delaware</option>' in page.text
    assert '<option value="Alpha Widgets Inc." >Alpha Widgets Inc.</option>' in page.text
    assert '<option value="lease" >lease</option>' in page.text
    assert ">Termination for convenience</option>" in page.text
    assert 'type="date"' in page.text
    r = client.get("/search", params={"q": "terminate for convenience", "mode": "hybrid"})
    assert 'aria-labelledby="g-' + contract in r.text
    assert "lease.pdf" not in r.text  # no evidence: cut off, not padded in
    ranked = client.get("/search", params={"q": "terminate for convenience", "ranked": "1"})
    assert "lease.pdf" in ranked.text  # the plain ranking pads with the nearest chunks
    link = re.search(r'href="(/documents/[^"]+passage=\d+-\d+)"', r.text).group(1)
    doc_page = client.get(link.replace("&amp;", "&"))
    assert doc_page.status_code == 200
    assert doc_page.text.count('<rect class="passage"') >= 1
    assert "The matched passage is highlighted" in doc_page.text
    assert client.get(f"/documents/{contract}?passage=nonsense").status_code == 422
