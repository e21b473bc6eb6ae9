"""Fit the final per-field confidence maps of the invoice extractor
(`extractors/invoice/calibrate.py`) on held-out generated documents with OCR damage and on
regional layouts the field scorers never saw.

Each map takes the pipeline's confidence for a field to the rate at which such a value is
right under the evaluation's own rule (`evaluation.scoring.scalar_match`). Two kinds of
documents give the (confidence, right) pairs, no real document is read:

* `training.synth.invoices.generate(damage_truth=True)`: the generic layouts with OCR
  damage, scored with the shipped field scorers (their own calibration split);
* `training.synth.regional` (German till receipts, US restaurant checks, French and German
  invoices, US TV-station invoices; `--regional` documents per layout), each layout scored
  with field scorers refitted *without* that layout (`training.invoice_fields.fit_models`),
  so the map learns how far the pipeline's confidence holds on a layout it has not seen,
  which is what an unseen source is.

The fit prints, per regional layout, the ECE of a map fitted without that layout's pairs
(leave one layout out), the held-out figure. Measured (`--regional 40`, calibrated fields):
raw confidence / map from generic documents only / map from generic documents and the
other four layouts: invoice_de 0.064 / 0.012 / 0.015, invoice_fr 0.054 / 0.018 / 0.021,
us_media 0.125 / 0.154 / 0.151, receipt_de 0.189 / 0.092 / 0.123, us_restaurant
0.076 / 0.028 / 0.043. The other layouts' pairs made the map worse on four layouts of
five, so the shipped maps are fitted on generic documents only (`--regional 0`, the
default).

    .venv/bin/python -m training.invoice_calibration [--docs 600] [--seed 11] [--regional 0]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression

from evaluation.scoring import calibration, scalar_match
from extractors.invoice import calibrate as final_calibration
from extractors.invoice import extract_invoice
from extractors.invoice import model as field_model
from extractors.invoice.calibrate import CALIBRATION_PATH, REBUILD
from extractors.types import Field
from modelfile import data_sha256, save_checked
from training.invoice_fields import fit_models, training_docs
from training.synth.invoices import generate
from training.synth.regional import LAYOUTS
from training.synth.regional import generate as gen_regional

MIN_PAIRS = 80  # fewer pairs than this: the field keeps its pipeline confidence
# Where the generated documents give a map few pairs (a total below 0.9: 2 of 292, both
# wrong), the isotonic fit follows those few to its floor, and a total the arithmetic
# chose at 0.7 on a real invoice was reported at 0.01. Pseudo-pairs on a grid, each as
# often right as its confidence says (PRIOR_WEIGHT pairs per point, split by weight), pull
# such sparse stretches toward the pipeline's own number; stretches with hundreds of
# pairs barely move.
PRIOR_GRID = np.round(np.arange(0.05, 1.0, 0.1), 2)
PRIOR_WEIGHT = 2.0
# Only fields whose correctness is mostly *which* candidate was picked: a generated page
# does not misread a long name or address the way a thermal scan does (measured: generated
# addresses are right 3 times in 4, scanned receipts' about half), so text fields keep
# the pipeline's OCR-aware caps instead of a map learned where OCR is kind.
# The currency is mapped too: its pipeline numbers are hand-set by where the mark sits (0.9
# on the total's row, 0.7 elsewhere, 0.5 from the country) and then scaled by the OCR
# word confidence of the mark, while a mark read at all names the currency almost always
# (measured on real TRAIN receipts and regional layouts, `leave_one_group_out`).
CALIBRATED = ("invoice_date", "due_date", "total_amount", "subtotal", "tax_amount",
              "invoice_number", "po_number", "currency")
# Fields a document may leave unlabelled though its page shows them (the generated
# SROIE-like receipts, like SROIE itself, label no currency): such a row is left out.
LABELLED_ONLY = ("currency",)
# Maps fitted on more than generic documents, whose currency marks are few kinds: every
# regional layout (the currency comes from rules, not the field scorers, so the shipped
# scorers read them) and real TRAIN receipts
# (`SOURCE_CURRENCY`). Each origin's ECE under a map fitted without it is printed: what
# the map does on an origin it has not seen.
ORIGIN_DOCS = 80  # per regional layout
CURRENCY_MAPS = ("currency", "currency|country")  # marks read; countries guessed
ORIGIN_SEED = 750_000_000  # the regional documents' own seed range
MIN_REAL_CURRENCY = 100  # fewer real receipts read: the TRAIN cache is missing; refuse
# Currencies a TRAIN source's documents are in, though its truth does not label them
# (../shared/train/README.md: SROIE's Malaysian receipts, "currency MYR is implied").
SOURCE_CURRENCY = {"sroie": "MYR"}
REGIONAL_CAL_SEED = 700_000_000  # regional calibration documents: their own seed range
FIELD_TRAIN = {"docs": 1500, "regional": 600, "seed": 7}  # the shipped scorers' recipe

Pairs = dict[str, list[tuple[float, bool]]]
Raw = list[tuple[dict[str, Any], dict[str, Field]]]  # (truth, fields before the maps)


def _add(out: Pairs, truth: dict[str, Any], got: dict[str, Field]) -> None:
    for name, f in got.items():
        if name not in CALIBRATED:
            continue
        if f.source in final_calibration.UNMAPPED_SOURCES:
            continue  # the runtime does not map these either
        want = truth.get(name)
        if want is None and name in LABELLED_ONLY:
            continue  # unlabelled, not absent: says nothing about the value read
        ok = want is not None and scalar_match(name, want, f.normalized)
        key = final_calibration.map_key(name, f.source)
        out.setdefault(key, []).append((float(f.confidence), bool(ok)))


def pairs(docs: int, seed: int) -> Pairs:
    """(pipeline confidence, correct under the evaluation rules) per field, on generic
    generated documents with OCR damage."""
    out: Pairs = {}
    for i in range(docs):
        rng = np.random.default_rng(seed * 7919 + i)
        noise = float(rng.choice([0.0, 0.02, 0.05, 0.1]))
        doc, truth = generate(seed * 100000 + i, noise=noise, damage_truth=True)
        _add(out, truth, extract_invoice(doc, truth["_doc_type"], calibrate=False))
    return out


def raw_fields(layout: str, n: int, seed: int) -> Raw:
    """(truth, uncalibrated fields) of `n` documents of a regional layout, with whatever
    field scorers are loaded."""
    out: Raw = []
    for i in range(n):
        doc, truth = gen_regional(seed + i, layout)
        out.append((truth, extract_invoice(doc, truth["_doc_type"], calibrate=False)))
    return out


def heldout_raw(n: int, seed: int, layouts: list[str] | None = None,
                log: bool = True) -> dict[str, Raw]:
    """Per regional layout, `raw_fields` under field scorers refitted without it (the
    shipped recipe, `FIELD_TRAIN`, less that layout's documents)."""
    per_doc = training_docs(FIELD_TRAIN["docs"], FIELD_TRAIN["regional"], FIELD_TRAIN["seed"])
    out: dict[str, Raw] = {}
    t0 = time.time()
    try:
        for lay in layouts or sorted(LAYOUTS):
            field_model._CACHE[str(field_model.MODEL_PATH)] = fit_models(
                FIELD_TRAIN["docs"], FIELD_TRAIN["seed"], FIELD_TRAIN["regional"],
                exclude_layouts={lay}, log=False, per_doc=per_doc)
            out[lay] = raw_fields(lay, n, seed)
            if log:
                print(f"  {lay}: scorers refitted without it, {n} docs in "
                      f"{time.time() - t0:.0f}s", flush=True)
    finally:
        field_model._CACHE.clear()
    return out


def raw_pairs(raw: Raw) -> Pairs:
    out: Pairs = {}
    for truth, got in raw:
        _add(out, truth, got)
    return out


def merge(*parts: Pairs) -> Pairs:
    out: Pairs = {}
    for p in parts:
        for name, ps in p.items():
            out.setdefault(name, []).extend(ps)
    return out


def fit_maps(got: Pairs, log: bool = False) -> dict[str, IsotonicRegression]:
    """One isotonic map per field with at least MIN_PAIRS pairs."""
    maps = {}
    for name, ps in sorted(got.items()):
        if len(ps) < MIN_PAIRS:
            continue
        x = np.array([p for p, _ in ps])
        y = np.array([int(ok) for _, ok in ps])
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.01, y_max=0.99)
        # the currency maps learn from every origin's marks, whose confidences the
        # origins share (`CURRENCY_MAPS`): no stretch of them is left to a few pairs
        iso.fit(*(with_prior(x, y) if name not in CURRENCY_MAPS else (x, y)))
        maps[name] = iso
        if log:
            print(f"{name:16s} n={len(ps):4d} accuracy={y.mean():.3f} mean_conf={x.mean():.3f}")
    return maps


