"""Full-text search over every document: title, fields and page text with highlighted,
escaped snippets; only documents the user may see (HR only for hr and admin); the index
follows corrections and deletions without any hook."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.test_web_support import HR_FIELDS, INVOICE_FIELDS, add_user, login, seed_document

WORD = "zephyrine"  # in every document below, and nowhere else


def _seed(app: FastAPI) -> dict[str, str]:
    invoice = seed_document(app, "invoice", INVOICE_FIELDS, filename="northwind.pdf", lines=[
        "Northwind Traders GmbH", f"Consulting on the {WORD} project <script>x</script>",
        "Total: 1,190.00 EUR"])
    contract = seed_document(app, "contract", {}, filename="nda.pdf", lines=[
        "MUTUAL NON-DISCLOSURE AGREEMENT", f"Confidential information about {WORD}."])
    hr = seed_document(app, "hr", HR_FIELDS, filename="offer-letter.pdf", lines=[
        "Offer letter", f"Salary review of the {WORD} team lead"])
    return {"invoice": invoice, "contract": contract, "hr": hr}


def _found(client: TestClient, q: str) -> list[str]:
    r = client.get("/api/search/text", params={"q": q})
    assert r.status_code == 200, r.text
    return [h["document_id"] for h in r.json()["hits"]]


def test_each_role_finds_only_what_it_may_see(app: FastAPI, client: TestClient) -> None:
    docs = _seed(app)
    for name, roles in (("pat", "ap"), ("lee", "legal"), ("hana", "hr"), ("cal", "compliance"),
                        ("ada", "admin")):
        add_user(app, name, roles)
    expected = {"pat": {"invoice"}, "lee": {"contract"}, "hana": {"hr"},
                "cal": {"invoice", "contract"}, "ada": {"invoice", "contract", "hr"}}
    for name, kinds in expected.items():
        client.cookies.clear()
        login(client, name)
        assert set(_found(client, WORD)) == {docs[k] for k in kinds}, name
        page = client.get("/search/text", params={"q": WORD}).text
        assert ("offer-letter.pdf" in page) == ("hr" in kinds), name


def test_snippets_are_highlighted_and_escaped(app: FastAPI, client: TestClient) -> None:
    docs = _seed(app)
    add_user(app, "pat", "ap")
    login(client, "pat")
    page = client.get("/search/text", params={"q": f"{WORD} consulting"})
    assert page.status_code == 200
    assert f"Consulting</mark> on the <mark>{WORD}</mark> project &lt;script&gt;" in page.text
    assert "<script>x" not in page.text
    assert f'href="/documents/{docs["invoice"]}?page=1"' in page.text
    # fields and the title count too: the vendor name is a field, the file name the title
    hits = client.get("/api/search/text", params={"q": "northwind"}).json()["hits"]
    assert hits and hits[0]["document_id"] == docs["invoice"]
    assert "<mark>northwind</mark>" in hits[0]["title"].lower()
    # every word must be there: one missing word, no hit
    assert _found(client, f"{WORD} unicorn") == []


def test_the_index_follows_corrections_and_deletions(app: FastAPI, client: TestClient) -> None:
    docs = _seed(app)
    add_user(app, "ada", "admin")
    token = login(client, "ada")
    assert _found(client, "Fabrikam") == []
    r = client.post(f"/documents/{docs['invoice']}/fields",
                    data={"name": "vendor_name", "value": "Fabrikam Supplies", "csrf_token": token})
    assert "Saved vendor_name" in r.text
    assert _found(client, "fabrikam") == [docs["invoice"]]
    client.post(f"/documents/{docs['contract']}/delete", data={"csrf_token": token})
    assert docs["contract"] not in _found(client, WORD)


def test_saved_searches_are_per_user_and_audited(app: FastAPI, client: TestClient) -> None:
    from sqlalchemy import select

    from records.db import session_scope
    from records.models import AuditLog, SavedSearch

    _seed(app)
    add_user(app, "pat", "ap")
    add_user(app, "lee", "legal")
    token = login(client, "pat")
    r = client.post("/search/saved", data={"csrf_token": token, "kind": "text",
                                           "name": "  Zephyr   work ", "q": WORD,
                                           "party": "ignored for a text search"})
    assert r.status_code == 200 and "Saved the search as \u201cZephyr work\u201d." in r.text
    assert r.url.path == "/search/text" and r.url.params["q"] == WORD  # back on the results
    assert f'<a href="/search/text?q={WORD}">Zephyr work</a>' in r.text
    # an ap user may not save (or run) a clause search
    assert client.post("/search/saved", data={"csrf_token": token, "kind": "clauses",
                                              "name": "x", "q": "term"}).status_code == 403
    r = client.post("/search/saved", data={"csrf_token": token, "kind": "text", "name": "",
                                           "q": WORD})
    assert "Not saved: a saved search needs a name" in r.text
    with session_scope(app.state.sessions) as s:
        row = s.scalar(select(SavedSearch))
        assert (row.username, row.params) == ("pat", {"q": WORD})
        saved_id = row.id
        assert s.scalar(select(AuditLog).where(AuditLog.action == "search.save")).actor == "pat"
    # another user neither sees nor removes it
    client.cookies.clear()
    token = login(client, "lee")
    assert "Zephyr work" not in client.get("/search/text").text
    assert client.post(f"/search/saved/{saved_id}/delete",
                       data={"csrf_token": token}).status_code == 404
    r = client.post("/search/saved", data={"csrf_token": token, "kind": "clauses",
                                           "name": "Delaware NDAs", "q": "governing law",
                                           "law": "Delaware", "from": "2020-01-01"})
    assert "Saved the search" in r.text and r.url.path == "/search"
    assert "Delaware NDAs" in r.text
    client.cookies.clear()
    token = login(client, "pat")
    r = client.post(f"/search/saved/{saved_id}/delete", data={"csrf_token": token})
    assert "Saved search removed." in r.text and "Zephyr work" not in r.text
