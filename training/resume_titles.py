"""Fit the resume job-title ranker on TRAIN resumes (grouped folds: one person per resume).

    python -m training.resume_titles            # CV report + rewrite the shipped model
    python -m training.resume_titles --cv-only

Candidates and features are `extractors.hr.title_ranker`'s; labels use the evaluation's
equality rule. The job title is the resume's first "Designation" label, and TRAIN labels
every role mention as one, so the scorer is fitted on candidates that match *any* of the
resume's `designations` and the title is the earliest candidate over the threshold
(`Decide.FIRST`); whether that pick equals the job title is what is scored. Cross-validation,
threshold and calibration are `training.ranking`'s; the report compares the rule's pick
with the ranker's, out of fold.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from evaluation.scoring import scalar_match, truth_values
from extractors.hr import extract_hr, title_ranker
from extractors.hr.lines import document_lines
from extractors.hr.resume import resume_candidates
from training.docs import filer_group, labelled_docs
from training.ranking import Decide, DocCands, ranker_main

# Binned rather than Platt or isotonic: with ~120 reported picks the isotonic steps follow
# fold noise, and since stop 25's colon fix Platt's curve misses the picks' accuracy too.
# Out-of-fold ECE, mean over six fold assignments (`training.ranking.repeated_cv`): binning
# 0.060, Platt 0.076, isotonic 0.096 (binning lower than Platt on 5 of the 6)
CALIBRATION = "binning"

SOURCE = "resumes_dotin"
FIELD = "job_title"
MENTIONS = "designations"  # every Designation label's value, in document order


def collect(root: Path, read_missing: bool) -> tuple[list[DocCands], str]:
    out = []
    h = hashlib.sha256()
    for d in labelled_docs(root, [SOURCE], read_missing=read_missing):
        h.update(d.doc.sha256.encode())
        values = truth_values(d.truth)
        truth = values.get(FIELD)
        mentions = [m for m in values.get(MENTIONS) or [] if isinstance(m, str)]
        lines = document_lines(d.doc)
        rule = next((c for c in resume_candidates(lines) if c.field == FIELD), None)
        rule_field = extract_hr(d.doc, "resume", rank_title=False).get(FIELD)
        cands = title_ranker.candidates(lines, rule)
        out.append(DocCands(
            SOURCE, filer_group(d.corpus), truth,
            title_ranker.feature_rows(cands),
            [int(truth is not None and scalar_match(FIELD, truth, c.text)) for c in cands],
            rule_field.normalized if rule_field else None,
            fit_labels=[int(any(scalar_match(FIELD, m, c.text) for m in mentions))
                        for c in cands],
            order=[title_ranker.position(c) for c in cands]))
    return out, h.hexdigest()


def main(argv: list[str] | None = None) -> int:
    return ranker_main(argv, __doc__.splitlines()[0], collect, FIELD,
                       source=SOURCE, bounds=(title_ranker.CONF_FLOOR, title_ranker.CONF_CEIL),
                       path=title_ranker.MODEL_PATH, prefix="title",
                       trained_on=f"../shared/train source {SOURCE}",
                       rebuild="python -m training.resume_titles", min_gain=None, calibrate=CALIBRATION,
                       decide=Decide.FIRST)


if __name__ == "__main__":
    raise SystemExit(main())
