"""Page images for the document view, rendered from the kept original.

PDF pages are rasterised with pypdfium2 (a scanned one turned and straightened as it was
read), images are shown as the reader read them (PNG, which browsers show whatever the
original's format: a sideways photo turned upright, a leaning one straightened; a page OCR
read turned half a turn is turned too), and text-only formats (e-mail, DOCX, plain text)
get a page drawn from the stored words, so field highlights have something to sit on.
Renders are cached, sealed, in the blob store's page cache (`<data_dir>/cache/pages/`, or
the S3 bucket: `records.blobs.PageCache`).
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable

from PIL import Image, ImageDraw

from ingest.readers.image import page_frame
from ingest.scale import straighten
from records.blobs import PageCache
from records.models import Document, PageRow

log = logging.getLogger(__name__)

TARGET_WIDTH = 1200
_pdfium_lock = threading.Lock()  # pdfium is not thread-safe


def _looks_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]


def _render_pdf(data: bytes, number: int) -> Image.Image:
    import pypdfium2 as pdfium

    with _pdfium_lock:
        pdf = pdfium.PdfDocument(data)
        try:
            page = pdf[number - 1]
            scale = min(4.0, max(0.5, TARGET_WIDTH / max(1.0, page.get_width())))
            image = page.render(scale=scale).to_pil()
            page.close()
        finally:
            pdf.close()
    return image.convert("RGB")


def _render_image(data: bytes, number: int) -> Image.Image:
    # the page as the reader read it (upright, straightened), so the boxes sit on it
    img = page_frame(data, number).convert("RGB")
    if img.width > TARGET_WIDTH * 2:
        img.thumbnail((TARGET_WIDTH * 2, TARGET_WIDTH * 4))
    return img


def _render_words(page: PageRow | None) -> Image.Image:
    width_pt = page.width if page and page.width else 612.0
    height_pt = page.height if page and page.height else 792.0
    scale = TARGET_WIDTH / width_pt
    img = Image.new("RGB", (TARGET_WIDTH, max(1, int(height_pt * scale))), "white")
    draw = ImageDraw.Draw(img)
    if page is None or not page.words:
        draw.text((20, 20), "No preview available for this page.", fill="#444")
        return img
    for w in page.words:
        x0, y0, x1, y1 = (float(c) * scale for c in w[1:5])
        size = max(8, int((y1 - y0) * 0.8))
        try:
            from PIL import ImageFont

            font = ImageFont.load_default(size=size)
        except TypeError:  # Pillow < 10.1 has no sized default font
            font = None
        draw.text((x0, y0), str(w[0]), fill="black", font=font)
    return img


def page_png(cache: PageCache, doc: Document, page: PageRow | None, number: int,
             original: Callable[[], bytes]) -> bytes:
    """PNG bytes of page `number` of `doc` (cached by content hash and page, sealed at rest
    like the original: a page image shows everything the original does). `original` is
    called only when the page is not cached yet."""
    cached = cache.get(doc.sha256, number)
    if cached is not None:
        return cached
    data = original()
    media = (doc.media_type or "").lower()
    try:
        if media == "application/pdf" or (not media and _looks_pdf(data)):
            img = _turned(_render_pdf(data, number), page)
            if page is not None and page.ocr:  # a scanned page is read straightened
                img = straighten(img)
        elif media.startswith("image/") or (not media and _is_image(data)):
            img = _turned(_render_image(data, number), page)
        else:
            img = _render_words(page)
    except Exception:  # noqa: BLE001 - a broken original still gets a placeholder
        log.warning("rendering page %s of %s failed", number, doc.id, exc_info=True)
        img = _render_words(page)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False)
    out = buf.getvalue()
    cache.put(doc.sha256, number, out)
    return out


def _turned(img: Image.Image, page: PageRow | None) -> Image.Image:
    """`img` turned as OCR turned the page to read it (a page lying on its head): its
    words' boxes are on the turned page."""
    if page is None or not page.turned:
        return img
    return img.rotate(page.turned, expand=True)


def _is_image(data: bytes) -> bool:
    try:
        Image.open(io.BytesIO(data)).verify()
        return True
    except Exception:  # noqa: BLE001
        return False
