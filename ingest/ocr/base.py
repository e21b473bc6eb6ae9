"""The one interface every OCR engine implements.

Engines take a raster image and the size of the page it depicts (points) and return
words in page points, top-left origin, so readers never deal with pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from PIL import Image

from ingest.types import Word


@dataclass(slots=True)
class OcrResult:
    """Words of one page in reading order, with `line`/`block` set."""

    engine: str
    words: list[Word] = field(default_factory=list)

    @property
    def mean_confidence(self) -> float:
        """Mean word confidence 0..1; 0 when nothing was read (so any result beats it)."""
        if not self.words:
            return 0.0
        return sum(w.conf for w in self.words) / len(self.words)

    @property
    def char_count(self) -> int:
        return sum(len(w.text) for w in self.words)


@runtime_checkable
class OcrEngine(Protocol):
    """An OCR engine plugin. Implementations must be cheap to construct; heavy
    models load lazily, once per process."""

    name: str

    def recognize(
        self, image: Image.Image, page_width_pt: float, page_height_pt: float
    ) -> OcrResult:
        """Read `image`, which shows a page of `page_width_pt` x `page_height_pt` points."""
        ...
