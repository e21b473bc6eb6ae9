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


def test_features_see_the_preamble_echo_the_whole_title():
    cands = {c.text: c for c in title_ranker.candidates("HARBOR LIGHTS SPONSORSHIP AGREEMENT",
                                                        "", None)}
    low = ("harbor lights sponsorship agreement this harbor lights sponsorship agreement "
           "(the agreement) is made as of may 2, 2016. the sponsorship agreement runs a year.")
    whole = title_ranker.features(cands["HARBOR LIGHTS SPONSORSHIP AGREEMENT"], low)
    tail = title_ranker.features(cands["SPONSORSHIP AGREEMENT"], low)
    assert whole["this_echo"] > 0 and tail["this_echo"] == 0
    assert tail["log_mentions"] > whole["log_mentions"]  # a tail is always mentioned more


def test_shipped_ranker_reads_the_preamble_echo():
    model = title_ranker.load()
    assert model is not None and "this_echo" in model.vec.feature_names_


def test_shipped_ranker_reports_the_title():
    model = title_ranker.load()
    assert model is not None and model.version.startswith("ctitle-")
    got = extract_contract(text_to_doc(TEXT))["title"]
    assert got.normalized.lower() == "master supply agreement"
    assert got.source == "ranker:title"
    assert title_ranker.CONF_FLOOR <= got.confidence <= title_ranker.CONF_CEIL


def test_a_title_wrapped_over_short_lines_is_a_candidate():
    head = ("[LOGO]\nSECOND AMENDMENT\nTO\nCO-BRANDING AGREEMENT\n"
            "This Second Amendment is made as of the first day of June between the parties.\n")
    got = {c.text: c for c in title_ranker.candidates(head, "", None)}
    whole = got["SECOND AMENDMENT TO CO-BRANDING AGREEMENT"]
    assert (whole.above, whole.below) == (0, 2)
    f = title_ranker.features(whole, "")
    assert f["below"] == 2.0 and f["prev_words"] == 1.0  # "[LOGO]" above it
    # the single line knows a short line follows it (it may be cut short)
    assert title_ranker.features(got["SECOND AMENDMENT"], "")["next_words"] == 1.0
    # a parenthetical on the next line belongs to the title
    head2 = "MANUFACTURING AND SUPPLY AGREEMENT\n(DA-9801 Licensed Products)\nBetween\n"
    assert "MANUFACTURING AND SUPPLY AGREEMENT (DA-9801 Licensed Products)" in {
        c.text for c in title_ranker.candidates(head2, "", None)}
    # a long sentence is never joined to a heading
    assert not any("This Second" in t and "CO-BRANDING" in t for t in got)
