"""Bring a photo's text to the size the recognisers read best, whatever the camera.

Why: tesseract and RapidOCR are tuned for text some 20-40 pixels high. A receipt shot
at 4000 px prints its digits 80-150 px high, and both recognisers then miss characters
and split lines; the same receipt at 1000 px reads cleanly. So before OCR a photo whose
text is taller than `MAX_TEXT_HEIGHT_PX` is shrunk until its text is `TARGET_TEXT_HEIGHT_PX`
high. The text height is measured, not guessed from the file size: the median height of
the ink blobs (characters) of a small copy of the page. Page sizes in points do not
change, so boxes stay where they were. Scanned PDF pages (rendered at a known DPI) and
born-digital pages never come here.

A photo large enough to be shrunk is a camera's, and a hand-held receipt is seldom square
to it: tilted by 2 degrees, a 60-character till line climbs a full text height from its
label to its amount, and the line grouping then splits "TOTAL" from its amount. So the
shrunk copy is also turned upright when its lines lean by `MIN_SKEW_DEG` or more: the
lean is the angle at which the centres of the character blobs line up best in rows
(`skew_degrees`). Boxes are read on the straightened copy (at most sin(angle) x half the
width away from where the photo shows them). A photo whose text needs no shrinking is turned
upright too when the lean lifts a line's end by `LEAN_SHIFT_SHARE` of the text height or
more across the text's width: a phone photo of a receipt, its text some 35 px high and
tilted 3 degrees, put each amount on the line above its label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import ndimage

# Median character height (pixels) above which a photo is shrunk, and the height it is
# shrunk to. The receipt photos the pipeline reads well (152 TRAIN receipts of at most
# 350 KB) measure 5-37 px, median 19 (DEV: 8-34, median 20): none is shrunk, and a larger
# photo is brought to that median; a 4000 px photo measures 80+.
MAX_TEXT_HEIGHT_PX = 40.0
TARGET_TEXT_HEIGHT_PX = 20.0
# The text height is measured on a copy whose long side is at most this many pixels.
MEASURE_SIDE_PX = 1600
# Fewer character-like blobs than this: no measurement (a photo of a logo, a blank page).
MIN_BLOBS = 25
# A blob taller than this share of the page, wider than this many times its height, or
# smaller than this many pixels high (in the measuring copy) is no character.
MAX_BLOB_PAGE_SHARE = 0.1
MAX_BLOB_ASPECT = 3.0
MIN_BLOB_PX = 4
# Local threshold window (pixels of the measuring copy) and how much darker than its
# surroundings a pixel must be to count as ink: photos are unevenly lit.
INK_WINDOW_PX = 31
INK_CONTRAST = 18


# Straightening: leans tried (degrees, both ways, in steps), the least lean corrected, and
# the row bin of the profile (share of the text height). Up to 15 degrees, as hand-held
# phone photos lean (up to 6 before: 16 TRAIN receipts turned 10 degrees read total 0.75,
# vendor name 0.50, then 0.875 and 0.75 as upright-and-turned-4-degrees ones); no lean
# measured on the 152 TRAIN receipt scans changed.
MAX_SKEW_DEG = 15.0
SKEW_STEP_DEG = 0.25
MIN_SKEW_DEG = 0.75
SKEW_BIN_SHARE = 0.35
# An unshrunk photo is straightened when its lean lifts a line's end by this share of the
# text height across the text's width (the middle 90 % of its characters): the line
# grouping then breaks. Of the 152 TRAIN receipt scans 1 leans that far (4 lift by half a
# height). Turning costs tesseract some letters of small text: on generated pictures tilted
# up to 1.5 degrees (`benchmarks/regional_photos.py`) half a height turned narrow German
# till receipts too and read them worse (F1 0.947 -> 0.941), a full height only the
# invoices (German 0.944 -> 0.964, US TV 0.938 -> 0.978)
LEAN_SHIFT_SHARE = 1.0


@dataclass(frozen=True, slots=True)
class Blobs:
    """The character-like ink blobs of a page, in pixels of the full image."""

    heights: np.ndarray
    xs: np.ndarray  # centres
    ys: np.ndarray


def character_blobs(img: Image.Image) -> Blobs | None:
    """`img`'s character-like blobs, or None when it shows too few."""
    gray = img.convert("L")
    scale = min(1.0, MEASURE_SIDE_PX / max(gray.size))
    if scale < 1.0:
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size, Image.Resampling.BOX)
    a = np.asarray(gray, dtype=np.float32)
    local = ndimage.uniform_filter(a, size=INK_WINDOW_PX, mode="nearest")
    ink = a < local - INK_CONTRAST
    labels, n = ndimage.label(ink)
    if n < MIN_BLOBS:
        return None
    heights, xs, ys = [], [], []
    max_h = MAX_BLOB_PAGE_SHARE * a.shape[0]
    for sl in ndimage.find_objects(labels):
        if sl is None:
            continue
        h = sl[0].stop - sl[0].start
        w = sl[1].stop - sl[1].start
        if MIN_BLOB_PX <= h <= max_h and w <= MAX_BLOB_ASPECT * h:
            heights.append(h)
            xs.append((sl[1].start + sl[1].stop) / 2)
            ys.append((sl[0].start + sl[0].stop) / 2)
    if len(heights) < MIN_BLOBS:
        return None
    return Blobs(np.asarray(heights, float) / scale, np.asarray(xs, float) / scale,
                 np.asarray(ys, float) / scale)


