"""Fit the contract field ranker on TRAIN contracts, with filer-grouped cross-validation.

    python -m training.contract_fields            # CV report + rewrite the shipped model
    python -m training.contract_fields --cv-only  # report only

For every ranked field (`extractors.contract.ranker.RANKED_FIELDS`) each TRAIN contract's
candidate values are described by `ranker.features_all` and labelled by the evaluation's own
equality rule against the truth file. One gradient-boosting classifier per field scores
candidates; out-of-fold scores (GroupKFold over filers, so no filer is in two folds) choose
the field's reporting threshold (best F1) and fit the map from score to probability:
isotonic, Platt or a few equal-count steps (`binning`), whichever is better calibrated on
folds it was not fitted on (a field most contracts lack reports too few values for
isotonic steps to hold). Those folds are grouped by filer and stratified by whether the
top candidate is right, five shufflings pooled (`training.ranking.calibration_folds`): on
a field reporting 70 values the scorer's own folds measured mostly their luck. The report compares, per source and field, the rule's pick with the ranker's
out-of-fold pick, and gives the calibration of the out-of-fold confidences. A field whose
pooled out-of-fold F1 is not better with the ranker keeps the rule's pick (it is left out
of the shipped bundle); so does one that gains less than `MIN_GAIN`.

The term is labelled by Kleister's NDAs only; a CUAD contract whose labelled expiration
date is its labelled effective date plus one of its durations (or the day before) adds that
duration as a term to the rows the term scorer is fitted on (`derived_term_labels`; such
contracts are never scored, so the term's CV figures stay Kleister's).

An end date computed from a duration is described by the term model's score of that
duration (`ranker.term_scores`): at run time the shipped term model's, in training a term
scorer's fitted without the contract's filer (`out_of_fold_term_scores`), so one run
rebuilds both models and the expiration model learns from scores like those it will see.

The fields of `CONTEXT_FIELDS` are ranked with one more feature, the stacked score of the
words around each candidate's mentions (`training.context_words`, computed out of inner
filer-grouped folds for the rows a scorer is fitted on). Out-of-fold F1 without -> with it,
nested F1 in brackets, on three fold assignments (`training.ranking.regrouped` seeds 0-2;
measured before shipping with scikit-learn's murmur hashing of the same tokens, where the
shipped code hashes with CRC-32):
cuad expiration 71.2/70.9/71.4 -> 75.8/76.1/74.8 (68.7/70.9/70.3 -> 74.0/75.2/73.2), cuad
effective 78.1/79.0/77.5 -> 79.3/81.0/79.0, kleister effective 86.7/87.2/87.9 ->
87.7/87.5/87.3, agreement 87.1/87.4/85.7 -> 87.9/87.6/87.3, renewal 81.1/80.7/81.1 ->
83.0/83.3/81.6 (enough over the rule's 80.0 for the ranker to replace it); notice
77.1/73.2/75.4 -> 75.6/76.3/75.4; the term (one assignment, with the CUAD-derived terms
dealt into the inner folds) 78.9 -> 78.9, nested 75.3 -> 78.9, but its out-of-fold ECE
0.037 -> 0.098.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from evaluation.scoring import UNSCORABLE, labelled_fields, scalar_match
from evaluation.scoring import truth_values as corpus_truth_values
from extractors.contract import extract_contract_raw, ranker, term_ends
from extractors.contract.fields import Hit
from modelfile import save_checked
from training.docs import TRAIN_DIR, filer_group, labelled_docs, seed_from_data_dir
from training.ranking import (
    ALL_CALIBRATORS,
    CAL_REPEATS,
    N_FOLDS,
    DocCands,
    best_threshold,
    counts,
    cross_validate,
    decision_params,
    f1,
    fit_final,
    fit_scorer,
    fmt,
    model_version,
)

SOURCES = ("cuad", "kleister_nda")
# the ranker replaces the rule for a field only when it gains at least this much F1 out of
# fold: a tie on TRAIN is no reason to trade known rule behaviour for a model's. Two points:
# one point is about three cuad documents, within what a change of folds moves (renewal_term
# gained 1.1 with the ranker that then read "any one-year renewal period" in a pricing
# sentence as the renewal term, a case the rule gets right by construction)
MIN_GAIN = 0.02
# fields whose ranker is fitted with the stacked context-word score
# (`training.context_words`): those whose out-of-fold F1 and nested F1 it raised on the
# mean of three fold assignments (see the module docstring). Left out: the term (F1 the
# same, ECE 0.037 -> 0.098), governing law (-0.6; it keeps its rule) and the notice period
# (+0.5 on the mean of three, -1.6 on the shipped assignment)
CONTEXT_FIELDS = ("agreement_date", "effective_date", "expiration_date", "renewal_term")
# fields reported over one threshold for confidentiality agreements and another for the
# rest (`ranker.FieldRanker.kind_thresholds`): how often a contract's effective date is
# labelled at all differs by kind (an NDA dated in its heading usually is, a commercial
# contract's preamble date often is not), so one pooled threshold suits neither. Nested F1
# over six fold assignments (`python -m training.contract_errors --fields effective_date
# --repeats 6`): one threshold 0.813, one per kind 0.818. The other fields gain nothing
# (agreement, expiration and notice come from one source, term from the other)
KIND_THRESHOLD_FIELDS = ("effective_date",)
# the labelled dates a term is derived from where the source labels no term
EFFECTIVE, EXPIRATION = "effective_date", "expiration_date"


def doc_kind(d: DocCands) -> str:
    """The contract's kind (`ranker.contract_kind`): whether it is a confidentiality
    agreement (`DocContext.nda`, a feature of each of its candidate rows)."""
    return ranker.contract_kind(bool(d.rows and d.rows[0].get("nda", 0.0)))


def kind_thresholds(docs: list[DocCands]) -> dict[str, float]:
    """The best-F1 threshold on out-of-fold scores for each contract kind; a kind without
    documents takes the pooled one."""
    return {kind: best_threshold([d for d in docs if doc_kind(d) == kind] or docs)
            for kind in (ranker.contract_kind(False), ranker.contract_kind(True))}


@dataclass(slots=True)
class _Reading:
    """What `collect` keeps of one TRAIN contract between its two passes."""

    source: str
    group: str
    truth: dict[str, Any]  # field -> comparable truth value (or UNSCORABLE)
    candidates: dict[str, list[Hit]]
    context: ranker.DocContext
    rule: dict[str, Any]  # field -> the rule's normalized value


@dataclass(slots=True)
class Collected:
    """Candidate rows per field, the rows only fitted on (`extra`, never scored) and the
    training set's sha256."""

    docs: dict[str, list[DocCands]]
    extra: dict[str, list[DocCands]]
    train_sha256: str


