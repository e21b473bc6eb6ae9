"""Field F1, field ECE and document-type accuracy on generated regional layouts.

Why: the invoice field scorers and the classifier are meant to hold on invoices and
receipts of origins the project has no real documents of (German till receipts, US
restaurant checks, French and German invoices, US TV-station invoices). This measures
them on documents of `training.synth.regional`, per layout and language, end to end
(`extract_invoice` with every rule and calibration, `classifiers.classify`), scored
with the evaluation's own rules (`evaluation.scoring`). With `--heldout` the field
scorers are refitted once per layout *without* that layout (`training.invoice_fields`)
and each layout is measured with the model that never saw it; its final confidence maps
are refitted too, on generic generated documents (as shipped) and, with `--cal-others`,
also on the *other* layouts' held-out results (`training.invoice_calibration`), so its
ECE is held out as well.

    python -m training.regional_eval [--docs 60] [--heldout]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field

import classifiers
from evaluation.scoring import calibration, prf, score_field
from training import invoice_calibration as cal
from training.synth.regional import LAYOUTS, generate

SCORED = ("vendor_name", "invoice_number", "invoice_date", "due_date", "subtotal",
          "tax_amount", "total_amount", "currency", "customer_name")
EVAL_SEED = 900_000_000  # evaluation documents: seeds far from every training seed


@dataclass
class LayoutScore:
    """Counts for one layout: per field TP/FP/FN, (confidence, correct) pairs, types."""

    counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    pairs: list[tuple[float, bool]] = field(default_factory=list)
    field_pairs: dict[str, list[tuple[float, bool]]] = field(
        default_factory=lambda: defaultdict(list))
    types_ok: int = 0
    n: int = 0

    def add(self, truth: dict, got: dict, doc_type: str, labelled: set[str]) -> None:
        """Score one document on the fields its layout labels (as `backoffice eval` scores
        a source: a labelled field without a truth value expects none)."""
        self.n += 1
        self.types_ok += int(doc_type == truth["_doc_type"])
        for f in labelled:
            pred = got.get(f)
            s = score_field(f, truth.get(f), pred.normalized if pred else None,
                            pred.confidence if pred else None)
            c = self.counts[f]
            c[0] += s.tp
            c[1] += s.fp
            c[2] += s.fn
            if pred is not None and s.correct is not None:
                self.pairs.append((float(pred.confidence), bool(s.correct)))
                self.field_pairs[f].append((float(pred.confidence), bool(s.correct)))

    def f1(self, f: str | None = None) -> float:
        keys = [f] if f else list(self.counts)
        tp, fp, fn = (sum(self.counts[k][i] for k in keys) for i in range(3))
        return prf(tp, fp, fn)[2]

    def ece(self) -> float:
        return float(calibration(self.pairs)["ece"])

    def field_calibration(self) -> dict[str, dict[str, float]]:
        """Per field: how many predicted, mean confidence, accuracy, ECE."""
        out = {}
        for f, pairs in sorted(self.field_pairs.items()):
            n = len(pairs)
            out[f] = {"n": n, "conf": round(sum(c for c, _ in pairs) / n, 3),
                      "acc": round(sum(ok for _, ok in pairs) / n, 3),
                      "ece": round(float(calibration(pairs)["ece"]), 3)}
        return out


def measure(layout: str, n: int, seed: int = EVAL_SEED, type_too: bool = True,
            raw: cal.Raw | None = None, maps: dict | None = None) -> LayoutScore:
    """Score `n` documents of `layout`: extracted now with the loaded scorers, or given as
    `raw` (uncalibrated fields of the same documents), then mapped by `maps` (the shipped
    final calibration when None)."""
    raw = raw if raw is not None else cal.raw_fields(layout, n, seed)
    done = []
    for i, (truth, got) in enumerate(raw):
        doc_type = truth["_doc_type"]
        if type_too:
            doc, _ = generate(seed + i, layout)
            doc_type = classifiers.classify(doc).doc_type
        done.append((truth, cal.mapped(got, maps), doc_type))
    sc = LayoutScore()
    labelled = {f for truth, _, _ in done for f in SCORED if truth.get(f) is not None}
    for truth, got, doc_type in done:
        sc.add(truth, got, doc_type, labelled)
    return sc


def report(scores: dict[str, LayoutScore]) -> dict:
    out = {}
    for lay, sc in scores.items():
        out[lay] = {"lang": LAYOUTS[lay][1], "docs": sc.n, "type_acc": sc.types_ok / sc.n,
                    "field_f1": round(sc.f1(), 4), "field_ece": round(sc.ece(), 4),
                    "per_field": {f: round(sc.f1(f), 4) for f in SCORED
                                  if sum(sc.counts[f]) > 0},
                    "per_field_calibration": sc.field_calibration()}
    return out


def _print(rep: dict) -> None:
    for lay, r in rep.items():
        per = " ".join(f"{k}={v:.2f}" for k, v in r["per_field"].items())
        print(f"{lay:22s} {r['lang']} n={r['docs']} type={r['type_acc']:.3f} "
              f"F1={r['field_f1']:.3f} ECE={r['field_ece']:.3f} | {per}")
        for f, c in r["per_field_calibration"].items():
            print(f"    {f:16s} n={c['n']:3d} conf {c['conf']:.3f} acc {c['acc']:.3f} "
                  f"ECE {c['ece']:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=60, help="evaluation documents per layout")
    ap.add_argument("--seed", type=int, default=EVAL_SEED)
    ap.add_argument("--heldout", action="store_true",
                    help="refit the field scorers without each layout before measuring it")
    ap.add_argument("--cal-docs", type=int, default=300,
                    help="generic generated documents for the held-out confidence maps")
    ap.add_argument("--cal-others", action="store_true",
                    help="held-out maps also learn from the other layouts' results")
    ap.add_argument("--json", default=None, help="write the report here")
    a = ap.parse_args(argv)
    t0 = time.time()
    scores: dict[str, LayoutScore] = {}
    if a.heldout:  # scorers refitted without each layout (the shipped recipe less it)
        raw = cal.heldout_raw(a.docs, a.seed)
        generic = cal.pairs(a.cal_docs, 11)
        for lay in LAYOUTS:
            others = cal.merge(generic, *(cal.raw_pairs(r) for k, r in raw.items()
                                          if k != lay and a.cal_others))
            scores[lay] = measure(lay, a.docs, a.seed, raw=raw[lay], maps=cal.fit_maps(others))
    else:
        for lay in LAYOUTS:
            scores[lay] = measure(lay, a.docs, a.seed)
            print(f"  {lay} done in {time.time() - t0:.0f}s", flush=True)
    rep = report(scores)
    _print(rep)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(rep, fh, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
