"""One fitted candidate scorer, as every ranker's model file holds it.

`training.ranking.fit_final` leaves a bundle with a vectoriser, a gradient-boosting
classifier, the isotonic map from score to probability and the reporting threshold; the
resume title and name rankers, the contract title ranker and the party selector all read
it the same way: score candidate feature rows (single-threaded, see
`modelfile.single_thread`), take the best row when it clears the threshold, and report
its calibrated probability (isotonic, `PlattMap` or `BinMap`) clamped to the ranker's bounds.
"""

from __future__ import annotations

import bisect
import math
from numbers import Number
from typing import Any

import numpy as np

from modelfile import single_thread


def feature_matrix(vec: Any, rows: list[dict[str, Any]]) -> Any:
    """`vec.transform(rows)` for a fitted dense `DictVectorizer` and rows of numbers and
    strings (string values one-hot as `name=value`), with the same values in the same
    places; anything else (a sparse vectoriser, a list value) goes to `vec.transform`.
    scikit-learn's own builds a sparse matrix through its output wrappers and densifies
    it: about 4 % of a profiled born-digital batch, for a few rows per call."""
    if getattr(vec, "sparse", True) or not rows:
        return vec.transform(rows)
    vocab, dtype, sep = vec.vocabulary_, vec.dtype, vec.separator
    x = np.zeros((len(rows), len(vocab)), dtype=dtype)
    for i, row in enumerate(rows):
        for name, value in row.items():
            if isinstance(value, str):
                name, value = f"{name}{sep}{value}", 1
            elif not (value is None or isinstance(value, Number)):
                return vec.transform(rows)
            j = vocab.get(name)
            if j is not None:
                x[i, j] = dtype(value)
    return x


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
        x = feature_matrix(self.vec, rows)
        with single_thread():
            return [float(p) for p in self.clf.predict_proba(x)[:, 1]]

    def probability(self, score: float, floor: float, ceil: float) -> float:
        """The calibrated probability of `score`, never beyond [floor, ceil]."""
        return min(ceil, max(floor, float(self.iso.predict([score])[0])))

    def best(self, rows: list[dict[str, float]], floor: float,
             ceil: float, threshold: float | None = None) -> tuple[int, float] | None:
        """(index, probability) of the best row (the earliest on a tie) when its score
        clears the threshold (the bundle's, unless `threshold` is given), else None."""
        s = self.scores(rows)
        if not s:
            return None
        i = max(range(len(s)), key=lambda k: (s[k], -k))
        if s[i] < (self.threshold if threshold is None else threshold):
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


class BinMap:
    """A step map from a ranker's score to a probability with few, well-filled steps: the
    reported scores cut into equal-count bins, each bin's hit rate (Laplace-smoothed, made
    non-decreasing by pooling neighbours). Where a field reports a few dozen values and its
    scores barely separate right from wrong (a contract's notice period), isotonic steps
    and a fitted slope both claim a resolution the data lacks; two or three bins do not.
    `predict` is like `IsotonicRegression`'s."""

    def __init__(self, edges: list[float], probs: list[float]) -> None:
        if len(probs) != len(edges) + 1:
            raise ValueError(f"BinMap needs one probability per bin: {len(edges)} edges, "
                             f"{len(probs)} probabilities")
        self.edges = edges  # inner cut points, ascending
        self.probs = probs

    def predict(self, scores: list[float]) -> list[float]:
        return [self.probs[bisect.bisect_left(self.edges, float(s))] for s in scores]
