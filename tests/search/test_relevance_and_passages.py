"""The relevance cut-off of clause search (hits need evidence of their own, not just a
rank), the filters' choices drawn from the index, and a hit's passage found as word boxes
on its page."""

from __future__ import annotations

import pytest

from search.passages import passage_boxes, word_spans
from tests.search.test_index import MSA_META, MSA_PAGES, NDA_META, NDA_PAGES, make_doc


@pytest.fixture
def index(tmp_path, encoder):
    from search.index import SearchIndex

    idx = SearchIndex(tmp_path / "data", encoder=encoder)
    idx.index_document("msa", make_doc("msa.pdf", MSA_PAGES), MSA_META)
    idx.index_document("nda", make_doc("nda.pdf", NDA_PAGES), NDA_META)
    yield idx
    idx.close()


def test_cut_off_ends_the_list_where_relevance_does(index):
    query = "termination for convenience upon prior written notice"
    padded = index.search(query, k=20, mode="hybrid")
    cut = index.search(query, k=20, mode="hybrid", relevant_only=True)
    # without the cut-off every chunk of both contracts comes back (nearest neighbours)
    assert {h.document_id for h in padded} == {"msa", "nda"}
    assert cut and len(cut) < len(padded)
    assert cut[0].document_id == "msa" and "Termination for Convenience" in cut[0].text
    assert all("confidential" not in h.text.lower() or "terminat" in h.text.lower() for h in cut)
    # keyword mode: only chunks holding every word
    words = index.search("governed construed", k=20, mode="keyword", relevant_only=True)
    assert [h.document_id for h in words] == ["msa"]
    assert index.search("zebra quokka", k=20, relevant_only=True) == []


def test_a_collective_term_among_the_parties_is_no_filter_choice(tmp_path, encoder):
    from search.index import SearchIndex

    meta = {**NDA_META, "parties": ["Gamma Research Inc", "Delta Health Ltd",
                                    'individually a "Party" and collectively the "Parties"']}
    idx = SearchIndex(tmp_path / "data", encoder=encoder)
    try:
        idx.index_document("nda", make_doc("nda.pdf", NDA_PAGES), meta)
        assert idx.keyword.facets()["parties"] == ["Delta Health Ltd", "Gamma Research Inc"]
    finally:
        idx.close()


def test_facets_come_from_the_index(index):
    f = index.keyword.facets()
    assert f["subtypes"] == ["msa", "nda"]
    assert f["laws"] == ["Delaware", "New York"]
    assert "Acme Widgets Corp" in f["parties"] and "Delta Health Ltd" in f["parties"]
    only = index.keyword.facets(["nda"])  # the documents a user may see
    assert only["laws"] == ["Delaware"] and "Acme Widgets Corp" not in only["parties"]
    assert index.keyword.facets([]) == {"subtypes": [], "laws": [], "parties": [],
                                        "clause_types": []}


WORDS = [["Either", 72, 100, 110, 110], ["party", 114, 100, 140, 110], ["may", 144, 100, 162, 110],
         ["terminate", 72, 116, 120, 126], ["this", 124, 116, 140, 126],
         ["Agreement.", 144, 116, 200, 126], ["Signed", 72, 200, 110, 210]]
PAGE2 = "Either party may\nterminate this Agreement.\n\nSigned"


def test_passage_boxes_cover_the_words_of_the_passage():
    pages = ["first page text", PAGE2]
    start = len(pages[0]) + 1 + PAGE2.index("may")  # document offsets, pages joined by \f
    end = len(pages[0]) + 1 + PAGE2.index("Agreement.") + len("Agreement.")
    boxes = passage_boxes(pages, 2, WORDS, start, end)
    # "may" on the first line, "terminate this Agreement." merged into one box on the second
    assert [(b.x0, b.y0, b.x1, b.y1) for b in boxes] == [(144, 100, 162, 110), (72, 116, 200, 126)]
    assert passage_boxes(pages, 1, WORDS, start, end) == []  # not on page 1
    assert passage_boxes(pages, 2, WORDS, end, start) == []


def test_words_the_text_does_not_hold_are_skipped():
    spans = word_spans("alpha gamma", [["alpha"], ["beta"], ["gamma"]])
    assert spans == [(0, 0, 5), (2, 6, 11)]
