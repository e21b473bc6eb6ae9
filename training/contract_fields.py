"""Fit the contract field ranker on TRAIN contracts, with filer-grouped cross-validation.

    python -m training.contract_fields            # CV report + rewrite the shipped model
    python -m training.contract_fields --cv-only  # report only

For every ranked field (`extractors.contract.ranker.RANKED_FIELDS`) each TRAIN contract's
candidate values are described by `ranker.features_all` and labelled by the evaluation's own
equality rule against the truth file. One gradient-boosting classifier per field scores
candidates; out-of-fold scores (GroupKFold over filers, so no filer is in two folds) choose
the field's reporting threshold (best F1) and fit the isotonic map from score to
probability. The report compares, per source and field, the rule's pick with the ranker's
out-of-fold pick, and gives the calibration of the out-of-fold confidences. A field whose
pooled out-of-fold F1 is not better with the ranker keeps the rule's pick (it is left out
of the shipped bundle); so does one that gains less than `MIN_GAIN`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from api.evaluation.scoring import UNSCORABLE, calibration, labelled_fields, scalar_match
from api.evaluation.scoring import truth_values as corpus_truth_values
from extractors.contract import extract_contract_raw, ranker
from extractors.modelfile import save_checked
from training.docs import TRAIN_DIR, filer_group, labelled_docs, seed_from_data_dir

SOURCES = ("cuad", "kleister_nda")
N_FOLDS = 5
# the ranker replaces the rule for a field only when it gains at least this much F1 out of
# fold: a tie on TRAIN is no reason to trade known rule behaviour for a model's
MIN_GAIN = 0.01
THRESHOLDS = np.round(np.arange(0.0, 0.91, 0.025), 3)
GBM_PARAMS = {"max_iter": 250, "learning_rate": 0.05, "max_leaf_nodes": 15,
              "min_samples_leaf": 15, "l2_regularization": 1.0, "random_state": 0}


@dataclass(slots=True)
class DocCands:
    """One document's candidates for one field, with labels and the rule's pick."""

    source: str
    group: str
    truth: Any  # None: no value expected
    rows: list[dict[str, float]]
    labels: list[int]
    rule_pred: Any
    oof: list[float] = field(default_factory=list)


def collect(root: Path, read_missing: bool = True) -> tuple[dict[str, list[DocCands]], str]:
    """Candidate rows per field for every TRAIN contract, and the training set's sha256."""
    docs = list(labelled_docs(root, list(SOURCES), read_missing=read_missing))
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in docs:
        by_source[d.corpus.source].append(d.truth)
    labelled = {s: labelled_fields(ts) for s, ts in by_source.items()}
    data: dict[str, list[DocCands]] = defaultdict(list)
    h = hashlib.sha256()
    for i, d in enumerate(docs, 1):
        h.update(d.doc.sha256.encode())
        h.update(json.dumps(d.truth.get("normalized"), sort_keys=True, default=str).encode())
        raw = extract_contract_raw(d.doc, d.subtype)
        tv = corpus_truth_values(d.truth)
        for name in ranker.RANKED_FIELDS:
            if name not in labelled[d.corpus.source]:
                continue
            truth = tv.get(name)
            if truth is UNSCORABLE:
                continue
            cands = ranker.group(name, raw.candidates.get(name, []))
            rows = ranker.features_all(cands, raw.context)
            labels = [int(truth is not None and scalar_match(name, truth, c.first.normalized))
                      for c in cands]
            rule = raw.fields.get(name)
            data[name].append(DocCands(d.corpus.source, filer_group(d.corpus), truth, rows,
                                       labels, rule.normalized if rule else None))
        if i % 50 == 0:
            print(f"  {i}/{len(docs)} documents", file=sys.stderr)
    return data, h.hexdigest()


def _fit(rows: list[dict[str, float]], labels: list[int]) -> tuple[Any, Any]:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer

    vec = DictVectorizer(sparse=False)
    x = vec.fit_transform(rows)
    clf = HistGradientBoostingClassifier(**GBM_PARAMS)
    clf.fit(x, np.asarray(labels))
    return vec, clf


def _top(dc: DocCands) -> tuple[int, float] | None:
    if not dc.oof:
        return None
    i = max(range(len(dc.oof)), key=lambda k: dc.oof[k])
    return i, dc.oof[i]


def _counts(docs: list[DocCands], t: float) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for dc in docs:
        top = _top(dc)
        if top is not None and top[1] >= t:
            if dc.labels[top[0]]:
                tp += 1
            else:
                fp += 1
                fn += dc.truth is not None
        else:
            fn += dc.truth is not None
    return tp, fp, fn


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / max(1, 2 * tp + fp + fn)


def _rule_counts(name: str, docs: list[DocCands]) -> tuple[int, int, int]:
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


