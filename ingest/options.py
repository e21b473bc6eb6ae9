"""Knobs for reading one file.

Limits exist so that one hostile or accidental upload (a 2 GB scan, a 50 000-page
PDF) cannot starve a self-hosted box; OCR settings trade speed for accuracy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

OcrEngineName = Literal["auto", "tesseract", "rapidocr"]


def _default_workers() -> int:
    """The cores this process may run on (a container's or taskset's share, not the
    machine's): one OCR worker each."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(slots=True)
class IngestOptions:
    """How `read_file` / `read_bytes` behave. Defaults suit a small office server."""

    max_bytes: int = 100 * 1024 * 1024
    max_pages: int = 2000
    ocr_engine: OcrEngineName = "auto"
    ocr_timeout_s: float = 120.0  # per page and per engine run
    dpi: int = 300  # rasterisation of scanned PDF pages; assumed for images without DPI
    ocr_workers: int = field(default_factory=_default_workers)
    ocr_lang: str = "eng"
    # With ocr_lang "eng": re-read pages that show German/French words with those tesseract
    # models added, where installed (ingest/ocr/select.py)
    ocr_more_languages: bool = True
    # "auto": re-OCR with rapidocr when tesseract's mean word confidence is below this
    rapidocr_threshold: float = 0.75
    # "auto": also re-OCR photo/receipt-like pages (height/width above this ratio)
    narrow_aspect: float = 1.8
    # A text layer with fewer real (alphanumeric) characters than this is treated as missing
    min_text_chars: int = 20
    # "auto": add the commas/slashes tesseract read to rapidocr's words (ingest/ocr/punctuation.py)
    fuse_punctuation: bool = True
    # RapidOCR's lines re-read by a second recogniser and the readings merged
    # (ingest/ocr/second_reading.py): fewer misread characters, about +0.5 s per receipt
    ocr_second_reading: bool = True
    # OCR pictures on text-layer pages (letterheads printed as a logo image)
    ocr_images: bool = True
    # Upscale small OCR images so the x-height suits tesseract (short side below this, px)
    upscale_below_px: int = 1000
    # How far a reader process (`ingest.readers.processes`, PDFs read for a threaded
    # caller) may grow its address space, MB; 0 keeps the limit it inherited
    reader_memory_mb: int = 0

    def __post_init__(self) -> None:
        if self.ocr_engine not in ("auto", "tesseract", "rapidocr"):
            raise ValueError(
                f"ocr_engine must be 'auto', 'tesseract' or 'rapidocr', not {self.ocr_engine!r}"
            )
        if self.dpi < 50 or self.dpi > 1200:
            raise ValueError(f"dpi must be between 50 and 1200, not {self.dpi}")
        self.ocr_workers = max(1, int(self.ocr_workers))
