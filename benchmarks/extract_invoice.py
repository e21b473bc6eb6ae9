"""Measure invoice/receipt extraction on the evaluation corpus: per-field P/R/F1 and ms/page.

    .venv/bin/python benchmarks/extract_invoice.py [--source sroie invoice2data] [--limit N]
        [--no-cache] [--show-errors FIELD]

Documents are read with `ingest.read_file` when it is available (else a local tesseract
fallback) and pickled under /tmp so that iterating on the extractor does not re-run OCR.
Values are compared with the evaluation harness's rules (`evaluation.scoring`:
casefold, whitespace collapsed, money as decimals); ECE over 10 equal-width bins.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluation import scoring as sc  # noqa: E402
from ingest.types import IngestedDocument, Page, Word  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CACHE = Path("/tmp/extract_invoice_cache")
FIELDS = {
    "sroie": ["vendor_name", "vendor_address", "invoice_date", "total_amount"],
    "invoice2data": None,  # every labelled field
}


def _tesseract_doc(path: Path) -> IngestedDocument:
    """Fallback reader while `ingest.read_file` is unavailable: tesseract words -> Page."""
    import pytesseract
    from PIL import Image

    images: list[Image.Image] = []
    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        for i in range(len(pdf)):
            images.append(pdf[i].render(scale=200 / 72).to_pil())
        dpi = 200.0
    else:
        img = Image.open(path)
        images.append(img.convert("RGB"))
        dpi = float((img.info.get("dpi") or (72, 72))[0] or 72)
    pages = []
    for n, img in enumerate(images, 1):
        s = 72.0 / dpi
        d = pytesseract.image_to_data(img, output_type=pytesseract.Output.DICT)
        words = []
        keys: dict[tuple[int, int, int], int] = {}
        for i, t in enumerate(d["text"]):
            if not t.strip():
                continue
            k = (d["block_num"][i], d["par_num"][i], d["line_num"][i])
            line = keys.setdefault(k, len(keys))
            x, y, w, h = d["left"][i], d["top"][i], d["width"][i], d["height"][i]
            words.append(Word(t, (x * s, y * s, (x + w) * s, (y + h) * s),
                              max(0.0, float(d["conf"][i])) / 100, line, d["block_num"][i]))
        lines: dict[int, list[str]] = defaultdict(list)
        for w in words:
            lines[w.line].append(w.text)
        text = "\n".join(" ".join(v) for _, v in sorted(lines.items()))
        pages.append(Page(n, img.width * s, img.height * s, words, text, True, "tesseract"))
    data = path.read_bytes()
    return IngestedDocument(path.name, hashlib.sha256(data).hexdigest(), "image/jpeg",
                            len(data), pages)


def _text_doc(path: Path) -> IngestedDocument:
    from ingest.layout import synthetic_page

    data = path.read_bytes()
    text = data.decode("utf-8", "replace")
    pages = [synthetic_page(t, i + 1) for i, t in enumerate(text.split("\f"))]
    return IngestedDocument(path.name, hashlib.sha256(data).hexdigest(), "text/plain",
                            len(data), pages)


def read(path: Path, use_cache: bool = True, reader: str = "auto"
         ) -> tuple[IngestedDocument, str]:
    read_file = None
    if reader != "fallback":
        try:
            from ingest import read_file  # type: ignore[attr-defined]
        except ImportError:
            read_file = None
    how = "ingest" if read_file else "fallback"
    cp = CACHE / path.parent.name / f"{path.name}.{how}.pkl"
    if use_cache and cp.exists():
        return pickle.loads(cp.read_bytes()), how
    if read_file is not None:
        doc = read_file(str(path))
    elif path.suffix.lower() == ".txt":
        doc = _text_doc(path)
    else:
        doc = _tesseract_doc(path)
    cp.parent.mkdir(parents=True, exist_ok=True)
    cp.write_bytes(pickle.dumps(doc))
    return doc, how


def canon(field: str, v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, (list, dict)):
        return json.dumps(v, sort_keys=True)
    s = str(v).lower()
    if field in ("vendor_tax_id", "iban", "invoice_number", "po_number"):
        return re.sub(r"[\s\-_.#]", "", s)
    return re.sub(r"\s+", "", s)


def _legacy_scores(truth: dict, fields: dict, names: list[str] | None) -> list[sc.FieldScore]:
    """Round 1's yardstick (kept to compare with its figures)."""
    want = truth.get("normalized") or {}
    out = []
    for name in names or list(want):
        exp = canon(name, want.get(name)) if name in want else ""
        got = canon(name, fields[name].normalized) if name in fields else ""
        s = sc.FieldScore(name, truth=want.get(name),
                          predicted=fields[name].normalized if name in fields else None,
                          confidence=fields[name].confidence if name in fields else None)
        if got:
            s.correct = got == exp
        if got and got == exp:
            s.tp = 1
        else:
            s.fp, s.fn = int(bool(got)), int(bool(exp))
        out.append(s)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", nargs="*", default=["sroie", "invoice2data"])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--show-errors", nargs="*", default=[])
    ap.add_argument("--reader", choices=["auto", "fallback"], default="auto",
                    help="fallback: local tesseract instead of ingest.read_file")
    ap.add_argument("--cached-only", action="store_true", help="skip documents not yet read")
    ap.add_argument("--read-only", action="store_true", help="only fill the ingest cache")
    ap.add_argument("--legacy", action="store_true",
                    help="round-1 comparison: all whitespace removed, only fields the "
                         "document's truth has (more lenient than the harness)")
    a = ap.parse_args(argv)
    if not a.read_only:
        from extractors.invoice import extract_invoice
    for source in a.source:
        truths = sorted((CORPUS / source).glob("*.truth.json"))
        if a.limit:
            truths = truths[: a.limit]
        tp: dict[str, int] = defaultdict(int)
        fp: dict[str, int] = defaultdict(int)
        fn: dict[str, int] = defaultdict(int)
        conf_hits: dict[str, list[tuple[float, bool]]] = defaultdict(list)
        ms_total = 0.0
        n_pages = 0
        how = "?"
        loaded = [(t, json.loads(t.read_text())) for t in truths]
        labelled = sc.labelled_fields([t for _, t in loaded])
        if FIELDS.get(source):
            labelled &= set(FIELDS[source] or [])
        for tpath, truth in loaded:
            stem = tpath.name[: -len(".truth.json")]
            docs = [p for p in tpath.parent.glob(stem + ".*") if not p.name.endswith(".json")]
            if not docs:
                continue
            if a.cached_only and not list((CACHE / source).glob(docs[0].name + ".*.pkl")):
                continue
            doc, how = read(docs[0], not a.no_cache, a.reader)
            if a.read_only:
                continue
            t0 = time.perf_counter()
            fields = extract_invoice(doc, truth.get("doc_type") or "invoice")
            ms_total += (time.perf_counter() - t0) * 1000
            n_pages += max(1, len(doc.pages))
            result = {"fields": {k: {"value": f.value, "normalized": f.normalized,
                                     "confidence": f.confidence} for k, f in fields.items()}}
            scores = sc.score_document(truth, result, labelled)
            if a.legacy:
                scores = _legacy_scores(truth, fields, FIELDS.get(source))
            for s in scores:
                tp[s.field] += s.tp
                fp[s.field] += s.fp
                fn[s.field] += s.fn
                if s.correct is not None and s.confidence is not None:
                    conf_hits[s.field].append((s.confidence, bool(s.correct)))
                if (s.fp or s.fn) and (s.field in a.show_errors or "all" in a.show_errors):
                    c = f" conf={s.confidence:.2f}" if s.confidence is not None else ""
                    print(f"  {docs[0].name} {s.field}: want {s.truth!r} got {s.predicted!r}{c}")
        if a.read_only:
            print(source, "cached", len(truths), how)
            continue
        print(f"\n== {source} ({len(truths)} docs, reader={how}) "
              f"{ms_total / max(1, n_pages):.1f} ms/page")
        f1s = []
        for name in sorted(set(tp) | set(fp) | set(fn)):
            p, r, f1 = sc.prf(tp[name], fp[name], fn[name])
            f1s.append(f1)
            ece = sc.calibration(conf_hits[name])["ece"]
            e = f" ECE={ece:.3f}" if ece is not None else ""
            print(f"  {name:16s} P={p:.3f} R={r:.3f} F1={f1:.3f}  (tp={tp[name]} fp={fp[name]} "
                  f"fn={fn[name]}){e}")
        if f1s:
            print(f"  mean F1 = {sum(f1s) / len(f1s):.3f}")
        allc = [x for v in conf_hits.values() for x in v]
        cal = sc.calibration(allc)
        if cal["ece"] is not None:
            print(f"  field ECE (10 bins) = {cal['ece']:.3f} over {cal['count']} fields")
        for b in cal["bins"]:
            if b["count"]:
                print(f"  conf [{b['bin']}): n={b['count']:3d} mean_conf={b['mean_confidence']:.3f}"
                      f" accuracy={b['accuracy']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
