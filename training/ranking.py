"""What every candidate ranker's training shares: out-of-fold scores, the reporting
threshold, fold-honest calibration and the final fit.

A trainer turns each TRAIN document into a `DocCands` (its candidates' feature rows, which
of them match the truth, and the rule's own pick); `cross_validate` scores every candidate
out of fold (GroupKFold over filers), picks the threshold with the best F1, measures the
calibration of the isotonic map on folds it was not fitted on, and compares ranker and rule
per source; `fit_final` fits the shipped model on everything.

Two decisions (`Decide`): `best` reports the best-scored candidate; `first` reports the
earliest candidate in document order whose score clears the threshold, for a field defined
as the first of many labelled mentions (a resume's job title is its first "Designation"):
the scorer is then fitted on `fit_labels` (candidates that match any mention), which has
several times the positives of the one reported value.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from evaluation.scoring import calibration, scalar_match
from extractors.scorer import BinMap, PlattMap
from modelfile import data_sha256, save_checked
from training import context_words
from training.docs import TRAIN_DIR

N_FOLDS = 5
THRESHOLDS = np.round(np.arange(0.0, 0.91, 0.025), 3)
CALIBRATORS = ("isotonic", "platt")
# every kind `fit_calibrator` knows; a trainer measures those it names out of fold
ALL_CALIBRATORS = (*CALIBRATORS, "binning")
# the base rate as every reported pick's confidence (a Platt map with no slope): a kind a
# trainer offers only where the score hardly tells right picks from wrong ones
# (`training.receipt_fields`), so it is not among ALL_CALIBRATORS
PRIOR = "prior"
# `binning`: each step holds at least this many reported values, and there are at most
# `MAX_BINS` steps (a field reporting under twice this many gets one constant rate)
MIN_PER_BIN = 30
MAX_BINS = 4
# shufflings of the stratified calibration folds pooled into one measurement
CAL_REPEATS = 5
GBM_PARAMS = {"max_iter": 250, "learning_rate": 0.05, "max_leaf_nodes": 15,
              "min_samples_leaf": 15, "l2_regularization": 1.0, "random_state": 0}


class Decide(StrEnum):
    """How a ranker turns candidate scores into its one reported value."""

    BEST = "best"  # the best-scored candidate
    FIRST = "first"  # the earliest candidate (in `DocCands.order`) that clears the threshold


@dataclass(slots=True)
class DocCands:
    """One document's candidates for one field, with labels and the rule's pick.
    `fit_labels`: what the scorer is fitted on when it is not `labels` (any mention of the
    field, for `Decide.FIRST`); `order`: each candidate's place in the document."""

    source: str
    group: str
    truth: Any  # None: no value expected
    rows: list[dict[str, float]]
    labels: list[int]
    rule_pred: Any
    oof: list[float] = field(default_factory=list)
    fit_labels: list[int] | None = None
    order: list[tuple[int, int]] | None = None
    # context tokens per candidate (`extractors.context_words.window_tokens`): when set, the
    # ranker is fitted with the stacked context score (`training.context_words`)
    tokens: list[list[str]] | None = None

    @property
    def train_labels(self) -> list[int]:
        return self.labels if self.fit_labels is None else self.fit_labels


def fit_scorer(rows: list[dict[str, float]], labels: list[int]) -> tuple[Any, Any]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer

    vec = DictVectorizer(sparse=False)
    x = vec.fit_transform(rows)
    clf = HistGradientBoostingClassifier(**GBM_PARAMS)
    clf.fit(x, np.asarray(labels))
    return vec, clf


def uses_context(docs: list[DocCands]) -> bool:
    """Whether the ranker is fitted with the stacked context score (its documents carry
    context tokens)."""
    return any(d.tokens is not None for d in docs)


def fold_rows(docs: list[DocCands], fit_idx: list[int], score_idx: list[int],
              extra: list[DocCands]) -> tuple[dict[int, list[dict[str, float]]],
                                              list[list[dict[str, float]]],
                                              dict[str, Any] | None]:
    """The feature rows a ranker fitted on `fit_idx` (and `extra`) and scoring `score_idx`
    sees: the documents' own rows, with the stacked context score where the documents carry
    context tokens (`training.context_words.stacked_rows`, whose context model comes
    third; None without tokens)."""
    if not uses_context(docs):
        return {i: docs[i].rows for i in [*fit_idx, *score_idx]}, [d.rows for d in extra], None
    return context_words.stacked_rows(docs, fit_idx, score_idx, extra)


