"""The line-item trainer: rows are labelled by the scorer's own pairing, and the
leave-one-layout-out run reports every layout without writing a model."""

import json

from training.line_items import LAYOUTS, build, main


def test_item_rows_are_labelled_and_totals_are_not():
    labelled = items = 0
    for seed in range(10):
        d = build("synth_invoice", seed)
        kept = [c for c, y in zip(d.cands, d.labels, strict=True) if y]
        labelled += len(kept)
        items += len(d.truth)
        # one row per truth item at most, each with a truth amount (noise may hide one)
        assert {c.amount for c in kept} <= {t["amount"] for t in d.truth}
        assert len(kept) <= len(d.truth)
        dropped = [c for c, y in zip(d.cands, d.labels, strict=True) if not y]
        assert any(c.features["label_total"] for c in dropped)  # the total row is no item
    assert labelled >= 0.9 * items


def test_cv_only_reports_every_layout_and_writes_no_model(tmp_path):
    out, rep = tmp_path / "m.joblib", tmp_path / "r.json"
    assert main(["--docs", "4", "--cv-only", "--out", str(out), "--report", str(rep)]) == 0
    assert not out.exists()
    report = json.loads(rep.read_text())
    assert set(report["layouts"]) == set(LAYOUTS)
    for v in report["layouts"].values():
        assert 0.0 <= v["model"]["f1"] <= 1.0 and 0.0 <= v["rule"]["f1"] <= 1.0
