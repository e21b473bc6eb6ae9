"""Photos of any size: the text is brought to the size the recognisers read best before
OCR, so the same receipt gives the same fields at 1x and 4x; huge images are refused
before they are decoded."""

from __future__ import annotations

import io

import pytest
from ingest_helpers import askew_invoice_scan, image_bytes
from PIL import Image, ImageDraw, ImageFont

import ingest.scale as scale
from ingest import IngestOptions, read_bytes
from ingest.errors import TooLarge
from ingest.readers import image as image_reader

RECEIPT = ["KEDAI MAJU TRADING", "SDN BHD (123456-X)", "NO 12 JALAN BESAR",
           "43000 KAJANG, SELANGOR", "GST ID: 001234567890", "TAX INVOICE", "INV NO: 88213",
           "DATE: 14/03/2019 10:42", "BREAD          2.50", "MILK 1L        6.90",
           "EGGS 10       11.40", "RICE 5KG      18.90", "SUGAR 1KG      2.90",
           "TOTAL EXCL GST 40.00", "GST 6%         2.40", "TOTAL RM      42.40",
           "CASH          50.00", "CHANGE         7.60", "", "THANK YOU", "PLEASE COME AGAIN"]


def receipt_image(zoom: int) -> Image.Image:
    """A narrow till receipt drawn at `zoom` times a small photo's resolution."""
    font = ImageFont.load_default(size=16 * zoom)
    line = 26 * zoom
    img = Image.new("RGB", (300 * zoom, 40 * zoom + line * len(RECEIPT)), "white")
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(RECEIPT):
        draw.text((20 * zoom, 20 * zoom + i * line), text, fill="black", font=font)
    return img


def test_text_height_is_measured_and_scales_with_the_photo():
    small = scale.text_height_px(receipt_image(1))
    large = scale.text_height_px(receipt_image(4))
    assert small is not None and large is not None
    assert 8 <= small <= scale.MAX_TEXT_HEIGHT_PX
    assert large == pytest.approx(4 * small, rel=0.2)


def test_small_photos_are_left_alone_and_large_ones_shrunk_to_the_target():
    img = receipt_image(1)
    same, factor = scale.normalize_for_ocr(img)
    assert same is img and factor == 1.0
    big = receipt_image(4)
    shrunk, factor = scale.normalize_for_ocr(big)
    assert factor < 1.0 and shrunk.width == round(big.width * factor)
    assert scale.text_height_px(shrunk) == pytest.approx(scale.TARGET_TEXT_HEIGHT_PX, rel=0.25)


def test_blank_page_is_not_measured():
    assert scale.text_height_px(Image.new("RGB", (2000, 3000), "white")) is None
    img = Image.new("RGB", (2000, 3000), "white")
    assert scale.normalize_for_ocr(img) == (img, 1.0)


def test_page_size_in_points_does_not_depend_on_the_shrink(monkeypatch):
    """Boxes are in points of the photo as shot; only the OCR copy is smaller."""
    data = image_bytes(receipt_image(4), "PNG", dpi=(300, 300))
    seen: list[tuple[int, int]] = []
    monkeypatch.setattr(image_reader, "OcrJob",
                        lambda **kw: seen.append(kw["image"].size) or kw)
    pages, jobs, meta = image_reader.plan_image(data, "r.png", "image/png", IngestOptions())
    list(jobs())
    assert pages[0].width == pytest.approx(1200 * 72 / 300)
    assert meta["ocr_scale"] < 1.0 and seen[0][0] < 1200


def test_too_many_pixels_is_too_large_before_decoding(monkeypatch):
    img = Image.new("1", (2000, 1000), 1)
    data = image_bytes(img, "PNG")
    monkeypatch.setattr(image_reader, "MAX_IMAGE_PIXELS", 1_000_000)
    with pytest.raises(TooLarge) as exc:
        read_bytes("huge.png", data, IngestOptions(ocr_engine="tesseract"))
    assert exc.value.code == "too_large" and "MP" in exc.value.message


@pytest.mark.slow
def test_same_fields_at_1x_and_4x():
    from extractors.invoice import extract_invoice

    got = {}
    for zoom in (1, 4):
        buf = io.BytesIO()
        receipt_image(zoom).save(buf, "JPEG", quality=90)
        doc = read_bytes("receipt.jpg", buf.getvalue(), IngestOptions(ocr_workers=1))
        fields = extract_invoice(doc, "receipt")
        got[zoom] = {k: fields[k].normalized for k in ("total_amount", "invoice_date",
                                                       "vendor_name") if k in fields}
    assert got[1]["total_amount"] == "42.40"
    assert got[4] == got[1]


