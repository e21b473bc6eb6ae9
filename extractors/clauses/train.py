"""Train the clause tagger on generated clauses (+ reviewed corrections) and save it.

    python -m extractors.clauses.train          # rewrites extractors/clauses/model/

The model is TF-IDF word (1-2) and character (3-5) n-grams feeding one calibrated logistic
regression per clause type (one-vs-rest), so every tag carries its own probability and a
clause may hold several types. Training data is only what `synth.generate` writes plus
reviewers' corrections, so the result is reproducible from the repository alone.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence

import joblib
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from extractors.clauses.synth import CATEGORIES, generate

MODEL_DIR = os.path.join(os.path.dirname(__file__), "model")
MODEL_PATH = os.path.join(MODEL_DIR, "clause_tagger.joblib")
FEEDBACK_WEIGHT = 5  # a reviewed real clause counts like several generated ones


def build_pipeline(seed: int = 0) -> Pipeline:
    features = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=15000,
                                 sublinear_tf=True, lowercase=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3,
                                 max_features=15000, sublinear_tf=True, lowercase=True)),
    ])
    # plain (unweighted) logistic regression keeps probabilities close to calibrated on the
    # generated distribution; a CV-calibrated wrapper cost 4x the fits for little gain
    clf = OneVsRestClassifier(LogisticRegression(C=8.0, solver="liblinear", random_state=seed))
    return Pipeline([("features", features), ("clf", clf)])


def train_clauses(
    feedback: Sequence[tuple[str, list[str]]] | Iterable[tuple[str, list[str]]] = (),
    seed: int = 0,
    save: bool = True,
    path: str = MODEL_PATH,
    n_per_class: int = 60,
) -> dict:
    """Retrain on generated clauses plus reviewed `(clause text, [clause types])` pairs.

    Returns the model bundle `{"pipeline", "classes", "threshold", "meta"}` (also saved with
    joblib to `path` when `save`). Unknown clause types in feedback are ignored.
    """
    t0 = time.time()
    data = generate(n_per_class=n_per_class, n_other=15 * n_per_class, seed=seed)
    fb = [(t, [x for x in labels if x in CATEGORIES]) for t, labels in feedback]
    for _ in range(FEEDBACK_WEIGHT):
        data.extend(fb)
    texts = [t for t, _ in data]
    mlb = MultiLabelBinarizer(classes=list(CATEGORIES))
    y = mlb.fit_transform([labels for _, labels in data])
    pipe = build_pipeline(seed)
    pipe.fit(texts, y)
    bundle = {
        "pipeline": pipe,
        "classes": list(mlb.classes_),
        "threshold": 0.3,  # recall on real clauses matters more than on generated ones
        "meta": {"seed": seed, "n_train": len(texts), "n_feedback": len(fb),
                 "train_s": round(time.time() - t0, 1)},
    }
    if save:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        joblib.dump(bundle, path, compress=3)
    return bundle


if __name__ == "__main__":
    b = train_clauses()
    print(b["meta"], f"{os.path.getsize(MODEL_PATH) / 1e6:.1f} MB at {MODEL_PATH}")
