"""Side by side: our template-free pipeline vs invoice2data's per-vendor regex templates.

    .venv/bin/pip install -e '.[compare]'      # or: .venv/bin/pip install invoice2data
    .venv/bin/python benchmarks/compare_invoice2data.py [--corpus DIR] [--sroie 20]
        [--out compare.json] [--no-ours]

Why this exists: invoice2data (PyPI) is the best-known open-source invoice extractor, and
the `invoice2data` corpus source *is* its own regression-test set, so a reader asks "how do
you compare?". Both systems are run in one process on the same files and scored with the
same rules (`evaluation.scoring`), so the two rows of the table are comparable.

Reading the numbers:

* invoice2data's built-in templates were written for these very invoices (the corpus truth
  is what those templates output upstream), so on `invoice2data` its scores are an upper
  bound for template matching, not an estimate of accuracy on new vendors. Ours has never
  seen a template.
* On `sroie` (Malaysian shop receipts, vendors no template was written for) template
  matching usually finds no template and returns nothing: that row shows what templates do
  on unseen vendors.
* invoice2data's default reader cascade (pdfium, pdftotext, then ocrmypdf when installed)
  does not OCR plain images here, so images are given its own `tesseract` reader explicitly
  (the CLI's `--input-reader tesseract`); PDFs and .txt use its defaults. ocrmypdf is not
  installed, so when no template matches a PDF its last resort is emulated: pages rendered
  with pypdfium2, OCR'd by its `tesseract` reader, the text matched again (some built-in
  templates, e.g. the Saeco one, say they need OCR before they can match).

Mapping of invoice2data output keys to CONTRACT field names (`map_invoice2data`):

    issuer                                   -> vendor_name
    invoice_number                           -> invoice_number
    date                                     -> invoice_date   (YYYY-MM-DD)
    date_due                                 -> due_date       (YYYY-MM-DD)
    amount                                   -> total_amount   ("1234.50")
    amount_untaxed                           -> subtotal
    amount_tax                               -> tax_amount
    currency                                 -> currency       (ISO 4217; symbols mapped)
    vat, static_vat, vat_number, partner_vat,
      tax_id, gstin, siren (first present)   -> vendor_tax_id
    iban                                     -> iban           (spaces removed, upper case)
    po_number, purchase_order                -> po_number
    payment_terms                            -> payment_terms
    partner_street + partner_zip + partner_city -> vendor_address
    lines / line_items                       -> line_items {description, quantity,
                                                unit_price, amount}

`partner_name` is *not* customer_name: in invoice2data's Odoo-style schema it is the issuer.
Keys with no CONTRACT counterpart (order_id, desc, template_name, ...) are dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluation import scoring as sc  # noqa: E402
from evaluation.corpus import CorpusDoc, find_documents  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"})
SOURCE_TAG = "invoice2data"

_TAX_ID_KEYS = ("vat", "static_vat", "vat_number", "partner_vat", "tax_id", "gstin", "siren")
_SIMPLE: dict[str, str] = {  # invoice2data key -> our field, values kept as text
    "issuer": "vendor_name",
    "invoice_number": "invoice_number",
    "po_number": "po_number",
    "purchase_order": "po_number",
    "payment_terms": "payment_terms",
}
_DATES = {"date": "invoice_date", "date_due": "due_date"}
_MONEY = {"amount": "total_amount", "amount_untaxed": "subtotal", "amount_tax": "tax_amount"}
_CURRENCY_SYMBOLS = {
    "€": "EUR", "$": "USD", "US$": "USD", "£": "GBP", "₹": "INR", "RS": "INR", "RS.": "INR",
    "ZŁ": "PLN", "ZL": "PLN", "¥": "JPY", "CHF": "CHF", "RM": "MYR", "FR": "CHF", "KČ": "CZK",
}
_LINE_KEYS = {
    "description": ("description", "desc", "name", "item"),
    "quantity": ("quantity", "qty"),
    "unit_price": ("unit_price", "price_unit", "price"),
    "amount": ("amount", "price_subtotal", "line_total", "total"),
}


# ---------------------------------------------------------------------- normalisation
def norm_date(value: Any) -> str | None:
    """invoice2data parses dates itself (datetime); strings are parsed day-first as a fallback."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.strip():
        import dateparser

        parsed = dateparser.parse(value, settings={"DATE_ORDER": "DMY"})
        return parsed.date().isoformat() if parsed else None
    return None