def text_height_px(img: Image.Image) -> float | None:
    """Median height in pixels of `img`'s characters, or None when it shows too few."""
    blobs = character_blobs(img)
    return None if blobs is None else float(np.median(blobs.heights))


def skew_degrees(blobs: Blobs) -> float:
    """The lean of the text lines (degrees; positive: a line climbs to the right as the
    image is shown), found as the angle whose row profile of blob centres is sharpest."""
    bin_px = max(1.0, SKEW_BIN_SHARE * float(np.median(blobs.heights)))
    best, best_score = 0.0, -1.0
    for deg in np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + SKEW_STEP_DEG / 2, SKEW_STEP_DEG):
        rows = blobs.ys + blobs.xs * np.tan(np.radians(deg))
        counts = np.bincount(((rows - rows.min()) / bin_px).astype(int))
        score = float(np.square(counts, dtype=float).sum())
        if score > best_score + 1e-9 or (abs(score - best_score) <= 1e-9 and abs(deg) < abs(best)):
            best, best_score = float(deg), score
    return best


def normalize_for_ocr(img: Image.Image, blobs: Blobs | None = None
                      ) -> tuple[Image.Image, float]:
    """`img` shrunk so that its text is `TARGET_TEXT_HEIGHT_PX` high when it is taller
    than `MAX_TEXT_HEIGHT_PX` (and then straightened when its lines lean by `MIN_SKEW_DEG`
    or more; unshrunk, when the lean lifts a line's end far enough), and the factor applied
    (1.0: not resized). Never enlarges: the tesseract
    engine upscales small images itself. `blobs`: `img`'s, when measured already."""
    if blobs is None:
        blobs = character_blobs(img)
    if blobs is None:
        return img, 1.0
    h = float(np.median(blobs.heights))
    if h <= MAX_TEXT_HEIGHT_PX:
        return straighten(img, blobs), 1.0
    lean = skew_degrees(blobs)
    factor = TARGET_TEXT_HEIGHT_PX / h
    size = (max(1, round(img.width * factor)), max(1, round(img.height * factor)))
    out = img.resize(size, Image.Resampling.LANCZOS)
    return (_straightened(out, lean) if abs(lean) >= MIN_SKEW_DEG else out), factor


def straighten(img: Image.Image, blobs: Blobs | None = None) -> Image.Image:
    """`img` turned level when its lines lean by `MIN_SKEW_DEG` or more and so far that a
    line's end rises a text height (`LEAN_SHIFT_SHARE`) across the text's width; else
    `img` itself. For pages read at their own size: a small photo, a scanned PDF page (on an
    A4 scan a 1-degree lean lifts a right-hand value off its label's row). `blobs`: `img`'s,
    when measured already."""
    if blobs is None:
        blobs = character_blobs(img)
    if blobs is None:
        return img
    h = float(np.median(blobs.heights))
    lean = skew_degrees(blobs)
    span = float(np.percentile(blobs.xs, 95) - np.percentile(blobs.xs, 5))
    lifted = abs(np.tan(np.radians(lean))) * span >= LEAN_SHIFT_SHARE * h
    return _straightened(img, lean) if abs(lean) >= MIN_SKEW_DEG and lifted else img


def _straightened(img: Image.Image, lean: float) -> Image.Image:
    fill = "white" if img.mode in ("RGB", "L", "RGBA") else None
    return img.rotate(-lean, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=fill)
