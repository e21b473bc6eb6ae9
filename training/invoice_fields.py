"""Train the per-field candidate scorers on generated documents.

    .venv/bin/python -m training.invoice_fields [--docs 1500] [--seed 7]

Reproducible (fixed seed), a minute on one core, writes
extractors/invoice/model/invoice_fields.joblib (small, committed).
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


def _overlaps(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0


def doc_rows(seed: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Feature matrix and labels per field for one generated document."""
    doc, truth = gen_doc(seed)
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.isotonic import IsotonicRegression

    t0 = time.time()
    n_train = int(a.docs * 0.7)
    per_doc = [doc_rows(a.seed * 100000 + i) for i in range(a.docs)]
    print(f"generated {a.docs} docs in {time.time() - t0:.1f}s")
    models: dict[str, FieldModel] = {}
    for f in SCORED_FIELDS:
        Xs = [d[f][0] for d in per_doc[:n_train] if f in d]
        ys = [d[f][1] for d in per_doc[:n_train] if f in d]
        if not Xs:
            continue
        X, y = np.vstack(Xs), np.concatenate(ys)
        if y.sum() == 0:
            continue
        clf = GradientBoostingClassifier(n_estimators=120, max_depth=3, learning_rate=0.1,
                                         subsample=0.8, random_state=a.seed)
        clf.fit(X, y)
        # calibrate the winner's score on held-out docs (absent truth => winner is wrong)
        s_win, ok = [], []
        for d in per_doc[n_train:]:
            if f not in d:
                continue
            Xd, yd = d[f]
            s = clf.predict_proba(Xd)[:, 1]
            i = int(np.argmax(s))
            s_win.append(float(s[i]))
            ok.append(int(yd[i]))
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=0.99)
        iso.fit(np.array(s_win), np.array(ok))
        models[f] = FieldModel(clf, iso)
        print(f"{f:16s} train_rows={len(y):6d} pos={int(y.sum()):5d} "
              f"heldout_top1_acc={sum(ok) / max(1, len(ok)):.3f}")
    rows = [part for d in per_doc for f in sorted(d) for part in (f, *d[f])]
    meta = save_checked(models, MODEL_PATH, {
        "trained_on": f"generated invoices (training.synth.invoices), {a.docs} docs, "
                      f"seed {a.seed}, first {n_train} fit the rankers, the rest calibrate",
        "train_sha256": data_sha256(*rows),
        "rebuild": f"{REBUILD} --docs {a.docs} --seed {a.seed}"})
    print(f"saved {MODEL_PATH} ({MODEL_PATH.stat().st_size // 1024} KiB, {meta['version']}) "
          f"in {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
