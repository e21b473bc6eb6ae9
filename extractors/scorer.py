"""One fitted candidate scorer, as every ranker's model file holds it.

`training.ranking.fit_final` leaves a bundle with a vectoriser, a gradient-boosting
classifier, the isotonic map from score to probability and the reporting threshold; the
resume title and name rankers, the contract title ranker and the party selector all read
it the same way: score candidate feature rows (single-threaded, see
`modelfile.single_thread`), take the best row when it clears the threshold, and report
its calibrated probability (isotonic or `PlattMap`) clamped to the ranker's bounds.
"""

from __future__ import annotations

import math
from typing import Any

from modelfile import single_thread

PLATT_EPS = 1e-4  # scores are probabilities; their log keeps a top score of 0 finite


class PlattMap:
    """Score -> probability by a logistic fit on the log score (Platt scaling): two
    parameters, so a ranker with ~150 training documents gets a smooth map where an
    isotonic step function follows the noise of a few folds. Same `predict` as
    `IsotonicRegression`, so `CandidateScorer` reads either."""

    def __init__(self) -> None:
        self.coef = 0.0
        self.intercept = 0.0

    def fit(self, scores: list[float], labels: list[int]) -> PlattMap:
        from sklearn.linear_model import LogisticRegression

        x = [[math.log(s + PLATT_EPS)] for s in scores]
        lr = LogisticRegression().fit(x, labels)
        self.coef, self.intercept = float(lr.coef_[0][0]), float(lr.intercept_[0])
        return self

    def predict(self, scores: list[float]) -> list[float]:
        out = []
        for s in scores:
            z = self.coef * math.log(s + PLATT_EPS) + self.intercept
            out.append(1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0)
        return out


class CandidateScorer:
    def __init__(self, bundle: dict[str, Any]) -> None:
        self.version: str = bundle["version"]
        self.vec = bundle["vec"]
        self.clf = bundle["clf"]
        self.iso = bundle["iso"]
        self.threshold: float = bundle["threshold"]

    def scores(self, rows: list[dict[str, float]]) -> list[float]:
        """The classifier's score for each feature row."""
        if not rows:
            return []
        x = self.vec.transform(rows)
        with single_thread():
            return [float(p) for p in self.clf.predict_proba(x)[:, 1]]

    def probability(self, score: float, floor: float, ceil: float) -> float:
        """The calibrated probability of `score`, never beyond [floor, ceil]."""
        return min(ceil, max(floor, float(self.iso.predict([score])[0])))

    def best(self, rows: list[dict[str, float]], floor: float,
             ceil: float) -> tuple[int, float] | None:
        """(index, probability) of the best row (the earliest on a tie) when its score
        clears the threshold, else None."""
        s = self.scores(rows)
        if not s:
            return None
        i = max(range(len(s)), key=lambda k: (s[k], -k))
        if s[i] < self.threshold:
            return None
        return i, self.probability(s[i], floor, ceil)
