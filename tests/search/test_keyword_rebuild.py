"""Keyword retrieval at scale (common-term cut, filtered over-fetch), vector reuse on
re-index and the rebuild from the database."""

from __future__ import annotations

import random

import pytest
from test_index import MSA_META, MSA_PAGES, NDA_PAGES, make_doc

from search import SearchFilters
from search.chunking import Chunk
from search.keyword import COMMON_MIN_CHUNKS, KeywordIndex


def _chunk(i: int, text: str, subtype: str) -> Chunk:
    md = {"document_id": f"d{i // 20}", "filename": "f.pdf", "doc_type": "contract",
          "subtype": subtype, "page": 1, "chunk_index": i % 20}
    return Chunk(f"d{i // 20}:{i % 20}", text, md)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """COMMON_MIN_CHUNKS+ chunks: 'agreement' in all of them, 'escrow' in every 50th."""
    rng = random.Random(3)
    filler = [f"w{n}" for n in range(400)]
    chunks = []
    for i in range(COMMON_MIN_CHUNKS + 500):
        words = ["agreement"] + rng.choices(filler, k=30)
        if i % 50 == 0:
            words.append("escrow")
        chunks.append(_chunk(i, " ".join(words), "nda" if i % 3 == 0 else "msa"))
    kw = KeywordIndex(tmp_path_factory.mktemp("kw") / "search.db")
    kw.add_chunks(chunks)
    yield kw
    kw.close()


def test_or_query_drops_common_terms_but_keeps_results(big):
    assert big._informative(["agreement", "escrow"]) == ["escrow"]
    assert big._informative(["agreement"]) == ["agreement"]  # all common: keep the rarest
    got = big.search("agreement escrow w1", 10)
    assert len(got) == 10
    texts = big.rows(got, "escrow")
    assert "escrow" in texts[got[0]]["text"]  # the rare term decides the ranking
    ranked = big.search("escrow", 100)
    assert len(ranked) == (COMMON_MIN_CHUNKS + 500 + 49) // 50


def test_filtered_overfetch_matches_exhaustive_join(big, monkeypatch):
    monkeypatch.setattr("search.keyword.BROAD_FILTER_CHUNKS", 100)  # take the over-fetch path
    f = SearchFilters(subtype="nda")
    assert big.count_matching(f) > 500
    fast = big.search("w7 w8", 20, f)
    where_join = big._match('"w7" AND "w8"', 20, f, 0)  # allowed=0 forces the plain join
    assert fast[: len(where_join)] == where_join
    rows = big.rows(fast, "w7")
    assert all(r["subtype"] == "nda" for r in rows.values())


def test_counts_follow_writes(big, tmp_path):
    kw = KeywordIndex(tmp_path / "s.db")
    assert kw.count() == 0 and kw.count_matching(SearchFilters(subtype="nda")) == 0
    kw.add_chunks([_chunk(0, "alpha beta", "nda")])
    assert kw.count() == 1 and kw.count_matching(SearchFilters(subtype="nda")) == 1
    other = KeywordIndex(tmp_path / "s.db")  # another connection (process) writes
    other.add_chunks([_chunk(21, "gamma", "nda")])
    assert kw.count() == 2 and kw.count_matching(SearchFilters(subtype="nda")) == 2
    kw.delete_document("d0")
    assert kw.count() == 1


def test_reindex_reuses_vectors(tmp_path, encoder):
    from search.index import SearchIndex

    idx = SearchIndex(tmp_path / "data", encoder=encoder)
    n = idx.index_document("msa", make_doc("msa.pdf", MSA_PAGES), MSA_META)
    assert idx.last_reused == 0
    assert idx.index_document("msa", make_doc("msa.pdf", MSA_PAGES), MSA_META) == n
    assert idx.last_reused == n and idx.count() == n
    changed = [MSA_PAGES[0], MSA_PAGES[1] + "\n\n11. Notices. All notices shall be in writing."]
    idx.index_document("msa", make_doc("msa.pdf", changed), MSA_META)
    assert 0 < idx.last_reused < idx.count()
    hits = idx.search("notices in writing", k=1, mode="semantic")
    assert "Notices" in hits[0].text
    idx.close()


def test_rebuild_from_database(tmp_path, encoder):
    from datetime import UTC, datetime

    from records.db import init_db
    from records.models import Document, FieldRow, PageRow
    from search.index import SearchIndex
    from search.rebuild import reindex_from_db

    sessions = init_db(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with sessions() as s:
        for doc_id, doc_type, pages, deleted in (
            ("c1", "contract", MSA_PAGES, None),
            ("c2", "contract", NDA_PAGES, datetime.now(UTC)),
            ("i1", "invoice", ["Invoice 42. Total due 100 EUR."], None),
        ):
            s.add(Document(id=doc_id, sha256=doc_id * 8, filename=f"{doc_id}.pdf",
                           doc_type=doc_type, subtype="msa", deleted_at=deleted))
            for n, text in enumerate(pages, start=1):
                s.add(PageRow(document_id=doc_id, number=n, width=612, height=792, text=text))
        s.add(FieldRow(document_id="c1", name="governing_law", value="NY",
                       normalized="New York", confidence=0.9))
        s.commit()
    idx = SearchIndex(tmp_path / "data", encoder=encoder)
    idx.index_document("c2", make_doc("c2.pdf", NDA_PAGES), {"doc_type": "contract"})  # stale
    rep = reindex_from_db(idx, sessions, progress=False)
    assert rep.documents == 1 and rep.removed == 1 and not rep.failed and rep.chunks >= 2
    assert {h.document_id for h in idx.search("governing law", k=10)} == {"c1"}
    hits = idx.search("law", filters=SearchFilters(governing_law="new york"), mode="keyword")
    assert hits and hits[0].filename == "c1.pdf"
    again = reindex_from_db(idx, sessions, progress=False)
    assert again.reused_vectors == again.chunks == rep.chunks and again.removed == 0
    idx.close()
