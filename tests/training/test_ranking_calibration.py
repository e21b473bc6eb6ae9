"""The calibration maps `training.ranking` fits on out-of-fold top scores."""

import pytest

from extractors.scorer import CandidateScorer, PlattMap
from training.ranking import fit_calibrator


def test_platt_map_is_monotone_and_follows_the_hit_rate():
    scores = [0.05] * 10 + [0.5] * 10 + [0.9] * 10
    labels = [0] * 9 + [1] + [0] * 5 + [1] * 5 + [0] + [1] * 9
    m = fit_calibrator("platt", scores, labels, 0.0)
    assert isinstance(m, PlattMap)
    low, mid, high = m.predict([0.05, 0.5, 0.9])
    assert low < mid < high
    assert low < 0.3 and high > 0.7
    assert m.predict([0.0])[0] >= 0.0  # a zero score stays finite


def test_the_scorer_reads_either_map_and_clamps_it():
    scores, labels = [0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]
    for kind in ("isotonic", "platt"):
        s = CandidateScorer({"version": "t", "vec": None, "clf": None,
                             "iso": fit_calibrator(kind, scores, labels, 0.0), "threshold": 0.0})
        assert 0.1 <= s.probability(0.0, 0.1, 0.9) <= s.probability(1.0, 0.1, 0.9) <= 0.9


def test_an_unknown_calibration_is_refused():
    with pytest.raises(ValueError, match="unknown calibrator"):
        fit_calibrator("beta", [0.1, 0.9], [0, 1], 0.0)
