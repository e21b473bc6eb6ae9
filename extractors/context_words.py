"""The words around a candidate's mentions, hashed, and the linear model that scores them.

A ranker's hand-made evidence names the cue words it knows (`extractors.contract.ranker.CUES`);
a contract says what a date or a duration is about in many more ways ("shall continue in
full force until", "upon the date first written above"). This model reads every word in a
window around each mention (before and after kept apart, the words nearest the mention and
word pairs before it marked too), hashes them into a fixed number of buckets (so the model
file holds weights, never words) and scores them with a logistic regression fitted on TRAIN
(`training.context_words`). The score enters the ranker as one more feature, `ctx`; in
training it is computed out of fold, so the ranker learns how far to trust it.

Scoring needs no scikit-learn: the fitted model is an intercept and the weights of the
buckets seen in training, and a candidate's score is the intercept plus the mean-square-
normalised sum of its buckets' weights (binary bag of buckets, L2-normalised, as the
training matrix is built in `training.context_words.matrix`).
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

N_BUCKETS = 1 << 18
FEATURE = "ctx"  # the ranker feature the score fills
BEFORE_CHARS = 150  # how much text before a mention is read
AFTER_CHARS = 90  # and after it
NEAR_WORDS = 3  # the words right beside a mention are marked as near as well
MAX_MENTIONS = 6  # a value mentioned more often: its first mentions speak for it
_WORD = re.compile(r"[a-z]+")


def window_tokens(spans: Iterable[tuple[int, int]], text: str) -> list[str]:
    """The context tokens of the mentions at `spans` (start, end) of `text`."""
    out: list[str] = []
    for start, end in list(spans)[:MAX_MENTIONS]:
        before = _WORD.findall(text[max(0, start - BEFORE_CHARS): start].lower())
        after = _WORD.findall(text[end: end + AFTER_CHARS].lower())
        out += ["b_" + w for w in before] + ["a_" + w for w in after]
        out += ["bb_" + x + "_" + y for x, y in zip(before, before[1:], strict=False)]
        out += ["b1_" + w for w in before[-NEAR_WORDS:]] + ["a1_" + w for w in after[:NEAR_WORDS]]
    return out


def buckets(tokens: Iterable[str]) -> list[int]:
    """The distinct buckets of `tokens`, sorted (CRC-32: stable across processes and
    Python versions, unlike `hash`)."""
    return sorted({zlib.crc32(t.encode()) & (N_BUCKETS - 1) for t in tokens})


@dataclass(frozen=True, slots=True)
class ContextModel:
    """A fitted context model (`training.context_words.fit`), as its bundle holds it."""

    intercept: float
    weights: dict[int, float]

    @classmethod
    def from_bundle(cls, bundle: dict[str, Any]) -> ContextModel:
        idx, w = np.asarray(bundle["buckets"]), np.asarray(bundle["weights"])
        return cls(float(bundle["intercept"]),
                   dict(zip(idx.tolist(), w.astype(float).tolist(), strict=True)))

    def score(self, tokens: Iterable[str]) -> float:
        """The model's decision value for one candidate's tokens."""
        bs = buckets(tokens)
        if not bs:
            return self.intercept
        get = self.weights.get
        return self.intercept + sum(get(b, 0.0) for b in bs) / math.sqrt(len(bs))