@pytest.mark.slow
def test_same_total_and_date_when_a_receipt_file_is_upscaled_3x():
    """Large files are mostly small pictures made large (scanner or camera resampling,
    sharpening, JPEG): the benchmark's 3x file of the 1x receipt gives the same total
    and date."""
    from benchmarks.receipt_scale import make_variant
    from extractors.invoice import extract_invoice

    buf = io.BytesIO()
    receipt_image(1).save(buf, "JPEG", quality=90)
    got = {}
    for variant in ("1x", "3x"):
        data = make_variant(buf.getvalue(), variant, "receipt")
        doc = read_bytes(f"receipt-{variant}.jpg", data, IngestOptions(ocr_workers=1))
        fields = extract_invoice(doc, "receipt")
        got[variant] = {k: fields[k].normalized for k in ("total_amount", "invoice_date")
                        if k in fields}
    assert Image.open(io.BytesIO(data)).width == 3 * receipt_image(1).width
    assert got["1x"] == {"total_amount": "42.40", "invoice_date": "2019-03-14"}
    assert got["3x"] == got["1x"]


@pytest.mark.parametrize("lean", [-3.0, -1.5, 2.0, 3.0, -10.0, 12.0])
def test_the_lean_of_a_tilted_photo_is_measured(lean):
    tilted = receipt_image(4).rotate(lean, expand=True, fillcolor="white")
    blobs = scale.character_blobs(tilted)
    assert blobs is not None
    assert scale.skew_degrees(blobs) == pytest.approx(lean, abs=0.5)


def test_a_large_tilted_photo_is_shrunk_and_straightened():
    tilted = receipt_image(4).rotate(3.0, expand=True, fillcolor="white")
    out, factor = scale.normalize_for_ocr(tilted)
    assert factor < 1.0
    after = scale.character_blobs(out)
    assert after is not None and abs(scale.skew_degrees(after)) < scale.MIN_SKEW_DEG



def test_a_receipt_photographed_ten_degrees_askew_is_read_row_by_row():
    """Hand-held phone photos lean more than scans: 10 degrees is straightened too (leans
    were looked for up to 6 degrees; then TOTAL's amount sat on another line)."""
    from extractors.invoice import extract_invoice

    buf = io.BytesIO()
    receipt_image(1).rotate(10.0, expand=True, fillcolor="white").save(buf, "JPEG", quality=90)
    doc = read_bytes("askew.jpg", buf.getvalue(), IngestOptions(ocr_workers=1))
    fields = extract_invoice(doc, "receipt")
    got = {k: fields[k].normalized for k in ("total_amount", "invoice_date") if k in fields}
    assert got == {"total_amount": "42.40", "invoice_date": "2019-03-14"}


def test_a_small_photo_is_straightened_only_where_its_lean_lifts_a_line_end():
    # 5 degrees over a 260 px line lifts its end by more than the text height: the
    # amounts would join the line above their labels
    small = receipt_image(1).rotate(5.0, expand=True, fillcolor="white")
    out, factor = scale.normalize_for_ocr(small)
    assert factor == 1.0 and out.size == small.size and out is not small
    after = scale.character_blobs(out)
    assert after is not None and abs(scale.skew_degrees(after)) < scale.MIN_SKEW_DEG
    # a slight lean (most TRAIN receipt scans), or one that lifts a line's end by less than
    # a text height, is read as it is: turning costs tesseract letters of small text
    for lean in (0.5, 3.0):
        slight = receipt_image(1).rotate(lean, expand=True, fillcolor="white")
        assert scale.normalize_for_ocr(slight) == (slight, 1.0)


def test_a_scanned_pdf_page_scanned_askew_is_straightened_before_ocr():
    from extractors.invoice import extract_invoice

    doc = read_bytes("askew-scan.pdf", askew_invoice_scan(1.5), IngestOptions(ocr_workers=1))
    page = doc.pages[0]
    label = next(w for w in page.words if w.text == "number")
    value = next(w for w in page.words if w.text == "INV-2041")
    assert abs(label.bbox[1] - value.bbox[1]) < (label.bbox[3] - label.bbox[1]) / 2
    fields = extract_invoice(doc, "invoice")
    assert fields["invoice_number"].normalized == "INV-2041"
