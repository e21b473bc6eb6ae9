"""Fitting the contract field-confidence calibration on generated contracts."""

from training import contract_calibration


def test_small_calibration_fit_separates_right_from_wrong():
    b = contract_calibration.train(n_docs=40, seed=3, path=None)
    assert 0.5 < b["meta"]["accuracy"] < 1.0
    xs, ys = contract_calibration.training_rows(20, seed=4)
    p = b["clf"].predict_proba(b["vec"].transform(xs))[:, 1]
    right = [pi for pi, y in zip(p, ys, strict=True) if y]
    wrong = [pi for pi, y in zip(p, ys, strict=True) if not y]
    assert sum(right) / len(right) > sum(wrong) / len(wrong) + 0.2
