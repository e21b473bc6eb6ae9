"""Keyword search in PostgreSQL full-text (tsvector + GIN) answers like the SQLite FTS5
index: same hits, same filters, highlighted and escaped the same way; on the throw-away
PostgreSQL server of tests/records/conftest.py."""

from __future__ import annotations

import pytest
from test_index import MSA_META, MSA_PAGES, NDA_META, NDA_PAGES, make_doc

from search import SearchFilters
from search.chunking import make_chunks
from search.keyword import KeywordIndex
from search.pg_keyword import PgKeywordIndex, open_keyword_index
from tests.records.conftest import pg_url  # noqa: F401 - the fixture

pytestmark = pytest.mark.postgres

FILTERS = [
    None,
    SearchFilters(subtype="NDA"),
    SearchFilters(party="gamma"),
    SearchFilters(governing_law="new york"),
    SearchFilters(effective_from="2020-01-01"),
    SearchFilters(agreement_to="2018-12-31"),
    SearchFilters(document_ids=["msa"]),
    SearchFilters(document_ids=[]),
]
QUERIES = ["termination for convenience", "confidential information", "governing law",
           "invoices thirty days", "nothing-matches-zzz"]


def _chunks():
    return {"msa": make_chunks("msa", make_doc("msa.pdf", MSA_PAGES), MSA_META, None),
            "nda": make_chunks("nda", make_doc("nda.pdf", NDA_PAGES), NDA_META, None)}


@pytest.fixture()
def both(pg_url, tmp_path):  # noqa: F811
    lite = KeywordIndex(tmp_path / "search.db")
    pg = open_keyword_index(tmp_path, pg_url)
    assert isinstance(pg, PgKeywordIndex)
    for doc_id, chunks in _chunks().items():
        lite.replace_document(doc_id, chunks)
        pg.replace_document(doc_id, chunks)
    yield lite, pg
    for doc_id in ("msa", "nda"):
        pg.delete_document(doc_id)
    lite.close()


def test_same_hits_and_filters_as_fts5(both) -> None:
    lite, pg = both
    assert pg.count() == lite.count() > 2
    for f in FILTERS:
        if f is not None:
            assert pg.count_matching(f) == lite.count_matching(f), f
            assert sorted(pg.document_ids(f)) == sorted(lite.document_ids(f)), f
        for q in QUERIES:
            got, want = pg.search(q, 10, f), lite.search(q, 10, f)
            assert set(got) == set(want), (q, f)
            if want:
                assert got[0] == want[0], (q, f)  # the best chunk agrees
    every = pg.chunk_ids("msa") + pg.chunk_ids("nda")
    f = SearchFilters(subtype="msa")
    assert pg.keep_matching(every, f) == lite.keep_matching(every, f) == set(pg.chunk_ids("msa"))


def test_rows_are_highlighted_and_escaped(both) -> None:
    _, pg = both
    hits = pg.search("formulas confidential", 5)
    rows = pg.rows(hits, "formulas confidential")
    html = " ".join(r["highlighted"] for r in rows.values())
    assert "<mark>Formulas</mark>" in html and "<mark>confidential</mark>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert {r["document_id"] for r in rows.values()} == {"nda"}


def test_reindex_replaces_and_delete_removes(both, pg_url, tmp_path) -> None:  # noqa: F811
    _, pg = both
    before = pg.count()
    pg.replace_document("nda", _chunks()["nda"])  # idempotent
    assert pg.count() == before
    other_node = PgKeywordIndex(pg_url)  # another machine, the same database
    assert other_node.search("confidential information", 5)
    pg.delete_document("nda")
    assert other_node.search("confidential information", 5, SearchFilters(subtype="nda")) == []
    assert other_node.document_ids(SearchFilters()) == ["msa"]


def test_search_index_uses_postgres_when_the_database_is(pg_url, tmp_path, encoder) -> None:  # noqa: F811
    from search.index import SearchIndex

    idx = SearchIndex(tmp_path / "node1", encoder=encoder, database_url=pg_url)
    try:
        assert isinstance(idx.keyword, PgKeywordIndex)
        idx.index_document("msa", make_doc("msa.pdf", MSA_PAGES), MSA_META)
        hits = idx.search("termination for convenience", k=3, mode="keyword")
        assert hits and hits[0].document_id == "msa" and "<mark>" in hits[0].highlighted
        assert not (tmp_path / "node1" / "search.db").exists()
    finally:
        idx.delete_document("msa")
        idx.close()
