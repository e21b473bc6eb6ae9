"""Fitting the invoice field scorers and their final calibration on generated documents."""

import json

import pytest

from extractors.types import Field
from modelfile import load_checked
from training import invoice_calibration, invoice_fields


def test_generated_invoice_rows_label_the_printed_total():
    rows = invoice_fields.doc_rows(7 * 100000)
    X, y = rows["total_amount"]
    assert X.shape[0] == len(y) >= 2
    assert y.sum() >= 1 and y.sum() < len(y)  # the printed total, and other amounts


def test_regional_rows_label_the_printed_total_of_every_layout():
    for layout in sorted(invoice_fields.LAYOUTS):
        X, y = invoice_fields.doc_rows(3, layout)["total_amount"]
        assert X.shape[0] == len(y) >= 2 and y.sum() >= 1, layout


def test_calibration_pairs_are_confidences_with_outcomes():
    got = invoice_calibration.pairs(4, seed=11)
    assert set(got) <= set(invoice_calibration.CALIBRATED) and "total_amount" in got
    assert all(0.0 <= c <= 1.0 and isinstance(ok, bool) for ps in got.values() for c, ok in ps)


def test_heldout_raw_scores_each_layout_with_scorers_that_never_saw_it(monkeypatch):
    """The regional calibration pairs come from field scorers refitted without the layout
    they are measured on; the shipped scorers are back in place afterwards."""
    from extractors.invoice import model as field_model

    monkeypatch.setattr(invoice_calibration, "FIELD_TRAIN", {"docs": 8, "regional": 10, "seed": 5})
    seen: list[set[str]] = []
    real_fit = invoice_calibration.fit_models

    def fit(*args, exclude_layouts=frozenset(), **kw):
        seen.append(set(exclude_layouts))
        return real_fit(*args, exclude_layouts=exclude_layouts, **kw)

    monkeypatch.setattr(invoice_calibration, "fit_models", fit)
    raw = invoice_calibration.heldout_raw(2, 123, layouts=["receipt_de", "invoice_fr"], log=False)
    assert seen == [{"receipt_de"}, {"invoice_fr"}] and set(raw) == {"receipt_de", "invoice_fr"}
    assert all(len(r) == 2 and r[0][0]["_layout"] == lay for lay, r in raw.items())
    assert not field_model._CACHE  # the refits are gone: the next extraction loads the file
    got = invoice_calibration.raw_pairs(raw["invoice_fr"])
    assert "total_amount" in got and all(0.0 <= c <= 1.0 for c, _ in got["total_amount"])
    maps = invoice_calibration.fit_maps({"total_amount": [(0.9, True), (0.2, False)] * 50})
    assert invoice_calibration.mapped_ece(raw["invoice_fr"], maps) >= 0.0


def test_trainers_write_checked_files_with_manifests(tmp_path, monkeypatch):
    fields_path = tmp_path / "invoice_fields.joblib"
    cal_path = tmp_path / "final_calibration.joblib"
    monkeypatch.setattr(invoice_fields, "MODEL_PATH", fields_path)
    monkeypatch.setattr(invoice_calibration, "CALIBRATION_PATH", cal_path)
    monkeypatch.setattr(invoice_calibration, "MIN_PAIRS", 4)
    # what the files look like, not the real TRAIN receipts (a fresh clone has no cache)
    monkeypatch.setattr(invoice_calibration, "ORIGIN_DOCS", 2)
    monkeypatch.setattr(invoice_calibration, "real_currency_pairs", lambda: [])
    monkeypatch.setattr(invoice_calibration, "MIN_REAL_CURRENCY", 0)
    assert invoice_fields.main(["--docs", "12", "--regional", "5", "--seed", "5"]) == 0
    assert invoice_calibration.main(["--docs", "6", "--seed", "2", "--regional", "0"]) == 0
    for path, rebuild in ((fields_path, "python -m training.invoice_fields --docs 12 --regional 5 --seed 5"),
                          (cal_path, "python -m training.invoice_calibration --docs 6 --seed 2 "
                                     "--regional 0")):
        manifest = json.loads(path.with_suffix(".json").read_text())
        assert manifest["rebuild"] == rebuild and len(manifest["train_sha256"]) == 64
        assert manifest["version"] == f"sha256-{manifest['sha256'][:12]}"
        assert load_checked(path)


