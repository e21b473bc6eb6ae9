"""Fit the receipt address-line classifier (`extractors.invoice.receipt_lines`) on TRAIN.

A header row is labelled an address line when its letters and digits (case and
punctuation aside) are found, allowing an OCR slip or two, in the receipt's labelled
address (`line_labels`). `oof_probabilities` gives every receipt's row probabilities from
a model fitted on the other chains' receipts only (the same chain-grouped folds as the
field rankers), which is what the address ranker is trained and cross-validated on; the
shipped classifier is fitted on every receipt (`fit`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from evaluation.scoring import norm_text
from extractors.invoice.receipt_lines import LineModel
from training.ranking import N_FOLDS, fit_scorer

# partial-match score (rapidfuzz, 0-100) at which a row counts as part of the address,
# and the fewest letters/digits a row needs to be judged at all
MATCH_MIN = 90.0
MIN_CHARS = 3


class LineTrainingError(ValueError):
    """Too few receipts (chains) to fit or cross-validate the line classifier."""


@dataclass(slots=True)
class LineRows:
    """One receipt's header rows: their feature rows, labels and chain."""

    group: str
    feats: list[dict[str, float]]
    labels: list[int]


def _alnum(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", norm_text(text))


def line_labels(texts: Sequence[str], truth: str | None) -> list[int]:
    """1 for each row whose letters and digits are (nearly) found in `truth`."""
    from rapidfuzz import fuzz

    want = _alnum(truth or "")
    out = []
    for t in texts:
        row = _alnum(t)
        out.append(int(bool(want) and len(row) >= MIN_CHARS
                       and fuzz.partial_ratio(row, want) >= MATCH_MIN))
    return out


def fit(docs: Sequence[LineRows]) -> LineModel:
    """The line classifier fitted on every row of `docs`."""
    rows = [f for d in docs for f in d.feats]
    labels = [y for d in docs for y in d.labels]
    vec, clf = fit_scorer(rows, labels)
    return LineModel(vec, clf)


def oof_probabilities(docs: Sequence[LineRows]) -> list[list[float]]:
    """Each receipt's row probabilities from a classifier fitted on the other folds (folds
    grouped by chain, as `training.ranking.cross_validate` makes them)."""
    from sklearn.model_selection import GroupKFold

    groups = [d.group for d in docs]
    if len(set(groups)) < N_FOLDS:
        raise LineTrainingError(f"{len(set(groups))} chains among {len(docs)} receipts: "
                                f"{N_FOLDS} chain-grouped folds need at least {N_FOLDS}")
    idx = np.arange(len(docs))
    out: list[list[float]] = [[] for _ in docs]
    for tr, te in GroupKFold(n_splits=N_FOLDS).split(idx, groups=groups):
        model = fit([docs[i] for i in tr])
        for i in te:
            out[i] = model.probabilities(docs[i].feats)
    return out
