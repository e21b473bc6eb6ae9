"""Fit the context-word model (`extractors.context_words`) and stack its score into a ranker.

A ranker whose documents carry context tokens (`DocCands.tokens`) gets one more feature,
`ctx`: the decision value of a logistic regression on the hashed words around each
candidate. The gradient-boosting ranker must learn from scores like those it will see at
run time, on a document no model was fitted on: so a training row's `ctx` comes from a
context model fitted without that row's filer (inner grouped folds), and a scored row's from
the model fitted on all the rows the ranker is fitted on. `training.ranking.cross_validate`
does this inside every outer fold, `training.ranking.fit_final` once for the shipped model.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from extractors.context_words import FEATURE, N_BUCKETS, buckets

C = 1.0  # inverse L2 strength of the logistic regression (scikit-learn's default)
INNER_FOLDS = 5
Rows = list[dict[str, float]]


def matrix(token_rows: list[list[str]]) -> Any:
    """The binary, L2-normalised bag of buckets, one row per candidate (what
    `ContextModel.score` computes at run time)."""
    from scipy.sparse import csr_matrix

    indptr, indices, values = [0], [], []
    for tokens in token_rows:
        bs = buckets(tokens)
        if bs:
            indices += bs
            values += [1.0 / np.sqrt(len(bs))] * len(bs)
        indptr.append(len(indices))
    return csr_matrix((np.asarray(values, dtype=np.float64), np.asarray(indices, dtype=np.int64),
                       np.asarray(indptr, dtype=np.int64)), shape=(len(token_rows), N_BUCKETS))


def fit(token_rows: list[list[str]], labels: list[int]) -> dict[str, Any] | None:
    """The model as a bundle (intercept, the buckets it weighs and their weights); None when
    the labels hold one class only."""
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        return None
    lr = LogisticRegression(C=C, max_iter=2000)
    lr.fit(matrix(token_rows), np.asarray(labels))
    coef = lr.coef_[0]
    keep = np.flatnonzero(coef)
    return {"intercept": float(lr.intercept_[0]), "buckets": keep.astype(np.int32),
            "weights": coef[keep].astype(np.float32)}


def score(bundle: dict[str, Any] | None, token_rows: list[list[str]]) -> list[float]:
    """Decision values of `bundle` (0.0 each when there is none)."""
    if bundle is None or not token_rows:
        return [0.0] * len(token_rows)
    w = np.zeros(N_BUCKETS, dtype=np.float64)
    w[bundle["buckets"]] = bundle["weights"]
    return [float(v) for v in matrix(token_rows) @ w + bundle["intercept"]]


def _with(rows: Rows, scores: list[float]) -> Rows:
    return [{**r, FEATURE: s} for r, s in zip(rows, scores, strict=True)]


def stacked_rows(docs: list[Any], fit_idx: list[int], score_idx: list[int],
                 extra: list[Any]) -> tuple[dict[int, Rows], list[Rows], dict[str, Any] | None]:
    """Feature rows with `ctx` for the documents the ranker is fitted on (those at `fit_idx`
    and `extra`: scores out of inner folds grouped by filer, extra documents dealt into them
    by their own group) and for the documents at `score_idx` (the model fitted on all of
    the former). Returns (rows by document index, extra rows, that model's bundle)."""
    from sklearn.model_selection import GroupKFold

    pool = [docs[i] for i in fit_idx] + list(extra)

    def tokens(d: Any) -> list[list[str]]:
        return d.tokens if d.tokens is not None else [[] for _ in d.rows]

    def fit_on(members: list[Any]) -> dict[str, Any] | None:
        return fit([t for d in members for t in tokens(d)],
                   [y for d in members for y in d.train_labels])

    def scored(model: dict[str, Any] | None, members: list[Any]) -> list[Rows]:
        """Each member's rows with its `ctx`: one matrix product for all of them."""
        values = score(model, [t for d in members for t in tokens(d)])
        out, k = [], 0
        for d in members:
            out.append(_with(d.rows, values[k:k + len(d.rows)]))
            k += len(d.rows)
        return out

    pooled: list[Rows] = [[] for _ in pool]
    groups = [d.group for d in pool]
    n_splits = min(INNER_FOLDS, len(set(groups)))
    if n_splits >= 2:
        for tr, te in GroupKFold(n_splits=n_splits).split(np.arange(len(pool)), groups=groups):
            held = scored(fit_on([pool[j] for j in tr]), [pool[j] for j in te])
            for j, rows in zip(te, held, strict=True):
                pooled[j] = rows
    else:
        pooled = scored(None, pool)
    model = fit_on(pool)
    out = dict(zip(fit_idx, pooled[:len(fit_idx)], strict=True))
    out.update(zip(score_idx, scored(model, [docs[i] for i in score_idx]), strict=True))
    return out, pooled[len(fit_idx):], model
