"""How often does OCR recover a receipt's total, per engine choice? And how fast?

For each SROIE receipt in the DEV corpus the truth `total_amount` is looked up in
the page text produced by tesseract alone, by rapidocr alone and by the "auto"
policy (tesseract, plus rapidocr where `wants_second_opinion` says so, keeping the
better mean confidence). The auto choice is recomputed from the two single-engine
runs with the same functions `ingest` uses, so each receipt is OCR'd only twice.

Also times born-digital PDF pages (a generated reportlab PDF).

    .venv/bin/python benchmarks/ocr_coverage.py [--limit N] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest import IngestOptions, read_bytes  # noqa: E402
from ingest.ocr.base import OcrResult  # noqa: E402
from ingest.ocr.select import better, wants_second_opinion  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "sroie"


def _has(number: str, text: str) -> bool:
    """`number` as a whole token: "9.00" must not match inside "19.00"."""
    return re.search(rf"(?<![\d.,]){re.escape(number)}(?!\d)", text) is not None


def found(total: str, text: str) -> tuple[bool, bool]:
    """(strict, lenient): lenient forgives ',' read for '.' and spaces inside the number."""
    strict = _has(total, text)
    return strict, strict or _has(total.replace(" ", ""), text.replace(",", ".").replace(" ", ""))


def born_digital_seconds_per_page(pages: int = 20) -> float:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for p in range(pages):
        c.setFont("Helvetica", 10)
        for line in range(60):
            c.drawString(50, 800 - line * 13, f"Page {p + 1} line {line + 1}: clause text " * 2)
        c.showPage()
    c.save()
    started = time.perf_counter()
    doc = read_bytes("bench.pdf", buf.getvalue())
    assert doc.ocr_pages == 0
    return (time.perf_counter() - started) / pages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=0, help="only the first N receipts")
    ap.add_argument("--details", type=Path, help="write per-receipt results (JSON) here")
    args = ap.parse_args()

    images = sorted(args.corpus.glob("*.jpg"))
    if args.limit:
        images = images[: args.limit]
    if not images:
        print(f"no receipts under {args.corpus}", file=sys.stderr)
        return 1
    opts = {e: IngestOptions(ocr_engine=e, ocr_workers=1) for e in ("tesseract", "rapidocr")}
    auto_opts = IngestOptions()
    read_bytes("warmup.jpg", images[0].read_bytes(), opts["rapidocr"])  # model load

    hits = {k: [0, 0] for k in ("tesseract", "rapidocr", "auto")}
    secs: dict[str, list[float]] = {"tesseract": [], "rapidocr": [], "auto": []}
    n = rapid_used = 0
    details: list[dict[str, object]] = []
    for path in images:
        truth = json.loads(path.with_name(path.stem + ".truth.json").read_text())
        total = (truth.get("normalized") or {}).get("total_amount")
        data = path.read_bytes()
        res: dict[str, OcrResult] = {}
        page = None
        for eng, o in opts.items():
            doc = read_bytes(path.name, data, o)
            page = doc.pages[0]
            res[eng] = OcrResult(engine=eng, words=page.words)
            secs[eng].append(doc.timings_ms["ocr"] / 1000)
        assert page is not None
        second = wants_second_opinion(
            res["tesseract"], page.width, page.height, auto_opts, photo=True
        )
        res["auto"] = better(res["tesseract"], res["rapidocr"]) if second else res["tesseract"]
        secs["auto"].append(secs["tesseract"][-1] + (secs["rapidocr"][-1] if second else 0.0))
        rapid_used += res["auto"].engine == "rapidocr"
        if not total:
            continue
        n += 1
        marks = []
        for eng, r in res.items():
            strict, lenient = found(total, " ".join(w.text for w in r.words))
            hits[eng][0] += strict
            hits[eng][1] += lenient
            marks.append(f"{eng}={'Y' if strict else '-'}")
        print(f"{path.name}: total={total} {' '.join(marks)}", file=sys.stderr)
        details.append(
            {
                "name": path.name,
                "size_pt": [round(page.width, 1), round(page.height, 1)],
                "conf": {e: round(r.mean_confidence, 4) for e, r in res.items()},
                "found": {
                    e: found(total, " ".join(w.text for w in r.words))[0] for e, r in res.items()
                },
                "seconds": {e: v[-1] for e, v in secs.items()},
            }
        )

    report = {
        "receipts": len(images),
        "with_total": n,
        "total_found_share": {e: round(h[0] / max(n, 1), 3) for e, h in hits.items()},
        "total_found_share_lenient": {e: round(h[1] / max(n, 1), 3) for e, h in hits.items()},
        "auto_kept_rapidocr": rapid_used,
        "seconds_per_page_median": {e: round(statistics.median(v), 2) for e, v in secs.items()},
        "seconds_per_page_mean": {e: round(statistics.mean(v), 2) for e, v in secs.items()},
        "born_digital_seconds_per_page": round(born_digital_seconds_per_page(), 4),
    }
    print(json.dumps(report, indent=2))
    if args.details:
        args.details.write_text(json.dumps(details, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
