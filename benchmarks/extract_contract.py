"""Measure contract field extraction and clause tagging on the evaluation corpus.

    .venv/bin/python -m benchmarks.extract_contract [--corpus ../shared/corpus] [--clauses]

Kleister-NDA: mean F1 over parties, governing_law, effective_date, term. CUAD: per-field
F1 over parties, agreement_date, effective_date, expiration_date, governing_law,
renewal_term, notice_period; with --clauses, how often the clause holding CUAD's labelled
text carries the right tag. Scoring is `evaluation.scoring`'s own (the harness's
yardstick, imported, not copied): parties match leniently one-to-one, other values exactly
after case/whitespace folding, calibration is its 10-bin ECE. Documents are read with `ingest.read_file` (cached under $CONTRACT_BENCH_CACHE).
"""

from __future__ import annotations

import argparse
import ast
import glob
import hashlib
import json
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from evaluation.scoring import (  # noqa: E402
    calibration,
    is_unscorable,
    labelled_fields,
    prf,
    score_document,
)
from extractors.contract import extract_contract  # noqa: E402
from ingest.types import IngestedDocument  # noqa: E402

_CACHE = os.environ.get("CONTRACT_BENCH_CACHE", "/tmp/extract_contract_cache")


def read_pdf(path: str) -> IngestedDocument:
    """`ingest.read_file` (word boxes, OCR), cached per file so reruns only time extraction."""
    import pickle

    from ingest import read_file

    st = os.stat(path)
    key = hashlib.sha1(f"{os.path.abspath(path)}:{st.st_size}:{st.st_mtime}".encode()).hexdigest()
    cpath = os.path.join(_CACHE, key + ".pkl")
    if os.path.exists(cpath):
        with open(cpath, "rb") as fh:
            return pickle.load(fh)
    doc = read_file(path)
    os.makedirs(_CACHE, exist_ok=True)
    with open(cpath, "wb") as fh:
        pickle.dump(doc, fh)
    return doc


def _result(got: dict) -> dict:
    """The extraction in the shape the harness scores (`process` output's `fields`)."""
    return {"fields": {k: {"value": f.value, "normalized": f.normalized,
                           "confidence": f.confidence} for k, f in got.items()}}


def _reliability(pairs: list[tuple[float, bool]], label: str) -> float | None:
    """The harness's 10-bin reliability table and ECE, printed."""
    cal = calibration(pairs)
    if not cal["count"]:
        return None
    print(f"  calibration {label} (harness: 10 bins; bin: accuracy, mean conf, n):")
    for b in cal["bins"]:
        if b["count"]:
            print(f"    [{b['bin']}): acc {b['accuracy']:.2f}  mean conf "
                  f"{b['mean_confidence']:.2f}  n={b['count']}")
    print(f"    ECE = {cal['ece']:.3f}  (n={cal['count']})")
    return float(cal["ece"])