def derived_term_labels(cands: list[ranker.Candidate], truth: dict[str, Any]) -> list[int] | None:
    """Term labels of a contract whose source labels no term but labels its effective and
    expiration dates (CUAD): a duration is the term when the labelled end is the labelled
    start plus that duration (or the day before, `term_ends`). None when no candidate
    gives the labelled end: the term is then unknown, not absent (a term written in words
    no finder reads, an end tied to an event), so the contract teaches nothing."""
    start, end = truth.get(EFFECTIVE), truth.get(EXPIRATION)
    if not isinstance(start, str) or not isinstance(end, str):
        return None
    labels = [int(end in term_ends(start, c.key)) for c in cands]
    return labels if any(labels) else None


def out_of_fold_term_scores(readings: list[_Reading], term_docs: dict[int, list[int]]) -> None:
    """Set every reading's `term_scores` (how much each duration is the agreement's term,
    `ranker.term_scores`) from a term scorer fitted without the reading's filer: the end
    dates computed from a duration are described by that score, and a score the scorer
    gives a contract it was fitted on would promise more than the shipped term model
    gives a new one. `term_docs`: reading index -> term labels, for the readings the term
    scorer is fitted on."""
    from sklearn.model_selection import GroupKFold

    cands = [ranker.group("term", r.candidates.get("term", [])) for r in readings]
    rows = [ranker.features_all(c, r.context) for c, r in zip(cands, readings, strict=True)]
    folds = GroupKFold(n_splits=N_FOLDS).split(np.arange(len(readings)),
                                               groups=[r.group for r in readings])
    for tr, te in folds:
        fit = [i for i in tr if i in term_docs]
        vec, clf = fit_scorer([x for i in fit for x in rows[i]],
                              [y for i in fit for y in term_docs[i]])
        for i in te:
            scores: dict[tuple[int, int], float] = {}
            probs = clf.predict_proba(vec.transform(rows[i]))[:, 1] if rows[i] else []
            for c, p in zip(cands[i], probs, strict=True):
                for h in c.hits:
                    scores[(h.start, h.end)] = max(float(p), scores.get((h.start, h.end), 0.0))
            readings[i].context.term_scores = scores


