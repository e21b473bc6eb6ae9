"""Fit `extractors.recalibration` from a TRAIN evaluation report, with grouped CV.

    backoffice eval ../shared/train --data-dir D --out R
    python -m training.recalibration R/report.json

Pairs (confidence, correct) of every predicted field are grouped by (document type, field,
input kind); fields a ranker now chooses (`SKIP`) are left out, their confidence is already
fitted out of fold. Each key with enough pairs gets an isotonic curve; a key with too few
for its kind falls back to the curve of both kinds. The printed ECE is out of fold (folds
grouped by filer/chain, as in `training.docs.filer_group`) before and after the map.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.scoring import calibration
from extractors import recalibration
from extractors.contract.ranker import MODEL_PATH as CONTRACT_RANKER
from modelfile import load_checked, save_checked
from training.docs import filer_key

MIN_PAIRS = 40  # fewer pairs than this make a curve noisier than the number it replaces
N_FOLDS = 5
# a resume's title and name come from rankers calibrated out of fold (source "ranker", passed
# through at run time). A curve fitted on their outputs would only ever meet the rules'
# names on other HR documents, which TRAIN does not hold (employee_name, out of fold on
# TRAIN resumes: ranker isotonic ECE 0.055, 0.059 with the shipped curve on top)
RESUME_RANKED = {("hr", "job_title"), ("hr", "employee_name")}


def _group(doc: dict[str, Any]) -> str:
    """The report row's filer, from the truth values the report carries."""
    truths = {f["field"]: f["truth"] for f in doc["fields"] if f.get("truth")}
    return filer_key(doc["source"], Path(doc["file"]), truths)


def _ranked_fields() -> set[tuple[str, str]]:
    try:
        bundle = load_checked(CONTRACT_RANKER)
    except FileNotFoundError:
        return set(RESUME_RANKED)
    return {("contract", k) for k in bundle["fields"]} | RESUME_RANKED


def main(argv: list[str] | None = None) -> int:
    from sklearn.isotonic import IsotonicRegression
    from sklearn.model_selection import GroupKFold

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report", type=Path)
    ap.add_argument("--cv-only", action="store_true")
    args = ap.parse_args(argv)
    report = json.loads(args.report.read_text())
    skip = _ranked_fields()
    pairs: dict[str, list[tuple[float, int, str]]] = defaultdict(list)
    for doc in report["documents"]:
        if not doc.get("doc_type"):
            continue
        kind = recalibration.input_kind(int(doc.get("ocr_pages") or 0))
        for f in doc["fields"]:
            if f.get("correct") is None or f.get("confidence") is None:
                continue
            if (doc["doc_type"], f["field"]) in skip:
                continue
            item = (float(f["confidence"]), int(bool(f["correct"])), _group(doc))
            pairs[f"{doc['doc_type']}|{f['field']}|{kind}"].append(item)
            pairs[f"{doc['doc_type']}|{f['field']}|*"].append(item)
    curves: dict[str, Any] = {}
    before: list[tuple[float, bool]] = []
    after: list[tuple[float, bool]] = []
    for key, items in sorted(pairs.items()):
        if len(items) < MIN_PAIRS or len({g for *_, g in items}) < N_FOLDS:
            continue
        x = np.array([c for c, _, _ in items])
        y = np.array([ok for _, ok, _ in items])
        if len(set(y)) < 2:
            continue
        oof = np.zeros(len(items))
        for tr, te in GroupKFold(N_FOLDS).split(x, y, [g for *_, g in items]):
            iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(x[tr], y[tr])
            oof[te] = iso.predict(x[te])
        oof = np.clip(oof, recalibration.CONF_FLOOR, recalibration.CONF_CEIL)
        e0 = calibration(zip(x, y.astype(bool), strict=True))["ece"]
        e1 = calibration(zip(oof, y.astype(bool), strict=True))["ece"]
        print(f"{key:38s} n={len(items):4d} acc {y.mean():.3f} ECE {e0:.3f} -> {e1:.3f} (oof)")
        if e1 >= e0:
            continue  # a curve that does not help out of fold is not shipped
        if key.endswith("|*"):  # each pair counted once in the summary
            before += list(zip(x, y.astype(bool), strict=True))
            after += list(zip(oof, y.astype(bool), strict=True))
        curves[key] = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(x, y)
    cal = calibration(after)
    print(f"all recalibrated fields: ECE {calibration(before)['ece']:.3f} -> {cal['ece']:.3f} "
          "out of fold")
    for b in cal["bins"]:
        if b["count"]:
            print(f"   {b['bin']} n={b['count']:4d} conf {b['mean_confidence']:.3f} "
                  f"acc {b['accuracy']:.3f}")
    if args.cv_only:
        return 0
    digest = hashlib.sha256(args.report.read_bytes()).hexdigest()
    meta = save_checked({"version": f"recal-{digest[:12]}", "curves": curves},
                        recalibration.MODEL_PATH,
                        {"trained_on": "pipeline outputs on ../shared/train (backoffice eval)",
                         "report_sha256": digest, "keys": sorted(curves),
                         "rebuild": "python -m training.recalibration REPORT.json"})
    print(f"wrote {recalibration.MODEL_PATH} ({meta['version']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