def run_source(corpus: str, source: str, fields: list[str], verbose: bool,
               clauses: bool) -> dict[str, float]:
    """Per-field F1 exactly as `evaluation` scores it (truth fallback, unscorable
    truths, lenient one-to-one party matching, micro-averaged counts)."""
    paths = [p for p in sorted(glob.glob(os.path.join(corpus, source, "*.pdf")))
             if os.path.exists(p[: -len(".pdf")] + ".truth.json")]
    truths = [json.load(open(p[: -len(".pdf")] + ".truth.json")) for p in paths]
    labelled = labelled_fields(truths)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    pairs_bench: list[tuple[float, bool]] = []
    pairs_all: list[tuple[float, bool]] = []
    clause_hits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    times = []
    located = [0, 0]
    for pdf, truth in zip(paths, truths, strict=True):
        doc = read_pdf(pdf)
        t0 = time.perf_counter()
        got = extract_contract(doc)
        times.append(time.perf_counter() - t0)
        for s in score_document(truth, _result(got), labelled):
            if is_unscorable(s):
                continue
            c = counts[s.field]
            c[0] += s.tp
            c[1] += s.fp
            c[2] += s.fn
            if s.predicted is not None and s.confidence is not None and s.correct is not None:
                pairs_all.append((s.confidence, bool(s.correct)))
                if s.field in fields:
                    pairs_bench.append((s.confidence, bool(s.correct)))
            pf = got.get(s.field)
            if pf is not None and s.field in fields and pf.page is not None \
                    and 1 <= pf.page <= len(doc.pages):
                located[1] += 1
                pg = doc.pages[pf.page - 1]
                b = pf.bbox
                located[0] += bool(b and 0 <= b[0] <= b[2] <= pg.width + 1
                                   and 0 <= b[1] <= b[3] <= pg.height + 1)
            if verbose and s.field in fields and (s.fp or s.fn):
                print(f"  {os.path.basename(pdf)[:40]:40s} {s.field:16s} "
                      f"pred={s.predicted!r:.90} truth={s.truth!r:.90} "
                      f"conf={s.confidence}")
        if clauses and "contexts" in truth.get("source_fields", {}):
            _score_clauses(doc, truth["source_fields"]["contexts"], clause_hits)
    res = {fld: prf(*counts[fld])[2] for fld in fields}
    print(f"\n== {source}: {len(times)} docs, extract mean "
          f"{1000 * sum(times) / max(1, len(times)):.0f} ms/doc")
    for fld in fields:
        tp, fp, fn = counts[fld]
        print(f"  {fld:16s} F1={res[fld]:.3f}  tp={tp} fp={fp} fn={fn}")
    print(f"  mean F1 = {sum(res.values()) / len(res):.3f}")
    _reliability(pairs_bench, "(fields above)")
    _reliability(pairs_all, f"(all labelled: {', '.join(sorted(labelled))})")
    if located[1]:
        print(f"  page/bbox: {located[0]}/{located[1]} fields with a page carry a bbox inside it")
    if clause_hits:
        tot = [0, 0]
        print("  clause tagging: recall = labelled text's clause carries the tag; precision = "
              "tagged clauses holding labelled text of that type")
        for k, (ok, n, tp, npred) in sorted(clause_hits.items(), key=lambda kv: -kv[1][1]):
            tot[0] += ok
            tot[1] += n
            prec = f"{tp / npred:.2f}" if npred else "  - "
            print(f"    {k:36s} recall {ok:3d}/{n:<3d} precision {prec} ({tp}/{npred})")
        ptp = sum(v[2] for v in clause_hits.values())
        pn = sum(v[3] for v in clause_hits.values())
        print(f"    overall recall {tot[0] / max(1, tot[1]):.3f}  precision {ptp / max(1, pn):.3f}")
    return res


_CUAD_META = {"document_name", "parties", "agreement_date", "effective_date", "expiration_date"}


def _score_clauses(doc: IngestedDocument, contexts: dict[str, str],
                   hits: dict[str, list[int]]) -> None:
    from extractors.clauses import CLAUSE_TYPES, tag_clauses

    tagged = tag_clauses(doc)
    flat_clauses = [(re.sub(r"\s+", " ", c.text), c.labels) for c in tagged]
    probes: dict[str, list[str]] = {}
    for cat, raw in contexts.items():
        key = re.sub(r"[^a-z0-9]+", "_", cat.lower()).strip("_")
        if key in _CUAD_META or key not in CLAUSE_TYPES:
            continue
        try:
            texts = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            continue
        probes[key] = [p for p in (re.sub(r"\s+", " ", t).strip()[:80] for t in texts)
                       if len(p) >= 20]
        for probe in probes[key]:
            holder = next((lab for txt, lab in flat_clauses if probe in txt), None)
            if holder is None:
                continue
            hits[key][1] += 1
            hits[key][0] += key in holder
    # precision: a tagged clause is right when it holds labelled text of that type (CUAD
    # labels every clause of a category it asks about, so the others count as wrong)
    for txt, labels in flat_clauses:
        for key in labels:
            if key in _CUAD_META or key not in CLAUSE_TYPES:
                continue
            hits[key][3] += 1
            hits[key][2] += any(p in txt for p in probes.get(key, []))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[1].parent / "shared" / "corpus"))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--clauses", action="store_true")
    ap.add_argument("--source", choices=["kleister_nda", "cuad", "both"], default="both")
    args = ap.parse_args(argv)
    if args.source in ("kleister_nda", "both"):
        run_source(args.corpus, "kleister_nda", ["parties", "governing_law", "effective_date", "term"],
                   args.verbose, False)
    if args.source in ("cuad", "both"):
        run_source(args.corpus, "cuad", ["parties", "agreement_date", "effective_date",
                                         "expiration_date", "governing_law", "renewal_term",
                                         "notice_period"], args.verbose, args.clauses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