def collect(root: Path, read_missing: bool = True) -> Collected:
    """Candidate rows per field for every TRAIN contract (`Collected`).

    The term is labelled by Kleister's NDAs only; CUAD contracts whose labelled end is
    their labelled start plus one of their durations add that duration as a term
    (`derived_term_labels`) to the rows the term scorer is fitted on, never scored."""
    docs = list(labelled_docs(root, list(SOURCES), read_missing=read_missing))
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in docs:
        by_source[d.corpus.source].append(d.truth)
    labelled = {s: labelled_fields(ts) for s, ts in by_source.items()}
    h = hashlib.sha256()
    readings: list[_Reading] = []
    for i, d in enumerate(docs, 1):
        h.update(d.doc.sha256.encode())
        h.update(json.dumps(d.truth.get("normalized"), sort_keys=True, default=str).encode())
        raw = extract_contract_raw(d.doc, d.subtype)
        readings.append(_Reading(d.corpus.source, filer_group(d.corpus),
                                 corpus_truth_values(d.truth), raw.candidates, raw.context,
                                 {k: f.normalized for k, f in raw.fields.items()}))
        if i % 50 == 0:
            print(f"  {i}/{len(docs)} documents", file=sys.stderr)
    data: dict[str, list[DocCands]] = defaultdict(list)
    extra: dict[str, list[DocCands]] = defaultdict(list)
    term_labels: dict[int, list[int]] = {}
    for i, r in enumerate(readings):
        cands = ranker.group("term", r.candidates.get("term", []))
        if "term" in labelled[r.source]:
            truth = r.truth.get("term")
            if truth is not UNSCORABLE:
                term_labels[i] = _labels("term", truth, cands)
        elif (got := derived_term_labels(cands, r.truth)) is not None:
            term_labels[i] = got
            extra["term"].append(DocCands(
                r.source, r.group, None, ranker.features_all(cands, r.context), got, None,
                tokens=[ranker.context_tokens(c, r.context.flat) for c in cands]
                if "term" in CONTEXT_FIELDS else None))
    out_of_fold_term_scores(readings, term_labels)
    for r in readings:
        for name in ranker.RANKED_FIELDS:
            if name not in labelled[r.source]:
                continue
            truth = r.truth.get(name)
            if truth is UNSCORABLE:
                continue
            cands = ranker.group(name, r.candidates.get(name, []))
            tokens = [ranker.context_tokens(c, r.context.flat) for c in cands] \
                if name in CONTEXT_FIELDS else None
            data[name].append(DocCands(r.source, r.group, truth,
                                       ranker.features_all(cands, r.context),
                                       _labels(name, truth, cands), r.rule.get(name),
                                       tokens=tokens))
    return Collected(data, extra, h.hexdigest())


