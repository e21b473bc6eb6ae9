"""The contract title ranker: heading tails as candidates, shipped model."""

from extractors.contract import extract_contract, title_ranker
from training.synth.contracts import text_to_doc

TEXT = ("Execution Version\nMASTER SUPPLY AGREEMENT\n\nThis Master Supply Agreement (the "
        "\"Agreement\") is made as of May 2, 2016 by and between Orchid Valley Foods, Inc. and "
        "Kestrel Packaging LLC.\n1. Supply. Kestrel shall supply packaging under this Master "
        "Supply Agreement.\n2. This Agreement is governed by the laws of the State of Ohio.")


def test_candidates_are_heading_lines_and_their_tails():
    got = [c.text for c in title_ranker.candidates("Acme Corp. Consulting Agreement\nPage 1",
                                                   "", None)]
    assert got[:2] == ["Acme Corp. Consulting Agreement", "Corp. Consulting Agreement"]
    assert "Consulting Agreement" in got
    assert all("Page" not in t for t in got)


def test_features_see_what_was_cut_off():
    c = next(c for c in title_ranker.candidates("Acme Corp. Consulting Agreement", "", None)
             if c.text == "Consulting Agreement")
    f = title_ranker.features(c, "this consulting agreement")
    assert f["dropped_corp"] == 1.0 and f["cut"] == 2.0 and f["log_mentions"] > 0


def test_shipped_ranker_reports_the_title():
    model = title_ranker.load()
    assert model is not None and model.version.startswith("ctitle-")
    got = extract_contract(text_to_doc(TEXT))["title"]
    assert got.normalized.lower() == "master supply agreement"
    assert got.source == "ranker:title"
    assert title_ranker.CONF_FLOOR <= got.confidence <= title_ranker.CONF_CEIL
