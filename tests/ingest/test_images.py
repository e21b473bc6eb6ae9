"""Raster inputs: OCR, DPI -> points, EXIF orientation, multi-page TIFF."""

from __future__ import annotations

import io

import pytest
from ingest_helpers import CORPUS, image_bytes, text_image
from PIL import Image

from ingest import IngestOptions, read_bytes, read_file
from ingest.errors import CorruptFile, TooManyPages
from ingest.ocr.rapidocr import split_line

TESS = IngestOptions(ocr_engine="tesseract", ocr_workers=1)


def test_png_ocr_and_dpi_points() -> None:
    img = text_image(["RECEIPT 20931", "CASH 45.10"], width=900)
    doc = read_bytes("r.png", image_bytes(img, "PNG", dpi=(200, 200)), TESS)
    assert doc.media_type == "image/png"
    (page,) = doc.pages
    assert page.width == pytest.approx(900 * 72 / 200)
    assert page.height == pytest.approx(img.height * 72 / 200)
    assert page.ocr and page.ocr_engine == "tesseract"
    assert "20931" in page.text and "45.10" in page.text
    assert page.text.index("20931") < page.text.index("45.10")
    w = next(w for w in page.words if w.text == "20931")
    # drawn at ~x=60+ px of a 900 px wide image, first line
    assert 0 < w.bbox[0] < page.width and w.bbox[1] < page.height / 2
    assert 0 < w.conf <= 1


def test_a_heic_photo_is_read_as_an_image() -> None:
    """HEIC is an iPhone camera's default format: sniffed by its "ftyp" brand (whatever the
    file is called) and read through pillow-heif, registered on the first such file."""
    from pillow_heif import register_heif_opener

    register_heif_opener()  # to write the test's file; the reader registers its own
    img = text_image(["RECEIPT 20931", "CASH 45.10"], width=900).convert("RGB")
    data = image_bytes(img, "HEIF", quality=95)
    doc = read_bytes("IMG_0042.bin", data, TESS)
    assert doc.media_type == "image/heic"
    (page,) = doc.pages
    assert page.ocr and "20931" in page.text and "45.10" in page.text
    assert page.width == pytest.approx(900 * 72 / 300)
    with pytest.raises(CorruptFile):  # cut short: a clear error, not a crash
        read_bytes("IMG_0043.heic", data[: len(data) // 2], TESS)


def test_jpeg_without_dpi_assumes_300_and_applies_exif_orientation() -> None:
    upright = text_image(["ORIENTED TEXT 778"], width=800)
    stored = upright.rotate(90, expand=True)  # how a sideways camera stores it
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    data = image_bytes(stored, "JPEG", exif=exif.tobytes(), quality=95)
    doc = read_bytes("photo.jpg", data, TESS)
    (page,) = doc.pages
    assert page.width == pytest.approx(upright.width * 72 / 300)
    assert page.height == pytest.approx(upright.height * 72 / 300)
    assert "778" in page.text


def _tiff(numbers: tuple[int, ...]) -> bytes:
    frames = [text_image([f"PAGE NUMBER {n}"], width=700) for n in numbers]
    buf = io.BytesIO()
    frames[0].save(buf, format="TIFF", save_all=True, append_images=frames[1:], dpi=(300, 300))
    return buf.getvalue()


def test_multipage_tiff_pages() -> None:
    data = _tiff((101, 202, 303))  # 3 frames: max_pages=2 must refuse
    doc = read_bytes("scan.tif", data, TESS)
    assert doc.media_type == "image/tiff" and len(doc.pages) == 3
    for page, n in zip(doc.pages, (101, 202, 303), strict=True):
        assert str(n) in page.text and page.number == n // 101
    with pytest.raises(TooManyPages):
        read_bytes("scan.tif", data, IngestOptions(max_pages=2))


@pytest.mark.slow
def test_multipage_tiff_process_pool() -> None:
    doc = read_bytes("scan.tif", _tiff((404, 505)), IngestOptions(ocr_workers=2))
    assert [p.ocr for p in doc.pages] == [True, True]
    assert "404" in doc.pages[0].text and "505" in doc.pages[1].text


def test_truncated_png_is_corrupt() -> None:
    data = image_bytes(text_image(["SOME TEXT"]), "PNG")
    with pytest.raises(CorruptFile) as exc:
        read_bytes("cut.png", data[: len(data) // 2], TESS)
    assert "damaged" in exc.value.message


def test_split_line_proportional() -> None:
    words = split_line("TOTAL RM 33.90", (0.0, 10.0, 140.0, 20.0), 0.9)
    assert [w.text for w in words] == ["TOTAL", "RM", "33.90"]
    assert words[0].bbox == pytest.approx((0, 10, 50, 20))
    assert words[1].bbox[0] == pytest.approx(60) and words[2].bbox[2] == pytest.approx(140)
    assert all(w.conf == 0.9 for w in words)


@pytest.mark.slow
def test_sroie_receipt_auto() -> None:
    imgs = sorted((CORPUS / "sroie").glob("*.jpg"))
    if not imgs:
        pytest.skip("corpus not present")
    doc = read_file(imgs[0])
    (page,) = doc.pages
    assert page.ocr and page.ocr_engine in ("tesseract", "rapidocr")
    assert len(page.words) > 20 and page.ocr_confidence and page.ocr_confidence > 0.5
    for w in page.words:
        assert -1 <= w.bbox[0] < w.bbox[2] <= page.width + 1


@pytest.mark.slow
def test_rapidocr_engine_reads_clean_text() -> None:
    img = text_image(["TOTAL 128.40", "THANK YOU"], width=800)
    doc = read_bytes("t.png", image_bytes(img, "PNG"), IngestOptions(ocr_engine="rapidocr"))
    (page,) = doc.pages
    assert page.ocr_engine == "rapidocr"
    assert "128.40" in page.text.replace(" ", "")
    assert page.text.splitlines()[0].startswith("TOTAL")
