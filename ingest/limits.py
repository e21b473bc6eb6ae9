"""Decompression limits, checked on the raw bytes before a parser builds the document.

A .docx is a zip of XML: 291 KB can unpack into 3 million paragraphs that python-docx turns
into 3.6 GB of objects. A PDF can declare millions of tiny objects or nest arrays and
dictionaries thousands deep. Each check here is one linear pass over bounded input (a zip
member is read in chunks and never past the size its header declares, which is also all
that zipfile will inflate), and refuses with `TooComplex` (`too_complex`) and the limit that
was hit. The limits are far above any real business document.
"""

from __future__ import annotations

import io
import re
import zipfile

from ingest.errors import CorruptFile, TooComplex
from ingest.sniff import DOCX, PDF

DOCX_MAX_PART_BYTES = 64 << 20  # one XML part, uncompressed
DOCX_MAX_TOTAL_BYTES = 256 << 20  # every part together, uncompressed
DOCX_MAX_PARAGRAPHS = 100_000  # a 2000-page document has some 60 000
DOCX_PARTS_COUNTED = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
PDF_MAX_OBJECTS = 1_000_000
PDF_MAX_NESTING = 64  # arrays / dictionaries opened in a row; pdfium's own parser stops at 64

_PARAGRAPH_STARTS = tuple(b"<w:p" + c for c in (b">", b"/", b" ", b"\n", b"\r", b"\t"))
_CHUNK = 1 << 20
_PDF_SIZE = re.compile(rb"/Size\s+(\d{1,12})")
_PDF_DEEP = re.compile(rb"(?:(?:\[|<<(?:\s*/[^\s/<>\[\]()]{1,127})?)\s*){%d}" % PDF_MAX_NESTING)


def check(filename: str, data: bytes, media_type: str) -> None:
    """Raise TooComplex when `data` of `media_type` would unpack past a limit."""
    if media_type == DOCX:
        check_docx(filename, data)
    elif media_type == PDF:
        check_pdf(filename, data)


def check_docx(filename: str, data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise CorruptFile(f"Word document {filename} is damaged and cannot be read ({exc})"
                          ) from exc
    with archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        if total > DOCX_MAX_TOTAL_BYTES:
            raise TooComplex(f"{filename} unpacks into {total:,} bytes; the limit is "
                             f"{DOCX_MAX_TOTAL_BYTES:,}")
        paragraphs = 0
        for info in infos:
            if info.file_size > DOCX_MAX_PART_BYTES:
                raise TooComplex(f"{filename}: part {info.filename} unpacks into "
                                 f"{info.file_size:,} bytes; the limit is {DOCX_MAX_PART_BYTES:,}")
            if not DOCX_PARTS_COUNTED.match(info.filename):
                continue
            paragraphs += _count_paragraphs(archive, info, filename, paragraphs)


def _count_paragraphs(archive: zipfile.ZipFile, info: zipfile.ZipInfo, filename: str,
                      before: int) -> int:
    """Paragraph starts (`<w:p>`, `<w:p/>`, `<w:p w:...>`) in one part, streamed."""
    n, tail = 0, b""
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                buf = tail + chunk
                n += sum(buf.count(p) for p in _PARAGRAPH_STARTS)  # C speed, no list
                # A tag cut by the chunk boundary is counted with the next chunk; 4 bytes
                # cannot hold a whole 5-byte match, so nothing is counted twice.
                tail = buf[-4:]
                if before + n > DOCX_MAX_PARAGRAPHS:
                    raise TooComplex(f"{filename} has more than {DOCX_MAX_PARAGRAPHS:,} "
                                     "paragraphs")
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise CorruptFile(f"Word document {filename} is damaged and cannot be read ({exc})"
                          ) from exc
    return n


def check_pdf(filename: str, data: bytes) -> None:
    objects = max([data.count(b"endobj"), *(int(m) for m in _PDF_SIZE.findall(data))])
    if objects > PDF_MAX_OBJECTS:
        raise TooComplex(f"{filename} has {objects:,} objects; the limit is {PDF_MAX_OBJECTS:,}")
    if _PDF_DEEP.search(data):
        raise TooComplex(f"{filename} nests arrays or dictionaries more than "
                         f"{PDF_MAX_NESTING} deep")