def best_candidate(dc: DocCands) -> tuple[int, float] | None:
    if not dc.oof:
        return None
    i = max(range(len(dc.oof)), key=lambda k: dc.oof[k])
    return i, dc.oof[i]


def first_candidate(dc: DocCands, t: float) -> tuple[int, float] | None:
    """The earliest candidate in document order whose out-of-fold score clears `t`."""
    order = dc.order or [(i, 0) for i in range(len(dc.oof))]
    for i in sorted(range(len(dc.oof)), key=lambda k: order[k]):
        if dc.oof[i] >= t:
            return i, dc.oof[i]
    return None


def pick(dc: DocCands, t: float, decide: Decide = Decide.BEST) -> tuple[int, float] | None:
    """(index, score) of the candidate `decide` reports at threshold `t`, or None."""
    if decide is Decide.FIRST:
        return first_candidate(dc, t)
    top = best_candidate(dc)
    return top if top is not None and top[1] >= t else None


def counts(docs: list[DocCands], t: float,
           decide: Decide = Decide.BEST) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for dc in docs:
        top = pick(dc, t, decide)
        if top is not None:
            if dc.labels[top[0]]:
                tp += 1
            else:
                fp += 1
                fn += dc.truth is not None
        else:
            fn += dc.truth is not None
    return tp, fp, fn


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / max(1, 2 * tp + fp + fn)


def best_threshold(docs: list[DocCands], decide: Decide = Decide.BEST,
                   grid: np.ndarray = THRESHOLDS) -> float:
    """The threshold with the best F1 over `docs`' out-of-fold scores (the lowest on a tie)."""
    return float(max(grid, key=lambda t: (f1(*counts(docs, t, decide)), -t)))


def rule_counts(name: str, docs: list[DocCands]) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for dc in docs:
        if dc.rule_pred is None:
            fn += dc.truth is not None
        elif dc.truth is not None and scalar_match(name, dc.truth, dc.rule_pred):
            tp += 1
        else:
            fp += 1
            fn += dc.truth is not None
    return tp, fp, fn


