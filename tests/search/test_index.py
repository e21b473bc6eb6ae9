from __future__ import annotations

import json

import pytest

from ingest.types import IngestedDocument, Page
from search import SearchFilters
from search.index import SearchIndex

MSA_PAGES = [
    "MASTER SERVICES AGREEMENT between Acme Widgets Corp and Beta Logistics LLC.\n\n"
    "1. Services. Provider shall perform the services described in each statement of work.\n\n"
    "2. Fees. Customer shall pay all invoices within thirty days of receipt.",
    "9. Governing Law. This Agreement shall be governed by and construed in accordance with "
    "the laws of the State of New York, without regard to conflict of laws principles.\n\n"
    "10. Termination for Convenience. Either party may terminate this Agreement at any time "
    "upon sixty days prior written notice to the other party.",
]
NDA_PAGES = [
    "MUTUAL NON-DISCLOSURE AGREEMENT between Gamma Research Inc and Delta Health Ltd.\n\n"
    "1. Confidential Information. The Recipient shall hold the Discloser's confidential "
    "information in strict confidence and use it only for the Purpose.",
    "5. Law. The validity and interpretation of this NDA are subject to the law of Delaware. "
    "Formulas like <script>alert(1)</script> & a<b are not confidential.",
]


def make_doc(name: str, pages: list[str]) -> IngestedDocument:
    return IngestedDocument(
        filename=name,
        sha256=name,
        media_type="application/pdf",
        size=1,
        pages=[Page(number=i + 1, width=612, height=792, text=t) for i, t in enumerate(pages)],
    )


MSA_META = {
    "doc_type": "contract",
    "subtype": "msa",
    "fields": {
        "parties": {"value": "x", "normalized": ["Acme Widgets Corp", "Beta Logistics LLC"]},
        "governing_law": {"value": "NY", "normalized": "New York"},
        "effective_date": {"value": "March 1, 2021", "normalized": "2021-03-01"},
    },
}
NDA_META = {
    "doc_type": "contract",
    "subtype": "nda",
    "parties": ["Gamma Research Inc", "Delta Health Ltd"],
    "governing_law": "Delaware",
    "effective_date": "2018-06-15",
    "agreement_date": "2018-06-01",
}


@pytest.fixture
def index(tmp_path, encoder):
    idx = SearchIndex(tmp_path / "data", encoder=encoder)
    assert idx.index_document("msa", make_doc("msa.pdf", MSA_PAGES), MSA_META) >= 2
    assert idx.index_document("nda", make_doc("nda.pdf", NDA_PAGES), NDA_META) >= 2
    yield idx
    idx.close()


def ids(hits):
    return [h.chunk_id for h in hits]


def docs(hits):
    return {h.document_id for h in hits}


def test_round_trip_hybrid(index):
    hits = index.search("which state's law governs the agreement", k=3)
    assert hits and hits[0].document_id in {"msa", "nda"}
    top = hits[0]
    assert top.page == 2 and "law" in top.text.lower()
    assert top.link == f"/documents/{top.document_id}?page=2"
    assert top.score > 0 and top.semantic_rank is not None
    hits = index.search("terminate on sixty days notice", k=1)
    assert hits[0].document_id == "msa" and "Termination" in hits[0].text


def test_filters(index):
    q = "governing law"
    assert docs(index.search(q, filters=SearchFilters(subtype="NDA"))) == {"nda"}
    assert docs(index.search(q, filters=SearchFilters(party="acme widgets"))) == {"msa"}
    assert docs(index.search(q, filters=SearchFilters(party="DELTA"))) == {"nda"}
    assert docs(index.search(q, filters=SearchFilters(governing_law="new york"))) == {"msa"}
    assert docs(index.search(q, filters=SearchFilters(effective_from="2020-01-01"))) == {"msa"}
    assert docs(index.search(q, filters=SearchFilters(effective_to="2020-01-01"))) == {"nda"}
    assert docs(index.search(q, filters=SearchFilters(agreement_from="2018-01-01"))) == {"nda"}
    assert docs(index.search(q, filters=SearchFilters(document_ids=["nda"]))) == {"nda"}
    assert index.search(q, filters=SearchFilters(party="nobody at all")) == []
    assert index.search(q, filters=SearchFilters(doc_type="invoice")) == []
    for mode in ("semantic", "keyword"):
        got = index.search(q, filters=SearchFilters(party="gamma"), mode=mode)
        assert docs(got) == {"nda"}, mode


