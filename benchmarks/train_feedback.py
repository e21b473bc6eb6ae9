"""Time and peak memory of `classifiers.train` with 10k reviewer-labelled documents.

Why: reviewers' corrections accumulate; retraining must stay cheap (target: 10k reviewed
documents in < 60 s and < 500 MB peak RSS). The "reviewed" documents are generated with a
different seed, so they look like real feedback without touching the evaluation corpus.

    .venv/bin/python benchmarks/train_feedback.py [--n 10000] [--n-per-class 400]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="reviewed documents")
    ap.add_argument("--n-per-class", type=int, default=None)
    args = ap.parse_args(argv)

    from training.classifier import train
    from training.generators import generate

    t0 = time.perf_counter()
    per_type = max(1, args.n // 5)
    feedback = [(d.text, d.doc_type, d.subtype) for d in generate(per_type, seed=12345)]
    t_fb = time.perf_counter() - t0
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as tmp:
        t1 = time.perf_counter()
        c1 = time.process_time()
        kwargs = {"n_per_class": args.n_per_class} if args.n_per_class else {}
        metrics = train(out_dir=Path(tmp), feedback=feedback, **kwargs)
        t_train = time.perf_counter() - t1
        cpu_train = time.process_time() - c1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB -> MiB
    print(json.dumps({
        "reviewed_docs": len(feedback),
        "reviewed_chars_mean": round(sum(len(t) for t, _, _ in feedback) / len(feedback)),
        "seconds_make_feedback": round(t_fb, 1),
        "seconds_train": round(t_train, 1),
        # CPU seconds: on a shared machine wall time mostly measures the neighbours' load.
        "cpu_seconds_train": round(cpu_train, 1),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "peak_rss_mb_before_train": round(rss_before),
        "peak_rss_mb": round(peak),
        "train_metrics": metrics,
    }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
