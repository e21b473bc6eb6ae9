"""Grouped cross-validation of the document-type model on TRAIN: does training on the TRAIN
split's real documents, beside the generated ones, type held-out filers' documents better?

    python -m training.classifier_cv [--folds 5]

Each fold's filers (`training.docs.filer_group`) are held out; the model is trained on
generated documents plus the other folds' TRAIN documents (`train_split_feedback`) and
compared, on the held-out documents, with the model trained on generated documents alone
(the same generator seed and mix). Prints document type and subtype right per source.
About 2.5 minutes a fold on two cores.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter

import numpy as np

from classifiers import classify_text
from training.classifier import TRAIN_WEIGHT, train_bundle, train_split_docs
from training.docs import TRAIN_DIR


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--threshold", type=float, default=0.6, help="the service's abstention")
    args = ap.parse_args(argv)
    from sklearn.model_selection import GroupKFold

    rows = list(train_split_docs(TRAIN_DIR))
    alone = train_bundle([], seed=0)
    right: dict[str, Counter] = {k: Counter() for k in ("type", "type_train", "sub", "sub_train",
                                                         "n", "n_sub")}
    folds = GroupKFold(n_splits=args.folds).split(np.arange(len(rows)),
                                                  groups=[r.group for r in rows])
    for k, (fit, held) in enumerate(folds):
        with_train = train_bundle([(rows[i].text, rows[i].doc_type, rows[i].subtype)
                                   for i in fit], seed=0, feedback_weight=TRAIN_WEIGHT)
        for r in (rows[i] for i in held):
            a = classify_text(r.text, r.n_pages, args.threshold, bundle=alone)
            b = classify_text(r.text, r.n_pages, args.threshold, bundle=with_train)
            right["n"][r.source] += 1
            right["type"][r.source] += a.doc_type == r.doc_type
            right["type_train"][r.source] += b.doc_type == r.doc_type
            if r.subtype:
                right["n_sub"][r.source] += 1
                right["sub"][r.source] += a.subtype == r.subtype
                right["sub_train"][r.source] += b.subtype == r.subtype
        print(f"fold {k + 1}/{args.folds} done", file=sys.stderr, flush=True)
    print("source          type: generated / +TRAIN of n   subtype: generated / +TRAIN of n")
    for s in sorted(right["n"]):
        print(f"{s:15} {right['type'][s]:4d} / {right['type_train'][s]:4d} of {right['n'][s]:4d}"
              f"   {right['sub'][s]:4d} / {right['sub_train'][s]:4d} of {right['n_sub'][s]:4d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
