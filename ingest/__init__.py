"""Read any supported file into an `IngestedDocument`: pages of words with boxes.

The pipeline calls exactly `read_file`, `read_bytes` and `sniff_type`. Whatever the
input, the caller gets either a document or an `IngestError` subclass with a stable
`code` and a message that says what to do: no library exception escapes.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest import limits, sniff
from ingest.errors import (
    CorruptFile,
    EmptyFile,
    IngestError,
    TooComplex,
    TooLarge,
    UnreadableFile,
    UnsupportedType,
)
from ingest.layout import order_words, text_from_words
from ingest.options import IngestOptions
from ingest.sniff import sniff_type
from ingest.types import Attachment, IngestedDocument, Page, StructuredInvoice, Word

if TYPE_CHECKING:  # the OCR pool (PIL, the engines) loads when a page needs OCR
    from ingest.ocr.pool import OcrJob

__all__ = ["IngestOptions", "read_file", "read_bytes", "sniff_type"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Draft:
    """What a format reader produces before OCR."""

    pages: list[Page]
    jobs: Callable[[], Iterator[OcrJob]] | None = None
    n_jobs: int = 0
    # job key -> (page index, box in page points) for jobs that OCR part of a page
    regions: dict[int, tuple[int, tuple[float, float, float, float]]] = field(
        default_factory=dict)
    region_jobs: Callable[[], Iterator[OcrJob]] | None = None
    close: Callable[[], None] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    attachments: list[Attachment] = field(default_factory=list)
    structured: StructuredInvoice | None = None


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def read_file(path: Path, options: IngestOptions | None = None) -> IngestedDocument:
    """Read a file from disk. The size limit is checked before the file is read."""
    options = options or IngestOptions()
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        raise UnreadableFile(f"cannot open {path}: {exc.strerror or exc}") from exc
    if not path.is_file():
        raise UnreadableFile(f"{path} is not a regular file")
    if st.st_size == 0:
        raise EmptyFile(f"{path.name} is empty (0 bytes)")
    if st.st_size > options.max_bytes:
        raise TooLarge(
            f"{path.name} is {_mb(st.st_size)}, over the {_mb(options.max_bytes)} limit "
            "(IngestOptions.max_bytes)"
        )
    try:
        with path.open("rb") as fh:
            data = fh.read(options.max_bytes + 1)  # never more than the limit, even if it grew
    except OSError as exc:
        raise UnreadableFile(f"cannot read {path}: {exc.strerror or exc}") from exc
    return read_bytes(path.name, data, options)


def read_bytes(
    filename: str, data: bytes, options: IngestOptions | None = None
) -> IngestedDocument:
    """Read an in-memory file; `filename` is used for messages and metadata only."""
    options = options or IngestOptions()
    started = time.perf_counter()
    if not data:
        raise EmptyFile(f"{filename} is empty (0 bytes)")
    if len(data) > options.max_bytes:
        raise TooLarge(
            f"{filename} is {_mb(len(data))}, over the {_mb(options.max_bytes)} limit "
            "(IngestOptions.max_bytes)"
        )
    media_type = sniff_type(filename, data)
    _check_supported(filename, media_type)
    limits.check(filename, data, media_type)  # decompression bombs: too_complex
    doc = IngestedDocument(
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        size=len(data),
    )
    draft: _Draft | None = None
    ocr_ms = 0.0
    try:
        draft = _dispatch(filename, data, media_type, options)
        if draft.jobs is not None and draft.n_jobs:
            t_ocr = time.perf_counter()
            _apply_ocr(draft, options)
            ocr_ms = (time.perf_counter() - t_ocr) * 1000
        if draft.region_jobs is not None and draft.regions:
            t_ocr = time.perf_counter()
            _apply_regions(draft, options, filename)
            ocr_ms += (time.perf_counter() - t_ocr) * 1000
    except IngestError:
        raise
    except MemoryError as exc:
        raise TooComplex(f"{filename} needs more memory to read than its worker may use "
                         "(BACKOFFICE_DOC_MEMORY_MB)") from exc
    except Exception as exc:  # the promise: no raw library exception escapes
        log.debug("unexpected failure reading %s", filename, exc_info=True)
        raise CorruptFile(
            f"{filename} could not be read as {media_type} ({type(exc).__name__}: {exc})"
        ) from exc
    finally:
        if draft is not None and draft.close is not None:
            try:
                draft.close()
            except Exception:  # closing is best effort
                log.debug("closing %s failed", filename, exc_info=True)
    doc.pages = draft.pages
    doc.attachments = draft.attachments
    doc.metadata = draft.metadata
    doc.structured = draft.structured
    total_ms = (time.perf_counter() - started) * 1000
    doc.timings_ms = {"read": int(round(total_ms - ocr_ms)), "ocr": int(round(ocr_ms))}
    return doc


def _check_supported(filename: str, media_type: str) -> None:
    if media_type in sniff.SUPPORTED:
        return
    claimed = sniff.extension_type(filename)
    if media_type == sniff.OCTET and claimed is not None:
        raise CorruptFile(
            f"{filename} is named like {claimed} but its content is not a readable "
            f"{claimed} file (unrecognised data); it may be damaged or mislabelled"
        )
    what = {
        sniff.EXE: "a Windows executable",
        sniff.ELF: "a Linux executable",
        sniff.OLE: "a legacy Microsoft Office (OLE) file; save it as .docx or PDF",
        sniff.ZIP: "a ZIP archive that is not a .docx document",
        sniff.OCTET: "unrecognised binary data",
    }.get(media_type, media_type)
    hint = f" despite its {claimed} extension" if claimed else ""
    raise UnsupportedType(
        f"{filename} is {what}{hint}; supported: PDF, JPEG, PNG, TIFF, WebP, BMP, GIF, "
        "plain text, HTML, .docx and .eml"
    )


def _dispatch(filename: str, data: bytes, media_type: str, options: IngestOptions) -> _Draft:
    if media_type == sniff.PDF:
        # imported here, as the PDF reader is: lxml (the e-invoice XML) is for PDFs and XML
        from ingest import einvoice
        from ingest.readers.pdf import plan_pdf

        plan = plan_pdf(data, filename, options)
        return _Draft(
            pages=plan.pages,
            jobs=plan.jobs,
            n_jobs=len(plan.ocr_indexes),
            regions=plan.regions,
            region_jobs=plan.region_jobs,
            close=plan.close,
            metadata=plan.metadata,
            structured=einvoice.from_pdf(data),
        )
    if media_type in sniff.IMAGE_TYPES:
        from ingest.readers.image import plan_image

        pages, jobs, meta = plan_image(data, filename, media_type, options)
        return _Draft(pages=pages, jobs=jobs, n_jobs=len(pages), metadata=meta)
    from ingest.readers import text as text_readers

    if media_type == sniff.TEXT:
        return _Draft(pages=text_readers.read_plain(data))
    if media_type == sniff.HTML:
        return _Draft(pages=text_readers.read_html(data))
    if media_type == sniff.DOCX:
        pages, meta = text_readers.read_docx(data, filename)
        return _Draft(pages=pages, metadata=meta)
    if media_type == sniff.XML:
        pages, structured = text_readers.read_xml(data, filename)
        return _Draft(pages=pages, structured=structured)
    if media_type == sniff.EML:
        pages, attachments, meta = text_readers.read_eml(data, filename)
        return _Draft(pages=pages, attachments=attachments, metadata=meta)
    raise UnsupportedType(f"{filename}: no reader for {media_type}")  # pragma: no cover


def _merge_region(pages: list[Page], index: int, box: tuple[float, float, float, float],
                  words: list[Word]) -> None:
    """Add the words OCR read in an image on a text page, moved to page coordinates."""
    if not words:
        return
    x0, y0 = box[0], box[1]
    page = pages[index]
    moved = [Word(text=w.text, bbox=(w.bbox[0] + x0, w.bbox[1] + y0, w.bbox[2] + x0,
                                     w.bbox[3] + y0), conf=w.conf) for w in words]
    page.words = order_words([*page.words, *moved])
    page.text = text_from_words(page.words)


def _apply_regions(draft: _Draft, options: IngestOptions, filename: str) -> None:
    """OCR the pictures on text pages. Advisory: a failure leaves the text layer as it
    is and is noted in the metadata instead of failing a file that reads fine."""
    from ingest.ocr.pool import run_ocr

    assert draft.region_jobs is not None
    try:
        for key, result in run_ocr(draft.region_jobs(), options, len(draft.regions)):
            _merge_region(draft.pages, *draft.regions[key], result.words)
    except IngestError as exc:
        log.warning("%s: pictures on text pages not read (%s)", filename, exc.message)
        draft.metadata["image_ocr_error"] = exc.code


def _apply_ocr(draft: _Draft, options: IngestOptions) -> None:
    from ingest.ocr.pool import run_ocr

    assert draft.jobs is not None
    for index, result in run_ocr(draft.jobs(), options, draft.n_jobs):
        page = draft.pages[index]
        page.ocr = True
        page.ocr_engine = result.engine
        page.turned = (page.turned + result.turned) % 360  # the reader's turn, then OCR's
        if result.words:
            page.words = result.words
            page.text = text_from_words(result.words)
            page.ocr_confidence = round(result.mean_confidence, 4)
