"""Fit the contract party selector on TRAIN contracts, with filer-grouped cross-validation.

    python -m training.contract_parties            # CV report + rewrite the shipped model
    python -m training.contract_parties --cv-only
    python -m training.contract_parties --cv-only --repeats 4   # mean over 4 fold assignments

Every TRAIN contract's party groups (`extractors.contract.party_ranker`) are labelled by the
evaluation's own rule (token-set similarity >= 90 with a truth party). Out-of-fold scores
(GroupKFold over filers) choose the thresholds (any party; the best two; a collective-term
phrase) that maximise list F1 as the evaluation counts it (one-to-one matching); the nested
figure chooses them on four folds and counts the fifth. The list's confidence is an
isotonic map of its weakest member's score, fitted and measured on different folds. The grammar's list (`parties`)
is the baseline; the model ships only when it beats it out of fold by `MIN_GAIN`.
One fold assignment's F1 moves by a point or more with the assignment alone, so a feature
change is judged on `--repeats N`: the mean over N assignments (`training.ranking.regrouped`,
each filer still in one fold); it reports and ships nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.scoring import (
    PARTY_THRESHOLD,
    calibration,
    match_lists,
    party_similarity,
    truth_values,
)
from extractors.contract import extract_contract_raw, party_ranker
from training.docs import TRAIN_DIR, filer_group, labelled_docs
from training.ranking import (
    N_FOLDS,
    THRESHOLDS,
    f1,
    fit_scorer,
    fmt,
    regrouped,
    rows_sha256,
    save_ranker,
)

SOURCES = ("cuad", "kleister_nda")
MIN_GAIN = 0.01


@dataclass(slots=True)
class DocParties:
    source: str
    group: str
    truth: list[str]
    groups: list[party_ranker.PartyGroup]
    rows: list[dict[str, float]]
    labels: list[int]
    rule: list[str]
    flat: str = ""  # kept so a feature change can be re-measured without re-reading
    oof: list[float] = field(default_factory=list)
    # (tp, fp, fn) per selection of `oof` (`_selection_key`): the threshold search asks for
    # the same lists hundreds of times; emptied whenever `oof` is set
    memo: dict[tuple[int, int, int], tuple[int, int, int]] = field(default_factory=dict,
                                                                   repr=False)


def collect(root: Path, read_missing: bool) -> tuple[list[DocParties], str]:
    out: list[DocParties] = []
    h = hashlib.sha256()
    for d in labelled_docs(root, list(SOURCES), read_missing=read_missing):
        truth = truth_values(d.truth).get("parties")
        if not isinstance(truth, list) or not truth:
            continue
        h.update(d.doc.sha256.encode())
        h.update(json.dumps(truth, sort_keys=True, default=str).encode())
        raw = extract_contract_raw(d.doc, d.subtype)
        flat = raw.context.flat
        rule_f = raw.fields.get("parties")
        rule = [str(x) for x in (rule_f.normalized or [])] if rule_f else []
        groups = party_ranker.group(party_ranker.mentions(flat, raw.signature_names), flat)
        rows = party_ranker.features_all(groups, flat, rule, raw.context.nda)
        labels = [int(any(party_similarity(t, g.name) >= PARTY_THRESHOLD for t in truth))
                  for g in groups]
        out.append(DocParties(d.corpus.source, filer_group(d.corpus), truth, groups, rows,
                              labels, rule, flat))
    return out, h.hexdigest()


Thresholds = tuple[float, float, float]  # (any party, the best two, a collective term)


def picked(d: DocParties, t: Thresholds) -> list[int]:
    return party_ranker.select(d.groups, d.oof, t[0], t[1], t[2]) if d.oof else []


def _selection_key(d: DocParties, t: Thresholds) -> tuple[int, int, int]:
    """How many scores clear each of `select`'s three thresholds: the same key, the same
    scores over each, so the same list."""
    low = min(t[0], t[1])
    return (sum(s >= t[0] for s in d.oof), sum(s >= low for s in d.oof),
            sum(s >= t[2] for s in d.oof))


def doc_counts(d: DocParties, t: Thresholds | None) -> tuple[int, int, int]:
    """(tp, fp, fn) of one contract's list; t None: the grammar's list."""
    if t is None:
        return match_lists("parties", d.truth, d.rule)
    key = _selection_key(d, t)
    if key not in d.memo:
        d.memo[key] = match_lists("parties", d.truth, [d.groups[i].name for i in picked(d, t)])
    return d.memo[key]


def list_counts(docs: list[DocParties], t: Thresholds | None) -> tuple[int, int, int]:
    """(tp, fp, fn) summed as the evaluation counts lists; t None: the grammar's list."""
    tp = fp = fn = 0
    for d in docs:
        a, b, c = doc_counts(d, t)
        tp, fp, fn = tp + a, fp + b, fn + c
    return tp, fp, fn


