"""Which engine reads a page.

"auto" runs tesseract first (fast, good on clean scans) and asks rapidocr for a
second opinion only where tesseract is likely weak: a low mean word confidence, a
narrow photo-like page (till receipts), or amounts whose cents it lost (a typewriter
font's decimal point sits in a cell of its own, and tesseract's page segmentation may
drop what follows it: "433." for 433.10, each at 96 % confidence). The result with the
better mean confidence wins, so rapidocr's cost is paid only on hard pages.
"""

from __future__ import annotations

import logging
import re

from PIL import Image

from ingest.errors import OcrUnavailable
from ingest.ocr.base import OcrEngine, OcrResult
from ingest.ocr.punctuation import fuse_letters, fuse_punctuation
from ingest.ocr.rapidocr import RapidOcrEngine
from ingest.ocr.tesseract import TesseractEngine
from ingest.options import IngestOptions

log = logging.getLogger(__name__)


def get_engine(name: str, options: IngestOptions, *, threads: int | None = None) -> OcrEngine:
    """An engine plugin by name ("tesseract" or "rapidocr")."""
    if name == "tesseract":
        return TesseractEngine(
            lang=options.ocr_lang,
            timeout_s=options.ocr_timeout_s,
            upscale_below_px=options.upscale_below_px,
        )
    if name == "rapidocr":
        return RapidOcrEngine(threads=threads, second_reading=options.ocr_second_reading)
    raise ValueError(f"unknown OCR engine {name!r}")


# an amount that ends at its decimal point ("433.", "$27.")
_BARE_POINT = re.compile(r"^[$€£]?\d{1,7}[.,]$")
DROPPED_CENTS_MIN = 2  # one such word is a date ("5. März") or a list number as often


def dropped_cents(result: OcrResult) -> bool:
    """Whether several amounts of a reading end at their decimal point."""
    return sum(bool(_BARE_POINT.match(w.text)) for w in result.words) >= DROPPED_CENTS_MIN


def is_narrow(width: float, height: float, options: IngestOptions) -> bool:
    """Receipt-like: much taller than wide."""
    return width > 0 and height / width >= options.narrow_aspect


def wants_second_opinion(
    first: OcrResult,
    page_width_pt: float,
    page_height_pt: float,
    options: IngestOptions,
    *,
    photo: bool = False,
) -> bool:
    """In "auto": whether tesseract's result is doubtful enough to also run rapidocr."""
    if first.mean_confidence < options.rapidocr_threshold or dropped_cents(first):
        return True
    return photo and is_narrow(page_width_pt, page_height_pt, options)


def better(first: OcrResult, second: OcrResult) -> OcrResult:
    """The result with the higher mean word confidence (ties keep the first)."""
    return second if second.mean_confidence > first.mean_confidence else first


def recognize_page(
    image: Image.Image,
    page_width_pt: float,
    page_height_pt: float,
    options: IngestOptions,
    *,
    photo: bool = False,
    threads: int | None = None,
) -> OcrResult:
    """OCR one page image according to `options.ocr_engine`.

    `photo` marks pages that came from a camera/scanner image file rather than a
    PDF; together with a narrow aspect ratio it triggers the rapidocr pass in "auto".
    """
    mode = options.ocr_engine
    if mode in ("tesseract", "rapidocr"):
        return get_engine(mode, options, threads=threads).recognize(
            image, page_width_pt, page_height_pt
        )
    first = get_engine("tesseract", options).recognize(image, page_width_pt, page_height_pt)
    if not wants_second_opinion(first, page_width_pt, page_height_pt, options, photo=photo):
        return first
    try:
        second = get_engine("rapidocr", options, threads=threads).recognize(
            image, page_width_pt, page_height_pt
        )
    except OcrUnavailable as exc:
        log.warning("rapidocr unavailable, keeping tesseract's result: %s", exc.message)
        return first
    chosen = better(first, second)
    if chosen is second and options.fuse_punctuation:
        # tesseract's reading is already paid for: lend its commas and slashes, and its
        # letters where RapidOCR doubts its own
        words, _n = fuse_letters(second.words, first.words)
        words, _n = fuse_punctuation(words, first.words)
        chosen = OcrResult(engine=second.engine, words=words)
    return chosen
