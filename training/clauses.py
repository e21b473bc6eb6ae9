"""Train the clause tagger on generated clauses (+ reviewed corrections) and save it.

    python -m training.clauses          # rewrites the shipped extractors/clauses/model/

The model is TF-IDF word (1-2) and character (3-5) n-grams feeding one logistic regression
per clause type (one-vs-rest). A clause is scored as a whole and sentence by sentence; each
type takes the highest decision value (`extractors.clauses.scoring.clause_scores`, the
runtime's own scoring), so one key sentence inside a long
clause is not diluted by its neighbours. That max-score is then mapped to a probability by
one Platt curve per type fitted out-of-fold on clauses built from templates the fold's model
never saw: generated text is easier than real text, and holding templates out is the closest
honest proxy for "a phrasing we did not write", so probabilities are not the near-1 values a
model gives its own training templates. Training data is only `synth.generate` output plus
reviewers' corrections, so the result is reproducible from the repository alone.
`train_and_use` also makes the running process tag with the new model.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from extractors.clauses import MODEL_PATH, REBUILD, set_model
from extractors.clauses.scoring import clause_scores, data_model_path
from modelfile import data_sha256, save_checked
from training.synth import clauses as synth
from training.synth.clauses import CATEGORIES, generate

FEEDBACK_WEIGHT = 5  # a reviewed real clause counts like several generated ones


def build_pipeline(seed: int = 0, c: float = 4.0) -> Pipeline:
    features = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=40000,
                                 sublinear_tf=True, lowercase=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3,
                                 max_features=40000, sublinear_tf=True, lowercase=True)),
    ])
    clf = OneVsRestClassifier(LogisticRegression(C=c, solver="liblinear", random_state=seed))
    return Pipeline([("features", features), ("clf", clf)])


def _fit(data: list[tuple[str, list[str]]], seed: int) -> Pipeline:
    mlb = MultiLabelBinarizer(classes=list(CATEGORIES))
    y = mlb.fit_transform([labels for _, labels in data])
    pipe = build_pipeline(seed)
    pipe.fit([t for t, _ in data], y)
    return pipe


def _split_templates(seed: int) -> tuple[dict, dict, list, list]:
    rng = random.Random(seed + 99)
    a: dict[str, list[str]] = {}
    b: dict[str, list[str]] = {}
    for cat, temps in synth.T.items():
        ts = list(temps)
        rng.shuffle(ts)
        half = max(1, len(ts) // 2)
        a[cat], b[cat] = ts[:half], ts[half:] or ts[:1]
    others = list(synth.OTHER)
    rng.shuffle(others)
    h = len(others) // 2
    return a, b, others[:h], others[h:]


def _generate_with(temps: dict, others: list, **kw) -> list[tuple[str, list[str]]]:
    saved_t, saved_o = dict(synth.T), list(synth.OTHER)
    try:
        synth.T.clear()
        synth.T.update(temps)
        synth.OTHER[:] = others
        return generate(**kw)
    finally:
        synth.T.clear()
        synth.T.update(saved_t)
        synth.OTHER[:] = saved_o


def calibrate(seed: int = 0, n_per_class: int = 40) -> list[tuple[float, float]]:
    """Per type (a, b) of p = sigmoid(a * score + b), fitted on out-of-template scores."""
    ta, tb, oa, ob = _split_templates(seed)
    scores, ys = [], []
    for tr_t, tr_o, te_t, te_o, s in ((ta, oa, tb, ob, 1), (tb, ob, ta, oa, 2)):
        pipe = _fit(_generate_with(tr_t, tr_o, n_per_class=n_per_class,
                                   n_other=15 * n_per_class, seed=seed + s), seed)
        test = _generate_with(te_t, te_o, n_per_class=n_per_class // 2,
                              n_other=15 * n_per_class // 2, seed=seed + 10 + s, sentences=False)
        scores.append(clause_scores(pipe, [t for t, _ in test]))
        mlb = MultiLabelBinarizer(classes=list(CATEGORIES))
        ys.append(mlb.fit_transform([lab for _, lab in test]))
    sc, y = np.vstack(scores), np.vstack(ys)
    # pooled curve first (stable), then per type where it has enough positives
    pooled = LogisticRegression(C=1.0).fit(sc.reshape(-1, 1), y.reshape(-1))
    pa, pb = float(pooled.coef_[0][0]), float(pooled.intercept_[0])
    params = []
    for j in range(y.shape[1]):
        if y[:, j].sum() >= 10:
            lr = LogisticRegression(C=1.0).fit(sc[:, j : j + 1], y[:, j])
            a, b = float(lr.coef_[0][0]), float(lr.intercept_[0])
            params.append((0.5 * (a + pa), 0.5 * (b + pb)) if a > 0 else (pa, pb))
        else:
            params.append((pa, pb))
    return params


def train_clauses(
    feedback: Sequence[tuple[str, list[str]]] | Iterable[tuple[str, list[str]]] = (),
    seed: int = 0,
    save: bool = True,
    path: str | None = None,
    n_per_class: int = 160,
    calibrated: bool = True,
) -> dict:
    """Retrain on generated clauses plus reviewed `(clause text, [clause types])` pairs.

    Returns the bundle `{"pipeline", "classes", "platt", "threshold", "meta"}`; when `save`,
    also writes it with its manifest (`save_checked`) to `path` (default `data_model_path()`, the data dir, so a
    feedback retrain never overwrites the reviewed-in shipped model). Unknown clause types in
    feedback are ignored. `calibrated=False` skips the two out-of-template fits (tests)."""
    t0 = time.time()
    data = generate(n_per_class=n_per_class, n_other=15 * n_per_class, seed=seed)
    fb = [(t, [x for x in labels if x in CATEGORIES]) for t, labels in feedback]
    for _ in range(FEEDBACK_WEIGHT):
        data.extend(fb)
    pipe = _fit(data, seed)
    _prune(pipe)
    platt = calibrate(seed, max(20, n_per_class // 3)) if calibrated else \
        [(1.0, 0.0)] * len(CATEGORIES)
    bundle = {
        "pipeline": pipe,
        "classes": list(CATEGORIES),
        "platt": platt,
        "threshold": 0.3,  # recall on real clauses matters more than on generated ones
        "meta": {"seed": seed, "n_train": len(data), "n_feedback": len(fb),
                 "calibrated": calibrated, "train_s": round(time.time() - t0, 1)},
    }
    if save:
        save_checked(bundle, Path(path or data_model_path()), {
            "trained_on": f"generated clauses (training.synth), {n_per_class} per type, "
                          f"seed {seed}, plus {len(fb)} reviewed clauses",
            "train_sha256": data_sha256(data),
            "rebuild": REBUILD})
    return bundle


PRUNE_BELOW = 0.02


def _prune(pipe: Any) -> None:
    """Drop near-zero weights and store the rest sparse: the shipped model stays under
    5 MB. On generated clauses this moves no probability by more than ~0.015."""
    import numpy as np

    for est in pipe.steps[-1][1].estimators_:
        coef = est.coef_.copy()
        coef[np.abs(coef) < PRUNE_BELOW] = 0.0
        est.coef_ = coef
        est.sparsify()


def train_and_use(feedback=(), seed: int = 0, path: str | None = None,  # noqa: ANN001
                  **kwargs) -> dict:
    """Retrain with reviewed `(clause text, [clause types])` pairs (see `train_clauses`) and
    make later `extractors.clauses.tag_clauses` calls in this process use the new model.

    Saved to `path` (default the data dir's `models/clause_tagger.joblib`, never the shipped
    model) unless `save=False`."""
    bundle = train_clauses(feedback, seed=seed, path=path, **kwargs)
    set_model(bundle)
    return bundle


if __name__ == "__main__":
    b = train_clauses(path=MODEL_PATH)
    print(b["meta"], f"{os.path.getsize(MODEL_PATH) / 1e6:.1f} MB at {MODEL_PATH}")
