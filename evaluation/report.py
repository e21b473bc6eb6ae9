"""Aggregating per-document scores into `report.json` and a readable `report.md`.

The JSON is the machine-readable record (later runs are compared against it); the
Markdown is what a person reads, so it carries the same numbers in tables.
"""

from __future__ import annotations

import json
import mimetypes
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evaluation.corpus import CorpusDoc
from evaluation.line_items import score_results
from evaluation.scoring import (
    SCORING_VERSION,
    FieldScore,
    calibration,
    is_unscorable,
    labelled_fields,
    prf,
    score_document,
)
from extractors.recalibration import kind_for

# The field names of CONTRACT.md: "contract" aggregates count only these, so that extra
# labels a source carries (resume skills, ...) do not hide progress on the contract.
CONTRACT_FIELDS = frozenset({
    "vendor_name", "vendor_address", "vendor_tax_id", "customer_name", "invoice_number",
    "invoice_date", "due_date", "po_number", "currency", "subtotal", "tax_amount",
    "total_amount", "iban", "payment_terms", "line_items",
    "title", "parties", "agreement_date", "effective_date", "expiration_date", "term",
    "renewal_term", "notice_period", "governing_law", "contract_value", "signed",
    "employee_name", "employee_id", "employer_name", "job_title", "department",
    "manager_name", "start_date", "end_date", "salary", "pay_rate", "pay_period_start",
    "pay_period_end", "hours_worked", "gross_pay", "net_pay", "ssn", "email", "phone",
})
STAGES = ("read", "ocr", "classify", "extract", "policies", "store")


def _counts(scores: Sequence[FieldScore]) -> dict[str, Any]:
    p: float | None
    r: float | None
    f: float | None
    tp = sum(s.tp for s in scores)
    fp = sum(s.fp for s in scores)
    fn = sum(s.fn for s in scores)
    p, r, f = prf(tp, fp, fn)
    if tp + fp + fn == 0:  # nothing to score: undefined, not zero
        p = r = f = None
    return {
        "tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f,
        "support": sum(1 for s in scores if s.truth is not None and not is_unscorable(s)),
        "predicted": sum(1 for s in scores if s.predicted is not None),
        "correct": sum(1 for s in scores if s.correct),
        "skipped": sum(1 for s in scores if is_unscorable(s)),
    }


