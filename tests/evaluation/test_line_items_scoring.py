"""The item-level line-item scorer: one-to-one matching on amount and description, column
accuracy, invoice2data's own truth keys, and the eval report's section."""

from decimal import Decimal
from pathlib import Path

import pytest

from evaluation.corpus import CorpusDoc
from evaluation.line_items import (
    LineItemTruthError,
    as_item,
    predicted_items,
    score_raw,
    score_results,
    truth_items,
)
from evaluation.report import build_report, render_markdown

TRUTH = [{"description": "Consulting hours", "quantity": "3", "unit_price": "100.00",
          "amount": "300.00"},
         {"description": "Hosting plan", "quantity": "1", "unit_price": "20.00",
          "amount": "20.00"}]


def test_exact_prediction_scores_one():
    s = score_raw(TRUTH, TRUTH)
    assert (s.tp, s.fp, s.fn, s.f1, s.exact_docs) == (2, 0, 0, 1.0, 1)
    assert all(c.accuracy == 1.0 for c in s.columns.values())


def test_wrong_amount_is_one_false_positive_and_one_false_negative():
    pred = [TRUTH[0], dict(TRUTH[1], amount="21.00")]
    s = score_raw(TRUTH, pred)
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert s.precision == s.recall == 0.5 and s.exact_docs == 0


def test_footer_row_taken_as_item_costs_precision_only():
    pred = [*TRUTH, {"description": "IBAN DE89 3704 0044", "amount": "0.00"}]
    s = score_raw(TRUTH, pred)
    assert (s.tp, s.fp, s.fn) == (2, 1, 0)
    assert s.precision == pytest.approx(2 / 3) and s.recall == 1.0


def test_unlike_description_with_the_same_amount_does_not_match():
    s = score_raw(TRUTH, [dict(TRUTH[0], description="Grand total")])
    assert (s.tp, s.fp, s.fn) == (0, 1, 2)


def test_matching_is_one_to_one_and_maximal():
    truth = [{"description": "Widget", "amount": "10.00"},
             {"description": "Widget blue", "amount": "10.00"}]
    pred = [{"description": "Widget blue", "amount": "10.00"}]
    s = score_raw(truth, pred)
    assert (s.tp, s.fp, s.fn) == (1, 0, 1)


def test_column_accuracy_counts_misread_quantity_on_a_matched_item():
    pred = [dict(TRUTH[0], quantity="8"), TRUTH[1]]
    s = score_raw(TRUTH, pred)
    assert s.tp == 2
    assert s.columns["quantity"].accuracy == 0.5
    assert s.columns["amount"].accuracy == 1.0


def test_invoice2data_keys_and_derived_amount():
    item = as_item({"name": "Onderhoudsset", "qty": 2.0, "price_unit": 49.99})
    assert item.description == "Onderhoudsset"
    assert item.amount == Decimal("99.98")
    got = truth_items({"fields": {"line_items": [{"desc": "Parts: 1 x cap_a", "item": "A"}]},
                       "normalized": {}})
    assert got is not None and got[0].amount is None
    # a truth without an amount matches on the description alone
    s = score_raw([{"desc": "Parts: 1 x cap_a"}], [{"description": "Parts: 1 x cap_a",
                                                   "amount": "5.00"}])
    assert s.tp == 1


def test_truth_must_be_a_list_of_objects():
    with pytest.raises(LineItemTruthError):
        truth_items({"normalized": {"line_items": "two widgets"}})


def test_results_are_summed_only_over_documents_with_line_items():
    truths = [{"normalized": {"line_items": TRUTH}}, {"normalized": {"total_amount": "5"}}]
    results = [{"fields": {"line_items": {"normalized": TRUTH[:1], "confidence": 0.9}}},
               {"fields": {}}]
    s = score_results(zip(truths, results, strict=True))
    assert s is not None and (s.docs, s.tp, s.fn) == (1, 1, 1)
    assert score_results([(truths[1], results[1])]) is None
    assert predicted_items({"fields": {"line_items": "x"}}) == []


def test_eval_report_has_a_line_item_section():
    doc = CorpusDoc("gen", Path("a.pdf"), Path("a.truth.json"),
                    {"doc_type": "invoice", "normalized": {"line_items": TRUTH}})
    res = {"status": "done", "doc_type": "invoice", "type_confidence": 0.9, "pages": 1,
           "fields": {"line_items": {"normalized": TRUTH, "confidence": 0.9}}}
    report = build_report([doc], [res], 1.0)
    assert report["line_items"]["gen"]["f1"] == 1.0
    assert "## Line items" in render_markdown(report)
