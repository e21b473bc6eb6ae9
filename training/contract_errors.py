"""Where the contract field rankers lose F1 out of fold, and whether another
report-or-abstain rule would win it back.

    python -m training.contract_errors --cached-only                       # every ranked field
    python -m training.contract_errors --cached-only --fields term --repeats 3

Two reports per ranked field (`extractors.contract.ranker.RANKED_FIELDS`), both on the
out-of-fold scores of `training.ranking.cross_validate` (5 folds grouped by filer), with
nothing shipped:

- the outcome of every TRAIN document at the cross-validated threshold, per source
  (`Outcome`): which errors are the threshold's (a right value ranked first but reported
  below it; a value reported where the truth is empty) and which are the candidates' or
  the ranker's;
- the nested F1 (each fold judged by a rule chosen on the other four) of the abstain rules
  in `RULES`, over `--repeats` fold assignments (`training.ranking.regrouped`). The shipped
  rule (`grid`) already maximises F1 as the evaluation counts it, documents with an empty
  truth included, on out-of-fold scores; the others ask whether a finer grid, one
  threshold per kind of contract, or a model of the whole ranked list does better.
"""

from __future__ import annotations

import argparse
import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from enum import StrEnum

import numpy as np

from extractors.contract import ranker
from training.contract_fields import collect, doc_kind, kind_thresholds
from training.docs import TRAIN_DIR
from training.ranking import (
    N_FOLDS,
    THRESHOLDS,
    DocCands,
    best_candidate,
    counts,
    cross_validate,
    f1,
    regrouped,
)

# the finer grid the `fine` rule searches
FINE_THRESHOLDS = np.round(np.arange(0.0, 0.951, 0.01), 3)
# the `list` rule's inputs: how the ranked list of one document looks
LIST_FEATURES = ("top_logit", "second_logit", "gap", "log_n", "nda", "rest_sum")


class Outcome(StrEnum):
    """What one document's field came to at a threshold, as the evaluation counts it."""

    RIGHT = "right"
    ABSTAINED_NONE = "abstained, none expected"
    NO_CANDIDATES_NONE = "no candidates, none expected"
    REPORTED_NONE = "reported, none expected"
    BELOW_THRESHOLD = "right value ranked first, below threshold"
    WRONG_AMONG = "reported wrong, truth among candidates"
    WRONG_MISSING = "reported wrong, truth not among candidates"
    ABSTAINED_AMONG = "abstained, truth among candidates (not first)"
    ABSTAINED_MISSING = "abstained, truth not among candidates"
    NO_CANDIDATES = "no candidates, truth expected"


def outcome(dc: DocCands, threshold: float) -> Outcome:
    """`dc`'s outcome when its best out-of-fold candidate is reported at `threshold`."""
    top = best_candidate(dc)
    expected = dc.truth is not None
    if top is None:
        return Outcome.NO_CANDIDATES if expected else Outcome.NO_CANDIDATES_NONE
    i, score = top
    among = any(dc.labels)
    if score >= threshold:
        if dc.labels[i]:
            return Outcome.RIGHT
        if not expected:
            return Outcome.REPORTED_NONE
        return Outcome.WRONG_AMONG if among else Outcome.WRONG_MISSING
    if not expected:
        return Outcome.ABSTAINED_NONE
    if dc.labels[i]:
        return Outcome.BELOW_THRESHOLD
    return Outcome.ABSTAINED_AMONG if among else Outcome.ABSTAINED_MISSING


def _logit(p: float) -> float:
    p = min(1 - 1e-4, max(1e-4, p))
    return math.log(p / (1 - p))


def list_features(dc: DocCands) -> list[float]:
    """`LIST_FEATURES` of a document with candidates."""
    s = sorted(dc.oof, reverse=True)
    second = s[1] if len(s) > 1 else 0.0
    top = best_candidate(dc)
    nda = dc.rows[top[0]].get("nda", 0.0) if top else 0.0
    return [_logit(s[0]), _logit(second), s[0] - second, math.log1p(len(s)), nda, sum(s[1:])]


def _one(dc: DocCands, report: bool) -> tuple[int, int, int]:
    """(tp, fp, fn) of one document whose best candidate is reported or not."""
    top = best_candidate(dc)
    expected = int(dc.truth is not None)
    if top is None or not report:
        return 0, 0, expected
    return (1, 0, 0) if dc.labels[top[0]] else (0, 1, expected)


def _best_t(grid: np.ndarray, docs: list[DocCands],
            score: Callable[[DocCands], float]) -> float:
    """The threshold on `score` with the best F1 over `docs` (the lowest on a tie)."""
    def fit(t: float) -> float:
        return f1(*_total(_one(d, score(d) >= t) for d in docs))
    return float(max(grid, key=lambda t: (fit(t), -t)))


