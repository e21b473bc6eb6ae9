"""The receipt address-line classifier and the address blocks built on it: row features,
labels, out-of-fold probabilities, block features, the ways lines are joined, and the
shipped bundle."""

from __future__ import annotations

import pytest

from extractors.invoice import (
    address_digits,
    address_punctuation,
    receipt_candidates,
    receipt_first_layout,
    receipt_line_probs,
)
from extractors.invoice import receipt_lines as rl
from extractors.invoice import receipt_ranker as rr
from tests.extractors.invoice.test_receipt_rules import _receipt as _till
from training import receipt_lines as trl
from training.synth.invoices import generate

HEADER = ["KEDAI PARKIR SDN BHD", "NO 5, JALAN MAWAR", "TAMAN BUNGA", "40000 SHAH ALAM",
          "TEL: 03-5566 7788", "Date 02/03/2018", "Total 12.50", *["Thank you"] * 8]


@pytest.mark.parametrize("text, want", [
    ("NO.32 & 33.JALAN SR 1/9. SEKSYEN9.", "NO.32 & 33,JALAN SR 1/9, SEKSYEN9."),  # glued
    ("43300 SERIKEMBANGAN.SELANGOR", "43300 SERIKEMBANGAN,SELANGOR"),
    ("KM 3.5 JALAN IPOH", "KM 3.5 JALAN IPOH"),  # a decimal number stays
    ("SDN.BHD", "SDN.BHD"),  # a short word is an abbreviation
    ("LOT P.T. 2811", "LOT P.T. 2811"),
    ("Leopoldstr. 45, 80802 München", "Leopoldstr. 45, 80802 München"),  # Straße
    ("12 OCEAN BLVD. MIAMI", "12 OCEAN BLVD. MIAMI"),  # a street-word abbreviation
])
def test_a_glued_full_stop_between_parts_is_a_comma(text, want):
    assert address_punctuation(text) == want


@pytest.mark.parametrize("text, want", [
    ("LOT P.T. 28II, JALAN ANGSA", "LOT P.T. 2811, JALAN ANGSA"),  # a 4x photo's "2811"
    ("LOT P.T. 281I, JALAN ANGSA", "LOT P.T. 2811, JALAN ANGSA"),
    ("NO 1I JALAN", "NO 1I JALAN"),  # one digit: not enough to call it a number
    ("LEVEL 2I, U1/48, SS21/39", "LEVEL 2I, U1/48, SS21/39"),
])
def test_ones_read_as_bars_in_a_number_are_ones(text, want):
    assert address_digits(text) == want


def test_rows_are_labelled_address_lines_by_the_labelled_address():
    texts = ["KEDAI PARKIR SDN BHD", "NO 5, JALAN MAWAR,", "TAMAN BUNGA", "40000 SHAH ALAM",
             "TEL: 03-5566 7788", ""]
    truth = "NO 5, JALAN MAWAR, TAMAN BUNGA, 40000 SHAH ALAM"
    assert trl.line_labels(texts, truth) == [0, 1, 1, 1, 0, 0]
    assert trl.line_labels(["TAMAN BUNGA"], None) == [0]
    # one OCR slip still finds the row
    assert trl.line_labels(["TAMAN BUNGE"], truth) == [1]


def test_row_features_carry_their_neighbours():
    lay = receipt_first_layout(_till(HEADER))
    rows, texts = rr.address_rows(lay)
    feats = rl.row_features(lay, rows, texts)
    assert len(feats) == len(rows) and len({frozenset(f) - {"-2_gap", "-1_gap", "+1_gap",
                                                              "+2_gap"} for f in feats}) == 1
    assert feats[0]["-1_street"] == -1.0 and feats[0]["suffix"] == 1.0
    assert feats[1]["-1_suffix"] == 1.0 and feats[1]["addr_start"] == 1.0
    assert feats[3]["postcode"] == 1.0 and feats[3]["+1_contact"] == 1.0


