"""Turn a sideways photo upright before OCR.

Why: a phone photo without an EXIF orientation, or a receipt laid sideways on a scanner,
reaches the recognisers a quarter turn off. They then read garbage, some of it with high
confidence (a quarter-turned TRAIN receipt gave the total "RM 103" at 0.98 and was typed
an invoice), and every later step works on it.

How, cheaply first: in upright text a character's nearest neighbour is the next character
of its line, beside it; on a quarter-turned page it sits above or below. So the share of
character blobs (`ingest.scale.character_blobs`) whose nearest neighbour is more vertical
than horizontal says whether the lines may run down the page. Only such a page pays for
RapidOCR's text detector and direction classifier (`ingest.ocr.rapidocr.line_directions`,
no recognition): most lines running down it confirm the quarter turn, and whether the
classifier reads them upside down says which way to turn; most lines running across it
but read upside down mean half a turn. Upright pages (all but a few of 152 TRAIN receipts)
cost only the blob test.

A page lying on its head passes the blob test (its lines run across), so it is found later,
by the reading itself: RapidOCR classifies every line's direction before recognising it,
and most lines read upside down (`OcrResult.upside_down`) make `ingest.ocr.select.recognize_page`
read the page again turned half a turn. Only such pages pay for a second reading.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy.spatial import cKDTree

from ingest.errors import OcrUnavailable
from ingest.ocr.base import MIN_CLASSIFIED_LINES, UPSIDE_DOWN_SHARE
from ingest.ocr.rapidocr import LineDirections, line_directions
from ingest.scale import Blobs, character_blobs

log = logging.getLogger(__name__)

# Share of blobs whose nearest neighbour lies above or below them from which a page's
# lines are looked at. Measured on the 152 TRAIN receipts and the same turned a quarter
# (`tests/ingest/test_orient.py` says how): upright 0.03-0.46 (median 0.14), turned
# 0.45-0.99 (median 0.88); the detector decides the pages in between, so the bar sits
# below the turned minimum.
TURN_SHARE = 0.40
MIN_LINES = MIN_CLASSIFIED_LINES  # fewer text lines found: the page is read as it came
# Share of lines read upside down from which the page is turned: lines running down it
# are read after a quarter turn counter-clockwise, so a majority upside down means the
# other quarter; lines running across it need a clear majority for half a turn (an
# upright receipt had 10 of 52 short lines classified upside down, turned ones 92-98 %).
DOWN_FLIPPED_SHARE = 0.5
ACROSS_FLIPPED_SHARE = UPSIDE_DOWN_SHARE


@dataclass(frozen=True, slots=True)
class Turn:
    """What `upright` did: degrees turned counter-clockwise (0: kept), the share of
    vertical neighbours and, when looked at, the page's text lines."""

    degrees: int
    vertical_share: float | None
    lines: LineDirections | None = None


def vertical_share(blobs: Blobs) -> float:
    """Share of blobs whose nearest other blob is more above/below than beside them."""
    pts = np.c_[blobs.xs, blobs.ys]
    _dist, idx = cKDTree(pts).query(pts, k=2)
    step = pts[idx[:, 1]] - pts
    return float((np.abs(step[:, 1]) > np.abs(step[:, 0])).mean())


def turn_for(lines: LineDirections | None) -> int:
    """Degrees (counter-clockwise) that bring the page's lines upright and readable."""
    if lines is None or lines.across + lines.down < MIN_LINES:
        return 0
    if lines.down > lines.across:
        return 270 if lines.down_flipped >= DOWN_FLIPPED_SHARE * lines.down else 90
    if lines.across_flipped >= ACROSS_FLIPPED_SHARE * lines.across:
        return 180
    return 0


def upright(img: Image.Image, blobs: Blobs | None = None, *, threads: int | None = None
            ) -> tuple[Image.Image, Turn]:
    """`img` turned upright when its lines run down the page (else `img` itself).
    `blobs`: `img`'s, when measured already."""
    if blobs is None:
        blobs = character_blobs(img)
    if blobs is None:
        return img, Turn(0, None)
    share = vertical_share(blobs)
    if share < TURN_SHARE:
        return img, Turn(0, share)
    try:
        lines = line_directions(img, threads)
    except OcrUnavailable as exc:
        log.warning("page orientation not checked (%s): read as it came", exc.message)
        return img, Turn(0, share)
    degrees = turn_for(lines)
    if degrees:
        log.info("page turned %d degrees upright (%s)", degrees, lines)
        img = img.rotate(degrees, expand=True)
    return img, Turn(degrees, share, lines)