def _list_score(d: DocParties, t: Thresholds) -> tuple[float, bool] | None:
    idx = picked(d, t)
    if not idx:
        return None
    _, fp, _ = match_lists("parties", d.truth, [d.groups[i].name for i in idx])
    return min(d.oof[i] for i in idx), fp == 0


def choose_thresholds(docs: list[DocParties]) -> Thresholds:
    """The thresholds with the best list F1 over `docs`' out-of-fold scores: the names'
    first (a collective term held to the names' threshold), then the collective term's own
    with the names' fixed."""
    grid = [(float(a), float(b), float(a)) for a in THRESHOLDS[::2] for b in THRESHOLDS[::2]
            if b <= a]
    a, b, _ = max(grid, key=lambda t: (f1(*list_counts(docs, t)), -t[0], -t[1]))
    return max(((a, b, float(c)) for c in THRESHOLDS[::2]),
               key=lambda t: (f1(*list_counts(docs, t)), t[2]))


def cross_validate(docs: list[DocParties]) -> dict[str, Any]:
    from sklearn.isotonic import IsotonicRegression
    from sklearn.model_selection import GroupKFold

    idx = np.arange(len(docs))
    folds = list(GroupKFold(n_splits=N_FOLDS).split(idx, groups=[d.group for d in docs]))
    fold_of = np.zeros(len(docs), dtype=int)
    for k, (tr, te) in enumerate(folds):
        fold_of[te] = k
        vec, clf = fit_scorer([r for i in tr for r in docs[i].rows],
                              [y for i in tr for y in docs[i].labels])
        for i in te:
            d = docs[i]
            d.oof = [float(p) for p in clf.predict_proba(vec.transform(d.rows))[:, 1]] \
                if d.rows else []
            d.memo = {}
    best_t = choose_thresholds(docs)
    # nested: each fold's lists at the thresholds chosen on the other folds' scores, so the
    # figure does not include the luck of choosing three thresholds on the same lists
    nested_t = {k: choose_thresholds([docs[i] for i in idx if fold_of[i] != k])
                for k in range(len(folds))}
    pairs: list[tuple[float, bool]] = []
    for k in range(len(folds)):
        fit = [s for i in idx if fold_of[i] != k and (s := _list_score(docs[i], best_t))]
        if len({ok for _, ok in fit}) < 2:
            continue
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(
            [s for s, _ in fit], [ok for _, ok in fit])
        for i in idx[fold_of == k]:
            s = _list_score(docs[i], best_t)
            if s is not None:
                p = float(iso.predict([s[0]])[0])
                pairs.append((min(party_ranker.CONF_CEIL, max(party_ranker.CONF_FLOOR, p)),
                              s[1]))
    per_source = {}
    for src in sorted({d.source for d in docs}):
        sub = [d for d in docs if d.source == src]
        ceiling = [d.rule + [g.name for g in d.groups] for d in sub]
        nested = [list_counts([docs[i] for i in idx[fold_of == k] if docs[i].source == src],
                              nested_t[k]) for k in range(len(folds))]
        per_source[src] = {
            "n": len(sub), "rule": list_counts(sub, None), "ranker": list_counts(sub, best_t),
            "nested": tuple(map(sum, zip(*nested, strict=True))),
            "candidate_recall": sum(match_lists("parties", d.truth, c)[0]
                                    for d, c in zip(sub, ceiling, strict=True))
            / max(1, sum(len(set(d.truth)) for d in sub))}
    return {"threshold": best_t, "per_source": per_source, "calibration": calibration(pairs)}


