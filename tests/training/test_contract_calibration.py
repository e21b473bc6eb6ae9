"""Fitting the contract field-confidence calibration on generated contracts."""

import json

from modelfile import load_checked
from training import contract_calibration


def test_small_calibration_fit_separates_right_from_wrong(tmp_path):
    path = tmp_path / "field_calibration.joblib"
    b = contract_calibration.train(n_docs=40, seed=3, path=str(path))
    assert 0.5 < b["meta"]["accuracy"] < 1.0
    manifest = json.loads(path.with_suffix(".json").read_text())
    assert manifest["rebuild"] == "python -m training.contract_calibration"
    assert len(manifest["train_sha256"]) == 64 and "40 docs" in manifest["trained_on"]
    assert load_checked(path)["meta"] == b["meta"]
    xs, ys = contract_calibration.training_rows(20, seed=4)
    p = b["clf"].predict_proba(b["vec"].transform(xs))[:, 1]
    right = [pi for pi, y in zip(p, ys, strict=True) if y]
    wrong = [pi for pi, y in zip(p, ys, strict=True) if not y]
    assert sum(right) / len(right) > sum(wrong) / len(wrong) + 0.2
