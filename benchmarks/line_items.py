"""Item-level line-item F1 on generated invoices and receipts: the rule against the model.

    .venv/bin/python benchmarks/line_items.py [--docs 40] [--seed 700000] [--json OUT]

Documents come from the generators the model was trained on (`training.line_items.LAYOUTS`)
but with seeds far from the training ones; `extract_invoice` runs end to end (with the
model, then with the rule `extractors.invoice._line_items` in its place) and
`evaluation.line_items` scores every item. For figures on layouts the model has never seen,
see `python -m training.line_items` (leave one layout out).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluation.line_items import ItemScore, score_raw  # noqa: E402
from evaluation.scoring import calibration  # noqa: E402
from extractors.invoice import extract_invoice  # noqa: E402
from extractors.invoice import line_items as li  # noqa: E402
from training.line_items import LAYOUTS  # noqa: E402


def run(n_docs: int, seed: int, use_model: bool
        ) -> tuple[dict[str, ItemScore], float, list[tuple[float, bool]]]:
    """Item scores per layout, seconds taken, and (reported list confidence, list exactly
    right) for every document with a reported list."""
    out: dict[str, ItemScore] = {}
    pairs: list[tuple[float, bool]] = []
    t0 = time.perf_counter()
    with mock.patch.object(li, "available", lambda: use_model):
        for layout, gen in LAYOUTS.items():
            s = out.setdefault(layout, ItemScore())
            for k in range(n_docs):
                doc, truth = gen(seed + k)
                kind = "receipt" if "receipt" in layout else "invoice"
                f = extract_invoice(doc, kind).get("line_items")
                got = score_raw(truth.get("line_items") or [], f.normalized if f else [])
                s.add(got)
                if f is not None:
                    exact = got.exact_docs == 1 and all(
                        c.right == c.compared for c in got.columns.values())
                    pairs.append((float(f.confidence), exact))
    return out, time.perf_counter() - t0, pairs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=40, help="documents per layout")
    ap.add_argument("--seed", type=int, default=700_000)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    if not li.available():
        print("no line-item model: python -m training.line_items", file=sys.stderr)
        return 2
    rule, t_rule, _ = run(args.docs, args.seed, False)
    model, t_model, pairs = run(args.docs, args.seed, True)
    print(f"{'layout':18s} {'rule P/R/F1':>20s} {'model P/R/F1':>20s}  model column accuracy")
    total_r, total_m = ItemScore(), ItemScore()
    for layout in LAYOUTS:
        r, m = rule[layout], model[layout]
        total_r.add(r)
        total_m.add(m)
        acc = m.to_json()["column_accuracy"]
        print(f"{layout:18s} {r.precision:6.3f} {r.recall:6.3f} {r.f1:6.3f} "
              f"{m.precision:6.3f} {m.recall:6.3f} {m.f1:6.3f}  " +
              " ".join(f"{k} {'-' if v is None else f'{v:.3f}'}" for k, v in acc.items()))
    print(f"{'all':18s} {total_r.precision:6.3f} {total_r.recall:6.3f} {total_r.f1:6.3f} "
          f"{total_m.precision:6.3f} {total_m.recall:6.3f} {total_m.f1:6.3f}")
    cal = calibration(pairs)
    print(f"model list confidence as extract_invoice reports it (after its cross-checks): "
          f"ECE {cal['ece']:.3f} over {cal['count']} lists")
    n = args.docs * len(LAYOUTS)
    print(f"extract_invoice per document: rule {1000 * t_rule / n:.1f} ms, "
          f"model {1000 * t_model / n:.1f} ms ({n} documents)")
    if args.json:
        args.json.write_text(json.dumps({
            "docs_per_layout": args.docs, "seed": args.seed,
            "rule": {k: v.to_json() for k, v in rule.items()},
            "model": {k: v.to_json() for k, v in model.items()},
            "ms_per_doc": {"rule": 1000 * t_rule / n, "model": 1000 * t_model / n},
            "list_calibration": cal},
            indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