def cross_validate(name: str, docs: list[DocCands]) -> dict[str, Any]:
    """Out-of-fold scores for every candidate, a threshold and fold-honest calibration."""
    from sklearn.isotonic import IsotonicRegression
    from sklearn.model_selection import GroupKFold

    idx = np.arange(len(docs))
    groups = [d.group for d in docs]
    folds = list(GroupKFold(n_splits=N_FOLDS).split(idx, groups=groups))
    fold_of = np.zeros(len(docs), dtype=int)
    for k, (tr, te) in enumerate(folds):
        fold_of[te] = k
        rows = [r for i in tr for r in docs[i].rows]
        labels = [y for i in tr for y in docs[i].labels]
        if not rows or len(set(labels)) < 2:
            for i in te:
                docs[i].oof = [0.0] * len(docs[i].rows)
            continue
        vec, clf = _fit(rows, labels)
        for i in te:
            d = docs[i]
            d.oof = [float(p) for p in clf.predict_proba(vec.transform(d.rows))[:, 1]] \
                if d.rows else []
    best_t = max(THRESHOLDS, key=lambda t: (_f1(*_counts(docs, t)), -t))
    # calibration measured honestly: each fold's tops mapped by isotonic fitted on the others
    pairs: list[tuple[float, bool]] = []
    for k in range(len(folds)):
        fit = [(_top(docs[i]), docs[i]) for i in idx if fold_of[i] != k]
        xs = [t[1] for t, _ in fit if t is not None]
        ys = [d.labels[t[0]] for t, d in fit if t is not None]
        if len(set(ys)) < 2:
            continue
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(xs, ys)
        for i in idx[fold_of == k]:
            top = _top(docs[i])
            if top is not None and top[1] >= best_t:
                p = float(iso.predict([top[1]])[0])
                pairs.append((min(ranker.CONF_CEIL, max(ranker.CONF_FLOOR, p)),
                              bool(docs[i].labels[top[0]])))
    per_source: dict[str, Any] = {}
    for src in sorted({d.source for d in docs}):
        sub = [d for d in docs if d.source == src]
        per_source[src] = {"n": len(sub), "ranker": _counts(sub, best_t),
                           "rule": _rule_counts(name, sub),
                           "recall_ceiling": sum(any(d.labels) for d in sub)
                           / max(1, sum(d.truth is not None for d in sub))}
    return {"threshold": float(best_t), "per_source": per_source,
            "calibration": calibration(pairs)}


def fit_final(name: str, docs: list[DocCands], threshold: float) -> dict[str, Any]:
    from sklearn.isotonic import IsotonicRegression

    rows = [r for d in docs for r in d.rows]
    labels = [y for d in docs for y in d.labels]
    vec, clf = _fit(rows, labels)
    tops = [(t, d) for d in docs if (t := _top(d)) is not None]
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(
        [t[1] for t, _ in tops], [d.labels[t[0]] for t, d in tops])
    return {"vec": vec, "clf": clf, "iso": iso, "threshold": threshold}


def _fmt(c: tuple[int, int, int]) -> str:
    tp, fp, fn = c
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return f"P {p:.3f} R {r:.3f} F1 {_f1(tp, fp, fn):.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=Path, default=TRAIN_DIR)
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--report", type=Path, help="write the CV report as JSON here")
    ap.add_argument("--cached-only", action="store_true",
                    help="use only documents already in the ingest cache (no reading)")
    ap.add_argument("--from-data-dir", type=Path,
                    help="seed the ingest cache from an evaluation data dir first")
    args = ap.parse_args(argv)
    t0 = time.time()
    if args.from_data_dir:
        print(f"seeded {seed_from_data_dir(args.from_data_dir)} documents", file=sys.stderr)
    data, train_sha = collect(args.train, read_missing=not args.cached_only)
    print(f"collected candidates in {time.time() - t0:.0f}s", file=sys.stderr)
    report: dict[str, Any] = {"train_sha256": train_sha, "fields": {}}
    bundle_fields: dict[str, Any] = {}
    for name in ranker.RANKED_FIELDS:
        docs = data.get(name, [])
        if len(docs) < 2 * N_FOLDS:
            continue
        cv = cross_validate(name, docs)
        report["fields"][name] = cv
        cal = cv["calibration"]
        print(f"{name:16s} t={cv['threshold']:.3f} ECE {cal.get('ece', float('nan')):.3f}")
        for src, st in cv["per_source"].items():
            print(f"   {src:13s} n={st['n']:4d} rule {_fmt(st['rule'])} | ranker "
                  f"{_fmt(st['ranker'])} | ceiling {st['recall_ceiling']:.3f}")
        pooled = {k: tuple(map(sum, zip(*(st[k] for st in cv["per_source"].values()),
                                        strict=True))) for k in ("rule", "ranker")}
        cv["use_ranker"] = _f1(*pooled["ranker"]) >= _f1(*pooled["rule"]) + MIN_GAIN
        print(f"   pooled: rule F1 {_f1(*pooled['rule']):.3f} ranker F1 "
              f"{_f1(*pooled['ranker']):.3f} -> {'ranker' if cv['use_ranker'] else 'rule'}")
        if not args.cv_only and cv["use_ranker"]:
            # a field where the ranker does not beat the rule out of fold keeps the rule
            bundle_fields[name] = fit_final(name, docs, cv["threshold"])
    if args.report:
        args.report.write_text(json.dumps(report, indent=1, default=str))
    if not args.cv_only:
        digest = hashlib.sha256(train_sha.encode())
        digest.update(json.dumps(GBM_PARAMS, sort_keys=True).encode())
        version = f"ranker-{digest.hexdigest()[:12]}"
        meta = save_checked(
            {"version": version, "fields": bundle_fields}, ranker.MODEL_PATH,
            {"trained_on": "../shared/train sources " + ", ".join(SOURCES),
             "train_sha256": train_sha, "n_docs": {k: len(v) for k, v in data.items()},
             "rebuild": "python -m training.contract_fields",
             "cv": {k: {"threshold": v["threshold"], "use_ranker": v["use_ranker"],
                        "ece": v["calibration"].get("ece")} for k, v in report["fields"].items()}})
        print(f"wrote {ranker.MODEL_PATH} ({meta['version']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
