"""Raster images (JPEG, PNG, TIFF incl. multi-page, WebP, BMP, GIF): every page is OCR'd.

Page size in points comes from the file's DPI when it is plausible; 72/96 dpi are
software defaults rather than measurements, so those, like a missing value, mean
"assume a 300 dpi scan" (points = px * 72 / 300). EXIF orientation is applied, a page
whose lines run down it is turned upright (`ingest.orient`; a TIFF's later pages as they
are read), images
above `MAX_IMAGE_PIXELS` are refused before decoding (`too_large`), and photos whose
text is larger than the recognisers read well are shrunk first (`ingest.scale`); page
sizes in points never depend on that.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from functools import cache
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from ingest.errors import CorruptFile, TooLarge, TooManyPages
from ingest.ocr.pool import OcrJob
from ingest.options import IngestOptions
from ingest.orient import Turn, upright
from ingest.scale import character_blobs, normalize_for_ocr
from ingest.sniff import HEIF_BRANDS
from ingest.types import Page

ASSUMED_DPI = 300.0
# Decoded pixels above which an image is refused (`too_large`) before it is decoded: a
# 4000 x 3000 phone photo is 12 MP, a 600 dpi A3 scan 70 MP; a "decompression bomb"
# (a small file that decodes to gigabytes) is far above. Checked on the header, before
# decoding, for every page (Pillow's own warning at 89 MP is replaced by this number).
MAX_IMAGE_PIXELS = 100_000_000
_MIN_TRUSTED_DPI = 100.0
_MAX_TRUSTED_DPI = 2400.0


def frame_dpi(img: Image.Image) -> float:
    """Horizontal DPI from metadata when trustworthy, else ASSUMED_DPI."""
    dpi = img.info.get("dpi")
    try:
        x = round(float(dpi[0]), 1) if dpi else 0.0  # PNG stores px/metre: 199.9996
    except (TypeError, ValueError, IndexError):
        x = 0.0
    return x if _MIN_TRUSTED_DPI <= x <= _MAX_TRUSTED_DPI else ASSUMED_DPI


def to_ocr_mode(img: Image.Image) -> Image.Image:
    """Flatten to RGB or L: transparency over white, 16-bit scaled down, CMYK converted."""
    if img.mode in ("RGB", "L"):
        return img
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        return img.point(lambda v: v / 256).convert("L")
    if img.mode == "1":
        return img.convert("L")
    return img.convert("RGB")


@cache
def _read_heif() -> None:
    """Let Pillow open HEIF/HEIC stills (pillow-heif's plugin). Registered on the first
    such file only: importing it is ~40 ms that no other image needs."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


def _open(data: bytes, filename: str) -> Image.Image:
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        _read_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            w, h = img.size  # header parsed, nothing decoded yet
    except Image.DecompressionBombError as exc:
        raise TooLarge(
            f"image {filename} is too large to process safely ({exc}); downscale it"
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise CorruptFile(f"image {filename} is damaged or not a readable image ({exc})") from exc
    _check_pixels(w, h, filename)
    return img


def _check_pixels(w: int, h: int, filename: str) -> None:
    if w * h > MAX_IMAGE_PIXELS:
        raise TooLarge(
            f"image {filename} is {w} x {h} pixels ({w * h / 1e6:.0f} MP), more than the "
            f"limit of {MAX_IMAGE_PIXELS / 1e6:.0f} MP (MAX_IMAGE_PIXELS); downscale it"
        )


def _load_frame(img: Image.Image, index: int, filename: str) -> tuple[Image.Image, float]:
    try:
        img.seek(index)
        img.load()
        dpi = frame_dpi(img)
        frame = ImageOps.exif_transpose(img.copy())
        return to_ocr_mode(frame), dpi
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise CorruptFile(
            f"image {filename} is damaged (page {index + 1} cannot be decoded: {exc}); "
            "it may be truncated"
        ) from exc


def _orientation_swaps(img: Image.Image) -> bool:
    try:
        return img.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    except Exception:  # broken EXIF must not fail the image
        return False


def _prepare(frame: Image.Image) -> tuple[Image.Image, Turn, float]:
    """A page's image turned upright (`ingest.orient`) and scaled for OCR, what was turned
    and the scale applied. Its character blobs are measured once for both; a page with
    none (blank, a logo) is read as it is."""
    blobs = character_blobs(frame)
    if blobs is None:
        return frame, Turn(0, None), 1.0
    frame, turn = upright(frame, blobs)
    frame, scale = normalize_for_ocr(frame, blobs if turn.degrees == 0 else None)
    return frame, turn, scale


def page_frame(data: bytes, number: int, filename: str = "") -> Image.Image:
    """Page `number` (1-based) of the image file `data` as it was read: turned by its EXIF
    orientation, upright when it lay sideways and straightened when it leaned (`_prepare`),
    so that the words' boxes sit on it (the document view shows this)."""
    frame, _dpi = _load_frame(_open(data, filename), number - 1, filename)
    return _prepare(frame)[0]


def plan_image(
    data: bytes, filename: str, media_type: str, options: IngestOptions
) -> tuple[list[Page], Any, dict[str, Any]]:
    """Pages (sizes known, words empty) and a lazy generator of their OCR jobs.

    Only TIFF frames become pages; an animated GIF/WebP is read from its first frame.
    """
    img = _open(data, filename)
    n = getattr(img, "n_frames", 1) if media_type == "image/tiff" else 1
    if n > options.max_pages:
        raise TooManyPages(
            f"TIFF has {n} pages, more than the limit of {options.max_pages} "
            "(IngestOptions.max_pages)"
        )
    first, first_dpi = _load_frame(img, 0, filename)  # fail early on undecodable data
    first, turn, first_scale = _prepare(first)
    pages: list[Page] = []
    for i in range(n):
        try:
            img.seek(i)
        except (OSError, ValueError, EOFError) as exc:
            raise CorruptFile(f"image {filename}: page {i + 1} cannot be read ({exc})") from exc
        w_px, h_px = img.size
        _check_pixels(w_px, h_px, filename)
        if _orientation_swaps(img):
            w_px, h_px = h_px, w_px
        if i == 0 and turn.degrees in (90, 270):  # the first page was turned upright
            w_px, h_px = h_px, w_px
        dpi = frame_dpi(img)
        pages.append(Page(number=i + 1, width=w_px * 72.0 / dpi, height=h_px * 72.0 / dpi))
    meta: dict[str, Any] = {
        "page_count": n,
        "image_size_px": [first.width, first.height],
        "image_dpi": first_dpi,
        "ocr_scale": round(first_scale, 4),  # < 1: the photo was shrunk for OCR
        "turned_degrees": turn.degrees,  # the first page turned upright (counter-clockwise)
    }  # later pages turned: "turned_pages" {number: degrees}, added as they are read

    def jobs() -> Iterator[OcrJob]:
        for i, page in enumerate(pages):
            if i == 0:
                frame = first
            else:  # a later page (a TIFF's) is turned and shrunk as it is read
                frame, later, _scale = _prepare(_load_frame(img, i, filename)[0])
                if later.degrees in (90, 270):
                    page.width, page.height = page.height, page.width
                if later.degrees:
                    meta.setdefault("turned_pages", {})[str(i + 1)] = later.degrees
            yield OcrJob(
                index=i, image=frame, width_pt=page.width, height_pt=page.height, photo=True
            )

    return pages, jobs, meta