def _type_stats(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    ok = sum(1 for r in rows if r["doc_type"] == r["truth_doc_type"])
    sub = [r for r in rows if r["truth_subtype"]]
    sub_ok = sum(1 for r in sub if r["subtype"] == r["truth_subtype"])
    return {
        "n": n,
        "doc_type_correct": ok,
        "doc_type_accuracy": ok / n if n else None,
        "subtype_n": len(sub),
        "subtype_correct": sub_ok,
        "subtype_accuracy": sub_ok / len(sub) if sub else None,
    }


def build_report(
    docs: Sequence[CorpusDoc],
    results: Sequence[Mapping[str, Any]],
    wall_s: float,
    meta: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Score every (doc, result) pair (same order) and aggregate into the report dict."""
    if len(docs) != len(results):
        raise ValueError(f"{len(docs)} documents but {len(results)} results")
    by_source: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(docs):
        by_source[d.source].append(i)
    labelled = {src: labelled_fields(docs[i].truth for i in idx)
                for src, idx in by_source.items()}

    doc_rows: list[dict[str, Any]] = []
    all_scores: list[tuple[str, FieldScore]] = []
    for d, r in zip(docs, results, strict=True):
        failed = r.get("status") == "failed"
        scores = score_document(d.truth, r, labelled[d.source])
        all_scores.extend((d.source, s) for s in scores)
        doc_rows.append({
            "file": str(d.path),
            "source": d.source,
            "status": r.get("status"),
            "error": r.get("error"),
            "doc_type": "other" if failed else r.get("doc_type"),
            "truth_doc_type": d.truth.get("doc_type"),
            "subtype": None if failed else r.get("subtype"),
            "truth_subtype": d.truth.get("subtype"),
            "type_confidence": float(r.get("type_confidence") or 0.0),
            "pages": int(r.get("pages") or 0),
            "ocr_pages": int(r.get("ocr_pages") or 0),
            "timings_ms": dict(r.get("timings_ms") or {}),
            "fields": [_score_json(s) for s in scores],
            "result": {k: v for k, v in r.items() if k not in ("file", "violations")},
        })

    # --- fields
    per_source_fields: dict[str, Any] = {}
    for src in sorted(by_source):
        scores = [s for so, s in all_scores if so == src]
        names = sorted(labelled[src])
        per_source_fields[src] = {
            "labelled": names,
            "micro": _counts(scores),
            "micro_contract": _counts([s for s in scores if s.field in CONTRACT_FIELDS]),
            "fields": {n: _counts([s for s in scores if s.field == n]) for n in names},
        }
    flat = [s for _, s in all_scores]
    fields_section = {
        "overall": _counts(flat),
        "overall_contract": _counts([s for s in flat if s.field in CONTRACT_FIELDS]),
        "per_source": per_source_fields,
    }

    # --- types
    labels = sorted({r["truth_doc_type"] or "?" for r in doc_rows}
                    | {r["doc_type"] or "?" for r in doc_rows})
    matrix = {t: dict.fromkeys(labels, 0) for t in labels}
    for r in doc_rows:
        matrix[r["truth_doc_type"] or "?"][r["doc_type"] or "?"] += 1
    types_section = {
        "overall": _type_stats(doc_rows),
        "per_source": {src: _type_stats([doc_rows[i] for i in idx])
                       for src, idx in sorted(by_source.items())},
        "confusion": {"labels": labels, "matrix": matrix},
    }

    # --- calibration
    field_pairs = [(s.confidence, bool(s.correct)) for s in flat
                   if s.predicted is not None and s.confidence is not None
                   and s.correct is not None]
    type_pairs = [(r["type_confidence"], r["doc_type"] == r["truth_doc_type"])
                  for r in doc_rows]
    calib = {"fields": calibration(field_pairs), "types": calibration(type_pairs),
             **_calibration_tables(doc_rows)}

    # --- throughput
    pages = sum(r["pages"] for r in doc_rows)
    stage_sum: Counter[str] = Counter()
    stage_n: Counter[str] = Counter()
    for r in doc_rows:
        for k, v in r["timings_ms"].items():
            if isinstance(v, int | float):
                stage_sum[k] += float(v)
                stage_n[k] += 1
    order = [s for s in STAGES if s in stage_sum] + sorted(set(stage_sum) - set(STAGES))
    throughput = {
        "docs": len(doc_rows),
        "pages": pages,
        "ocr_pages": sum(r["ocr_pages"] for r in doc_rows),
        "wall_s": wall_s,
        "docs_per_s": len(doc_rows) / wall_s if wall_s > 0 else None,
        "pages_per_s": pages / wall_s if wall_s > 0 else None,
        "mean_timings_ms": {k: stage_sum[k] / stage_n[k] for k in order},
        "status_counts": dict(Counter(str(r["status"]) for r in doc_rows)),
    }
    failures = [
        {"file": r["file"], "source": r["source"],
         "code": (r["error"] or {}).get("code", "unknown"),
         "message": (r["error"] or {}).get("message", "")}
        for r in doc_rows if r["status"] == "failed"
    ]
    # --- line items, item by item (`evaluation.line_items`), where the truth has them
    items_section: dict[str, Any] = {}
    for src, idx in sorted(by_source.items()):
        got = score_results((docs[i].truth, results[i]) for i in idx)
        if got is not None:
            items_section[src] = got.to_json()
    return {
        "meta": {"scoring_version": SCORING_VERSION, **(meta or {})},
        "fields": fields_section,
        "line_items": items_section,
        "types": types_section,
        "calibration": calib,
        "throughput": throughput,
        "failures": failures,
        "failure_codes": dict(Counter(f["code"] for f in failures)),
        "documents": doc_rows,
    }


def input_kind_of(row: Mapping[str, Any]) -> str:
    """A report row's input kind (`extractors.recalibration.kind_for`): its OCR'd pages
    and the media type its file name implies."""
    media = mimetypes.guess_type(str(row.get("file") or ""))[0] or ""
    return kind_for(int(row.get("ocr_pages") or 0), media)


def _calibration_tables(doc_rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Field reliability tables per source, per (source, field) and per input kind: one
    ECE over all fields hides a source or a field that claims far more than it is right.
    `per_source_listed` keeps only fields whose truth has a value: a source that labels
    each document's own subset of fields (invoice2data's templates) counts every other
    labelled field predicted there as wrong, whatever the page says."""
    groups: dict[str, dict[str, list[tuple[float, bool]]]] = {
        "per_source": defaultdict(list), "per_field": defaultdict(list),
        "per_input_kind": defaultdict(list), "per_source_listed": defaultdict(list)}
    for row in doc_rows:
        kind = input_kind_of(row)
        for f in row["fields"]:
            if f.get("predicted") is None or f.get("confidence") is None \
                    or f.get("correct") is None:
                continue
            pair = (float(f["confidence"]), bool(f["correct"]))
            groups["per_source"][row["source"]].append(pair)
            groups["per_field"][f"{row['source']}|{f['field']}"].append(pair)
            groups["per_input_kind"][kind].append(pair)
            if f.get("truth") is not None:
                groups["per_source_listed"][row["source"]].append(pair)
    return {name: {k: calibration(v) for k, v in sorted(g.items())}
            for name, g in groups.items()}


def _high_bin(cal: Mapping[str, Any]) -> tuple[int, float | None]:
    """The [0.9, 1] bin: how many fields claim it and what share of them is wrong."""
    top = cal["bins"][-1]
    return top["count"], None if top["accuracy"] is None else 1 - top["accuracy"]


def _calibration_markdown(cal: Mapping[str, Any]) -> list[str]:
    """Per-source, per-input-kind and per-field ECE, and the reliability bins per source."""
    out: list[str] = []
    header = ["ECE", "fields", "mean conf", "acc", "n >= 0.9", "wrong >= 0.9"]
    for title, key in (("source", "per_source"),
                       ("source, truth listed only", "per_source_listed"),
                       ("input kind", "per_input_kind"), ("source and field", "per_field")):
        tables = cal.get(key) or {}
        if not tables:
            continue
        rows = []
        for name, c in tables.items():
            n = c["count"]
            conf = sum((b["mean_confidence"] or 0) * b["count"] for b in c["bins"]) / n
            acc = sum((b["accuracy"] or 0) * b["count"] for b in c["bins"]) / n
            n_hi, wrong = _high_bin(c)
            rows.append([name, _num(c["ece"]), n, _num(conf), _num(acc), n_hi, _pct(wrong)])
        out += [f"Fields per {title}:", "", _table([title, *header], rows), ""]
    per_source = cal.get("per_source") or {}
    if per_source:
        names = list(per_source)
        rows = []
        for i, b in enumerate(cal["fields"]["bins"]):
            cells = []
            for src in names:
                sb = per_source[src]["bins"][i]
                cells.append("–" if not sb["count"] else
                             f"{sb['count']}: {_num(sb['mean_confidence'], 2)} / "
                             f"{_num(sb['accuracy'], 2)}")
            rows.append([b["bin"], *cells])
        out += ["Reliability per source (n: mean confidence / accuracy):", "",
                _table(["confidence", *names], rows), ""]
    return out


def results_from_report(report: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(file, pipeline result) pairs stored in a report, for re-scoring without re-running.

    Reports store each raw result; for older ones without it, the result is rebuilt
    from the per-field scores (enough, since only labelled fields are ever scored)."""
    out = []
    for row in report.get("documents", []):
        res = row.get("result")
        if res is None:
            res = {
                "status": row.get("status"), "error": row.get("error"),
                "doc_type": row.get("doc_type"), "subtype": row.get("subtype"),
                "type_confidence": row.get("type_confidence"), "pages": row.get("pages"),
                "ocr_pages": row.get("ocr_pages"), "timings_ms": row.get("timings_ms"),
                "fields": {f["field"]: {"normalized": f["predicted"],
                                        "confidence": f["confidence"]}
                           for f in row.get("fields", []) if f.get("predicted") is not None},
            }
        out.append((str(row["file"]), dict(res)))
    return out


def _score_json(s: FieldScore) -> dict[str, Any]:
    j = s.to_json()
    if is_unscorable(s):
        j["truth"] = "UNSCORABLE"
    return j


# ---------------------------------------------------------------------- markdown
def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def _num(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |",
             "| " + " | ".join("---" for _ in header) + " |"]
    for row in rows:
        lines.append("| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ")
                                       for c in row) + " |")
    return "\n".join(lines)


def render_markdown(report: Mapping[str, Any], max_failures: int = 40) -> str:
    """The human summary: per-source overview, per-field scores, types, calibration,
    throughput, failures. Percentages are 0-100."""
    meta = report.get("meta", {})
    fs, ts, th = report["fields"], report["types"], report["throughput"]
    out: list[str] = ["# Evaluation report", ""]
    bits = [f"{k}: {meta[k]}" for k in ("corpus", "started", "workers", "scoring_version")
            if k in meta]
    if bits:
        out += ["; ".join(bits), ""]

    out += ["## Summary per source", "",
            "Field scores are micro-averaged over labelled fields (P/R/F1 in %); "
            "*contract* counts only CONTRACT.md field names.", ""]
    rows = []
    for src, f in fs["per_source"].items():
        t = ts["per_source"][src]
        failed = sum(1 for x in report["failures"] if x["source"] == src)
        mc, ma = f["micro_contract"], f["micro"]
        rows.append([src, t["n"], failed, _pct(t["doc_type_accuracy"]),
                     _pct(t["subtype_accuracy"]), _pct(mc["precision"]), _pct(mc["recall"]),
                     _pct(mc["f1"]), _pct(ma["f1"])])
    o, oc, tov = fs["overall"], fs["overall_contract"], ts["overall"]
    rows.append(["**all**", tov["n"], len(report["failures"]), _pct(tov["doc_type_accuracy"]),
                 _pct(tov["subtype_accuracy"]), _pct(oc["precision"]), _pct(oc["recall"]),
                 _pct(oc["f1"]), _pct(o["f1"])])
    out += [_table(["source", "docs", "failed", "type acc", "subtype acc", "P (contract)",
                    "R (contract)", "F1 (contract)", "F1 (all labelled)"], rows), ""]

    out += ["## Fields per source", "",
            "support = documents with a truth value; skipped = truth not comparable "
            "(e.g. redacted date).", ""]
    rows = []
    for src, f in fs["per_source"].items():
        for name, c in f["fields"].items():
            rows.append([src, name + ("" if name in CONTRACT_FIELDS else " *"), c["support"],
                         c["predicted"], c["tp"], c["fp"], c["fn"], _pct(c["precision"]),
                         _pct(c["recall"]), _pct(c["f1"]), c["skipped"]])
    out += [_table(["source", "field", "support", "predicted", "TP", "FP", "FN", "P", "R",
                    "F1", "skipped"], rows),
            "", "\\* not a CONTRACT.md field name (extra label of the source).", ""]

    items = report.get("line_items") or {}
    if items:
        out += ["## Line items", "",
                "Item by item (`evaluation/line_items.py`): amount equal and description "
                "similar, matched one to one; column accuracy over matched items.", ""]
        rows = []
        for src, c in items.items():
            acc = c["column_accuracy"]
            rows.append([src, c["docs"], c["tp"], c["fp"], c["fn"], _pct(c["precision"]),
                         _pct(c["recall"]), _pct(c["f1"]), *(_pct(acc[k]) for k in
                         ("description", "quantity", "unit_price", "amount"))])
        out += [_table(["source", "docs", "TP", "FP", "FN", "P", "R", "F1", "description",
                        "quantity", "unit price", "amount"], rows), ""]

    out += ["## Document types", "", "Confusion matrix (rows: truth, columns: predicted).", ""]
    labels = ts["confusion"]["labels"]
    matrix = ts["confusion"]["matrix"]
    out += [_table(["truth \\ predicted", *labels],
                   [[t, *[matrix[t][p] for p in labels]] for t in labels]), ""]

    out += ["## Confidence calibration", ""]
    cal = report["calibration"]
    out += [f"ECE (10 bins): fields {_num(cal['fields']['ece'])} "
            f"over {cal['fields']['count']} predicted fields; types "
            f"{_num(cal['types']['ece'])} over {cal['types']['count']} documents.", ""]
    rows = []
    for bf, bt in zip(cal["fields"]["bins"], cal["types"]["bins"], strict=True):
        rows.append([bf["bin"], bf["count"], _num(bf["mean_confidence"]), _num(bf["accuracy"]),
                     bt["count"], _num(bt["mean_confidence"]), _num(bt["accuracy"])])
    out += [_table(["confidence", "fields n", "fields mean conf", "fields acc", "types n",
                    "types mean conf", "types acc"], rows), ""]
    out += _calibration_markdown(cal)

    out += ["## Throughput", ""]
    out += [_table(["docs", "pages", "OCR pages", "wall s", "docs/s", "pages/s"],
                   [[th["docs"], th["pages"], th["ocr_pages"], _num(th["wall_s"], 1),
                     _num(th["docs_per_s"], 2), _num(th["pages_per_s"], 2)]]), ""]
    if th["mean_timings_ms"]:
        out += ["Mean per-stage time per document (ms):", "",
                _table(list(th["mean_timings_ms"]),
                       [[_num(v, 1) for v in th["mean_timings_ms"].values()]]), ""]
    out += ["Status: " + ", ".join(f"{k} {v}" for k, v in sorted(th["status_counts"].items())),
            ""]

    fails = report["failures"]
    out += [f"## Failures ({len(fails)})", ""]
    if fails:
        codes = report.get("failure_codes", {})
        out += ["By code: " + ", ".join(f"{k} {v}" for k, v in sorted(codes.items())), ""]
        rows = [[Path(f["file"]).name, f["source"], f["code"], str(f["message"])[:120]]
                for f in fails[:max_failures]]
        out += [_table(["file", "source", "code", "message"], rows)]
        if len(fails) > max_failures:
            out += ["", f"... and {len(fails) - max_failures} more (see report.json)."]
    else:
        out += ["None."]
    return "\n".join(out) + "\n"


def write_report(report: Mapping[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write report.json and report.md into `out_dir` (created); returns both paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jp, mp = out_dir / "report.json", out_dir / "report.md"
    jp.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n",
                  encoding="utf-8")
    mp.write_text(render_markdown(report), encoding="utf-8")
    return jp, mp
