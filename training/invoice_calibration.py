"""Fit the final per-field confidence maps of the invoice extractor
(`extractors/invoice/calibrate.py`) on held-out generated documents with OCR damage.

Each map takes the pipeline's confidence for a field to the rate at which such a value is
right under the evaluation's own rule (`evaluation.scoring.scalar_match`); the documents are
`training.synth.invoices.generate(damage_truth=True)`, so no real document is read.

    .venv/bin/python -m training.invoice_calibration [--docs 600] [--seed 11]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.isotonic import IsotonicRegression

from evaluation.scoring import scalar_match
from extractors.invoice import calibrate as final_calibration
from extractors.invoice import extract_invoice
from extractors.invoice.calibrate import CALIBRATION_PATH, REBUILD
from modelfile import data_sha256, save_checked
from training.synth.invoices import generate

MIN_PAIRS = 80  # fewer pairs than this: the field keeps its pipeline confidence
# Only fields whose correctness is mostly *which* candidate was picked: a generated page
# does not misread a long name or address the way a thermal scan does (measured: generated
# addresses are right 3 times in 4, scanned receipts' about half), so text fields keep
# the pipeline's OCR-aware caps instead of a map learned where OCR is kind.
CALIBRATED = ("invoice_date", "due_date", "total_amount", "subtotal", "tax_amount",
              "invoice_number", "po_number")


def pairs(docs: int, seed: int) -> dict[str, list[tuple[float, bool]]]:
    """(pipeline confidence, correct under the evaluation rules) per field."""
    out: dict[str, list[tuple[float, bool]]] = {}
    for i in range(docs):
        rng = np.random.default_rng(seed * 7919 + i)
        noise = float(rng.choice([0.0, 0.02, 0.05, 0.1]))
        doc, truth = generate(seed * 100000 + i, noise=noise, damage_truth=True)
        got = extract_invoice(doc, truth["_doc_type"], calibrate=False)
        for name, f in got.items():
            if name not in CALIBRATED:
                continue
            want = truth.get(name)
            ok = want is not None and scalar_match(name, want, f.normalized)
            out.setdefault(name, []).append((float(f.confidence), bool(ok)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--seed", type=int, default=11)  # not the ranker's seeds: held out
    a = ap.parse_args(argv)
    t0 = time.time()
    got = pairs(a.docs, a.seed)
    models = {}
    for name, ps in sorted(got.items()):
        if len(ps) < MIN_PAIRS:
            continue
        x = np.array([p for p, _ in ps])
        y = np.array([int(ok) for _, ok in ps])
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.01, y_max=0.99)
        iso.fit(x, y)
        models[name] = iso
        print(f"{name:16s} n={len(ps):4d} accuracy={y.mean():.3f} mean_conf={x.mean():.3f}")
    meta = save_checked(models, CALIBRATION_PATH, {
        "trained_on": f"generated invoices with OCR-damaged pages "
                      f"(training.synth.invoices damage_truth=True), {a.docs} docs, seed {a.seed}",
        "train_sha256": data_sha256(sorted(got.items())),
        "rebuild": f"{REBUILD} --docs {a.docs} --seed {a.seed}"})
    final_calibration._CACHE.clear()
    print(f"saved {CALIBRATION_PATH} ({meta['version']}) in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
