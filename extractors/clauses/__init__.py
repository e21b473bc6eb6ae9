"""Clause splitting and CUAD-style clause-type tagging.

`split_clauses` cuts a contract at its numbering/headings; `tag_clauses` adds, per clause,
the clause types whose calibrated probability clears the model's threshold. A clause is
scored whole and sentence by sentence (max per type), so one key sentence in a long clause
still counts. The model is the reviewed, feedback-trained one at
`$BACKOFFICE_DATA_DIR/models/clause_tagger.joblib` when present, else the shipped
`model/clause_tagger.joblib` (trained only on generated clauses, reproducible with
`python -m extractors.clauses.train`); it is loaded once per process.
"""

from __future__ import annotations

import os
import threading

import numpy as np

from extractors.clauses.split import split_clauses
from extractors.clauses.synth import CATEGORIES
from extractors.types import Clause
from ingest.types import IngestedDocument

CLAUSE_TYPES: tuple[str, ...] = CATEGORIES
__all__ = ["CLAUSE_TYPES", "split_clauses", "tag_clauses", "tag_texts", "train_clauses",
           "load_model", "set_model", "model_path"]

MODEL_PATH = os.path.join(os.path.dirname(__file__), "model", "clause_tagger.joblib")
_lock = threading.Lock()
_model: dict | None = None
_model_from: str | None = None


def model_path() -> str:
    """The reviewed model in the data dir when it exists, else the shipped one."""
    from extractors.clauses.train import data_model_path

    p = data_model_path()
    return p if os.path.exists(p) else MODEL_PATH


def train_clauses(feedback=(), seed: int = 0, path: str | None = None,  # noqa: ANN001
                  **kwargs) -> dict:
    """Retrain with reviewed `(clause text, [clause types])` pairs; see `train.train_clauses`.

    Saved to `path` (default the data dir's `models/clause_tagger.joblib`, never the shipped
    model) unless `save=False`, and used by later `tag_clauses` calls in this process."""
    from extractors.clauses.train import train_clauses as _train

    bundle = _train(feedback, seed=seed, path=path, **kwargs)
    set_model(bundle)
    return bundle


def load_model(path: str | None = None) -> dict:
    """The model bundle, loaded once per process (`path` default: `model_path()`)."""
    global _model, _model_from
    with _lock:
        want = path or (_model_from if _model is not None else None) or model_path()
        if _model is None or (path is not None and path != _model_from):
            if os.path.exists(want):
                import joblib

                _model = joblib.load(want)
            else:
                from extractors.clauses.train import train_clauses as _train

                _model = _train(save=True, path=want)
            _model_from = want
        return _model


def set_model(bundle: dict | None) -> None:
    """Use `bundle` (e.g. fresh from `train_clauses(feedback)`) for later tagging; None
    forgets the loaded model so the next call loads from disk again."""
    global _model, _model_from
    with _lock:
        _model = bundle
        _model_from = "<memory>" if bundle is not None else None


def tag_probabilities(texts: list[str], model: dict | None = None) -> np.ndarray:
    """Calibrated probability per text and clause type (columns: the bundle's classes)."""
    from extractors.clauses.train import clause_scores

    bundle = model or load_model()
    scores = clause_scores(bundle["pipeline"], texts)
    platt = bundle.get("platt")
    if platt is None:  # a bundle from before calibration: plain sigmoid of the decision value
        return 1.0 / (1.0 + np.exp(-scores))
    a = np.array([p[0] for p in platt])
    b = np.array([p[1] for p in platt])
    return 1.0 / (1.0 + np.exp(-(scores * a + b)))


def tag_texts(texts: list[str], model: dict | None = None,
              threshold: float | None = None) -> list[dict[str, float]]:
    """{clause_type: probability} for each text, keeping types at or above the threshold."""
    if not texts:
        return []
    bundle = model or load_model()
    thr = bundle["threshold"] if threshold is None else threshold
    proba = tag_probabilities(texts, bundle)
    classes = bundle["classes"]
    return [{classes[j]: float(p) for j, p in enumerate(row) if p >= thr} for row in proba]


def tag_clauses(doc: IngestedDocument, model: dict | None = None) -> list[Clause]:
    """Split `doc` into clauses and label each with its likely clause types."""
    clauses = split_clauses(doc)
    for clause, labels in zip(clauses, tag_texts([c.text for c in clauses], model), strict=True):
        clause.labels = dict(sorted(labels.items(), key=lambda kv: -kv[1]))
    return clauses