def fit_final(docs: list[DocParties], threshold: Thresholds) -> dict[str, Any]:
    from sklearn.isotonic import IsotonicRegression

    rows, labels = [r for d in docs for r in d.rows], [y for d in docs for y in d.labels]
    vec, clf = fit_scorer(rows, labels)
    scored = [s for d in docs if (s := _list_score(d, threshold))]  # out-of-fold scores
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(
        [s for s, _ in scored], [ok for _, ok in scored])
    return {"vec": vec, "clf": clf, "iso": iso, "threshold": threshold[0],
            "pair_threshold": threshold[1], "collective_threshold": threshold[2],
            # the version names the feature matrix too, not only the training set
            "rows_sha256": rows_sha256(vec, rows, labels)}


def repeated_cv(docs: list[DocParties], repeats: int) -> dict[str, list[tuple[float, float]]]:
    """Per source, (F1, nested F1) of `cross_validate` over `repeats` fold assignments
    (seed 0: the filers' own groups, the single run's figure)."""
    out: dict[str, list[tuple[float, float]]] = {}
    for seed in range(repeats):
        cv = cross_validate(regrouped(docs, seed))
        line = []
        for src, st in cv["per_source"].items():
            out.setdefault(src, []).append((f1(*st["ranker"]), f1(*st["nested"])))
            line.append(f"{src} F1 {out[src][-1][0]:.3f} nested {out[src][-1][1]:.3f}")
        print(f"parties fold assignment {seed}: t={cv['threshold']} " + " | ".join(line))
    for src, runs in out.items():
        f1s, nested = [r[0] for r in runs], [r[1] for r in runs]
        print(f"   {src:13s} over {repeats} fold assignments: F1 mean {statistics.mean(f1s):.3f} "
              f"(min {min(f1s):.3f}, max {max(f1s):.3f}), nested mean "
              f"{statistics.mean(nested):.3f}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=Path, default=TRAIN_DIR)
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--cached-only", action="store_true")
    ap.add_argument("--repeats", type=int, default=0, metavar="N",
                    help="report the mean over N fold assignments; ships nothing")
    args = ap.parse_args(argv)
    docs, train_sha = collect(args.train, not args.cached_only)
    if args.repeats:
        repeated_cv(docs, args.repeats)
        return 0
    cv = cross_validate(docs)
    print(f"parties n={len(docs)} t={cv['threshold']} "
          f"ECE {cv['calibration'].get('ece', float('nan')):.3f}")
    for src, st in cv["per_source"].items():
        print(f"   {src:13s} n={st['n']:4d} rule {fmt(st['rule'])} | ranker {fmt(st['ranker'])}"
              f" | nested F1 {f1(*st['nested']):.3f} | candidate recall "
              f"{st['candidate_recall']:.3f}")
    pooled = {k: tuple(map(sum, zip(*(st[k] for st in cv["per_source"].values()), strict=True)))
              for k in ("rule", "ranker")}
    use = f1(*pooled["ranker"]) >= f1(*pooled["rule"]) + MIN_GAIN
    print(f"   pooled: rule F1 {f1(*pooled['rule']):.3f} ranker F1 {f1(*pooled['ranker']):.3f}"
          f" -> {'ranker' if use else 'rule'}")
    if args.cv_only or not use:
        return 0
    save_ranker(fit_final(docs, cv["threshold"]), party_ranker.MODEL_PATH, "parties", train_sha,
                {"trained_on": "../shared/train sources " + ", ".join(SOURCES),
                 "n_docs": len(docs), "rebuild": "python -m training.contract_parties",
                 "cv": {"threshold": cv["threshold"], "ece": cv["calibration"].get("ece"),
                        "per_source": cv["per_source"]}})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
