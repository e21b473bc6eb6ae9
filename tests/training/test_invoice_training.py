"""Fitting the invoice field scorers and their final calibration on generated documents."""

from training import invoice_calibration, invoice_fields


def test_generated_invoice_rows_label_the_printed_total():
    rows = invoice_fields.doc_rows(7 * 100000)
    X, y = rows["total_amount"]
    assert X.shape[0] == len(y) >= 2
    assert y.sum() >= 1 and y.sum() < len(y)  # the printed total, and other amounts


def test_calibration_pairs_are_confidences_with_outcomes():
    got = invoice_calibration.pairs(4, seed=11)
    assert set(got) <= set(invoice_calibration.CALIBRATED) and "total_amount" in got
    assert all(0.0 <= c <= 1.0 and isinstance(ok, bool) for ps in got.values() for c, ok in ps)
