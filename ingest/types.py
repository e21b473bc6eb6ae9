"""The data ingest hands to every later stage: pages of words with boxes.

Coordinates are PDF points (1/72 inch) of the page, origin top-left, y growing
downwards, so a reviewer's highlight and an extractor's geometry agree whatever
the source (born-digital PDF, scan, photo, text file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BBox = tuple[float, float, float, float]  # x0, y0, x1, y1 in points, top-left origin


@dataclass(slots=True)
class Word:
    """One word as read from a text layer or an OCR engine."""

    text: str
    bbox: BBox
    conf: float = 1.0  # 0..1; 1.0 for a born-digital text layer
    line: int = 0  # line index within the page, in reading order
    block: int = 0  # block/paragraph index within the page
    # per-character confidences of `text` where the engine gives them (RapidOCR): used
    # while reading the page to weigh a second engine's reading; not stored
    char_conf: tuple[float, ...] | None = field(default=None, compare=False, repr=False)
    # per character, what a second recogniser read there instead ("" where it agreed);
    # None where no second reading was made. Lets a third engine break a tie; not stored
    char_alt: tuple[str, ...] | None = field(default=None, compare=False, repr=False)
    # how many characters the two recognisers disagreed on in this word's OCR line
    # (edit distance, spaces aside); None where the line was read once. Not stored
    read_disputes: int | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class Page:
    """A page in reading order. `text` joins `words` line by line."""

    number: int  # 1-based
    width: float  # points
    height: float  # points
    words: list[Word] = field(default_factory=list)
    text: str = ""
    ocr: bool = False  # True when the words came from OCR
    ocr_engine: str | None = None  # "tesseract", "rapidocr", ...
    ocr_confidence: float | None = None  # mean word confidence 0..1 when OCR'd
    # degrees (counter-clockwise) the page image was turned to be read upright, from the page
    # as rendered from the original (a PDF page at its /Rotate; an image file's page as
    # `ingest.readers.image.page_frame` gives it, its own upright turn included): a scanned
    # PDF page lying sideways, any page OCR found lying on its head. Its words are on the
    # turned page.
    turned: int = 0


@dataclass(slots=True)
class Attachment:
    """A file found inside another (an e-mail attachment): processed as its own document."""

    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class StructuredInvoice:
    """A structured e-invoice that came with (or as) the file: the XML of a Factur-X /
    ZUGFeRD PDF, or an XRechnung / Peppol UBL file. Its values are the issuer's own, so
    extraction reads them instead of guessing them from the page."""

    syntax: str  # "cii" (UN/CEFACT Cross Industry Invoice) or "ubl" (UBL 2.1 Invoice/CreditNote)
    xml: bytes
    origin: str  # "embedded:<name>" for a PDF attachment, "file" for an XML upload


@dataclass(slots=True)
class IngestedDocument:
    """Everything later stages may read about one input file."""

    filename: str
    sha256: str
    media_type: str  # e.g. "application/pdf", "image/jpeg", "text/plain"
    size: int
    pages: list[Page] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)  # title, author, e-mail headers...
    structured: StructuredInvoice | None = None  # an e-invoice's XML, when there is one
    timings_ms: dict[str, int] = field(default_factory=dict)  # "read", "ocr"

    @property
    def text(self) -> str:
        """Whole-document text, pages separated by form feeds."""
        return "\f".join(p.text for p in self.pages)

    @property
    def ocr_pages(self) -> int:
        return sum(1 for p in self.pages if p.ocr)
