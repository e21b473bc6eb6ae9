"""The one interface every OCR engine implements.

Engines take a raster image and the size of the page it depicts (points) and return
words in page points, top-left origin, so readers never deal with pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from PIL import Image

from ingest.types import Word

# A page lies on its head when its direction classifier reads at least this share of its
# text lines upside down (an upright receipt had 10 of 52 short lines classified upside
# down, turned ones 92-98 %), over at least this many lines (`ingest.orient` uses the same
# for pages found lying sideways)
UPSIDE_DOWN_SHARE = 0.7
MIN_CLASSIFIED_LINES = 5


def lying_on_its_head(lines_classified: int, lines_flipped: int) -> bool:
    """Whether a page whose reading classified `lines_classified` text lines, and read
    `lines_flipped` of them upside down, lay on its head."""
    return lines_classified >= MIN_CLASSIFIED_LINES and \
        lines_flipped >= UPSIDE_DOWN_SHARE * lines_classified


@dataclass(slots=True)
class OcrResult:
    """Words of one page in reading order, with `line`/`block` set."""

    engine: str
    words: list[Word] = field(default_factory=list)
    # RapidOCR's direction classifier on this reading: text lines it looked at and how many
    # it read upside down (`upside_down` tells a page lying on its head)
    lines_classified: int = 0
    lines_flipped: int = 0
    turned: int = 0  # degrees the page image was turned (counter-clockwise) before reading

    @property
    def mean_confidence(self) -> float:
        """Mean word confidence 0..1; 0 when nothing was read (so any result beats it)."""
        if not self.words:
            return 0.0
        return sum(w.conf for w in self.words) / len(self.words)

    @property
    def upside_down(self) -> bool:
        """Whether the page lay on its head: most lines read upside down (RapidOCR turns
        each such line before recognising it, so the words are right, but the lines come
        bottom first and each word's box is mirrored within its line)."""
        return lying_on_its_head(self.lines_classified, self.lines_flipped)

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
