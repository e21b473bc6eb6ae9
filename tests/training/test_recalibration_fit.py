"""The TRAIN recalibration fit: out of fold, per key, only where it beats the raw number,
never on values a TRAIN ranker chose."""

from __future__ import annotations

import random

from training.confidence_chain import ChainRow, read_rows, summary, write_rows
from training.recalibration import fit_all, fittable


def _row(i: int, conf: float, ok: bool, method: str = "regex", doc_type: str = "contract",
         field: str = "governing_law", contradicted: bool = False) -> ChainRow:
    return ChainRow("cuad", f"f{i}.pdf", f"g{i % 10}", "digital", doc_type, field, method,
                    conf, conf, ok, contradicted)


def test_overconfident_rule_gets_a_map_that_helps_out_of_fold():
    rng = random.Random(0)
    rows = [_row(i, 0.95, rng.random() < 0.7) for i in range(200)]  # says .95, right 70 %
    fits = {f.key: f for f in fit_all(rows)}
    fit = fits["contract|governing_law|*"]
    assert fit.chosen is not None and fit.ece_before > 0.2
    assert min(fit.ece_by_map.values()) < 0.1  # 0.255 unmapped
    assert fit.methods == ["regex"]


def test_a_calibrated_field_gets_no_map():
    rng = random.Random(1)
    rows = []
    for i in range(400):
        c = rng.choice([0.3, 0.6, 0.9])
        rows.append(_row(i, c, rng.random() < c))
    fit = {f.key: f for f in fit_all(rows)}["contract|governing_law|*"]
    assert fit.chosen is None or min(fit.ece_by_map.values()) < fit.ece_before


def test_train_ranked_and_passed_through_values_are_not_fitted():
    assert not fittable(_row(0, 0.9, True, method="ranker:title"))
    assert fittable(_row(0, 0.5, True, contradicted=True))  # mapped, then capped
    assert not fittable(_row(0, 0.9, True, method="vendor-hint", doc_type="invoice"))
    assert fittable(_row(0, 0.9, True, method="regex:law.heading"))
    # an invoice's customer ranker was fitted on generated documents, not on TRAIN
    assert fittable(_row(0, 0.9, True, method="customer-ranker", doc_type="invoice"))


def test_too_few_pairs_or_filers_give_no_key():
    assert fit_all([_row(i, 0.9, True) for i in range(30)]) == []
    few_filers = [ChainRow("cuad", "f.pdf", "one", "digital", "contract", "title", "regex",
                           0.9, 0.9, i % 2 == 0) for i in range(100)]
    assert fit_all(few_filers) == []


def test_rows_round_trip_and_summarise(tmp_path):
    rows = [_row(i, 0.9, i % 3 > 0) for i in range(12)]
    write_rows(rows, tmp_path / "rows.jsonl")
    assert read_rows(tmp_path / "rows.jsonl") == rows
    text = summary(rows)
    assert "contract|governing_law | 12 |" in text and "| cuad | 12 |" in text
