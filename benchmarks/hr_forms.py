"""Field F1 per HR subtype on generated forms with known values.

    .venv/bin/python -m benchmarks.hr_forms [--n 20] [--scanned 4] [--seed 0] [-v]

Pay stubs, offer letters, W-4 (2020+ layout), I-9 and W-2 from
`training.generators.hr_truth` (several layouts each), rendered born-digital (reportlab
text, Courier) and scanned (a 200 dpi picture of the page, read by OCR), read by `ingest`, masked
as the pipeline masks them (`ingest.redact`), extracted with `extract_hr` given the true
subtype, and scored with `evaluation.scoring` (the eval harness's rules). Prints P/R/F1
per subtype and rendering; `-v` lists every miss.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from evaluation.scoring import prf, score_field  # noqa: E402
from extractors.hr import extract_hr  # noqa: E402
from ingest import IngestOptions, read_bytes  # noqa: E402
from ingest.redact import redact_document  # noqa: E402
from training.generators.hr_truth import SUBTYPES, TruthDoc, generate  # noqa: E402


def born_digital(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.setFont("Courier", 9)  # fixed width: a form's value sits under its box label
    y = 740
    for line in lines:
        c.drawString(54, y, line)
        y -= 15
    c.showPage()
    c.save()
    return buf.getvalue()


def scanned(lines: list[str], dpi: int = 200) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    width, height = int(8.5 * dpi), int(11 * dpi)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=int(dpi * 10 / 72 * 1.15))  # not fixed width
    y = int(0.7 * dpi)
    for line in lines:
        draw.text((int(0.75 * dpi), y), line, fill=0, font=font)
        y += int(dpi * 15 / 72)
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=float(dpi))
    return buf.getvalue()


def score(doc: TruthDoc, data: bytes, counts: list[int], misses: list[str]) -> None:
    ingested = read_bytes(f"{doc.subtype}.pdf", data, IngestOptions())
    redact_document(ingested, strict=True)
    got = extract_hr(ingested, subtype=doc.subtype)
    for name, want in doc.truth.items():
        f = got.get(name)
        pred = None if f is None else (f.normalized if f.normalized is not None else f.value)
        s = score_field(name, want, pred, None if f is None else f.confidence)
        counts[0] += s.tp
        counts[1] += s.fp
        counts[2] += s.fn
        if s.fp or s.fn:
            misses.append(f"{doc.subtype}/{doc.layout} {name}: got {pred!r} want {want!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20, help="born-digital documents per subtype")
    ap.add_argument("--scanned", type=int, default=4, help="scanned documents per subtype")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    misses: list[str] = []
    for subtype in SUBTYPES:
        for i in range(args.n + args.scanned):
            doc = generate(subtype, args.seed * 100_000 + i)
            kind = "born_digital" if i < args.n else "scanned"
            data = born_digital(doc.lines) if kind == "born_digital" else scanned(doc.lines)
            score(doc, data, table[(subtype, kind)], misses)
    print(f"{'subtype':<14}{'rendering':<14}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}")
    for (subtype, kind), (tp, fp, fn) in sorted(table.items()):
        p, r, f1 = prf(tp, fp, fn)
        print(f"{subtype:<14}{kind:<14}{tp:>5}{fp:>5}{fn:>5}{p:>8.3f}{r:>8.3f}{f1:>8.3f}")
    for subtype in SUBTYPES:
        tp, fp, fn = (sum(table[(subtype, k)][j] for k in ("born_digital", "scanned"))
                      for j in range(3))
        print(f"{subtype:<14}{'all':<14}{tp:>5}{fp:>5}{fn:>5}" + "".join(
            f"{x:>8.3f}" for x in prf(tp, fp, fn)))
    if args.verbose:
        print("\n".join(misses))
    print(f"{time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
