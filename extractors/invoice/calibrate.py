"""Final per-field confidence calibration, fitted on generated documents with OCR damage.

The candidate scorers' calibrators (`model.py`) speak for the ranker's pick on clean
generated pages; what the service reports is that pick after block rules, arithmetic
checks, OCR discounts and caps, on pages whose printed values may themselves be misread.
So a last isotonic map per field, from the pipeline's confidence to the rate at which such
a value is right, is fitted on held-out generated documents whose truth words carry OCR
damage (`synth.generate(damage_truth=True)`): the truth stays clean, as a person would
write it, while the page shows what a scanner read.

    .venv/bin/python -m extractors.invoice.calibrate [--docs 600] [--seed 11]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

CALIBRATION_PATH = Path(__file__).parent / "model" / "final_calibration.joblib"
MIN_PAIRS = 80  # fewer pairs than this: the field keeps its pipeline confidence
# Only fields whose correctness is mostly *which* candidate was picked: a generated page
# does not misread a long name or address the way a thermal scan does (measured: generated
# addresses are right 3 times in 4, scanned receipts' about half), so text fields keep
# the pipeline's OCR-aware caps instead of a map learned where OCR is kind.
CALIBRATED = ("invoice_date", "due_date", "total_amount", "subtotal", "tax_amount",
              "invoice_number", "po_number")

HELD_CAP = 0.5  # extract_invoice's cap for values that fail an arithmetic/date check

_CACHE: dict[str, Any] = {}


def load(path: Path = CALIBRATION_PATH) -> dict[str, Any]:
    """Field -> fitted IsotonicRegression (empty when never fitted)."""
    key = str(path)
    if key not in _CACHE:
        if not path.exists():
            _CACHE[key] = {}
        else:
            import joblib

            _CACHE[key] = joblib.load(path)
    return _CACHE[key]


def apply(fields: dict[str, Any]) -> None:
    """Map every calibrated field's confidence in place (fields hint-learned from a
    person's correction keep theirs, and so do the receipt ranker's, calibrated on
    out-of-fold receipts)."""
    cal = load()
    for name, f in fields.items():
        iso = cal.get(name)
        if iso is None or f.source in ("vendor-hint", "ranker"):
            continue
        raw = float(f.confidence)
        mapped = float(np.clip(iso.predict([raw])[0], 0.01, 0.99))
        # a value capped by a failed cross-check (subtotal + tax != total, due < issued)
        # stays capped: the map is learned over all values, the check speaks for this one
        f.confidence = min(mapped, HELD_CAP) if raw <= HELD_CAP else mapped


def pairs(docs: int, seed: int) -> dict[str, list[tuple[float, bool]]]:
    """(pipeline confidence, correct under the evaluation rules) per field."""
    from evaluation.scoring import scalar_match
    from extractors.invoice import extract_invoice
    from extractors.invoice.synth import generate

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
    from sklearn.isotonic import IsotonicRegression

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
    import joblib

    CALIBRATION_PATH.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(models, CALIBRATION_PATH, compress=3)
    _CACHE.clear()
    print(f"saved {CALIBRATION_PATH} in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
