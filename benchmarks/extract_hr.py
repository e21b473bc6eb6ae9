"""Measure HR field extraction on the resumes of the evaluation corpus.

    .venv/bin/python -m benchmarks.extract_hr [--corpus ../shared/corpus] [-v]

Per field (employee_name, email, job_title): precision, recall and F1 scored with
`evaluation.scoring` (the eval harness's rules, so the figures are comparable), plus the
reliability table and ECE of each field's confidences. The truth subtype is passed in, standing in
for the classifier's as in the pipeline (`--no-subtype`: `extract_hr` must recognise it).
Documents are read with `ingest.read_file`.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from evaluation.scoring import calibration, prf, score_field, truth_values  # noqa: E402
from extractors.hr import extract_hr  # noqa: E402
from ingest import read_file  # noqa: E402

FIELDS = ("employee_name", "email", "job_title")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "corpus"))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--no-subtype", action="store_true", help="do not pass the subtype in")
    args = ap.parse_args(argv)
    paths = sorted(glob.glob(os.path.join(args.corpus, "resumes_dotin", "*.txt")))
    if not paths:
        print("no resumes found under", args.corpus)
        return 1
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    pairs: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    t0 = time.perf_counter()
    for path in paths:
        with open(path[: -len(".txt")] + ".truth.json", encoding="utf-8") as fh:
            truth = json.load(fh)
        gold = truth_values(truth)
        got = extract_hr(read_file(path), subtype=None if args.no_subtype else truth.get("subtype"))
        for f in FIELDS:
            p = got.get(f)
            pv = None if p is None else (p.normalized if p.normalized is not None else p.value)
            s = score_field(f, gold.get(f), pv, None if p is None else p.confidence)
            for i, n in enumerate((s.tp, s.fp, s.fn)):
                counts[f][i] += n
            if s.correct is not None and s.confidence is not None:
                pairs[f].append((s.confidence, s.correct))
            if args.verbose and (s.fp or s.fn):
                print(f"  {os.path.basename(path)} {f}: got {pv!r} want {gold.get(f)!r}")
    elapsed = time.perf_counter() - t0
    print(f"resumes: {len(paths)} documents, {elapsed:.1f}s")
    print(f"{'field':15} {'P':>6} {'R':>6} {'F1':>6}")
    for f in FIELDS:
        p, r, f1 = prf(*counts[f])
        print(f"{f:15} {p:6.3f} {r:6.3f} {f1:6.3f}")
    print("calibration (field: bin n=count conf=mean acc=accuracy):")
    for f in FIELDS:
        cal = calibration(pairs[f])
        ece = "n/a" if cal["ece"] is None else f"{cal['ece']:.3f}"
        print(f"  {f}: ECE {ece}")
        for b in cal["bins"]:
            if b["count"]:
                print(f"    {b['bin']} n={b['count']:3d} conf={b['mean_confidence']:.2f}"
                      f" acc={b['accuracy']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
