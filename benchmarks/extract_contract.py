"""Measure contract field extraction and clause tagging on the evaluation corpus.

    .venv/bin/python -m benchmarks.extract_contract [--corpus /work/shared/corpus] [--clauses]

Kleister-NDA: mean F1 over parties, governing_law, effective_date, term. CUAD: per-field
F1 over parties, agreement_date, effective_date, expiration_date, governing_law,
renewal_term, notice_period; with --clauses, how often the clause holding CUAD's labelled
text carries the right tag. Parties match leniently (rapidfuzz token_set_ratio >= 90 per
name, as sets). Documents are read with `ingest.read_file` (cached under $CONTRACT_BENCH_CACHE).
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

from rapidfuzz import fuzz

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

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


def _norm(v: object) -> str:
    return re.sub(r"\s+", " ", str(v)).strip().lower()


def _party_clean(s: str) -> str:
    s = re.sub(r"\(.*?\)|[\"“”]", " ", s)
    return _norm(s)


def party_f1(pred: list[str], truth: list[str]) -> tuple[int, int, int]:
    """(true positives, predicted, expected) with lenient one-to-one name matching."""
    truth_c = [_party_clean(t) for t in truth if len(_party_clean(t)) > 1]
    truth_c = [t for t in truth_c if len(t) < 80]  # drop CUAD's defined-terms sentences
    used: set[int] = set()
    tp = 0
    for p in pred:
        pc = _party_clean(p)
        for i, t in enumerate(truth_c):
            if i not in used and fuzz.token_set_ratio(pc, t) >= 90:
                used.add(i)
                tp += 1
                break
    return tp, len(pred), len(truth_c)


def value_match(field: str, pred: object, truth: object) -> bool:
    if pred is None:
        return False
    p, t = _norm(pred), _norm(truth)
    if field == "governing_law":
        words = set(re.findall(r"\w+", p)) - {"and", "of", "the"}
        return (p == t or p in t or fuzz.token_set_ratio(p, t) >= 90
                or bool(words) and words <= set(re.findall(r"\w+", t)))
    return p == t


def f1(tp: float, npred: float, ntrue: float) -> float:
    if npred == 0 and ntrue == 0:
        return 1.0
    prec = tp / npred if npred else 0.0
    rec = tp / ntrue if ntrue else 0.0
    return 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def run_source(corpus: str, source: str, fields: list[str], verbose: bool,
               clauses: bool) -> dict[str, float]:
    stats: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    calib: list[tuple[float, bool]] = []
    clause_hits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    times = []
    located = [0, 0]
    for pdf in sorted(glob.glob(os.path.join(corpus, source, "*.pdf"))):
        truth_path = pdf[: -len(".pdf")] + ".truth.json"
        if not os.path.exists(truth_path):
            continue
        truth = json.load(open(truth_path))
        doc = read_pdf(pdf)
        t0 = time.perf_counter()
        got = extract_contract(doc)
        times.append(time.perf_counter() - t0)
        for fld in fields:
            tv = truth["normalized"].get(fld)
            raw_t = truth["fields"].get(fld)
            pf = got.get(fld)
            pv = pf.normalized if pf else None
            st = stats[fld]
            if fld == "parties":
                if raw_t is None:
                    continue
                tp, npred, ntrue = party_f1(pv or [], tv or raw_t)
                st[0] += tp
                st[1] += npred
                st[2] += ntrue
                ok = tp == npred == ntrue
            else:
                if raw_t is not None and tv is None:
                    continue  # unnormalisable truth (redacted, "perpetual"): not scored
                ok = value_match(fld, pv, tv) if tv is not None else False
                st[0] += ok
                st[1] += pv is not None
                st[2] += tv is not None
            if pf is not None:
                calib.append((pf.confidence, ok))
                if pf.page is not None and 1 <= pf.page <= len(doc.pages):
                    located[1] += 1
                    pg = doc.pages[pf.page - 1]
                    b = pf.bbox
                    located[0] += bool(b and 0 <= b[0] <= b[2] <= pg.width + 1
                                       and 0 <= b[1] <= b[3] <= pg.height + 1)
            if verbose and not ok and (pv is not None or tv is not None):
                print(f"  {os.path.basename(pdf)[:40]:40s} {fld:16s} pred={pv!r:.80} truth={tv!r:.80}")
        if clauses and "contexts" in truth.get("source_fields", {}):
            _score_clauses(doc, truth["source_fields"]["contexts"], clause_hits)
    res = {fld: f1(*stats[fld]) for fld in fields}
    print(f"\n== {source}: {len(times)} docs, extract mean {1000 * sum(times) / max(1, len(times)):.0f} ms")
    for fld in fields:
        tp, npred, ntrue = stats[fld]
        print(f"  {fld:16s} F1={res[fld]:.3f}  tp={tp:.0f} pred={npred:.0f} true={ntrue:.0f}")
    print(f"  mean F1 = {sum(res.values()) / len(res):.3f}")
    if calib:
        print("  calibration (reported confidence bin: accuracy, n):")
        edges = [0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01]
        ece = 0.0
        for lo, hi in zip(edges, edges[1:], strict=False):
            sel = [(c, ok) for c, ok in calib if lo <= c < hi]
            if sel:
                acc = sum(ok for _, ok in sel) / len(sel)
                mean_c = sum(c for c, _ in sel) / len(sel)
                ece += len(sel) / len(calib) * abs(acc - mean_c)
                print(f"    [{lo:.2f},{min(hi, 1):.2f}): acc {acc:.2f}  mean conf {mean_c:.2f}  "
                      f"n={len(sel)}")
        print(f"    ECE = {ece:.3f}")
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
    ap.add_argument("--corpus", default="/work/shared/corpus")
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