def test_clause_type_filter_uses_given_clauses(tmp_path, encoder):
    from extractors.types import Clause

    doc = make_doc("c.pdf", MSA_PAGES)
    text = doc.text
    start = text.index("9. Governing Law")
    end = text.index("10. Termination")
    clauses = [
        Clause(0, "Preamble", text[:start], 1, 0, start, {}),
        Clause(1, "Governing Law", text[start:end], 2, start, end, {"governing_law": 0.93}),
        Clause(
            2, "Termination", text[end:], 2, end, len(text), {"termination_for_convenience": 0.8}
        ),
    ]
    idx = SearchIndex(tmp_path / "d", encoder=encoder)
    idx.index_document("c", doc, MSA_META, clauses=clauses)
    for mode in ("hybrid", "semantic", "keyword"):
        hits = idx.search(
            "agreement", filters=SearchFilters(clause_type="governing_law"), mode=mode
        )
        assert len(hits) == 1 and hits[0].clause_types == ["governing_law"], mode
        assert hits[0].page == 2 and hits[0].char_start == start
    idx.close()


def test_keyword_and_semantic_modes(index):
    kw = index.search("sixty", mode="keyword")
    assert len(kw) == 1 and kw[0].keyword_rank == 1 and kw[0].semantic_rank is None
    assert "<mark>sixty</mark>" in kw[0].highlighted
    assert index.search("zzzqqq", mode="keyword") == []
    sem = index.search("zzzqqq", mode="semantic", k=2)
    assert len(sem) == 2 and all(h.keyword_rank is None for h in sem)
    # meaning without shared words: only semantic retrieval can find it
    sem = index.search("secrecy obligations for proprietary data", mode="semantic", k=1)
    assert sem[0].document_id == "nda" and "confidential" in sem[0].text.lower()
    with pytest.raises(ValueError):
        index.search("x", mode="fuzzy")


def test_delete_removes_results(index):
    index.delete_document("msa")
    for mode in ("hybrid", "semantic", "keyword"):
        assert "msa" not in docs(index.search("governing law termination", k=10, mode=mode))
    assert docs(index.search("governing law")) == {"nda"}
    index.delete_document("does-not-exist")


def test_reindex_is_idempotent(index, tmp_path):
    before = index.count()
    n = index.index_document("nda", make_doc("nda.pdf", NDA_PAGES), NDA_META)
    assert index.count() == before
    hits = index.search("confidential information", k=20)
    assert len(ids(hits)) == len(set(ids(hits)))
    assert sum(h.document_id == "nda" for h in hits) == n
    # a corrected, shorter document replaces the old chunks entirely
    index.index_document("nda", make_doc("nda.pdf", ["Short NDA governed by Texas law."]), NDA_META)
    nda = [h for h in index.search("law", k=20) if h.document_id == "nda"]
    assert len(nda) == 1 and "Texas" in nda[0].text
    # persisted: a fresh instance over the same data dir sees the same index
    again = SearchIndex(index.data_dir, encoder=index.encoder)
    assert again.count() == index.count()
    assert docs(again.search("Texas", mode="keyword")) == {"nda"}


def test_highlight_escapes_html(index):
    hits = index.search("formulas script", k=1, mode="keyword")
    h = hits[0].highlighted
    assert "<script>" not in h and "&lt;" in h and "&amp;" in h
    assert "<mark>script</mark>" in h and "<mark>Formulas</mark>" in h
    assert h.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_cli_json(index, capsys, monkeypatch):
    from api.commands import search as cmd

    monkeypatch.setattr("search.index.get_encoder", lambda *_: index.encoder)
    import argparse

    p = argparse.ArgumentParser()
    cmd.add_arguments(p)
    args = p.parse_args(
        [
            "governing law",
            "--k",
            "3",
            "--party",
            "acme",
            "--json",
            "--data-dir",
            str(index.data_dir),
        ]
    )
    assert cmd.run(args) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines and {x["document_id"] for x in lines} == {"msa"}
    assert lines[0]["link"].startswith("/documents/msa?page=")
    args = p.parse_args(["x", "--from", "not a date", "--data-dir", str(index.data_dir)])
    assert cmd.run(args) == 2


def test_broad_filters_post_filter_path(index, monkeypatch):
    """Filters passing many chunks are applied after an unfiltered vector query."""
    monkeypatch.setattr("search.index.BROAD_FILTER_CHUNKS", 0)
    q = "governing law"
    for f, want in (
        (SearchFilters(subtype="nda"), {"nda"}),
        (SearchFilters(party="acme"), {"msa"}),
        (SearchFilters(effective_from="2020-01-01"), {"msa"}),
    ):
        assert docs(index.search(q, filters=f, mode="semantic")) == want, f
    assert index.search(q, filters=SearchFilters(party="nobody"), mode="semantic") == []


def test_keyword_prefers_chunks_with_all_terms(index):
    hits = index.search("confidential recipient", mode="keyword", k=5)
    assert hits[0].document_id == "nda" and "Recipient" in hits[0].text
