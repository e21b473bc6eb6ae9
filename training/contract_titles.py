"""Fit the contract title ranker on TRAIN contracts, with filer-grouped cross-validation.

    python -m training.contract_titles            # CV report + rewrite the shipped model
    python -m training.contract_titles --cv-only

Candidates and features are `extractors.contract.title_ranker`'s; labels use the
evaluation's equality rule. Cross-validation, threshold and calibration are
`training.ranking`'s; the model ships only when it beats the rule by `MIN_GAIN` out of fold.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from evaluation.scoring import UNSCORABLE, scalar_match, truth_values
from extractors.contract import extract_contract_raw, title_ranker
from training.docs import filer_group, labelled_docs
from training.ranking import DocCands, ranker_main

SOURCES = ("cuad",)  # Kleister NDAs carry no title label
FIELD = "title"
MIN_GAIN = 0.01


def collect(root: Path, read_missing: bool) -> tuple[list[DocCands], str]:
    out = []
    h = hashlib.sha256()
    for d in labelled_docs(root, list(SOURCES), read_missing=read_missing):
        truth = truth_values(d.truth).get(FIELD)
        if truth is UNSCORABLE:
            continue
        h.update(d.doc.sha256.encode())
        h.update(json.dumps(truth, default=str).encode())
        raw = extract_contract_raw(d.doc, d.subtype)
        rule = raw.fields.get(FIELD)
        head = "\n".join(p.text for p in d.doc.pages[:title_ranker.HEAD_PAGES])
        flat = raw.context.flat
        cands = title_ranker.candidates(head, flat, str(rule.normalized) if rule else None)
        low = flat.lower()
        out.append(DocCands(
            d.corpus.source, filer_group(d.corpus), truth,
            [title_ranker.features(c, low) for c in cands],
            [int(truth is not None and scalar_match(FIELD, truth, c.text)) for c in cands],
            rule.normalized if rule else None))
    return out, h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    return ranker_main(argv, __doc__.splitlines()[0], collect, FIELD,
                       source="cuad", bounds=(title_ranker.CONF_FLOOR, title_ranker.CONF_CEIL),
                       path=title_ranker.MODEL_PATH, prefix="ctitle",
                       trained_on="../shared/train source cuad",
                       rebuild="python -m training.contract_titles", min_gain=MIN_GAIN)


if __name__ == "__main__":
    raise SystemExit(main())