def with_prior(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, sample weights): the pairs, weight 1 each, and the `PRIOR_GRID` pseudo-pairs
    (a right and a wrong one per point, weighted by the point's confidence)."""
    g = PRIOR_GRID
    xs = np.concatenate([x, g, g])
    ys = np.concatenate([y, np.ones_like(g), np.zeros_like(g)])
    ws = np.concatenate([np.ones(len(x)), PRIOR_WEIGHT * g, PRIOR_WEIGHT * (1 - g)])
    return xs, ys, ws


def mapped_ece(raw: Raw, maps: dict[str, Any]) -> float:
    """ECE of the calibrated fields of `raw` after `maps` (copies: `raw` is kept)."""
    out: Pairs = {}
    for truth, got in raw:
        _add(out, truth, mapped(got, maps))
    return float(calibration([p for v in out.values() for p in v])["ece"] or 0.0)


def mapped(got: dict[str, Field], maps: dict[str, Any] | None) -> dict[str, Field]:
    """Copies of `got` with `maps` applied (the shipped maps when None)."""
    fields = {k: replace(f) for k, f in got.items()}
    final_calibration.apply(fields, maps)
    return fields


def real_currency_pairs(read_missing: bool = False) -> Raw:
    """(truth, uncalibrated fields) of the real TRAIN documents whose currency is known
    by their source (`SOURCE_CURRENCY`): a check on real pages of a map fitted on
    generated ones, never fitted on."""
    from training.docs import labelled_docs

    out: Raw = []
    for ld in labelled_docs(sources=sorted(SOURCE_CURRENCY), read_missing=read_missing):
        truth = {"currency": SOURCE_CURRENCY[ld.corpus.source]}
        out.append((truth, extract_invoice(ld.doc, "receipt", calibrate=False)))
    return out


def origin_groups(generic: Pairs, seed: int) -> dict[str, Pairs]:
    """The `CURRENCY_MAPS` pairs per origin: generic generated documents, each regional
    layout, each real TRAIN source of `SOURCE_CURRENCY` (its currency only)."""
    groups = {"generic": {k: v for k, v in generic.items() if k in CURRENCY_MAPS}}
    for i, lay in enumerate(sorted(LAYOUTS)):
        got = raw_pairs(raw_fields(lay, ORIGIN_DOCS, seed + i * 10_000))
        groups[lay] = {k: v for k, v in got.items() if k in CURRENCY_MAPS}
    real = {k: v for k, v in raw_pairs(real_currency_pairs()).items() if k in CURRENCY_MAPS}
    if sum(map(len, real.values())) < MIN_REAL_CURRENCY:
        raise SystemExit("too few TRAIN receipts read from the cache: read TRAIN first "
                         "(python -m training.receipt_fields) so that the currency map is "
                         "fitted as shipped")
    groups["+".join(sorted(SOURCE_CURRENCY))] = real
    return groups


def leave_one_group_out(groups: dict[str, Pairs]) -> list[str]:
    """Per map and group: the group's ECE raw and under the map fitted on the others."""
    lines = []
    for key in CURRENCY_MAPS:
        for name, got in groups.items():
            ps = got.get(key, [])
            others = [p for k, v in groups.items() if k != name for p in v.get(key, [])]
            iso = fit_maps({key: others}).get(key)
            if not ps or iso is None:
                continue
            mapped_ps = [(float(np.clip(iso.predict([c])[0], 0.01, 0.99)), ok)
                         for c, ok in ps]
            lines.append(f"  {key:20s} {name:22s} n={len(ps):4d} accuracy="
                         f"{np.mean([ok for _, ok in ps]):.3f} ECE raw "
                         f"{calibration(ps)['ece'] or 0.0:.3f} -> held out "
                         f"{calibration(mapped_ps)['ece'] or 0.0:.3f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=600)
    ap.add_argument("--seed", type=int, default=11)  # not the ranker's seeds: held out
    ap.add_argument("--regional", type=int, default=0,
                    help="documents per regional layout, each scored by field scorers "
                         "refitted without its layout (0: generic documents only)")
    a = ap.parse_args(argv)
    t0 = time.time()
    generic = pairs(a.docs, a.seed)
    regional = heldout_raw(a.regional, REGIONAL_CAL_SEED + a.seed * 1000) if a.regional else {}
    for lay, raw in regional.items():  # the held-out figure: a map fitted without `lay`
        others = merge(generic, *(raw_pairs(r) for k, r in regional.items() if k != lay))
        print(f"  {lay:22s} leave-one-layout-out ECE raw={mapped_ece(raw, {}):.3f} "
              f"generic-only={mapped_ece(raw, fit_maps(generic)):.3f} "
              f"with-other-layouts={mapped_ece(raw, fit_maps(others)):.3f}")
    got = merge(generic, *(raw_pairs(r) for r in regional.values()))
    groups = origin_groups(generic, ORIGIN_SEED + a.seed * 1000)
    print("\n".join(leave_one_group_out(groups)), flush=True)
    for key in CURRENCY_MAPS:
        got[key] = [p for g in groups.values() for p in g.get(key, [])]
    models = fit_maps(got, log=True)
    meta = save_checked(models, CALIBRATION_PATH, {
        "trained_on": f"generated invoices with OCR-damaged pages "
                      f"(training.synth.invoices damage_truth=True), {a.docs} docs, seed "
                      f"{a.seed}; training.synth.regional, {a.regional} docs per layout, each "
                      f"scored by field scorers refitted without its layout; the currency also on "
                      f"{ORIGIN_DOCS} docs per regional layout and the TRAIN receipts of {', '.join(sorted(SOURCE_CURRENCY))} (currency implied by "
                      f"the source)",
        "train_sha256": data_sha256(sorted(got.items())),
        "rebuild": f"{REBUILD} --docs {a.docs} --seed {a.seed} --regional {a.regional}"})
    final_calibration._CACHE.clear()
    print(f"saved {CALIBRATION_PATH} ({meta['version']}) in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
