"""Receipt fields at every image size: the same TRAIN receipts read small, large and as photos.

    PYTHONPATH=. python benchmarks/receipt_scale.py [--n 60] [--workers 2]
        [--variants 1x,2x,3x,4x,photo] [--json out.json] [--cached-1x] [--cache-reads]

Why: DEV and TRAIN hold only SROIE images of at most 350 KB, while the receipts the service
meets are of any size (SROIE's own files go up to 3.6 MB, about 4000 px). This takes `--n`
TRAIN receipts, spread over as many chains as possible (chains in turn, `filer_group`), and
makes from each the kinds of large file real ones are:

* `2x`, `3x`, `4x`: upscaled with a bicubic filter, lightly sharpened (unsharp mask) and saved
  as JPEG quality 92 without a DPI, as a high-resolution scan or camera file is;
* `photo`: the 3x file on a darker, noisy background border with a small rotation (a phone
  photo of a receipt on a table), also JPEG 92;

and, at the original size, the conditions hand-held phone photos add (`CONDITIONS`):
`upside_down` (half a turn), `askew10` (turned 10 degrees), `keystone` (shot from below the
receipt's top: its top edge 30 % narrower), `blur` (out of focus), `noise` (sensor noise in
dim light) and `jpeg` (saved at JPEG quality 15);

then runs the real ingest (`ingest.read_bytes`), the shipped classifier and extraction on each,
as the pipeline does, and scores the four SROIE fields with `evaluation.scoring` (a missing
field is wrong). The table gives, per size bucket: files, mean size, long side, the measured
text height and the OCR scale applied (`ingest.scale`), doc-type accuracy, each field's
accuracy and mean confidence, and seconds per receipt (ingest + extraction, wall).
Every variant is made in memory; nothing from a TRAIN receipt is written anywhere.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pickle
import random
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import fmean, median

import numpy as np
from PIL import Image, ImageFilter, ImageOps

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from evaluation.scoring import UNSCORABLE, score_field, truth_values  # noqa: E402

FIELDS = ("vendor_name", "vendor_address", "invoice_date", "total_amount")
VARIANTS = ("1x", "2x", "3x", "4x", "photo")  # the default run; CONDITIONS on request
UPSCALE = {"2x": 2, "3x": 3, "4x": 4, "photo": 3}
JPEG_QUALITY = 92
# Unsharp mask after upscaling: radius (x the factor), strength (%), threshold.
SHARPEN_PERCENT = 50
SHARPEN_THRESHOLD = 3
# The photo variant: border (share of each side), table colour and noise, rotation (degrees).
PHOTO_BORDER = 0.12
PHOTO_BACKGROUND = (96, 86, 74)
PHOTO_NOISE = 12.0
PHOTO_MAX_DEGREES = 3.0


# The hand-held conditions: how far the top edge's corners move in (share of the width), the
# blur radius (pixels), the noise (grey levels) and the low JPEG quality.
KEYSTONE_SHARE = 0.15
BLUR_RADIUS = 1.6
NOISE_SIGMA = 22.0
LOW_JPEG_QUALITY = 15


def _keystone(img: Image.Image) -> Image.Image:
    w, h = img.size
    d = KEYSTONE_SHARE * w  # the top edge's corners move in this far
    corners, shown = [(0, 0), (w, 0), (w, h), (0, h)], [(d, 0), (w - d, 0), (w, h), (0, h)]
    # PIL maps each output pixel to the input point it shows: the output's narrowed top
    # corners show the receipt's own top corners (nothing is cropped, the top shrinks)
    rows = []
    for (x, y), (u, v) in zip(shown, corners, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
    coeffs = np.linalg.solve(np.array(rows, float), np.array(corners, float).reshape(8))
    return img.transform(img.size, Image.Transform.PERSPECTIVE, tuple(coeffs),
                         Image.Resampling.BICUBIC, fillcolor="white")


def _noisy(img: Image.Image) -> Image.Image:
    a = np.asarray(img, dtype=np.float32)
    a = a + np.random.default_rng(0).normal(0, NOISE_SIGMA, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")


# Conditions of a hand-held photo, each applied to the original-size receipt.
CONDITIONS = {
    "upside_down": lambda img: img.rotate(180),
    "askew10": lambda img: img.rotate(10, Image.Resampling.BICUBIC, expand=True,
                                      fillcolor="white"),
    "keystone": _keystone,
    "blur": lambda img: img.filter(ImageFilter.GaussianBlur(BLUR_RADIUS)),
    "noise": _noisy,
    "jpeg": lambda img: img,  # saved at LOW_JPEG_QUALITY
}


class ReceiptScaleError(RuntimeError):
    """The TRAIN receipts are not where the benchmark expects them."""


@dataclass(slots=True)
class Row:
    """One receipt read at one size."""

    name: str
    variant: str
    kb: float
    long_side: int
    text_px: float | None
    ocr_scale: float
    doc_type: str
    seconds: float
    cached: bool = False
    error: str = ""  # why reading failed (the fields then count as wrong)
    correct: dict[str, bool] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


def make_variant(data: bytes, variant: str, seed: str) -> bytes:
    """The file `variant` of the receipt `data` ("1x": unchanged)."""
    if variant == "1x":
        return data
    img = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    if variant in CONDITIONS:
        out = io.BytesIO()
        CONDITIONS[variant](img).save(out, format="JPEG", quality=LOW_JPEG_QUALITY
                                      if variant == "jpeg" else JPEG_QUALITY)
        return out.getvalue()
    k = UPSCALE[variant]
    big = img.resize((img.width * k, img.height * k), Image.Resampling.BICUBIC)
    big = big.filter(ImageFilter.UnsharpMask(radius=k, percent=SHARPEN_PERCENT,
                                             threshold=SHARPEN_THRESHOLD))
    if variant == "photo":
        big = _photo(big, random.Random(seed))
    out = io.BytesIO()
    big.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def _photo(img: Image.Image, rng: random.Random) -> Image.Image:
    bw, bh = round(img.width * PHOTO_BORDER), round(img.height * PHOTO_BORDER)
    size = (img.width + 2 * bw, img.height + 2 * bh)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, PHOTO_NOISE, (size[1], size[0], 1))
    table = np.clip(np.array(PHOTO_BACKGROUND, dtype=np.float32) + noise, 0, 255)
    canvas = Image.fromarray(table.astype(np.uint8), "RGB")
    canvas.paste(img, (bw, bh))
    angle = rng.uniform(1.0, PHOTO_MAX_DEGREES) * rng.choice((-1, 1))
    return canvas.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True,
                         fillcolor=PHOTO_BACKGROUND)


def pick_receipts(n: int) -> list[tuple[Path, dict]]:
    """`n` TRAIN receipts with their truth values, taking the chains in turn."""
    from evaluation.corpus import find_documents
    from training.docs import TRAIN_DIR, filer_group

    if not (TRAIN_DIR / "sroie").is_dir():
        raise ReceiptScaleError(f"{TRAIN_DIR / 'sroie'} not found: the TRAIN split is "
                                "expected at ../shared/train beside the repository")
    chains: dict[str, list] = {}
    for cd in sorted(find_documents(TRAIN_DIR, ["sroie"]), key=lambda c: c.path.name):
        chains.setdefault(filer_group(cd), []).append(cd)
    queues = [list(v) for _k, v in sorted(chains.items())]
    out: list[tuple[Path, dict]] = []
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                cd = q.pop(0)
                tv = truth_values(cd.truth)
                out.append((cd.path, {f: tv[f] for f in FIELDS
                                      if f in tv and tv[f] is not UNSCORABLE}))
    return out


def run_one(path: Path, truth: dict, variant: str, cached_1x: bool = False,
            cache_reads: bool = False) -> Row:
    """Make `variant` of the receipt at `path`, read, classify, extract and score it.
    `cached_1x`: the original is taken from the TRAIN ingest cache (`training.docs`) when
    it is there, as the trainers see it (no OCR time then). `cache_reads`: every variant's
    reading is kept in that cache (ignored by git, keyed by the file's sha256) and taken
    from it when there, so a change of extraction is re-measured without OCR."""
    from classifiers import classify
    from extractors import extract
    from ingest import read_bytes
    from ingest.errors import IngestError
    from ingest.scale import text_height_px
    from records.blobs import atomic_write, sha256_bytes
    from training.docs import CACHE_DIR, read_cached

    data = make_variant(path.read_bytes(), variant, path.name + variant)
    img = Image.open(io.BytesIO(data))
    long_side = max(img.size)
    text_px = text_height_px(ImageOps.exif_transpose(img))
    started = time.perf_counter()
    pkl = CACHE_DIR / f"{sha256_bytes(data)}.pkl"
    cached = (cache_reads or (cached_1x and variant == "1x")) and pkl.exists()
    try:
        doc = read_cached(pkl)[0] if cached else read_bytes(f"{path.stem}-{variant}.jpg", data)
    except IngestError as e:  # e.g. an OCR timeout on a large photo: a result, not a crash
        row = Row(path.name, variant, len(data) / 1024, long_side, text_px, 1.0, "failed",
                  time.perf_counter() - started, error=f"{type(e).__name__}: {e}")
        row.correct = {name: False for name in truth}
        row.confidence = {name: 0.0 for name in truth}
        row.values = {name: "" for name in truth}
        return row
    if cache_reads and not cached:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        atomic_write(pkl, pickle.dumps((doc, None), protocol=pickle.HIGHEST_PROTOCOL))
    cls = classify(doc)
    fields = extract(doc, cls)
    seconds = time.perf_counter() - started
    row = Row(path.name, variant, len(data) / 1024, long_side, text_px,
              float(doc.metadata.get("ocr_scale", 1.0)), cls.doc_type, seconds, cached)
    for name, t in truth.items():
        f = fields.get(name)
        pred = None if f is None else (f.normalized if f.normalized not in (None, "") else f.value)
        row.correct[name] = bool(score_field(name, t, pred, None).correct)
        row.confidence[name] = 0.0 if f is None else float(f.confidence)
        row.values[name] = "" if pred is None else str(pred)
    return row


def _job(args: tuple[str, dict, str, bool, bool]) -> Row:
    os.nice(10)
    return run_one(Path(args[0]), args[1], args[2], args[3], args[4])


def run(receipts: Sequence[tuple[Path, dict]], variants: Sequence[str], workers: int,
        cached_1x: bool = False, cache_reads: bool = False) -> Iterator[Row]:
    """Rows receipt by receipt (every size of one receipt before the next)."""
    jobs = [(str(p), t, v, cached_1x, cache_reads) for p, t in receipts for v in variants]
    if workers <= 1:
        yield from map(_job, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_job, jobs, chunksize=1)


def render(rows: Sequence[Row], variants: Sequence[str]) -> str:
    head = ["bucket", "n", "failed", "KB", "long px", "text px", "ocr scale", "type"]
    head += [f"{f} acc (conf)" for f in FIELDS] + ["mean acc", "s/receipt"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for v in variants:
        rs = [r for r in rows if r.variant == v]
        if not rs:
            continue
        texts = [r.text_px for r in rs if r.text_px is not None]
        cells = [v, str(len(rs)), str(sum(bool(r.error) for r in rs)),
                 f"{fmean(r.kb for r in rs):.0f}",
                 f"{fmean(r.long_side for r in rs):.0f}",
                 f"{median(texts):.0f}" if texts else "-",
                 f"{fmean(r.ocr_scale for r in rs):.2f}",
                 f"{fmean(r.doc_type == 'receipt' for r in rs):.3f}"]
        accs = []
        for f in FIELDS:
            fr = [r for r in rs if f in r.correct]
            acc = fmean(r.correct[f] for r in fr) if fr else 0.0
            accs.append(acc)
            conf = fmean(r.confidence[f] for r in fr) if fr else 0.0
            cells.append(f"{acc:.3f} ({conf:.2f})")
        timed = [r.seconds for r in rs if not r.cached]
        cells += [f"{fmean(accs):.3f}", f"{fmean(timed):.1f}" if timed else "cached"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def complete(rows: Sequence[Row], variants: Sequence[str]) -> list[Row]:
    """The rows of receipts read at every one of `variants` (a run stopped early)."""
    seen: dict[str, set[str]] = {}
    for r in rows:
        seen.setdefault(r.name, set()).add(r.variant)
    return [r for r in rows if seen[r.name] >= set(variants)]


def changed(rows: Sequence[Row], base: str = "1x") -> list[str]:
    """Fields whose correctness differs from the `base` reading of the same receipt."""
    by = {(r.name, r.variant): r for r in rows}
    out = []
    for r in rows:
        b = by.get((r.name, base))
        if r.variant == base or b is None:
            continue
        for f, ok in r.correct.items():
            if ok != b.correct.get(f):
                out.append(f"{r.name} {r.variant} {f}: {b.values.get(f)!r} -> {r.values.get(f)!r}"
                           f" ({'fixed' if ok else 'broken'})")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--json", type=Path, help="rows as JSON Lines, written as they come")
    ap.add_argument("--render", type=Path, help="only print the table of such a file")
    ap.add_argument("--cached-1x", action="store_true",
                    help="originals from the TRAIN ingest cache where present (no OCR time)")
    ap.add_argument("--cache-reads", action="store_true",
                    help="keep every variant's reading in the TRAIN ingest cache and reuse it "
                         "(re-measure an extraction change without OCR)")
    args = ap.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    unknown = set(variants) - set(VARIANTS) - set(CONDITIONS)
    if unknown:
        ap.error(f"unknown variants {sorted(unknown)}; choose from "
                 f"{(*VARIANTS, *CONDITIONS)}")
    if args.render:
        rows = [Row(**json.loads(line)) for line in args.render.read_text().splitlines()]
        print(render(complete(rows, variants), variants))
        return 0
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    receipts = pick_receipts(args.n)
    started = time.perf_counter()
    rows = []
    out = args.json.open("w") if args.json else None
    for row in run(receipts, variants, args.workers, args.cached_1x, args.cache_reads):
        rows.append(row)
        if out is not None:
            out.write(json.dumps(asdict(row)) + "\n")
            out.flush()
    if out is not None:
        out.close()
    print(render(rows, variants))
    for line in changed(rows):
        print(line)
    for r in rows:
        if r.error:
            print(f"{r.name} {r.variant}: {r.error}")
    print(f"{len(receipts)} receipts x {len(variants)} sizes in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
