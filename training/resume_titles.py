"""Fit the resume job-title ranker on TRAIN resumes (grouped folds: one person per resume).

    python -m training.resume_titles            # CV report + rewrite the shipped model
    python -m training.resume_titles --cv-only

Candidates and features are `extractors.hr.title_ranker`'s; labels use the evaluation's
equality rule. Out-of-fold scores choose the reporting threshold (best F1) and fit the
isotonic calibration; the report compares the rule's pick with the ranker's, out of fold.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from api.evaluation.scoring import scalar_match, truth_values
from extractors.hr import extract_hr, title_ranker
from extractors.hr.lines import document_lines
from extractors.hr.resume import resume_candidates
from extractors.modelfile import save_checked
from training.contract_fields import GBM_PARAMS, N_FOLDS, THRESHOLDS, _f1, _fmt
from training.docs import TRAIN_DIR, filer_group, labelled_docs


def collect(root: Path, read_missing: bool) -> tuple[list[dict[str, Any]], str]:
    out = []
    h = hashlib.sha256()
    for d in labelled_docs(root, ["resumes_dotin"], read_missing=read_missing):
        h.update(d.doc.sha256.encode())
        truth = truth_values(d.truth).get("job_title")
        lines = document_lines(d.doc)
        rule = next((c for c in resume_candidates(lines) if c.field == "job_title"), None)
        rule_field = extract_hr(d.doc, "resume", rank_title=False).get("job_title")
        cands = title_ranker.candidates(lines, rule)
        out.append({
            "group": filer_group(d.corpus), "truth": truth,
            "rows": [title_ranker.features(c, cands) for c in cands],
            "labels": [int(truth is not None and scalar_match("job_title", truth, c.text))
                       for c in cands],
            "rule": rule_field.normalized if rule_field else None,
        })
    return out, h.hexdigest()


def _counts(docs: list[dict[str, Any]], t: float, key: str = "oof") -> tuple[int, int, int]:
    tp = fp = fn = 0
    for d in docs:
        s = d.get(key) or []
        has_truth = d["truth"] is not None
        if s and max(s) >= t:
            i = int(np.argmax(s))
            if d["labels"][i]:
                tp += 1
            else:
                fp += 1
                fn += has_truth
        else:
            fn += has_truth
    return tp, fp, fn


def _rule(docs: list[dict[str, Any]]) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for d in docs:
        if d["rule"] is None:
            fn += d["truth"] is not None
        elif d["truth"] is not None and scalar_match("job_title", d["truth"], d["rule"]):
            tp += 1
        else:
            fp += 1
            fn += d["truth"] is not None
    return tp, fp, fn


def main(argv: list[str] | None = None) -> int:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.isotonic import IsotonicRegression
    from sklearn.model_selection import GroupKFold

    from api.evaluation.scoring import calibration

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=Path, default=TRAIN_DIR)
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--cached-only", action="store_true")
    args = ap.parse_args(argv)
    docs, train_sha = collect(args.train, not args.cached_only)

    def fit(sel: list[dict[str, Any]]) -> tuple[Any, Any]:
        vec = DictVectorizer(sparse=False)
        x = vec.fit_transform([r for d in sel for r in d["rows"]])
        clf = HistGradientBoostingClassifier(**GBM_PARAMS).fit(
            x, [y for d in sel for y in d["labels"]])
        return vec, clf

    folds = list(GroupKFold(n_splits=N_FOLDS).split(docs, groups=[d["group"] for d in docs]))
    for tr, te in folds:
        vec, clf = fit([docs[i] for i in tr])
        for i in te:
            rows = docs[i]["rows"]
            docs[i]["oof"] = list(clf.predict_proba(vec.transform(rows))[:, 1]) if rows else []
    t = float(max(THRESHOLDS, key=lambda t: (_f1(*_counts(docs, t)), -t)))
    pairs = []
    for tr, te in folds:
        xs = [max(docs[i]["oof"]) for i in tr if docs[i]["oof"]]
        ys = [docs[i]["labels"][int(np.argmax(docs[i]["oof"]))] for i in tr if docs[i]["oof"]]
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(xs, ys)
        for i in te:
            s = docs[i]["oof"]
            if s and max(s) >= t:
                j = int(np.argmax(s))
                pairs.append((float(iso.predict([s[j]])[0]), bool(docs[i]["labels"][j])))
    ceiling = sum(any(d["labels"]) for d in docs) / max(1, sum(d["truth"] is not None
                                                               for d in docs))
    cal = calibration(pairs)
    print(f"job_title n={len(docs)} t={t:.3f} rule {_fmt(_rule(docs))} | ranker "
          f"{_fmt(_counts(docs, t))} | ceiling {ceiling:.3f} | ECE {cal['ece']:.3f}")
    if args.cv_only:
        return 0
    vec, clf = fit(docs)
    tops = [(max(d["oof"]), d["labels"][int(np.argmax(d["oof"]))]) for d in docs if d["oof"]]
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(
        [a for a, _ in tops], [b for _, b in tops])
    digest = hashlib.sha256((train_sha + json.dumps(GBM_PARAMS, sort_keys=True)).encode())
    version = f"title-{digest.hexdigest()[:12]}"
    meta = save_checked({"version": version, "vec": vec, "clf": clf, "iso": iso, "threshold": t},
                        title_ranker.MODEL_PATH,
                        {"trained_on": "../shared/train source resumes_dotin",
                         "train_sha256": train_sha, "n_docs": len(docs),
                         "rebuild": "python -m training.resume_titles",
                         "cv": {"threshold": t, "ece": cal["ece"],
                                "ranker": _counts(docs, t), "rule": _rule(docs)}})
    print(f"wrote {title_ranker.MODEL_PATH} ({meta['version']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