def test_the_calibration_refuses_to_fit_without_the_real_train_receipts(monkeypatch):
    monkeypatch.setattr(invoice_calibration, "ORIGIN_DOCS", 1)
    monkeypatch.setattr(invoice_calibration, "real_currency_pairs", lambda: [])
    with pytest.raises(SystemExit, match="too few TRAIN receipts"):
        invoice_calibration.origin_groups({}, seed=3)


def test_customer_training_receipts_expect_no_customer():
    """Receipts added to the customer ranker's training name no customer: no candidate of
    theirs is labelled right, so any answer on one counts as a false positive."""
    from training.invoice_customer import RECEIPT_LAYOUTS, collect

    docs, _ = collect(0, 0, len(RECEIPT_LAYOUTS))
    assert [d.group for d in docs] == list(RECEIPT_LAYOUTS)
    assert all(d.truth is None and d.rows and not any(d.labels) for d in docs)


def test_a_currency_the_truth_leaves_unlabelled_is_not_a_wrong_row():
    cur = Field("RM", "MYR", 0.7, 1, None, "regex")
    total = Field("9.00", "9.00", 0.8, 1, None, "regex")
    got: invoice_calibration.Pairs = {}
    invoice_calibration._add(got, {"currency": None, "total_amount": None},
                             {"currency": cur, "total_amount": total})
    invoice_calibration._add(got, {"currency": "MYR"}, {"currency": cur})
    # the currency row only where it is labelled; an unlabelled total is a wrong value
    assert got == {"currency": [(0.7, True)], "total_amount": [(0.8, False)]}


def test_each_currency_group_is_measured_under_a_map_fitted_without_it():
    groups = {"a": {"currency": [(0.7, True)] * 50}, "b": {"currency": [(0.7, True)] * 50},
              "c": {"currency": [(0.7, False)] * 100}}
    lines = invoice_calibration.leave_one_group_out(groups)
    assert len(lines) == 3
    by = {ln.split()[1]: ln for ln in lines}
    # c's map comes from a and b only (all right): every c value at 0.99, all wrong
    assert "held out 0.990" in by["c"] and "accuracy=0.000" in by["c"]
    # a's map comes from b (right) and c (wrong) at the same confidence: a third right
    assert "held out 0.667" in by["a"]


def test_a_currency_guessed_from_the_country_is_fitted_apart_from_marks_read():
    guess = Field("EUR", "EUR", 0.5, 1, None, "country")
    mark = Field("€", "EUR", 0.5, 1, None, "regex")
    ranked = Field("9.00", "9.00", 0.5, 1, None, "ranker")
    got: invoice_calibration.Pairs = {}
    for f in (guess, mark):
        invoice_calibration._add(got, {"currency": "EUR"}, {"currency": f})
    invoice_calibration._add(got, {"total_amount": "9.00"}, {"total_amount": ranked})
    # the ranker's pick is never mapped at run time, so it is not fitted on either
    assert got == {"currency|country": [(0.5, True)], "currency": [(0.5, True)]}


def test_the_shipped_final_calibration_maps_the_currency_of_a_regional_invoice():
    from extractors.invoice import extract_invoice
    from training.synth.regional import generate as gen_regional

    doc, truth = gen_regional(123_456, "invoice_fr")
    raw = extract_invoice(doc, truth["_doc_type"], calibrate=False)["currency"]
    final = extract_invoice(doc, truth["_doc_type"])["currency"]
    assert final.normalized == truth["currency"] == "EUR"
    # hand-set 0.7/0.9 scaled by OCR; the map fitted on real TRAIN receipts and every
    # regional layout puts a read currency mark near its measured rate (>= 0.98)
    assert raw.confidence <= 0.9 < final.confidence


def test_a_calibration_map_does_not_follow_a_few_pairs_to_its_floor():
    from training.invoice_calibration import fit_maps

    # 290 totals right at 0.9-1.0, two wrong ones at 0.5 and 0.8: the sparse stretch had
    # been mapped to 0.01, so a right total the arithmetic chose at 0.7 was reported so
    pairs = [(0.9 + 0.1 * i / 290, i % 40 != 0) for i in range(290)] + [(0.5, False),
                                                                      (0.8, False)]
    iso = fit_maps({"total_amount": pairs})["total_amount"]
    assert 0.3 < iso.predict([0.7])[0] < 0.8
    assert iso.predict([0.99])[0] > 0.9  # where the pairs are many, they decide
