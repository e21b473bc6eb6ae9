"""Regional receipts and invoices as pictures, read by the real OCR: type and fields.

    PYTHONPATH=. python benchmarks/regional_photos.py [--docs 15] [--layouts receipt_de,...]
        [--dpi 200] [--json out.json] [--ocr-lang eng+deu+fra] [--english-only]

Why: `training.regional_eval` scores generated German till receipts, US restaurant checks
and French, German and US TV-station invoices as word lists, with OCR's damage simulated;
the documents of those origins the service meets are scans and phone pictures that go
through tesseract and RapidOCR (English models only). This draws each generated document's
words where its layout put them (DejaVu Sans Mono, black on a light grey page, light blur
and noise, a small tilt), saves a JPEG and runs the real ingest, classifier and extractor on
it, then scores the fields each layout labels with the evaluation's own rules
(`training.regional_eval.LayoutScore`). Seeds are the evaluation's (no model was fitted on
them). Nothing is written outside memory. `--english-only` turns off the second reading of
German/French pages with those tesseract models (`ingest.ocr.select`); `--ocr-lang` reads
every page with the given models instead.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import time
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from training.regional_eval import EVAL_SEED, SCORED, LayoutScore  # noqa: E402
from training.synth.regional import LAYOUTS, generate  # noqa: E402

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
PAPER = 238  # light grey paper
NOISE = 6.0  # grey levels of sensor noise
BLUR = 0.6  # px of Gaussian blur (focus, print spread)
MAX_DEGREES = 1.5  # tilt
SEED_OFFSET = 50_000  # beyond regional_eval's own documents


@lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def picture(seed: int, layout: str, dpi: int) -> tuple[bytes, dict]:
    """A JPEG of generated document `seed` of `layout`, and its truth."""
    doc, truth = generate(seed, layout, noise=0.0)
    page = doc.pages[0]
    scale = dpi / 72.0
    img = Image.new("L", (int(page.width * scale) + 40, int(page.height * scale) + 40), PAPER)
    draw = ImageDraw.Draw(img)
    for w in page.words:
        x0, y0, x1, y1 = (v * scale for v in w.bbox)
        size = max(8, int((y1 - y0) * 0.95))
        font = _font(size)
        while size > 8 and font.getlength(w.text) > (x1 - x0) * 1.05:
            size -= 1  # the layout's box, not the font's width, decides where text ends
            font = _font(size)
        draw.text((20 + x0, 20 + y0), w.text, fill=20, font=font)
    rng = random.Random(seed)
    img = img.rotate(rng.uniform(-MAX_DEGREES, MAX_DEGREES), expand=True, fillcolor=PAPER,
                     resample=Image.Resampling.BICUBIC)
    img = img.filter(ImageFilter.GaussianBlur(BLUR))
    arr = np.asarray(img, dtype=np.float32)
    arr += np.random.default_rng(seed).normal(0, NOISE, arr.shape)
    out = io.BytesIO()
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=90)
    return out.getvalue(), truth


def measure(layout: str, n: int, dpi: int, options=None) -> tuple[LayoutScore, float]:
    from classifiers import classify
    from extractors import extract
    from ingest import read_bytes

    sc = LayoutScore()
    done = []
    started = time.perf_counter()
    for i in range(n):
        data, truth = picture(EVAL_SEED + SEED_OFFSET + i, layout, dpi)
        doc = read_bytes(f"{layout}-{i}.jpg", data, options)
        cls = classify(doc)
        done.append((truth, extract(doc, cls), cls.doc_type))
    labelled = {f for truth, _, _ in done for f in SCORED if truth.get(f) is not None}
    for truth, got, doc_type in done:
        sc.add(truth, got, doc_type, labelled)
    return sc, (time.perf_counter() - started) / max(1, n)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=15)
    ap.add_argument("--layouts", default="receipt_de,receipt_us_restaurant")
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--ocr-lang", default="eng", help="tesseract models for every page")
    ap.add_argument("--english-only", action="store_true",
                    help="no second reading of German/French pages with their models")
    a = ap.parse_args(argv)
    from ingest.options import IngestOptions

    options = IngestOptions(ocr_lang=a.ocr_lang, ocr_more_languages=not a.english_only)
    report = {}
    for layout in a.layouts.split(","):
        if layout not in LAYOUTS:
            ap.error(f"unknown layout {layout!r}; known: {', '.join(sorted(LAYOUTS))}")
        sc, secs = measure(layout, a.docs, a.dpi, options)
        per = {f: round(sc.f1(f), 3) for f in SCORED if sum(sc.counts[f]) > 0}
        report[layout] = {"docs": sc.n, "type_acc": sc.types_ok / sc.n,
                          "field_f1": round(sc.f1(), 4), "field_ece": round(sc.ece(), 4),
                          "per_field": per, "per_field_calibration": sc.field_calibration(),
                          "s_per_doc": round(secs, 2)}
        print(f"{layout:22s} n={sc.n} type={sc.types_ok / sc.n:.3f} F1={sc.f1():.3f} "
              f"ECE={sc.ece():.3f} {secs:.1f} s/doc | "
              + " ".join(f"{k}={v:.2f}" for k, v in per.items()), flush=True)
    if a.json:
        a.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
