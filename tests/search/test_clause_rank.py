"""The clause-type ranked list: chunk-level tagger scores stored at index time, the query
mapped to clause types by the tagger, and the list fused into hybrid search."""

from __future__ import annotations

from test_index import make_doc

from search import SearchFilters
from search.chunking import TYPE_SCORE_MIN, Chunk, _with_heading, make_chunks
from search.index import SearchIndex, query_clause_types
from search.keyword import KeywordIndex


def _chunk(doc: str, n: int, text: str, scores: dict[str, float], subtype: str = "msa") -> Chunk:
    md = {"document_id": doc, "filename": f"{doc}.pdf", "doc_type": "contract",
          "subtype": subtype, "page": 1, "chunk_index": n}
    return Chunk(f"{doc}:{n}", text, md, scores)


def test_type_search_ranks_by_probability_and_filters(tmp_path):
    kw = KeywordIndex(tmp_path / "search.db")
    kw.add_chunks([
        _chunk("a", 0, "alpha", {"exclusivity": 0.2, "non_compete": 0.9}),
        _chunk("a", 1, "beta", {"exclusivity": 0.7}),
        _chunk("b", 0, "gamma", {"exclusivity": 0.05}, subtype="nda"),
        _chunk("b", 1, "delta", {}),
    ])
    assert kw.type_search(["exclusivity"], 10) == ["a:1", "a:0", "b:0"]
    # several types: a chunk ranks by its best one
    assert kw.type_search(["exclusivity", "non_compete"], 10) == ["a:0", "a:1", "b:0"]
    assert kw.type_search(["exclusivity"], 1) == ["a:1"]
    assert kw.type_search(["exclusivity"], 10, SearchFilters(document_ids=["b"])) == ["b:0"]
    assert kw.type_search(["exclusivity"], 10, SearchFilters(subtype="NDA")) == ["b:0"]
    assert kw.type_search(["audit_rights"], 10) == []
    assert kw.type_search([], 10) == []
    kw.delete_document("a")  # the scores go with the chunks
    assert kw.type_search(["exclusivity", "non_compete"], 10) == ["b:0"]
    assert kw._db.execute("SELECT count(*) FROM chunk_types").fetchone()[0] == 1
    kw.close()


def test_query_maps_to_clause_types():
    assert query_clause_types("right of first refusal")[0] == "rofr_rofo_rofn"
    assert "governing_law" in query_clause_types("governing law jurisdiction")
    assert query_clause_types("xq zzv") == []


def test_chunks_carry_their_own_type_scores():
    pages = [
        "1. Governing Law. This Agreement shall be governed by the laws of the State of "
        "New York.\n\n2. Audit. Supplier shall keep complete books and records and Customer "
        "may audit them once per calendar year upon reasonable notice."
    ]
    chunks = make_chunks("d", make_doc("d.pdf", pages), {"doc_type": "contract"})
    law = next(c for c in chunks if "governed" in c.text)
    audit = next(c for c in chunks if "audit" in c.text)
    assert all(p >= TYPE_SCORE_MIN for c in chunks for p in c.type_scores.values())
    assert law.type_scores.get("governing_law", 0) > law.type_scores.get("audit_rights", 0)
    assert audit.type_scores.get("audit_rights", 0) > audit.type_scores.get("governing_law", 0)


def test_heading_prefix_only_when_missing():
    assert _with_heading("(b) rest of it", "12. Exclusivity.") == "12. Exclusivity.\n(b) rest of it"
    assert _with_heading("12. Exclusivity. Text", "12. Exclusivity.") == "12. Exclusivity. Text"
    assert _with_heading("text", "") == "text"


def test_hybrid_fuses_the_clause_type_list(tmp_path, encoder):
    """A passage sharing no words with the query is found through its clause type, and the
    list plays no part in keyword/semantic modes or for queries naming no clause type."""
    idx = SearchIndex(tmp_path / "data", encoder=encoder)
    filler = [_chunk("c", n, f"Schedule {n} lists the delivery addresses of warehouse {n}.", {})
              for n in range(60)]
    target = _chunk("c", 60, "Before selling the Shares to anyone else, Seller shall first "
                    "offer them to Buyer on the same terms.", {"rofr_rofo_rofn": 0.4})
    idx.add_chunks([*filler, target])
    q = "right of first refusal"
    hits = idx.search(q, k=5)
    top = next(h for h in hits if h.chunk_id == "c:60")
    assert top.clause_rank == 1
    assert all(h.clause_rank is None for h in idx.search(q, k=5, mode="keyword"))
    assert all(h.clause_rank is None for h in idx.search("warehouse delivery addresses", k=5))
    assert idx.clause_type_ids(q, 10, SearchFilters(document_ids=["other"])) == []
    idx.close()
