"""Measure the shipped classifier against the real evaluation corpus (never trained on).

Why a separate script: the corpus is for *measurement* only. This reads every document
that has a sibling ``<stem>.truth.json``, turns it into page texts (``ingest.read_file`` when
that works, else pypdf / tesseract directly), caches the page texts in ``/tmp`` so that
iterating on the generator does not re-run OCR, and reports doc-type accuracy per source,
subtype accuracy, the confusion matrix, expected calibration error (10 bins) and a
reliability table.

    .venv/bin/python -m evaluation.classifier [--corpus DIR] [--no-ingest] [--json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from collections import Counter, defaultdict
from pathlib import Path

from classifiers.types import DOC_TYPES

log = logging.getLogger(__name__)

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CACHE_DIR = Path("/tmp/backoffice_classifier_corpus_cache")


def _documents(corpus: Path) -> list[tuple[str, Path, dict]]:
    """Every (source, path, truth) whose truth file sits beside it, in a stable order."""
    out = []
    for truth_path in sorted(corpus.glob("*/*.truth.json")):
        stem = truth_path.name[: -len(".truth.json")]
        docs = [p for p in truth_path.parent.glob(stem + ".*") if not p.name.endswith(".json")]
        for doc in docs:
            out.append((truth_path.parent.name, doc, json.loads(truth_path.read_text())))
    return out


def _fallback_pages(path: Path) -> list[str]:
    """Page texts without the project's ingest: pypdf text layer, tesseract for images."""
    suffix = path.suffix.lower()
    if suffix in {".txt", ".text", ".md"}:
        raw = path.read_bytes()
        try:
            return [raw.decode("utf-8")]
        except UnicodeDecodeError:
            return [raw.decode("cp1252", errors="replace")]
    if suffix in {".jpg", ".jpeg", ".png", ".tif", ".tiff"}:
        import pytesseract
        from PIL import Image

        with Image.open(path) as img:
            return [pytesseract.image_to_string(img.convert("L"))]
    if suffix == ".pdf":
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        pages = [(p.extract_text() or "") for p in reader.pages]
        if sum(len(t.strip()) for t in pages) < 50 * max(1, len(pages)):
            pages = _ocr_pdf(path, len(pages)) or pages
        return pages
    return [path.read_bytes().decode("utf-8", errors="replace")]


def _ocr_pdf(path: Path, n_pages: int, max_pages: int = 5) -> list[str]:
    import pypdfium2
    import pytesseract

    pdf = pypdfium2.PdfDocument(str(path))
    out = []
    for i in range(min(n_pages, max_pages, len(pdf))):
        img = pdf[i].render(scale=200 / 72).to_pil().convert("L")
        out.append(pytesseract.image_to_string(img))
    return out


def _ingest_pages(path: Path) -> dict | None:
    """Pages as the pipeline sees them (``ingest.read_file`` with its default options, i.e.
    ``ocr_engine="auto"``), plus the metadata head ``classifiers.classify`` prepends."""
    try:
        from ingest import read_file
    except ImportError:
        return None
    try:
        doc = read_file(path)
    except Exception as exc:  # noqa: BLE001 - report and fall back; never abort the whole run
        log.warning("ingest failed on %s: %s; using fallback", path.name, exc)
        return None
    meta = doc.metadata or {}
    head = " ".join(str(meta[k]) for k in ("title", "subject") if meta.get(k))
    return {"pages": [p.text for p in doc.pages], "head": head}


