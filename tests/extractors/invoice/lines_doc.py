"""A one-page document from lines of text: each word boxed left to right, one row a line.

What the invoice extractor's tests need to state a layout in a few lines of text, instead
of each test module laying out words its own way."""

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from ingest import read_file
from ingest.types import IngestedDocument, Page, Word

# Debian's DejaVu Sans Mono (fonts-dejavu-core): a fixed-width font that prints "·", "ß", "€"
MONO_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def doc_from_lines(lines: list[str], *, ocr: bool = False, conf: float = 1.0,
                   char_w: float = 6.0, line_h: float = 14.0, width: float = 500.0,
                   filename: str = "d.pdf", media_type: str = "application/pdf"
                   ) -> IngestedDocument:
    words = []
    for i, line in enumerate(lines):
        x = 20.0
        for t in line.split():
            words.append(Word(t, (x, 20 + line_h * i, x + char_w * len(t),
                                  30 + line_h * i), conf, i))
            x += char_w * len(t) + 6
    page = Page(1, width, 40 + line_h * len(lines), words, "\n".join(lines), ocr=ocr)
    return IngestedDocument(filename, "0" * 64, media_type, 0, [page])


def pdf_from_lines(path: Path, lines: list[str], *, size: tuple[float, float] = (612, 842),
                   x: float = 20.0, top: float | None = None, font: str = "DejaVuMono"
                   ) -> IngestedDocument:
    """`lines` printed 8 pt, 11 pt apart, from `top` (30 pt under the page's top edge by
    default), written to `path` as a born-digital PDF and read back by the ingest reader:
    a layout as a real PDF gives it (page size, word boxes), where `doc_from_lines` sizes
    the page to its text. `font`: "DejaVuMono" (`MONO_FONT`) or a standard PDF font."""
    if font == "DejaVuMono":
        pdfmetrics.registerFont(TTFont(font, MONO_FONT))
    c = canvas.Canvas(str(path), pagesize=size)
    c.setFont(font, 8)
    y0 = size[1] - 30 if top is None else top
    for i, line in enumerate(lines):
        c.drawString(x, y0 - 11 * i, line)
    c.save()
    return read_file(path)
