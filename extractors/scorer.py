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


class CandidateScorer:
    def __init__(self, bundle: dict[str, Any]) -> None:
        self.version: str = bundle["version"]
        self.vec = bundle["vec"]
        self.clf = bundle["clf"]
        self.iso = bundle["iso"]
        self.threshold: float = bundle["threshold"]
        # "best": the best-scored row; "first": the earliest row over the threshold
        # (`training.ranking.Decide`)
        self.decide: str = bundle.get("decide", "best")

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

    def first(self, rows: list[dict[str, float]], order: list[tuple[int, int]], floor: float,
              ceil: float) -> tuple[int, float] | None:
        """(index, probability) of the earliest row in document `order` whose score clears
        the threshold, else None."""
        s = self.scores(rows)
        for i in sorted(range(len(s)), key=lambda k: order[k]):
            if s[i] >= self.threshold:
                return i, self.probability(s[i], floor, ceil)
        return None

    def choose_row(self, rows: list[dict[str, float]], order: list[tuple[int, int]],
                   floor: float, ceil: float) -> tuple[int, float] | None:
        """`first` or `best`, as the bundle was trained to decide."""
        if self.decide == "first":
            return self.first(rows, order, floor, ceil)
        return self.best(rows, floor, ceil)


class PlattMap:
    """A logistic map from a ranker's score to a probability (Platt scaling on the score's
    logit), with `predict` like `IsotonicRegression`'s so a bundle may hold either as its
    calibration. Two numbers fitted on a few hundred out-of-fold scores: where the
    reported scores are few (a field most contracts lack), isotonic steps fitted on them
    claim more than they know, a logistic curve does not."""

    EPS = 1e-4

    def __init__(self, slope: float, intercept: float) -> None:
        self.slope = slope
        self.intercept = intercept

    @classmethod
    def logit(cls, p: float) -> float:
        p = min(1 - cls.EPS, max(cls.EPS, float(p)))
        return math.log(p / (1 - p))

    def predict(self, scores: list[float]) -> list[float]:
        return [1 / (1 + math.exp(-(self.slope * self.logit(s) + self.intercept)))
                for s in scores]