def test_block_features_see_a_whole_run_of_likely_rows():
    probs = [0.1, 0.9, 0.8, 0.7, 0.2, 0.05]
    run = rl.block_features(probs, 1, 3)
    short = rl.block_features(probs, 1, 2)
    assert run["line_run"] == 1.0 and run["line_min"] == 0.7 and run["line_prev"] == 0.1
    assert short["line_run"] == 0.0 and short["line_next"] == 0.7
    assert short["line_out_likely"] == 1.0 and run["line_out_likely"] == 0.0


def test_bare_line_ends_are_joined_three_ways():
    got = {c.normalized for c in receipt_candidates(_till(HEADER), {}).by_field["vendor_address"]
           if c.feats["start"] == 1 and c.feats["n_lines"] == 3}
    assert got == {"NO 5, JALAN MAWAR TAMAN BUNGA 40000 SHAH ALAM",
                   "NO 5, JALAN MAWAR, TAMAN BUNGA, 40000 SHAH ALAM",
                   "NO 5, JALAN MAWAR, TAMAN BUNGA 40000 SHAH ALAM"}  # no comma before a postcode


def test_line_probabilities_must_match_the_rows():
    lay = receipt_first_layout(_till(HEADER))
    with pytest.raises(rr.ReceiptModelError, match="line probabilities"):
        rr.address_cands(lay, lambda lines, punct, comma: " ".join(lines), [0.5])


def _line_rows(seeds: range) -> list[trl.LineRows]:
    out = []
    for seed in seeds:
        doc, truth = generate(seed, kind="receipt", noise=0.0)
        lay = receipt_first_layout(doc)
        rows, texts = rr.address_rows(lay)
        out.append(trl.LineRows(f"g{seed // 4}", rl.row_features(lay, rows, texts),
                                trl.line_labels(texts, truth.get("vendor_address"))))
    return out


def test_the_line_classifier_learns_address_rows_of_unseen_receipts():
    from sklearn.metrics import roc_auc_score

    train, test = _line_rows(range(910_000, 910_040)), _line_rows(range(920_000, 920_012))
    assert sum(y for d in train for y in d.labels) >= 40
    model = trl.fit(train)
    ys = [y for d in test for y in d.labels]
    ps = [p for d in test for p in model.probabilities(d.feats)]
    assert roc_auc_score(ys, ps) >= 0.9
    oof = trl.oof_probabilities(train)
    assert [len(p) for p in oof] == [len(d.feats) for d in train]
    with pytest.raises(trl.LineTrainingError, match="chains"):
        trl.oof_probabilities(train[:8])  # two chains: no five chain-grouped folds
    # the shipped path: the same probabilities through the extractor's helper
    doc, _ = generate(920_000, kind="receipt", noise=0.0)
    assert receipt_line_probs(receipt_first_layout(doc), model) == ps[:len(test[0].feats)]
    assert receipt_line_probs(receipt_first_layout(doc), None) is None


def test_a_shipped_address_ranker_ships_its_line_classifier():
    m = rr.load()
    if m is None or "vendor_address" not in m.fields:
        pytest.skip("no receipt address ranker shipped")
    assert m.lines is not None
    doc, _ = generate(930_000, kind="receipt", noise=0.0)
    lay = receipt_first_layout(doc)
    probs = receipt_line_probs(lay, m.lines)
    assert probs is not None and len(probs) == len(rr.address_rows(lay)[0])
    assert all(0.0 <= p <= 1.0 for p in probs)


def test_regional_receipts_give_labelled_rows_per_layout():
    from training import receipt_fields as rf

    got = rf.regional(3, None)
    assert set(got) == set(rf.REGIONAL_LAYOUTS)
    for layout, per in got.items():
        assert set(per) == set(rr.RANKED_FIELDS)
        assert all(len(docs) == 3 and all(d.source == layout for d in docs)
                   for docs in per.values())
        # the generated vendor name is among its candidates
        assert sum(any(d.labels) for d in per["vendor_name"]) >= 2
    merged = rf._merge(*got.values())
    assert len(merged["total_amount"]) == 3 * len(rf.REGIONAL_LAYOUTS)
