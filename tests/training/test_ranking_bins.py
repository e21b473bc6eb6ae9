"""The step calibrator (`binning`) and the stratified folds that measure calibrators."""

import random

import numpy as np
import pytest

from extractors.scorer import BinMap, CandidateScorer
from training.ranking import (
    ALL_CALIBRATORS,
    MIN_PER_BIN,
    DocCands,
    calibration_folds,
    cross_validate,
    fit_bins,
    fit_calibrator,
    fit_final,
)


def test_bins_follow_the_hit_rate_and_never_fall():
    # low scores right 20 % of the time, high ones 90 %: two well-filled steps
    pairs = [(0.3 + i / 1000, int(i % 5 == 0)) for i in range(MIN_PER_BIN * 2)] + \
        [(0.8 + i / 1000, int(i % 10 != 0)) for i in range(MIN_PER_BIN * 2)]
    m = fit_bins(pairs)
    assert isinstance(m, BinMap)
    low, high = m.predict([0.31, 0.85])
    assert low < 0.35 and high > 0.8
    ps = m.predict([i / 20 for i in range(21)])
    assert ps == sorted(ps)


def test_bins_pool_a_falling_step_and_keep_few_steps_on_little_data():
    # the middle scores are right less often than the lowest: pooled, never a dip
    pairs = [(0.1 + i / 1000, int(i % 2 == 0)) for i in range(MIN_PER_BIN)] + \
        [(0.5 + i / 1000, 0) for i in range(MIN_PER_BIN)] + \
        [(0.9 + i / 1000, 1) for i in range(MIN_PER_BIN)]
    ps = fit_bins(pairs).predict([0.1, 0.5, 0.9])
    assert ps == sorted(ps) and ps[0] == ps[1] < ps[2]
    # under two bins' worth of values: one constant rate (Laplace-smoothed)
    few = [(i / 40, int(i % 4 != 0)) for i in range(MIN_PER_BIN + 5)]
    m = fit_bins(few)
    assert m.edges == [] and m.probs[0] == pytest.approx((sum(y for _, y in few) + 1)
                                                          / (len(few) + 2))


def test_an_equal_score_is_never_split_between_bins():
    pairs = [(0.5, i % 2) for i in range(MIN_PER_BIN * 3)] + [(0.9, 1)] * MIN_PER_BIN
    m = fit_bins(pairs)
    assert len(set(m.predict([0.5, 0.5]))) == 1
    assert m.predict([0.5])[0] < m.predict([0.9])[0]


def test_binning_is_a_calibrator_the_scorer_reads():
    scores = [i / 200 for i in range(200)]
    labels = [int(s > 0.5) for s in scores]
    m = fit_calibrator("binning", scores, labels, 0.25)
    assert isinstance(m, BinMap) and "binning" in ALL_CALIBRATORS
    s = CandidateScorer({"version": "t", "vec": None, "clf": None, "iso": m, "threshold": 0.0})
    assert 0.1 <= s.probability(0.3, 0.1, 0.9) < s.probability(0.99, 0.1, 0.9) <= 0.9
    with pytest.raises(ValueError, match="one probability per bin"):
        BinMap([0.5], [0.2])


def _docs(n: int = 150, seed: int = 1) -> list[DocCands]:
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        right = rnd.random() < 0.7
        rows = [{"signal": rnd.gauss(1.0 if right else 0.0, 0.8)}, {"signal": rnd.gauss(0, 0.8)}]
        docs.append(DocCands("src", f"g{i % 40}", "x", rows, [int(right), 0], None))
    return docs


def test_calibration_folds_keep_filers_together_and_hit_rates_even():
    docs = _docs()
    for d in docs:  # out-of-fold scores as cross_validate leaves them
        d.oof = [r["signal"] for r in d.rows]
    folds = calibration_folds(docs, repeats=3)
    assert len(folds) == 3
    for fold in folds:
        for g in {d.group for d in docs}:
            assert len({fold[i] for i, d in enumerate(docs) if d.group == g}) == 1
        right = np.asarray([d.labels[int(np.argmax(d.oof))] for d in docs])
        rates = [right[fold == k].mean() for k in range(5)]
        assert max(rates) - min(rates) < 0.25
    assert any((a != b).any() for a, b in zip(folds, folds[1:], strict=False))


def test_cross_validate_measures_binning_on_stratified_folds_and_ships_it():
    docs = _docs()
    cv = cross_validate("term", docs, (0.02, 0.95), calibrators=ALL_CALIBRATORS,
                        stratified_calibration=True)
    assert set(cv["ece_by_calibrator"]) == set(ALL_CALIBRATORS)
    assert cv["calibration"]["count"] > len(docs)  # several shufflings pooled
    fit = fit_final(docs, cv["threshold"], calibrator="binning")
    assert isinstance(fit["iso"], BinMap)
