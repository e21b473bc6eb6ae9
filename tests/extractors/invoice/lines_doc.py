"""A one-page document from lines of text: each word boxed left to right, one row a line.

What the invoice extractor's tests need to state a layout in a few lines of text, instead
of each test module laying out words its own way."""

from ingest.types import IngestedDocument, Page, Word


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