def document_text(path: Path, use_ingest: bool = True) -> tuple[str, int, str]:
    """(text as `classify` builds it, page count, reader used) for one corpus file, cached in
    /tmp by content hash and reader: OCR of a hundred receipts takes minutes, and iterating on
    the generator must not redo it."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    for kind in (["ingest"] if use_ingest else []) + ["fallback"]:
        cached = CACHE_DIR / f"{digest}.{kind}.json"
        if cached.exists():
            data = json.loads(cached.read_text())
        else:
            data = _ingest_pages(path) if kind == "ingest" else _fallback_pages(path)
            if data is None:
                continue
            cached.write_text(json.dumps(data))
        if isinstance(data, list):  # fallback: bare page texts
            data = {"pages": data, "head": ""}
        text = "\f".join(data["pages"])
        if data.get("head"):
            text = data["head"] + "\n" + text
        return text, max(1, len(data["pages"])), kind
    return "", 1, "none"


def page_texts(path: Path, use_ingest: bool = True) -> list[str]:
    """Page texts of one corpus file (cached; see `document_text`)."""
    text, _, _ = document_text(path, use_ingest)
    return text.split("\f")


def expected_calibration_error(conf: list[float], correct: list[bool], bins: int = 10):
    """ECE with equal-width bins, plus the per-bin table (lo, hi, n, mean conf, accuracy)."""
    table = []
    ece = 0.0
    n = len(conf)
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(conf) if (lo < c <= hi) or (b == 0 and c == 0.0)]
        if not idx:
            table.append((lo, hi, 0, None, None))
            continue
        mc = sum(conf[i] for i in idx) / len(idx)
        acc = sum(correct[i] for i in idx) / len(idx)
        ece += len(idx) / n * abs(mc - acc)
        table.append((lo, hi, len(idx), mc, acc))
    return ece, table


def evaluate(corpus: Path = DEFAULT_CORPUS, use_ingest: bool = True, threshold: float = 0.0):
    """Classify every corpus document; returns a metrics dict (and the per-document rows)."""
    from classifiers import classify_text

    rows = []
    for source, path, truth in _documents(corpus):
        text, n_pages, reader = document_text(path, use_ingest)
        c = classify_text(text, n_pages=n_pages, threshold=threshold)
        rows.append({
            "source": source, "file": path.name, "reader": reader,
            "true_type": truth.get("doc_type"), "true_subtype": truth.get("subtype"),
            "pred_type": c.doc_type, "pred_subtype": c.subtype,
            "confidence": c.type_confidence, "reasons": c.reasons,
        })
    per_source: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        per_source[r["source"]].append(r["pred_type"] == r["true_type"])
    correct = [r["pred_type"] == r["true_type"] for r in rows]
    confusion = Counter((r["true_type"], r["pred_type"]) for r in rows)
    sub_rows = [r for r in rows if r["true_subtype"]]
    sub_correct = [r["pred_subtype"] == r["true_subtype"] for r in sub_rows]
    sub_by_source: dict[str, list[bool]] = defaultdict(list)
    for r, ok in zip(sub_rows, sub_correct, strict=True):
        sub_by_source[r["source"]].append(ok)
    ece, table = expected_calibration_error([r["confidence"] for r in rows], correct)
    return {
        "n": len(rows),
        "readers": dict(Counter(r["reader"] for r in rows)),
        "accuracy": sum(correct) / max(1, len(rows)),
        "per_source": {s: (sum(v) / len(v), len(v)) for s, v in sorted(per_source.items())},
        "subtype_accuracy": sum(sub_correct) / max(1, len(sub_rows)),
        "subtype_per_source": {s: (sum(v) / len(v), len(v)) for s, v in sub_by_source.items()},
        "confusion": {f"{t}->{p}": n for (t, p), n in sorted(confusion.items())},
        "ece": ece,
        "reliability": table,
        "errors": [r for r in rows if r["pred_type"] != r["true_type"]],
        "subtype_errors": [r for r, ok in zip(sub_rows, sub_correct, strict=True) if not ok],
    }


def format_report(m: dict) -> str:
    lines = [f"documents: {m['n']}  doc-type accuracy: {m['accuracy']:.3f}  ECE: {m['ece']:.3f}"
             f"  text from: {m['readers']}"]
    lines.append("per source:")
    for s, (acc, n) in m["per_source"].items():
        lines.append(f"  {s:18s} {acc:.3f} (n={n})")
    lines.append(f"subtype accuracy: {m['subtype_accuracy']:.3f}")
    for s, (acc, n) in sorted(m["subtype_per_source"].items()):
        lines.append(f"  {s:18s} {acc:.3f} (n={n})")
    lines.append("confusion (true -> predicted):")
    header = "  " + "true\\pred".ljust(10) + "".join(t[:8].rjust(9) for t in DOC_TYPES)
    lines.append(header)
    for t in DOC_TYPES:
        cells = "".join(str(m["confusion"].get(f"{t}->{p}", 0)).rjust(9) for p in DOC_TYPES)
        lines.append("  " + t.ljust(10) + cells)
    lines.append("reliability (bin, n, mean confidence, accuracy):")
    for lo, hi, n, mc, acc in m["reliability"]:
        if n:
            lines.append(f"  ({lo:.1f},{hi:.1f}] n={n:3d} conf={mc:.3f} acc={acc:.3f}")
    for r in m["errors"]:
        lines.append(f"  ERR {r['source']}/{r['file']}: {r['true_type']} -> {r['pred_type']}"
                     f" {r['confidence']:.2f} {r['reasons'][:3]}")
    for r in m["subtype_errors"]:
        lines.append(f"  SUB {r['source']}/{r['file']}: {r['true_subtype']} ->"
                     f" {r['pred_subtype']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--no-ingest", action="store_true", help="use pypdf/tesseract directly")
    ap.add_argument("--cache-only", action="store_true", help="only extract and cache texts")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 1
    if args.cache_only:
        docs = _documents(args.corpus)
        for i, (_, path, _) in enumerate(docs, 1):
            _, _, reader = document_text(path, not args.no_ingest)
            print(f"[{i}/{len(docs)}] {path.name}: {reader}", flush=True)
        return 0
    m = evaluate(args.corpus, use_ingest=not args.no_ingest)
    print(json.dumps(m, indent=1, default=str) if args.json else format_report(m))
    return 0


if __name__ == "__main__":
    sys.exit(main())