def _total(counted: Iterable[tuple[int, int, int]]) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for a, b, c in counted:
        tp, fp, fn = tp + a, fp + b, fn + c
    return tp, fp, fn


def _top_score(dc: DocCands) -> float:
    top = best_candidate(dc)
    return top[1] if top else -1.0


# A rule: fitted on the training folds' documents, it says which documents to report.
Rule = Callable[[list[DocCands]], Callable[[DocCands], bool]]


def _grid(grid: np.ndarray) -> Rule:
    def fit(train: list[DocCands]) -> Callable[[DocCands], bool]:
        t = _best_t(grid, train, _top_score)
        return lambda d: _top_score(d) >= t
    return fit


def _by_kind(train: list[DocCands]) -> Callable[[DocCands], bool]:
    """One threshold for confidentiality agreements (`DocContext.nda`), one for the rest,
    as the shipped ranker reports `KIND_THRESHOLD_FIELDS`."""
    ts = kind_thresholds(train)
    return lambda d: _top_score(d) >= ts[doc_kind(d)]


def _list_model(train: list[DocCands]) -> Callable[[DocCands], bool]:
    """A logistic model of whether the best candidate is right from the ranked list's shape,
    reported over the threshold on its probability with the best F1 on `train`."""
    from sklearn.linear_model import LogisticRegression

    fit = [d for d in train if d.oof]
    ys = [d.labels[best_candidate(d)[0]] for d in fit]
    if len(set(ys)) < 2:
        return _grid(THRESHOLDS)(train)
    lr = LogisticRegression(C=1.0, max_iter=1000).fit([list_features(d) for d in fit], ys)

    seen: dict[int, float] = {}

    def prob(d: DocCands) -> float:
        if id(d) not in seen:
            seen[id(d)] = float(lr.predict_proba([list_features(d)])[0, 1]) if d.oof else -1.0
        return seen[id(d)]
    t = _best_t(FINE_THRESHOLDS, train, prob)
    return lambda d: prob(d) >= t


RULES: dict[str, Rule] = {"grid": _grid(THRESHOLDS), "fine": _grid(FINE_THRESHOLDS),
                          "by_kind": _by_kind, "list": _list_model}


def nested_f1(docs: list[DocCands], rules: dict[str, Rule] = RULES) -> dict[str, float]:
    """Nested F1 of every rule: each fold reported by the rule fitted on the other folds'
    out-of-fold scores (`docs` as `cross_validate` left them)."""
    from sklearn.model_selection import GroupKFold

    folds = GroupKFold(n_splits=N_FOLDS).split(np.arange(len(docs)),
                                               groups=[d.group for d in docs])
    got: dict[str, list[tuple[int, int, int]]] = {name: [] for name in rules}
    for tr, te in folds:
        train = [docs[i] for i in tr]
        for name, rule in rules.items():
            report = rule(train)
            got[name].extend(_one(docs[i], report(docs[i])) for i in te)
    return {name: f1(*_total(c)) for name, c in got.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fields", nargs="+", choices=ranker.RANKED_FIELDS)
    ap.add_argument("--cached-only", action="store_true")
    ap.add_argument("--repeats", type=int, default=3, metavar="N")
    args = ap.parse_args(argv)
    got = collect(TRAIN_DIR, read_missing=not args.cached_only)
    for name in args.fields or ranker.RANKED_FIELDS:
        docs = got.docs.get(name, [])
        extra = got.extra.get(name) or None
        if len(docs) < 2 * N_FOLDS:
            continue
        cv = cross_validate(name, docs, (ranker.CONF_FLOOR, ranker.CONF_CEIL), extra=extra)
        t = cv["threshold"]
        for src in sorted({d.source for d in docs}):
            sub = [d for d in docs if d.source == src]
            print(f"{name} {src} n={len(sub)} t={t:.3f} F1 {f1(*counts(sub, t)):.3f}")
            for o, n in Counter(outcome(d, t) for d in sub).most_common():
                print(f"   {n:4d} {o.value}")
        runs = []
        for seed in range(args.repeats):
            again = regrouped(docs, seed)
            if seed:
                cross_validate(name, again, (ranker.CONF_FLOOR, ranker.CONF_CEIL), extra=extra)
            runs.append(nested_f1(again))
        print(f"{name} nested F1 over {args.repeats} fold assignments (all sources): " + ", ".join(
            f"{r} {statistics.mean(x[r] for x in runs):.3f} "
            f"[{' '.join(f'{x[r]:.3f}' for x in runs)}]" for r in RULES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
