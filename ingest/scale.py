"""Bring a photo's text to the size the recognisers read best, whatever the camera.

Why: tesseract and RapidOCR are tuned for text some 20-40 pixels high. A receipt shot
at 4000 px prints its digits 80-150 px high, and both recognisers then miss characters
and split lines; the same receipt at 1000 px reads cleanly. So before OCR a photo whose
text is taller than `MAX_TEXT_HEIGHT_PX` is shrunk until its text is `TARGET_TEXT_HEIGHT_PX`
high. The text height is measured, not guessed from the file size: the median height of
the ink blobs (characters) of a small copy of the page. Page sizes in points do not
change, so boxes stay where they were. Scanned PDF pages (rendered at a known DPI) and
born-digital pages never come here.
"""

from __future__ import annotations

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


def text_height_px(img: Image.Image) -> float | None:
    """Median height in pixels of `img`'s characters, or None when it shows too few."""
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
    heights = []
    max_h = MAX_BLOB_PAGE_SHARE * a.shape[0]
    for sl in ndimage.find_objects(labels):
        if sl is None:
            continue
        h = sl[0].stop - sl[0].start
        w = sl[1].stop - sl[1].start
        if MIN_BLOB_PX <= h <= max_h and w <= MAX_BLOB_ASPECT * h:
            heights.append(h)
    if len(heights) < MIN_BLOBS:
        return None
    return float(np.median(heights)) / scale


def normalize_for_ocr(img: Image.Image) -> tuple[Image.Image, float]:
    """`img` shrunk so that its text is `TARGET_TEXT_HEIGHT_PX` high when it is taller
    than `MAX_TEXT_HEIGHT_PX`, and the factor applied (1.0: unchanged). Never enlarges:
    the tesseract engine upscales small images itself."""
    h = text_height_px(img)
    if h is None or h <= MAX_TEXT_HEIGHT_PX:
        return img, 1.0
    factor = TARGET_TEXT_HEIGHT_PX / h
    size = (max(1, round(img.width * factor)), max(1, round(img.height * factor)))
    return img.resize(size, Image.Resampling.LANCZOS), factor
