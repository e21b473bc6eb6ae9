"""Fitting the invoice field scorers and their final calibration on generated documents."""

import json

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


def test_trainers_write_checked_files_with_manifests(tmp_path, monkeypatch):
    fields_path = tmp_path / "invoice_fields.joblib"
    cal_path = tmp_path / "final_calibration.joblib"
    monkeypatch.setattr(invoice_fields, "MODEL_PATH", fields_path)
    monkeypatch.setattr(invoice_calibration, "CALIBRATION_PATH", cal_path)
    monkeypatch.setattr(invoice_calibration, "MIN_PAIRS", 4)
    assert invoice_fields.main(["--docs", "12", "--regional", "5", "--seed", "5"]) == 0
    assert invoice_calibration.main(["--docs", "6", "--seed", "2"]) == 0
    for path, rebuild in ((fields_path, "python -m training.invoice_fields --docs 12 --regional 5 --seed 5"),
                          (cal_path, "python -m training.invoice_calibration --docs 6 --seed 2")):
        manifest = json.loads(path.with_suffix(".json").read_text())
        assert manifest["rebuild"] == rebuild and len(manifest["train_sha256"]) == 64
        assert manifest["version"] == f"sha256-{manifest['sha256'][:12]}"
        assert load_checked(path)


def test_customer_training_receipts_expect_no_customer():
    """Receipts added to the customer ranker's training name no customer: no candidate of
    theirs is labelled right, so any answer on one counts as a false positive."""
    from training.invoice_customer import RECEIPT_LAYOUTS, collect

    docs, _ = collect(0, 0, len(RECEIPT_LAYOUTS))
    assert [d.group for d in docs] == list(RECEIPT_LAYOUTS)
    assert all(d.truth is None and d.rows and not any(d.labels) for d in docs)