def _labels(name: str, truth: Any, cands: list[ranker.Candidate]) -> list[int]:
    """Which candidates match the truth, by the evaluation's own equality rule."""
    return [int(truth is not None and scalar_match(name, truth, c.first.normalized))
            for c in cands]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", type=Path, default=TRAIN_DIR)
    ap.add_argument("--cv-only", action="store_true")
    ap.add_argument("--report", type=Path, help="write the CV report as JSON here")
    ap.add_argument("--fields", nargs="+", choices=ranker.RANKED_FIELDS,
                    help="cross-validate only these fields (implies --cv-only)")
    ap.add_argument("--cached-only", action="store_true",
                    help="use only documents already in the ingest cache (no reading)")
    ap.add_argument("--from-data-dir", type=Path,
                    help="seed the ingest cache from an evaluation data dir first")
    args = ap.parse_args(argv)
    t0 = time.time()
    if args.from_data_dir:
        print(f"seeded {seed_from_data_dir(args.from_data_dir)} documents", file=sys.stderr)
    got = collect(args.train, read_missing=not args.cached_only)
    data, train_sha = got.docs, got.train_sha256
    print(f"collected candidates in {time.time() - t0:.0f}s", file=sys.stderr)
    report: dict[str, Any] = {"train_sha256": train_sha, "fields": {}}
    bundle_fields: dict[str, Any] = {}
    if args.fields:
        args.cv_only = True
    for name in args.fields or ranker.RANKED_FIELDS:
        docs = data.get(name, [])
        if len(docs) < 2 * N_FOLDS:
            continue
        extra = got.extra.get(name) or None
        cv = cross_validate(name, docs, (ranker.CONF_FLOOR, ranker.CONF_CEIL), extra=extra,
                            calibrators=ALL_CALIBRATORS, stratified_calibration=True)
        report["fields"][name] = cv
        cal = cv["calibration"]
        eces = ", ".join(f"{k} {v:.3f}" for k, v in cv["ece_by_calibrator"].items()
                         if v is not None)
        print(f"{name:16s} t={cv['threshold']:.3f} ECE {cal.get('ece', float('nan')):.3f} "
              f"({cv['calibrator']}; {eces}; {cal['count'] // CAL_REPEATS} reported)")
        for src, st in cv["per_source"].items():
            print(f"   {src:13s} n={st['n']:4d} rule {fmt(st['rule'])} | ranker "
                  f"{fmt(st['ranker'])} | ceiling {st['recall_ceiling']:.3f} | nested F1 "
                  f"{f1(*st['nested']):.3f}")
        pooled = {k: tuple(map(sum, zip(*(st[k] for st in cv["per_source"].values()),
                                        strict=True))) for k in ("rule", "ranker")}
        cv["use_ranker"] = f1(*pooled["ranker"]) >= f1(*pooled["rule"]) + MIN_GAIN
        if name in KIND_THRESHOLD_FIELDS:
            ts = cv["kind_thresholds"] = kind_thresholds(docs)
            by_src = {src: tuple(map(sum, zip(*(
                counts([d], ts[doc_kind(d)]) for d in docs
                if d.source == src), strict=True))) for src in cv["per_source"]}
            print(f"   threshold per kind {ts}: F1 " + ", ".join(
                f"{src} {f1(*c):.3f}" for src, c in by_src.items()))
        print(f"   pooled: rule F1 {f1(*pooled['rule']):.3f} ranker F1 "
              f"{f1(*pooled['ranker']):.3f} -> {'ranker' if cv['use_ranker'] else 'rule'}")
        if not args.cv_only and cv["use_ranker"]:
            # a field where the ranker does not beat the rule out of fold keeps the rule
            bundle_fields[name] = fit_final(docs, cv["threshold"], extra=extra,
                                            calibrator=cv["calibrator"])
            if name in KIND_THRESHOLD_FIELDS:
                bundle_fields[name]["kind_thresholds"] = cv["kind_thresholds"]
    if args.report:
        args.report.write_text(json.dumps(report, indent=1, default=str))
    if not args.cv_only:
        version = model_version("ranker", train_sha, *(
            part for k in sorted(bundle_fields)
            for part in (bundle_fields[k]["rows_sha256"], decision_params(bundle_fields[k]))))
        meta = save_checked(
            {"version": version, "fields": bundle_fields}, ranker.MODEL_PATH,
            {"trained_on": "../shared/train sources " + ", ".join(SOURCES),
             "train_sha256": train_sha, "n_docs": {k: len(v) for k, v in data.items()},
             "rebuild": "python -m training.contract_fields",
             "cv": {k: {"threshold": v["threshold"], "use_ranker": v["use_ranker"],
                        "kind_thresholds": v.get("kind_thresholds"),
                        "ece": v["calibration"].get("ece"), "calibrator": v["calibrator"]}
                    for k, v in report["fields"].items()}})
        print(f"wrote {ranker.MODEL_PATH} ({meta['version']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