def cross_validate(name: str, docs: list[DocCands], bounds: tuple[float, float],
                   extra: list[DocCands] | None = None,
                   calibrators: tuple[str, ...] = ("isotonic",),
                   decide: Decide = Decide.BEST,
                   stratified_calibration: bool = False) -> dict[str, Any]:
    """`bounds`: the (floor, ceiling) the runtime clamps confidences to. Out-of-fold scores for every candidate, a threshold and fold-honest calibration.
    `extra`: documents added to every fold's training rows and never scored (generated
    documents, which belong to no filer). `calibrators`: the kinds (`fit_calibrator`) to
    measure; the one with the lowest out-of-fold ECE is reported as `calibrator`.
    `decide`: which candidate is reported (`Decide`). `stratified_calibration`: measure
    each calibrator on grouped folds stratified by whether the document's top candidate
    is right, instead of the scorer's folds (see `calibration_folds`)."""
    from sklearn.model_selection import GroupKFold

    idx = np.arange(len(docs))
    groups = [d.group for d in docs]
    folds = list(GroupKFold(n_splits=N_FOLDS).split(idx, groups=groups))
    fold_of = np.zeros(len(docs), dtype=int)
    for k, (tr, te) in enumerate(folds):
        fold_of[te] = k
        rows_of, extra_rows, _ = fold_rows(docs, list(tr), list(te), extra or [])
        rows = [r for i in tr for r in rows_of[i]] + [r for rs in extra_rows for r in rs]
        labels = [y for i in tr for y in docs[i].train_labels] + \
            [y for d in extra or [] for y in d.train_labels]
        if not rows or len(set(labels)) < 2:
            for i in te:
                docs[i].oof = [0.0] * len(docs[i].rows)
            continue
        vec, clf = fit_scorer(rows, labels)
        for i in te:
            d = docs[i]
            d.oof = [float(p) for p in clf.predict_proba(vec.transform(rows_of[i]))[:, 1]] \
                if d.rows else []
    best_t = best_threshold(docs, decide)
    # calibration measured honestly: each fold's reported tops mapped by a calibrator
    # fitted on the other folds' tops
    cal_folds = calibration_folds(docs, decide) if stratified_calibration else [fold_of]
    measured = {kind: calibration([p for cal_of in cal_folds for p in _calibration_pairs(
                    docs, cal_of, len(folds), best_t, kind, bounds, decide)])
                for kind in calibrators}
    chosen = min(calibrators, key=lambda k: (measured[k]["ece"] is None,
                                             measured[k]["ece"] or 0.0, calibrators.index(k)))
    # the threshold is chosen on the very scores it is judged on; `nested` judges each fold
    # with the threshold the other folds choose, the honest figure for the abstention rule
    fold_t = [max(THRESHOLDS, key=lambda t, k=k: (
        f1(*counts([d for i, d in enumerate(docs) if fold_of[i] != k], t, decide)), -t))
        for k in range(len(folds))]
    per_source: dict[str, Any] = {}
    for src in sorted({d.source for d in docs}):
        sub = [d for d in docs if d.source == src]
        nested = [counts([d], fold_t[fold_of[i]], decide)
                  for i, d in enumerate(docs) if d.source == src]
        per_source[src] = {"n": len(sub), "ranker": counts(sub, best_t, decide),
                           "nested": tuple(map(sum, zip(*nested, strict=True))),
                           "rule": rule_counts(name, sub),
                           "recall_ceiling": sum(any(d.labels) for d in sub)
                           / max(1, sum(d.truth is not None for d in sub))}
    return {"threshold": float(best_t), "per_source": per_source,
            "calibration": measured[chosen], "calibrator": chosen,
            "ece_by_calibrator": {k: v["ece"] for k, v in measured.items()}}


def fit_calibrator(kind: str, scores: list[float], labels: list[int],
                   threshold: float) -> Any:
    """A map from score to probability with `predict([score]) -> [p]`, fitted on the best
    candidates' out-of-fold `scores` and whether they were right: `isotonic` on every top,
    `platt` (two parameters, `extractors.scorer.PlattMap`), `binning` (a few
    equal-count steps, `extractors.scorer.BinMap`) and `prior` (their hit rate, `PRIOR`)
    on the tops that clear `threshold`, the only ones ever reported."""
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    if kind == "isotonic":
        return IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(scores, labels)
    if kind not in (*ALL_CALIBRATORS, PRIOR):
        raise ValueError(f"unknown calibrator {kind!r}: expected one of "
                         f"{(*ALL_CALIBRATORS, PRIOR)}")
    kept = [(s, y) for s, y in zip(scores, labels, strict=True) if s >= threshold]
    if kind == PRIOR:
        ys = [y for _, y in kept] if kept else list(labels)
        return PlattMap(0.0, PlattMap.logit(sum(ys) / max(1, len(ys))))
    if kind == "binning":
        return fit_bins(kept or list(zip(scores, labels, strict=True)))
    if len({y for _, y in kept}) < 2:
        kept = list(zip(scores, labels, strict=True))
    lr = LogisticRegression(C=1.0).fit([[PlattMap.logit(s)] for s, _ in kept],
                                       [y for _, y in kept])
    return PlattMap(float(lr.coef_[0][0]), float(lr.intercept_[0]))


