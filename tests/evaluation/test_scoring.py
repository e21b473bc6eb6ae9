"""Hand-made truth/prediction pairs for the scoring rules of evaluation.scoring."""

from __future__ import annotations

import math

import pytest

from evaluation.scoring import (
    UNSCORABLE,
    calibration,
    labelled_fields,
    match_lists,
    prf,
    scalar_match,
    score_document,
    score_field,
    truth_values,
)


def _result(**fields: object) -> dict:
    return {"fields": {k: {"value": v, "normalized": v, "confidence": 0.9}
                       for k, v in fields.items()}}


def _by_field(scores):
    return {s.field: s for s in scores}


@pytest.mark.parametrize(
    ("field", "truth", "pred", "expected"),
    [
        ("vendor_name", "KEDAI A.B.C. (PERAK) SDN BHD", "kedai a.b.c.  (perak)\nsdn bhd", True),
        ("vendor_name", "ACME LTD", "ACME LIMITED", False),
        ("total_amount", "1234.50", "1,234.5", True),
        ("total_amount", "319.00", 319.0, True),
        ("total_amount", "33.90", "RM 33.90", True),
        ("total_amount", "33.90", "33.09", False),
        ("invoice_date", "2019-01-12", "2019-01-12", True),
        ("invoice_date", "2019-01-12", "2019-12-01", False),
        ("term", "1_years", "12_months", True),
        ("term", "2_years", "2_year", True),
        ("term", "2_years", "18_months", False),
        ("notice_period", "30_days", "30_days", True),
        ("vendor_tax_id", "DE 136 695 976", "DE136695976", True),
        ("vendor_tax_id", "DE136695976", "DE136695977", False),
        ("signed", "true", True, True),
        ("signed", "false", True, False),
        ("governing_law", "new york", "New York", True),
        ("phone", "+1 (555) 010-2030", "15550102030", True),
    ],
)
def test_scalar_match(field, truth, pred, expected):
    assert scalar_match(field, truth, pred) is expected


def test_scalar_tp_fp_fn():
    ok = score_field("total_amount", "10.00", "10", 0.8)
    assert (ok.tp, ok.fp, ok.fn, ok.correct) == (1, 0, 0, True)
    wrong = score_field("total_amount", "10.00", "11.00", 0.8)
    assert (wrong.tp, wrong.fp, wrong.fn, wrong.correct) == (0, 1, 1, False)
    missing = score_field("total_amount", "10.00", None, None)
    assert (missing.tp, missing.fp, missing.fn, missing.correct) == (0, 0, 1, None)
    spurious = score_field("effective_date", None, "2020-01-01", 0.5)
    assert (spurious.tp, spurious.fp, spurious.fn, spurious.correct) == (0, 1, 0, False)


def test_parties_lenient_one_to_one():
    truth = ['Acme Corp ("Company")', "Beta & Sons LLC", "Gamma Inc."]
    pred = ["ACME CORP", "Beta and Sons LLC", "Delta GmbH"]
    assert match_lists("parties", truth, pred) == (2, 1, 1)
    # one predicted name cannot satisfy two truth items
    assert match_lists("parties", ["Acme Corp", "Acme Corp (the Company)"], ["Acme Corp"]) == (
        1, 0, 1)
    # below the fuzzy threshold
    assert match_lists("parties", ["Orbital Widget Group Inc."], ["Orbitel Hardware Inc."]) == (0, 1, 1)


def test_plain_lists_are_exact_sets():
    assert match_lists("skills", ["Python", "SQL"], ["python", "Sql", "Java"]) == (2, 1, 0)
    assert match_lists("skills", ["Python", "python"], ["PYTHON"]) == (1, 0, 0)


def test_list_field_score_and_correctness():
    s = score_field("parties", ["Acme Corp", "Beta LLC"], ["Acme Corp"], 0.7)
    assert (s.tp, s.fp, s.fn, s.correct) == (1, 0, 1, True)
    s = score_field("parties", ["Acme Corp"], ["Acme Corp", "Zeta"], 0.7)
    assert (s.tp, s.fp, s.fn, s.correct) == (1, 1, 0, False)
    s = score_field("parties", ["Acme Corp", "Beta LLC"], None, None)
    assert (s.tp, s.fp, s.fn) == (0, 0, 2)


