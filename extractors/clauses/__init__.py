"""Clause splitting and CUAD-style clause-type tagging.

`split_clauses` cuts a contract at its numbering/headings; `tag_clauses` adds, per clause,
the clause types whose calibrated probability clears the model's threshold. The model
(`model/clause_tagger.joblib`) is trained only on generated clauses, reproducible with
`python -m extractors.clauses.train`; `train_clauses(feedback)` folds in legal's reviews.
"""

from __future__ import annotations

import os
import threading

from extractors.clauses.split import split_clauses
from extractors.clauses.synth import CATEGORIES
from extractors.types import Clause
from ingest.types import IngestedDocument

CLAUSE_TYPES: tuple[str, ...] = CATEGORIES
__all__ = ["CLAUSE_TYPES", "split_clauses", "tag_clauses", "tag_texts", "train_clauses",
           "load_model", "set_model"]

MODEL_PATH = os.path.join(os.path.dirname(__file__), "model", "clause_tagger.joblib")
_lock = threading.Lock()


def train_clauses(feedback=(), seed: int = 0, **kwargs) -> dict:  # noqa: ANN001
    """Retrain with reviewed `(clause text, [clause types])` pairs; see `train.train_clauses`.

    The retrained model is used by later `tag_clauses` calls in this process (and saved
    unless `save=False`)."""
    from extractors.clauses.train import train_clauses as _train

    bundle = _train(feedback, seed=seed, **kwargs)
    set_model(bundle)
    return bundle
_model: dict | None = None


def load_model(path: str = MODEL_PATH) -> dict:
    """The saved model bundle (trained and saved on first use when the file is missing)."""
    global _model
    with _lock:
        if _model is None:
            if os.path.exists(path):
                import joblib

                _model = joblib.load(path)
            else:
                from extractors.clauses.train import train_clauses as _train

                _model = _train(save=True, path=path)
        return _model


def set_model(bundle: dict | None) -> None:
    """Use `bundle` (e.g. fresh from `train_clauses(feedback)`) for later tagging."""
    global _model
    with _lock:
        _model = bundle


def tag_texts(texts: list[str], model: dict | None = None,
              threshold: float | None = None) -> list[dict[str, float]]:
    """{clause_type: probability} for each text, keeping types at or above the threshold."""
    if not texts:
        return []
    bundle = model or load_model()
    thr = bundle["threshold"] if threshold is None else threshold
    proba = bundle["pipeline"].predict_proba(texts)
    classes = bundle["classes"]
    out = []
    for row in proba:
        out.append({classes[j]: float(p) for j, p in enumerate(row) if p >= thr})
    return out


def tag_clauses(doc: IngestedDocument, model: dict | None = None) -> list[Clause]:
    """Split `doc` into clauses and label each with its likely clause types."""
    clauses = split_clauses(doc)
    for clause, labels in zip(clauses, tag_texts([c.text for c in clauses], model), strict=True):
        clause.labels = dict(sorted(labels.items(), key=lambda kv: -kv[1]))
    return clauses