def fit_bins(pairs: list[tuple[float, int]]) -> BinMap:
    """`BinMap` over (score, right) pairs: equal-count bins of at least `MIN_PER_BIN`
    (at most `MAX_BINS`), each bin's Laplace-smoothed hit rate, neighbours pooled until the
    rates never fall as the score rises."""
    pairs = sorted(pairs)
    if not pairs:
        raise ValueError("fit_bins needs at least one (score, label) pair")
    k = max(1, min(MAX_BINS, len(pairs) // MIN_PER_BIN))
    cuts = [round(len(pairs) * j / k) for j in range(k + 1)]
    # bins as [hits, n, last score]; a cut never splits equal scores
    bins: list[list[float]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        chunk = pairs[a:b]
        if bins and chunk and chunk[0][0] == bins[-1][2]:
            bins[-1][0] += sum(y for _, y in chunk)
            bins[-1][1] += len(chunk)
            bins[-1][2] = chunk[-1][0]
        elif chunk:
            bins.append([float(sum(y for _, y in chunk)), float(len(chunk)), chunk[-1][0]])
    merged = True
    while merged and len(bins) > 1:
        merged = False
        for j in range(len(bins) - 1):
            lo, hi = bins[j], bins[j + 1]
            if (lo[0] + 1) / (lo[1] + 2) > (hi[0] + 1) / (hi[1] + 2):
                bins[j: j + 2] = [[lo[0] + hi[0], lo[1] + hi[1], hi[2]]]
                merged = True
                break
    edges = [b[2] for b in bins[:-1]]
    return BinMap(edges, [(h + 1) / (n + 2) for h, n, _ in bins])


def calibration_tops(docs: list[DocCands], threshold: float,
                     decide: Decide) -> list[tuple[tuple[int, float], DocCands]]:
    """The picks a calibrator is fitted on: every document's best candidate (`best`: the
    isotonic map spans all scores, Platt keeps those over the threshold itself), or the
    reported picks (`first`: below the threshold the earliest candidate says nothing)."""
    fit_t = 0.0 if decide is Decide.BEST else threshold
    return [(t, d) for d in docs if (t := pick(d, fit_t, decide)) is not None]


def calibration_folds(docs: list[DocCands], decide: Decide = Decide.BEST,
                      repeats: int = CAL_REPEATS) -> list[np.ndarray]:
    """Fold assignments for measuring a calibrator, `repeats` times over: `N_FOLDS` folds
    grouped by filer and stratified by whether the document's top candidate (any score)
    is right, shuffled anew each time.

    A field reporting a few dozen values puts a dozen in each scorer fold; one fold's hit
    rate then strays from the rest by luck alone (TRAIN notice periods: 0.47 to 1.0), and
    a map fitted on the other folds errs against it in the opposite direction, so the
    measured error is mostly that luck, and which map "wins" is a coin toss. Stratifying
    by the outcome, as is usual for a classifier's cross-validation, keeps each fold's hit
    rate near the whole's, and pooling several shufflings steadies the figure; no
    calibrator ever sees the documents it is measured on."""
    from sklearn.model_selection import StratifiedGroupKFold

    y = []
    for d in docs:
        top = pick(d, 0.0, decide)
        y.append(2 if top is None else int(d.labels[top[0]]))
    out = []
    for r in range(repeats):
        fold = np.zeros(len(docs), dtype=int)
        split = StratifiedGroupKFold(n_splits=N_FOLDS, shuffle=True, random_state=r).split(
            np.zeros(len(docs)), y, [d.group for d in docs])
        for k, (_, te) in enumerate(split):
            fold[te] = k
        out.append(fold)
    return out


def _calibration_pairs(docs: list[DocCands], fold_of: np.ndarray, n_folds: int,
                       threshold: float, kind: str, bounds: tuple[float, float],
                       decide: Decide = Decide.BEST) -> list[tuple[float, bool]]:
    """(confidence, right) of every reported top, each fold mapped by a `kind` calibrator
    fitted on the other folds' tops only (the scorer's folds, or `calibration_folds`)."""
    pairs: list[tuple[float, bool]] = []
    for k in range(n_folds):
        fit = calibration_tops([d for i, d in enumerate(docs) if fold_of[i] != k], threshold,
                               decide)
        ys = [d.labels[t[0]] for t, d in fit]
        if len(set(ys)) < 2:
            continue
        cal = fit_calibrator(kind, [t[1] for t, _ in fit], ys, threshold)
        for i in np.flatnonzero(fold_of == k):
            top = pick(docs[i], threshold, decide)
            if top is not None:
                p = float(cal.predict([top[1]])[0])
                pairs.append((min(bounds[1], max(bounds[0], p)), bool(docs[i].labels[top[0]])))
    return pairs


def fit_final(docs: list[DocCands], threshold: float,
              extra: list[DocCands] | None = None, calibrator: str = "isotonic",
              decide: Decide = Decide.BEST) -> dict[str, Any]:
    """The shipped model: fitted on every document (and `extra`), its `calibrator` map
    (`fit_calibrator`) on the out-of-fold scores `cross_validate` left in `docs`. A
    `first` ranker's bundle says so (`decide`); a `best` one's stays as it was."""
    rows_of, extra_rows, ctx = fold_rows(docs, list(range(len(docs))), [], extra or [])
    rows = [r for i in range(len(docs)) for r in rows_of[i]] + [r for rs in extra_rows for r in rs]
    labels = [y for d in [*docs, *(extra or [])] for y in d.train_labels]
    vec, clf = fit_scorer(rows, labels)
    tops = calibration_tops(docs, threshold, decide)
    iso = fit_calibrator(calibrator, [t[1] for t, _ in tops], [d.labels[t[0]] for t, d in tops],
                         threshold)
    out = {"vec": vec, "clf": clf, "iso": iso, "threshold": threshold,
           "rows_sha256": rows_sha256(vec, rows, labels)}
    if decide is not Decide.BEST:
        out["decide"] = decide.value
    if ctx is not None:
        out["ctx"] = ctx
    return out


def rows_sha256(vec: Any, rows: list[dict[str, float]], labels: list[int]) -> str:
    """sha256 of the feature matrix a scorer was fitted on (names, values, labels): it
    changes when a feature or a candidate finder changes, not only when the data does."""
    return data_sha256(list(vec.feature_names_), vec.transform(rows), np.asarray(labels))


def model_version(prefix: str, train_sha: str, *rows_shas: str) -> str:
    """`prefix-<12 hex>` over the training set, the model parameters and the fitted feature
    matrices, so a rebuild on the same data and code names itself alike and any change of
    data, parameters or features names itself anew."""
    digest = hashlib.sha256((train_sha + json.dumps(GBM_PARAMS, sort_keys=True)).encode())
    for sha in rows_shas:
        digest.update(sha.encode())
    return f"{prefix}-{digest.hexdigest()[:12]}"


def fmt(c: tuple[int, int, int]) -> str:
    tp, fp, fn = c
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return f"P {p:.3f} R {r:.3f} F1 {f1(tp, fp, fn):.3f}"


def decision_params(fit: dict[str, Any]) -> str:
    """What a fitted ranker decides and maps with besides its fitted rows (thresholds, the
    decision, the kind of calibration map), as a string for `model_version`: a ranker
    refitted with another map or threshold is another model."""
    params: dict[str, Any] = {k: v for k, v in fit.items()
                              if isinstance(v, int | float | str) and k != "rows_sha256"}
    params["map"] = type(fit["iso"]).__name__ if "iso" in fit else None
    if fit.get("kind_thresholds"):
        params["kind_thresholds"] = fit["kind_thresholds"]
    return json.dumps(params, sort_keys=True)


def save_ranker(fit: dict[str, Any], path: Path, prefix: str, train_sha: str,
                manifest: dict[str, Any]) -> dict[str, Any]:
    """Write a fitted ranker with its manifest, versioned by `model_version` over the
    fitted rows and what decides and maps besides them (`decision_params`)."""
    version = model_version(prefix, train_sha, fit.get("rows_sha256", ""),
                            decision_params(fit))
    meta = save_checked({"version": version, **fit}, path, {"train_sha256": train_sha,
                                                            **manifest})
    print(f"wrote {path} ({meta['version']})", file=sys.stderr)
    return meta


def cv_and_ship(name: str, docs: list[DocCands], train_sha: str, *, source: str,
                bounds: tuple[float, float], path: Path, prefix: str, trained_on: str,
                rebuild: str, cv_only: bool, min_gain: float | None,
                calibrate: str = "isotonic", decide: Decide = Decide.BEST) -> int:
    """The single-choice rankers' training command: cross-validate, print rule against
    ranker out of fold, and ship the final fit unless `cv_only` or (with `min_gain`) the
    ranker does not beat the rule by that much."""
    cv = cross_validate(name, docs, bounds, calibrators=(calibrate,), decide=decide)
    st = cv["per_source"][source]
    use = min_gain is None or f1(*st["ranker"]) >= f1(*st["rule"]) + min_gain
    verdict = "" if min_gain is None else f" -> {'ranker' if use else 'rule'}"
    print(f"{name} n={len(docs)} t={cv['threshold']:.3f} rule {fmt(st['rule'])} | ranker "
          f"{fmt(st['ranker'])} | ceiling {st['recall_ceiling']:.3f} | "
          f"ECE {cv['calibration']['ece']:.3f} ({calibrate}, {decide.value}){verdict}")
    if cv_only or not use:
        return 0
    save_ranker(fit_final(docs, cv["threshold"], calibrator=calibrate, decide=decide), path,
                prefix, train_sha,
                {"trained_on": trained_on, "n_docs": len(docs), "rebuild": rebuild,
                 "calibration": calibrate, "decide": decide.value,
                 "cv": {"threshold": cv["threshold"], "ece": cv["calibration"]["ece"],
                        "ranker": st["ranker"], "rule": st["rule"]}})
    return 0


# a trainer's per-document dataclass with a `group` and out-of-fold scores `oof`
# (`DocCands`, `training.contract_parties.DocParties`)
GroupedDoc = TypeVar("GroupedDoc")


def regrouped(docs: list[GroupedDoc], seed: int) -> list[GroupedDoc]:
    """Copies of `docs` whose groups are renamed by a seeded hash, so `GroupKFold` deals the
    same filers into other folds (seed 0: the documents as they are). Each filer stays in
    one fold."""
    if seed == 0:
        return docs
    return [replace(d, group=hashlib.sha256(f"{seed}:{d.group}".encode()).hexdigest(),
                    oof=[]) for d in docs]


def repeated_cv(name: str, docs: list[DocCands], source: str, bounds: tuple[float, float],
                repeats: int, calibrate: str = "isotonic",
                decide: Decide = Decide.BEST) -> list[tuple[float, float, float | None]]:
    """(F1, nested F1, ECE) of `cross_validate` over `repeats` fold assignments
    (`regrouped`). On a few hundred documents one assignment's F1 moves by a few points
    with the assignment alone (TRAIN resume titles: 0.585-0.638 over six), so a change is
    judged on the mean and the spread, not one run."""
    out = []
    for seed in range(repeats):
        cv = cross_validate(name, regrouped(docs, seed), bounds, calibrators=(calibrate,),
                            decide=decide)
        st = cv["per_source"][source]
        out.append((f1(*st["ranker"]), f1(*st["nested"]), cv["calibration"]["ece"]))
        print(f"{name} fold assignment {seed}: F1 {out[-1][0]:.3f} nested {out[-1][1]:.3f} "
              f"ECE {out[-1][2] if out[-1][2] is None else round(out[-1][2], 3)}")
    f1s, nested = [r[0] for r in out], [r[1] for r in out]
    print(f"{name} over {repeats} fold assignments: F1 mean {statistics.mean(f1s):.3f} "
          f"(min {min(f1s):.3f}, max {max(f1s):.3f}), nested mean {statistics.mean(nested):.3f}")
    return out


def ranker_main(argv: list[str] | None, description: str,
                collect: Callable[[Path, bool], tuple[list[DocCands], str]],
                name: str, **ship: Any) -> int:
    """The command line every single-choice ranker trainer shares: `--train DIR`,
    `--cv-only` (report, ship nothing), `--cached-only` (TRAIN documents already in the
    ingest cache only), `--repeats N` (report the mean over N fold assignments,
    `repeated_cv`; ships nothing); `ship` goes to `cv_and_ship`."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--train", type=Path, default=TRAIN_DIR)
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--cached-only", action="store_true")
    ap.add_argument("--repeats", type=int, default=0, metavar="N")
    args = ap.parse_args(argv)
    docs, train_sha = collect(args.train, not args.cached_only)
    if args.repeats:
        repeated_cv(name, docs, ship["source"], ship["bounds"], args.repeats,
                    ship.get("calibrate", "isotonic"), ship.get("decide", Decide.BEST))
        return 0
    return cv_and_ship(name, docs, train_sha, cv_only=args.cv_only, **ship)
