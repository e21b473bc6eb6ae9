"""Train the per-field candidate scorers on generated documents.

    .venv/bin/python -m training.invoice_fields [--docs 1500] [--regional 600] [--seed 7]

`--docs` generic generated invoices and receipts (`training.synth.invoices`) plus
`--regional` documents of the regional layouts (`training.synth.regional`: German till
receipts, US restaurant checks, French and German invoices, US TV-station invoices; drawn
round-robin). Reproducible (fixed seed), a few minutes on one core, writes
extractors/invoice/model/invoice_fields.joblib (small, committed).
`training.regional_eval --heldout` refits without one layout at a time (`fit_models`).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from extractors.invoice.candidates import generate as gen_candidates
from extractors.invoice.candidates import header_candidates
from extractors.invoice.layout import build_rows, union
from extractors.invoice.model import (
    GROUP_OF,
    MODEL_PATH,
    REBUILD,
    SCORED_FIELDS,
    FieldModel,
    features,
    same_value,
)
from extractors.normalize import infer_day_first
from modelfile import data_sha256, save_checked
from training.synth.invoices import generate as gen_doc
from training.synth.regional import LAYOUTS
from training.synth.regional import generate as gen_regional

REGIONAL_SEED = 500_000_000  # regional training documents: their own seed range


def _overlaps(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0


def doc_rows(seed: int, layout: str | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Feature matrix and labels per field for one generated document (a generic one, or
    one of the regional `layout`)."""
    doc, truth = gen_doc(seed) if layout is None else gen_regional(seed, layout)
    lays = [build_rows(p) for p in doc.pages]
    df = infer_day_first([p.text for p in doc.pages])
    cands = gen_candidates(lays, df)
    cands["name"] = header_candidates(lays[0]) if lays else []
    out = {}
    for f in SCORED_FIELDS:
        cs = cands[GROUP_OF[f]]
        if not cs:
            continue
        X = np.array([features(c, f) for c in cs], dtype=float)
        boxes = [union([w.bbox for w in doc.pages[0].words[a:b]])
                 for a, b in truth["_spans"].get(f, [])]
        # a date/id/name candidate is right when it shows the value where the truth is
        # printed; for amounts the value is what counts (a tax-inclusive receipt's subtotal
        # row *is* its total amount)
        y = np.array([same_value(f, c.normalized, truth.get(f)) and
                      (GROUP_OF[f] == "money" or not boxes or
                       any(_overlaps(c.bbox, b) for b in boxes))
                      for c in cs], dtype=int)
        out[f] = (X, y)
    return out


def training_docs(n_docs: int, n_regional: int, seed: int,
                  exclude_layouts: frozenset[str] | set[str] = frozenset()
                  ) -> list[tuple[str | None, dict[str, tuple[np.ndarray, np.ndarray]]]]:
    """(layout, rows) of the generic documents (layout None) then the regional ones
    (round-robin over the layouts less the excluded), in a fixed order."""
    per_doc: list = [(None, doc_rows(seed * 100000 + i)) for i in range(n_docs)]
    lays = [x for x in sorted(LAYOUTS) if x not in exclude_layouts]
    for i in range(n_regional if lays else 0):
        lay = lays[i % len(lays)]
        per_doc.append((lay, doc_rows(REGIONAL_SEED + seed * 100000 + i, lay)))
    return per_doc


def fit_models(n_docs: int, seed: int, n_regional: int = 600,
               exclude_layouts: frozenset[str] | set[str] = frozenset(), log: bool = True,
               per_doc: list | None = None) -> dict[str, FieldModel]:
    """One ranker + calibrator per scored field. Every tenth document is held out for the
    calibrator (absent truth => the winner is wrong), the rest fit the rankers."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.isotonic import IsotonicRegression

    if per_doc is None:
        per_doc = training_docs(n_docs, n_regional, seed, exclude_layouts)
    per_doc = [rows for lay, rows in per_doc if lay not in exclude_layouts]
    fit_idx = [i for i in range(len(per_doc)) if i % 10 >= 3]
    cal_idx = [i for i in range(len(per_doc)) if i % 10 < 3]
    models: dict[str, FieldModel] = {}
    for f in SCORED_FIELDS:
        Xs = [per_doc[i][f][0] for i in fit_idx if f in per_doc[i]]
        ys = [per_doc[i][f][1] for i in fit_idx if f in per_doc[i]]
        if not Xs:
            continue
        X, y = np.vstack(Xs), np.concatenate(ys)
        if y.sum() == 0:
            continue
        clf = GradientBoostingClassifier(n_estimators=120, max_depth=3, learning_rate=0.1,
                                         subsample=0.8, random_state=seed)
        clf.fit(X, y)
        s_win, ok = [], []
        for i in cal_idx:
            if f not in per_doc[i]:
                continue
            Xd, yd = per_doc[i][f]
            sc = clf.predict_proba(Xd)[:, 1]
            j = int(np.argmax(sc))
            s_win.append(float(sc[j]))
            ok.append(int(yd[j]))
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=0.99)
        iso.fit(np.array(s_win), np.array(ok))
        models[f] = FieldModel(clf, iso)
        if log:
            print(f"{f:16s} train_rows={len(y):6d} pos={int(y.sum()):5d} "
                  f"heldout_top1_acc={sum(ok) / max(1, len(ok)):.3f}")
    return models


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1500)
    ap.add_argument("--regional", type=int, default=600)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    t0 = time.time()
    per_doc = training_docs(a.docs, a.regional, a.seed)
    print(f"generated {len(per_doc)} docs in {time.time() - t0:.1f}s")
    models = fit_models(a.docs, a.seed, a.regional, per_doc=per_doc)
    rows = [part for _, d in per_doc for f in sorted(d) for part in (f, *d[f])]
    meta = save_checked(models, MODEL_PATH, {
        "trained_on": f"generated invoices and receipts (training.synth.invoices, {a.docs} "
                      f"docs; training.synth.regional, {a.regional} docs), seed {a.seed}; "
                      "7 in 10 fit the rankers, the rest calibrate",
        "train_sha256": data_sha256(*rows),
        "rebuild": f"{REBUILD} --docs {a.docs} --regional {a.regional} --seed {a.seed}"})
    print(f"saved {MODEL_PATH} ({MODEL_PATH.stat().st_size // 1024} KiB, {meta['version']}) "
          f"in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
