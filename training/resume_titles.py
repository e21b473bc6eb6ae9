"""Fit the resume job-title ranker on TRAIN resumes (grouped folds: one person per resume).

    python -m training.resume_titles            # CV report + rewrite the shipped model
    python -m training.resume_titles --cv-only

Candidates and features are `extractors.hr.title_ranker`'s; labels use the evaluation's
equality rule. Cross-validation, threshold and calibration are `training.ranking`'s; the
report compares the rule's pick with the ranker's, out of fold.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from evaluation.scoring import scalar_match, truth_values
from extractors.hr import extract_hr, title_ranker
from extractors.hr.lines import document_lines
from extractors.hr.resume import resume_candidates
from modelfile import save_checked
from training.docs import TRAIN_DIR, filer_group, labelled_docs
from training.ranking import GBM_PARAMS, DocCands, cross_validate, fit_final, fmt

SOURCE = "resumes_dotin"
FIELD = "job_title"


def collect(root: Path, read_missing: bool) -> tuple[list[DocCands], str]:
    out = []
    h = hashlib.sha256()
    for d in labelled_docs(root, [SOURCE], read_missing=read_missing):
        h.update(d.doc.sha256.encode())
        truth = truth_values(d.truth).get(FIELD)
        lines = document_lines(d.doc)
        rule = next((c for c in resume_candidates(lines) if c.field == FIELD), None)
        rule_field = extract_hr(d.doc, "resume", rank_title=False).get(FIELD)
        cands = title_ranker.candidates(lines, rule)
        out.append(DocCands(
            SOURCE, filer_group(d.corpus), truth,
            [title_ranker.features(c, cands) for c in cands],
            [int(truth is not None and scalar_match(FIELD, truth, c.text)) for c in cands],
            rule_field.normalized if rule_field else None))
    return out, h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=Path, default=TRAIN_DIR)
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--cached-only", action="store_true")
    args = ap.parse_args(argv)
    docs, train_sha = collect(args.train, not args.cached_only)
    cv = cross_validate(FIELD, docs, (title_ranker.CONF_FLOOR, title_ranker.CONF_CEIL))
    st = cv["per_source"][SOURCE]
    print(f"{FIELD} n={len(docs)} t={cv['threshold']:.3f} rule {fmt(st['rule'])} | ranker "
          f"{fmt(st['ranker'])} | ceiling {st['recall_ceiling']:.3f} | "
          f"ECE {cv['calibration']['ece']:.3f}")
    if args.cv_only:
        return 0
    digest = hashlib.sha256((train_sha + json.dumps(GBM_PARAMS, sort_keys=True)).encode())
    version = f"title-{digest.hexdigest()[:12]}"
    meta = save_checked({"version": version, **fit_final(docs, cv["threshold"])},
                        title_ranker.MODEL_PATH,
                        {"trained_on": f"../shared/train source {SOURCE}",
                         "train_sha256": train_sha, "n_docs": len(docs),
                         "rebuild": "python -m training.resume_titles",
                         "cv": {"threshold": cv["threshold"], "ece": cv["calibration"]["ece"],
                                "ranker": st["ranker"], "rule": st["rule"]}})
    print(f"wrote {title_ranker.MODEL_PATH} ({meta['version']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
