"""Fit `extractors.recalibration` on TRAIN, out of fold, from the confidences it maps.

    python -m training.confidence_chain --out OUT      # runs the extractor on TRAIN
    python -m training.recalibration --rows OUT/rows.jsonl [--cv-only]

Each row is one scored field with the pipeline's confidence *before* this map (`family`):
a map fitted on the numbers it is then applied to, once. (Fitting it on `backoffice eval`'s
reported confidences, which have been through the shipped map already, calibrated a
calibrated number a second time.) Left out: values chosen by a ranker fitted on TRAIN
(their confidence is out of fold already and in-sample here) and the sources the map
passes through. Contradicted values are fitted like the others (the runtime maps them too,
then caps them at 0.5).

Pairs are grouped by (document type, field, input kind), and again over all kinds (the
fallback). Each key with enough pairs gets the better of an isotonic and a Platt map,
measured out of fold with folds grouped by filer/chain (`training.docs.filer_group`); it
ships only where that out-of-fold ECE beats the unmapped confidence. A key records the
methods (`Field.source` prefixes) it was fitted on, and is applied to no other.
"""

from __future__ import annotations

import argparse
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.scoring import calibration
from extractors import recalibration
from modelfile import save_checked
from training.confidence_chain import ChainRow, ranked_on_train, read_rows
from training.ranking import CALIBRATORS, fit_calibrator

MIN_PAIRS = 40  # fewer pairs than this make a curve noisier than the number it replaces
N_FOLDS = 5


@dataclass(slots=True)
class KeyFit:
    """One key's out-of-fold outcome."""

    key: str
    n: int
    accuracy: float
    ece_before: float
    ece_by_map: dict[str, float]
    chosen: str | None  # the map shipped, None when none beats the unmapped confidence
    methods: list[str]
    oof: list[tuple[float, bool]]  # the chosen map's out-of-fold (confidence, right)


def fittable(row: ChainRow) -> bool:
    """Rows the map is fitted on (and applies to): see the module docstring."""
    m = row.method.split(":", 1)[0]
    return not (ranked_on_train(row) or m in recalibration.PASS_THROUGH_SOURCES)


def keyed(rows: list[ChainRow]) -> dict[str, list[ChainRow]]:
    out: dict[str, list[ChainRow]] = defaultdict(list)
    for r in rows:
        if fittable(r):
            out[f"{r.doc_type}|{r.field}|{r.kind}"].append(r)
            out[f"{r.doc_type}|{r.field}|*"].append(r)
    return out


def _clip(p: float) -> float:
    return min(recalibration.CONF_CEIL, max(recalibration.CONF_FLOOR, p))


def out_of_fold(rows: list[ChainRow], kind: str) -> list[tuple[float, bool]]:
    """Each row mapped by a `kind` map fitted on the other folds (grouped by filer)."""
    from sklearn.model_selection import GroupKFold

    x = [r.family for r in rows]
    y = [int(r.correct) for r in rows]
    groups = [r.group for r in rows]
    out: list[tuple[float, bool]] = []
    for tr, te in GroupKFold(N_FOLDS).split(x, y, groups):
        ys = [y[i] for i in tr]
        if len(set(ys)) < 2:  # a fold with one outcome: its constant is the honest map
            p = float(np.mean(ys))
            out += [(_clip(p), bool(y[i])) for i in te]
            continue
        cal = fit_calibrator(kind, [x[i] for i in tr], ys, 0.0)
        out += [(_clip(float(cal.predict([x[i]])[0])), bool(y[i])) for i in te]
    return out


def fit_key(key: str, rows: list[ChainRow]) -> KeyFit | None:
    if len(rows) < MIN_PAIRS or len({r.group for r in rows}) < N_FOLDS:
        return None
    y = [r.correct for r in rows]
    before = float(calibration((r.family, r.correct) for r in rows)["ece"])
    oofs = {k: out_of_fold(rows, k) for k in CALIBRATORS}
    eces = {k: float(calibration(v)["ece"]) for k, v in oofs.items()}
    best = min(eces, key=lambda k: eces[k])
    chosen = best if eces[best] < before and len(set(y)) > 1 else None
    methods = sorted({r.method.split(":", 1)[0] for r in rows})
    oof = oofs[chosen] if chosen else [(r.family, r.correct) for r in rows]
    return KeyFit(key, len(rows), sum(y) / len(y), before, eces, chosen, methods, oof)


def fit_all(rows: list[ChainRow]) -> list[KeyFit]:
    return [f for key, rs in sorted(keyed(rows).items()) if (f := fit_key(key, rs))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=Path, required=True,
                    help="rows.jsonl written by python -m training.confidence_chain")
    ap.add_argument("--cv-only", action="store_true")
    args = ap.parse_args(argv)
    rows = read_rows(args.rows)
    fits = fit_all(rows)
    curves: dict[str, Any] = {}
    methods: dict[str, list[str]] = {}
    before: list[tuple[float, bool]] = []
    after: list[tuple[float, bool]] = []
    for f in fits:
        maps = " ".join(f"{k} {v:.3f}" for k, v in f.ece_by_map.items())
        print(f"{f.key:40s} n={f.n:4d} acc {f.accuracy:.3f} ECE {f.ece_before:.3f} -> "
              f"{maps} (oof) -> {f.chosen or 'none: unmapped'} [{', '.join(f.methods)}]")
        if f.key.endswith("|*"):  # each pair counted once in the summary
            keyed_rows = keyed(rows)[f.key]
            before += [(r.family, r.correct) for r in keyed_rows]
            after += f.oof
        if f.chosen is None:
            continue
        keyed_rows = keyed(rows)[f.key]
        curves[f.key] = fit_calibrator(f.chosen, [r.family for r in keyed_rows],
                                       [int(r.correct) for r in keyed_rows], 0.0)
        methods[f.key] = f.methods
    if before:
        cal = calibration(after)
        print(f"fields the map may touch: n={len(before)} ECE "
              f"{calibration(before)['ece']:.3f} -> {cal['ece']:.3f} out of fold")
    if args.cv_only:
        return 0
    digest = hashlib.sha256(args.rows.read_bytes()).hexdigest()
    meta = save_checked({"version": f"recal-{digest[:12]}", "curves": curves,
                         "methods": methods},
                        recalibration.MODEL_PATH,
                        {"trained_on": "pipeline confidences before this map on "
                                       "../shared/train (training.confidence_chain)",
                         "rows_sha256": digest, "keys": sorted(curves),
                         "cv": {f.key: {"n": f.n, "ece_before": round(f.ece_before, 4),
                                        "ece_oof": {k: round(v, 4)
                                                    for k, v in f.ece_by_map.items()},
                                        "chosen": f.chosen, "methods": f.methods}
                                for f in fits},
                         "rebuild": "python -m training.confidence_chain --out R && "
                                    "python -m training.recalibration --rows R/rows.jsonl"})
    print(f"wrote {recalibration.MODEL_PATH} ({meta['version']}, {len(curves)} curves)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
