"""A value the cross-field checks contradict is never reported above 0.5, per family, even
when a later confidence map (the invoice maps, the TRAIN recalibration) would lift it."""

from __future__ import annotations

from sklearn.isotonic import IsotonicRegression

from extractors import recalibration
from extractors.contract import consistency
from extractors.invoice import _arithmetic
from extractors.invoice import calibrate as invoice_maps
from extractors.invoice import line_items as learned_line_items
from extractors.invoice.candidates import Candidate
from extractors.types import CAP_CONTRADICTED, Field


def _lifting_curve() -> IsotonicRegression:
    """A map that calls every value sure: what a badly fitted layer would do."""
    return IsotonicRegression(out_of_bounds="clip").fit([0.0, 1.0], [1.0, 1.0])


def _lifting_bundle(doc_type: str, names: list[str]) -> dict:
    return {"version": "t", "curves": {f"{doc_type}|{n}|*": _lifting_curve() for n in names}}


def _f(norm: str, conf: float = 0.9, source: str = "regex") -> Field:
    return Field(norm, norm, conf, 1, None, source)


def test_contract_end_before_start_stays_capped_through_the_recalibration():
    fields = {"effective_date": _f("2015-03-03"), "expiration_date": _f("2014-12-31")}
    consistency.cap_contradicted(fields)
    assert fields["expiration_date"].contradicted
    recalibration.apply(fields, "contract", "digital",
                        _lifting_bundle("contract", ["effective_date", "expiration_date"]))
    assert fields["expiration_date"].confidence <= CAP_CONTRADICTED
    assert fields["effective_date"].confidence == recalibration.CONF_CEIL  # not doubted


def _money(v: str, y: float) -> Candidate:
    return Candidate("money", v, v, 1, (300.0, y, 340.0, y + 10), 0)


def test_invoice_sum_that_does_not_add_up_stays_capped_through_both_maps():
    fields = {"subtotal": _f("100.00", 0.9, "layout-kv"),
              "tax_amount": _f("9.00", 0.9, "layout-kv"),
              "total_amount": _f("106.00", 0.9, "layout-kv"),
              "invoice_date": _f("2021-05-10", 0.9, "layout-kv"),
              "due_date": _f("2021-05-01", 0.9, "layout-kv")}
    _arithmetic(fields, {})
    doubted = {k for k, f in fields.items() if f.contradicted}
    assert doubted == {"subtotal", "tax_amount", "due_date"}
    invoice_maps.apply(fields, {k: _lifting_curve() for k in fields})
    recalibration.apply(fields, "invoice", "digital", _lifting_bundle("invoice", list(fields)))
    for k in doubted:
        assert fields[k].confidence <= CAP_CONTRADICTED, k
    assert fields["total_amount"].confidence > 0.9  # the maps still reach the others


def _items(amounts: list[str], conf: float, source: str) -> Field:
    items = [{"description": f"item {i}", "amount": a} for i, a in enumerate(amounts)]
    return Field(items, items, conf, 1, None, source)


def test_line_items_that_miss_the_subtotal_are_capped_and_a_learned_list_is_not_lifted():
    bad = {"line_items": _items(["10.00", "20.00"], 0.9, learned_line_items.SOURCE),
           "subtotal": _f("50.00", 0.9, "layout-kv")}
    _arithmetic(bad, {})
    assert bad["line_items"].contradicted and bad["line_items"].confidence == 0.5
    good = {"line_items": _items(["10.00", "40.00"], 0.7, learned_line_items.SOURCE),
            "subtotal": _f("50.00", 0.9, "layout-kv")}
    _arithmetic(good, {})
    # the learned list's confidence is a map already fitted on lists that add up
    assert good["line_items"].confidence == 0.7 and not good["line_items"].contradicted
    rule = {"line_items": _items(["10.00", "40.00"], 0.7, "table"),
            "subtotal": _f("50.00", 0.9, "layout-kv")}
    _arithmetic(rule, {})
    assert rule["line_items"].confidence > 0.7  # the rule's list: the check is evidence


def test_a_cap_never_raises_and_survives_with_no_map_shipped():
    low = _f("x", 0.2)
    low.contradict()
    assert low.confidence == 0.2
    high = _f("y", 0.99)
    high.contradict()
    high.confidence = 0.99  # a later layer that forgot the flag
    fields = {"a": low, "b": high}
    recalibration.apply(fields, "receipt", "photo", {"version": "t", "curves": {}})
    assert fields["b"].confidence == CAP_CONTRADICTED and fields["a"].confidence == 0.2


def test_curve_applies_only_to_the_methods_it_was_fitted_on():
    curve = IsotonicRegression(out_of_bounds="clip").fit([0.1, 0.9], [0.0, 0.0])
    bundle = {"version": "t", "curves": {"hr|employee_name|*": curve},
              "methods": {"hr|employee_name|*": ["regex"]}}
    fields = {"employee_name": _f("Ann Lee", 0.9, "label"),  # a form's label: not fitted
              "email": _f("a@b.c", 0.9, "regex")}
    recalibration.apply(fields, "hr", "digital", bundle)
    assert fields["employee_name"].confidence == 0.9
    fields = {"employee_name": _f("Ann Lee", 0.9, "regex")}
    recalibration.apply(fields, "hr", "digital", bundle)
    assert fields["employee_name"].confidence == recalibration.CONF_FLOOR


def test_kind_specific_curve_wins_over_the_fallback():
    up = IsotonicRegression(out_of_bounds="clip").fit([0.0, 1.0], [1.0, 1.0])
    down = IsotonicRegression(out_of_bounds="clip").fit([0.0, 1.0], [0.0, 0.0])
    bundle = {"version": "t", "curves": {"receipt|tax_amount|photo": down,
                                         "receipt|tax_amount|*": up}}
    photo = {"tax_amount": _f("1.00", 0.6, "layout-kv")}
    recalibration.apply(photo, "receipt", "photo", bundle)
    scan = {"tax_amount": _f("1.00", 0.6, "layout-kv")}
    recalibration.apply(scan, "receipt", "scan", bundle)
    assert photo["tax_amount"].confidence == recalibration.CONF_FLOOR
    assert scan["tax_amount"].confidence == recalibration.CONF_CEIL


def test_lines_that_close_on_the_total_or_total_less_tax_are_not_contradicted():
    inclusive = {"line_items": _items(["10.00", "40.00"], 0.7, learned_line_items.SOURCE),
                 "subtotal": _f("45.00", 0.9, "layout-kv"),
                 "total_amount": _f("50.00", 0.6, "layout-kv")}
    _arithmetic(inclusive, {})
    assert not inclusive["line_items"].contradicted
    assert inclusive["total_amount"].confidence == 0.7  # the sum speaks for the total
    no_subtotal = {"line_items": _items(["10.00", "40.00"], 0.7, learned_line_items.SOURCE),
                   "tax_amount": _f("9.50", 0.9, "layout-kv"),
                   "total_amount": _f("59.50", 0.9, "layout-kv")}
    _arithmetic(no_subtotal, {})
    assert not no_subtotal["line_items"].contradicted
    neither = {"line_items": _items(["10.00", "41.00"], 0.7, learned_line_items.SOURCE),
               "tax_amount": _f("9.50", 0.9, "layout-kv"),
               "total_amount": _f("59.50", 0.9, "layout-kv")}
    _arithmetic(neither, {})
    assert neither["line_items"].contradicted