def norm_money(value: Any, places: bool = True) -> str | None:
    """CONTRACT money form: plain decimal, '.' separator, two places ("1234.50").

    `places=False` keeps the digits as given (line-item quantities and unit prices)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        try:
            d = Decimal(str(value))
        except InvalidOperation:
            return None
    else:
        from price_parser import Price

        amount = Price.fromstring(str(value)).amount
        if amount is None:
            return None
        d = Decimal(amount)
    if not d.is_finite():
        return None
    return str(d.quantize(Decimal("0.01"))) if places else str(d.normalize())


def norm_currency(value: Any) -> str | None:
    """ISO 4217 code; templates mostly emit codes already, a few emit the symbol."""
    s = str(value or "").strip()
    if not s:
        return None
    up = s.upper()
    if up in _CURRENCY_SYMBOLS:
        return _CURRENCY_SYMBOLS[up]
    if len(up) == 3 and up.isalpha():
        return up
    return None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, list | dict):
        return None
    s = " ".join(str(value).split())
    return s or None


def _line_item(line: Mapping[str, Any]) -> dict[str, Any] | None:
    item: dict[str, Any] = {}
    for ours, theirs in _LINE_KEYS.items():
        for key in theirs:
            if line.get(key) is not None:
                raw = line[key]
                item[ours] = _text(raw) if ours == "description" else norm_money(raw, places=False)
                break
    item = {k: v for k, v in item.items() if v is not None}
    return item or None


def _field(value: Any, normalized: Any) -> dict[str, Any]:
    return {
        "value": value if isinstance(value, list) else _text(value),
        "normalized": normalized,
        "confidence": None,  # templates give no probability
        "page": None,
        "bbox": None,
        "source": SOURCE_TAG,
    }


def map_invoice2data(output: Mapping[str, Any]) -> dict[str, Any]:
    """invoice2data's `extract_data` dict -> a result shaped like ours (`{"fields": ...}`).

    Pure: no invoice2data import, so the mapping is testable without the package. An empty
    output (no template matched) gives no fields; values that do not normalise are left out,
    as CONTRACT says a field not found is absent.
    """
    fields: dict[str, dict[str, Any]] = {}
    for key, name in _SIMPLE.items():
        t = _text(output.get(key))
        if t and name not in fields:
            fields[name] = _field(t, t)
    for key, name in _DATES.items():
        d = norm_date(output.get(key))
        if d:
            fields[name] = _field(output[key], d)
    for key, name in _MONEY.items():
        m = norm_money(output.get(key))
        if m is not None:
            fields[name] = _field(output[key], m)
    cur = norm_currency(output.get("currency"))
    if cur:
        fields["currency"] = _field(output["currency"], cur)
    for key in _TAX_ID_KEYS:
        t = _text(output.get(key))
        if t:
            fields["vendor_tax_id"] = _field(t, t)
            break
    iban = _text(output.get("iban"))
    if iban:
        fields["iban"] = _field(iban, iban.replace(" ", "").upper())
    street = _text(output.get("partner_street"))
    if street:
        tail = " ".join(
            p for p in (_text(output.get("partner_zip")), _text(output.get("partner_city"))) if p
        )
        address = f"{street}, {tail}" if tail else street
        fields["vendor_address"] = _field(address, address)
    lines = output.get("lines") or output.get("line_items")
    if isinstance(lines, list):
        items = [i for i in (_line_item(x) for x in lines if isinstance(x, Mapping)) if i]
        if items:
            fields["line_items"] = _field(items, items)
    return {
        "doc_type": "invoice" if fields else "other",
        "template_name": output.get("template_name"),
        "fields": fields,
    }


# ---------------------------------------------------------------------- runners
Runner = Callable[[Path], dict[str, Any]]


def invoice2data_runner() -> Runner:
    """Built-in templates, loaded once (as a long-running user of the library would)."""
    import logging

    from invoice2data import extract_data
    from invoice2data.extract.loader import read_templates

    logging.getLogger("invoice2data").setLevel(logging.CRITICAL)  # "No template for ..." spam
    templates = read_templates()

    def run(path: Path) -> dict[str, Any]:
        reader = "tesseract" if path.suffix.lower() in IMAGE_SUFFIXES else None
        try:
            out = extract_data(str(path), templates=templates, input_module=reader)
            if not out and path.suffix.lower() == ".pdf":
                # what its ocrmypdf last resort would do: OCR the pages, match the text
                with tempfile.TemporaryDirectory(prefix="i2d-ocr-") as tmp:
                    txt = _ocr_pdf_text(path, Path(tmp))
                    if txt is not None:
                        out = extract_data(str(txt), templates=templates, input_module="text")
        except Exception as exc:  # a template crash is a miss, not a benchmark crash
            return {"fields": {}, "error": repr(exc)}
        return map_invoice2data(out or {})

    return run


def _ocr_pdf_text(path: Path, tmp: Path, dpi: int = 300) -> Path | None:
    """Stand-in for invoice2data's ocrmypdf fallback (not installed here): render each page
    with pypdfium2, OCR it with invoice2data's own tesseract reader, join the pages."""
    import pypdfium2
    from invoice2data.input import tesseract

    texts: list[str] = []
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        for i in range(len(pdf)):
            png = tmp / f"page{i + 1}.png"
            pdf[i].render(scale=dpi / 72).to_pil().save(png)
            texts.append(tesseract.to_text(str(png)))
    finally:
        pdf.close()
    if not any(t.strip() for t in texts):
        return None
    out = tmp / (path.stem + ".txt")
    out.write_text("\n\f".join(texts), encoding="utf-8")
    return out


