"""Measure HR field extraction on the resumes of the evaluation corpus.

    .venv/bin/python -m benchmarks.extract_hr [--corpus /work/shared/corpus] [-v]

Per field (employee_name, email, job_title): exact-match precision, recall and F1
(case- and whitespace-insensitive), plus the mean token F1 of predicted vs true values
over documents where either side has a value. A prediction for a document whose truth
lacks the field counts as a false positive. Also reports accuracy by confidence bucket,
to check calibration. Documents are read with `ingest.read_file`.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from extractors.hr import extract_hr  # noqa: E402
from ingest import read_file  # noqa: E402

FIELDS = ("employee_name", "email", "job_title")


def _norm(v: object) -> str:
    return re.sub(r"\s+", " ", str(v)).strip().lower()


def _token_f1(a: str, b: str) -> float:
    ta, tb = _norm(a).split(), _norm(b).split()
    if not ta or not tb:
        return float(ta == tb)
    common = sum(min(ta.count(t), tb.count(t)) for t in set(ta))
    if not common:
        return 0.0
    p, r = common / len(ta), common / len(tb)
    return 2 * p * r / (p + r)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/work/shared/corpus")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    paths = sorted(glob.glob(os.path.join(args.corpus, "resumes_dotin", "*.txt")))
    if not paths:
        print("no resumes found under", args.corpus)
        return 1
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    tok: dict[str, list[float]] = defaultdict(list)
    buckets: dict[tuple[str, float], list[int]] = defaultdict(list)
    t0 = time.perf_counter()
    for path in paths:
        truth = json.load(open(path[: -len(".txt")] + ".truth.json", encoding="utf-8"))
        gold = truth.get("normalized", {}) | truth.get("fields", {})
        doc = read_file(path)
        got = extract_hr(doc, subtype=truth.get("subtype"))
        for f in FIELDS:
            g = gold.get(f)
            p = got.get(f)
            pv = None if p is None else p.normalized
            if p is not None:
                ok = g is not None and _norm(pv) == _norm(g)
                buckets[(f, round(p.confidence, 1))].append(int(ok))
                if ok:
                    tp[f] += 1
                else:
                    fp[f] += 1
                    if g is not None:
                        fn[f] += 1
            elif g is not None:
                fn[f] += 1
            if g is not None or p is not None:
                tok[f].append(_token_f1(str(pv or ""), str(g or "")))
            if args.verbose and (p is not None or g is not None) and _norm(pv) != _norm(g):
                print(f"  {os.path.basename(path)} {f}: got {pv!r} want {g!r}")
    elapsed = time.perf_counter() - t0
    print(f"resumes: {len(paths)} documents, {elapsed:.1f}s")
    print(f"{'field':15} {'P':>6} {'R':>6} {'F1':>6} {'tokF1':>6}")
    f1s = []
    for f in FIELDS:
        p = tp[f] / (tp[f] + fp[f]) if tp[f] + fp[f] else 0.0
        r = tp[f] / (tp[f] + fn[f]) if tp[f] + fn[f] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        f1s.append(f1)
        tf = sum(tok[f]) / len(tok[f]) if tok[f] else 0.0
        print(f"{f:15} {p:6.3f} {r:6.3f} {f1:6.3f} {tf:6.3f}")
    print(f"{'mean':15} {'':6} {'':6} {sum(f1s) / len(f1s):6.3f}")
    print("calibration (field, confidence ~ n, accuracy):")
    for (f, c), oks in sorted(buckets.items()):
        print(f"  {f:15} {c:.1f}  n={len(oks):3d}  acc={sum(oks) / len(oks):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