def test_truth_values_fallback_and_unscorable():
    truth = {
        "fields": {"agreement_date": "11/[]/2021", "title": "Lease", "skills": ["Go"],
                   "effective_date": "1/2/20"},
        "normalized": {"title": "Lease", "effective_date": "2020-01-02"},
    }
    tv = truth_values(truth)
    assert tv["agreement_date"] is UNSCORABLE  # a date the corpus could not normalize
    assert tv["skills"] == ["Go"]  # no normal form: raw label is the truth
    assert tv["effective_date"] == "2020-01-02"  # normalized wins


def test_score_document_labelled_fields():
    truths = [
        {"fields": {"parties": ["A Inc"], "effective_date": "2020-01-01"},
         "normalized": {"parties": ["A Inc"], "effective_date": "2020-01-01"}},
        {"fields": {"parties": ["B Inc"]}, "normalized": {"parties": ["B Inc"]}},
    ]
    labelled = labelled_fields(truths)
    assert labelled == {"parties", "effective_date"}
    # second doc: effective_date absent in truth -> a prediction is a false positive;
    # customer_name is not labelled by this source -> ignored entirely.
    scores = _by_field(score_document(truths[1], _result(
        parties=["B Inc."], effective_date="2021-05-05", customer_name="X"), labelled))
    assert set(scores) == {"parties", "effective_date"}
    assert (scores["parties"].tp, scores["parties"].fp) == (1, 0)
    assert (scores["effective_date"].fp, scores["effective_date"].fn) == (1, 0)
    # first doc, nothing predicted: two false negatives
    scores = _by_field(score_document(truths[0], {"fields": {}}, labelled))
    assert sum(s.fn for s in scores.values()) == 2


def test_field_unscorable_everywhere_is_not_labelled():
    truths = [
        {"fields": {"line_items": [{"code": "X1"}], "total_amount": 5},
         "normalized": {"total_amount": "5.00"}},
        {"fields": {"total_amount": 7}, "normalized": {"total_amount": "7.00"}},
    ]
    assert labelled_fields(truths) == {"total_amount"}
    # so a line-items prediction on the second document is not a false positive
    scores = score_document(truths[1], _result(line_items=[{"amount": "7"}]),
                            labelled_fields(truths))
    assert [s.field for s in scores] == ["total_amount"]


def test_unscorable_prediction_not_counted():
    truth = {"fields": {"expiration_date": "perpetual"}, "normalized": {}}
    scores = score_document(truth, _result(expiration_date="2030-01-01"), {"expiration_date"})
    assert len(scores) == 1
    assert (scores[0].tp, scores[0].fp, scores[0].fn) == (0, 0, 0)


def test_prediction_uses_normalized_then_value():
    truth = {"fields": {"currency": "EUR"}, "normalized": {"currency": "EUR"}}
    pred = {"fields": {"currency": {"value": "€", "normalized": "EUR", "confidence": 0.9}}}
    assert score_document(truth, pred, {"currency"})[0].tp == 1
    pred = {"fields": {"currency": {"value": "eur", "normalized": None, "confidence": 0.9}}}
    assert score_document(truth, pred, {"currency"})[0].tp == 1


def test_prf():
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)
    p, r, f = prf(3, 1, 2)
    assert p == pytest.approx(0.75) and r == pytest.approx(0.6)
    assert f == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_calibration_perfect_and_overconfident():
    perfect = calibration([(0.95, True)] * 9 + [(0.95, False)] * 1)
    assert perfect["ece"] == pytest.approx(0.05)
    assert perfect["bins"][9]["count"] == 10
    assert perfect["bins"][9]["accuracy"] == pytest.approx(0.9)
    over = calibration([(1.0, False), (0.05, False)])
    assert over["ece"] == pytest.approx((1.0 + 0.05) / 2)
    assert over["bins"][0]["count"] == 1 and over["bins"][9]["count"] == 1
    assert calibration([])["ece"] is None
    assert len(calibration([(0.5, True)])["bins"]) == 10
    assert not math.isnan(calibration([(0.0, True)])["ece"])


def test_text_ignores_case_and_all_whitespace_but_not_characters():
    assert scalar_match("vendor_name", "KEDAI A.B.C. (PERAK) SDN BHD", "kedai a.b.c.(perak) sdn  bhd")
    assert not scalar_match("vendor_name", "KEDAI A.B.C. (PERAK) SDN BHD", "KEDAI ABC PERAK SDN BHD")