def ours_runner(data_dir: Path) -> Runner:
    os.environ["BACKOFFICE_SEARCH"] = "0"
    from workflow.process import Pipeline
    from workflow.settings import Settings

    pipeline = Pipeline(Settings.from_env(data_dir))
    return lambda path: pipeline.process_path(path)


# ---------------------------------------------------------------------- scoring
def evaluate(docs: Sequence[CorpusDoc], run: Runner, labelled: set[str]) -> dict[str, Any]:
    """Run one system over `docs`; micro P/R/F1 per field and overall, seconds per doc."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    seconds: list[float] = []
    per_doc: list[dict[str, Any]] = []
    for doc in docs:
        t0 = time.perf_counter()
        result = run(doc.path)
        seconds.append(time.perf_counter() - t0)
        scores = sc.score_document(doc.truth, result, labelled)
        for s in scores:
            c = counts[s.field]
            c[0] += s.tp
            c[1] += s.fp
            c[2] += s.fn
        per_doc.append({
            "file": doc.path.name,
            "seconds": round(seconds[-1], 3),
            "fields_found": len(result.get("fields") or {}),
            "template": result.get("template_name"),
            "errors": {s.field: {"truth": s.truth, "predicted": s.predicted}
                       for s in scores if s.fp or s.fn},
        })
    fields = {}
    for name in sorted(labelled):
        tp, fp, fn = counts.get(name, [0, 0, 0])
        p, r, f = sc.prf(tp, fp, fn)
        fields[name] = {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    p, r, f = sc.prf(tp, fp, fn)
    return {
        "documents": len(docs),
        "with_fields": sum(1 for d in per_doc if d["fields_found"]),
        "overall": {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f},
        "fields": fields,
        "seconds_per_doc_mean": statistics.fmean(seconds) if seconds else None,
        "seconds_per_doc_median": statistics.median(seconds) if seconds else None,
        "per_document": per_doc,
    }


def _cell(m: Mapping[str, Any] | None) -> str:
    if m is None:
        return "-"
    return f"{m['precision']:.2f} / {m['recall']:.2f} / {m['f1']:.2f}"


def render(source: str, results: Mapping[str, dict[str, Any]]) -> str:
    """One Markdown table per source: rows = fields, columns = systems (P / R / F1)."""
    systems = list(results)
    first = results[systems[0]]
    head = f"### {source} ({first['documents']} documents)\n\n"
    lines = ["| field | " + " | ".join(f"{s} P / R / F1" for s in systems) + " |",
             "| --- |" + " --- |" * len(systems)]
    for name in first["fields"]:
        lines.append(f"| {name} | " + " | ".join(
            _cell(results[s]["fields"].get(name)) for s in systems) + " |")
    lines.append("| **overall (micro)** | " + " | ".join(
        f"**{_cell(results[s]['overall'])}**" for s in systems) + " |")
    lines.append("| documents with any field | " + " | ".join(
        f"{results[s]['with_fields']} / {results[s]['documents']}" for s in systems) + " |")
    lines.append("| s / document (mean, median) | " + " | ".join(
        f"{results[s]['seconds_per_doc_mean']:.2f}, {results[s]['seconds_per_doc_median']:.2f}"
        for s in systems) + " |")
    return head + "\n".join(lines) + "\n"


NOTE = (
    "invoice2data's built-in templates were written for the `invoice2data` documents (the\n"
    "source is its own regression-test set and the truth is its templates' upstream output),\n"
    "so its numbers there are an upper bound for template matching; ours is template-free.\n"
    "`sroie` receipts come from vendors no template covers. Images are read by invoice2data's\n"
    "`tesseract` reader (its default cascade does not OCR images without ocrmypdf), and PDFs no\n"
    "template matched are OCR'd and matched again (its ocrmypdf last resort). Scoring:\n"
    f"evaluation.scoring v{sc.SCORING_VERSION}, micro-averaged over labelled fields. Our\n"
    "first document's time includes loading models.\n"
)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--sroie", type=int, default=20,
                    help="also run the first N sroie receipts (0 to skip)")
    ap.add_argument("--no-ours", action="store_true", help="run invoice2data only")
    ap.add_argument("--out", type=Path, help="write the full results as JSON here")
    args = ap.parse_args(argv)

    try:
        theirs = invoice2data_runner()
    except ImportError:
        print("invoice2data is not installed: pip install -e '.[compare]'", file=sys.stderr)
        return 2
    plan = [("invoice2data", None)] + ([("sroie", args.sroie)] if args.sroie > 0 else [])
    report: dict[str, Any] = {"scoring_version": sc.SCORING_VERSION, "note": NOTE, "sources": {}}
    with tempfile.TemporaryDirectory(prefix="compare-i2d-") as tmp:
        ours = None if args.no_ours else ours_runner(Path(tmp))
        out_md = [NOTE]
        for source, limit in plan:
            all_docs = find_documents(args.corpus, [source])
            docs = all_docs[:limit] if limit else all_docs
            if not docs:
                print(f"no documents for {source} under {args.corpus}", file=sys.stderr)
                continue
            labelled = sc.labelled_fields(d.truth for d in all_docs)
            results: dict[str, dict[str, Any]] = {}
            if ours is not None:
                print(f"[{source}] ours on {len(docs)} documents...", file=sys.stderr)
                results["ours"] = evaluate(docs, ours, labelled)
            print(f"[{source}] invoice2data on {len(docs)} documents...", file=sys.stderr)
            results["invoice2data"] = evaluate(docs, theirs, labelled)
            report["sources"][source] = results
            out_md.append(render(source, results))
    text = "\n".join(out_md)
    report["markdown"] = text
    print(text)
    if args.out:
        args.out.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
