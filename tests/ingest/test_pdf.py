"""Born-digital and scanned PDFs, encryption, corruption and limits."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from ingest_helpers import CORPUS, reportlab_pdf, scanned_pdf, text_image

from ingest import IngestOptions, read_bytes, read_file
from ingest.errors import CorruptFile, EncryptedPdf, TooManyPages


def test_born_digital_words_and_boxes() -> None:
    data = reportlab_pdf(
        [(72, 300, "Total due: 1,190.00 EUR"), (72, 100, "Invoice INV-7"), (400, 100, "Page 1")]
    )
    doc = read_bytes("inv.pdf", data)
    assert doc.media_type == "application/pdf"
    (page,) = doc.pages
    assert (page.width, page.height) == (612.0, 792.0)
    assert not page.ocr and page.ocr_engine is None and doc.ocr_pages == 0
    words = {w.text: w for w in page.words}
    inv = words["Invoice"]
    assert inv.bbox[0] == pytest.approx(72, abs=1)
    # baseline at 100 pt from the top: the box straddles it (ascent above, descent below)
    assert inv.bbox[1] < 100 < inv.bbox[3]
    assert 88 < inv.bbox[1] and inv.bbox[3] < 105
    assert words["Page"].bbox[0] == pytest.approx(400, abs=1)
    assert words["1,190.00"].bbox[1] > 280
    # lines top-to-bottom though the y=300 line was drawn first
    assert page.text.splitlines() == ["Invoice INV-7 Page 1", "Total due: 1,190.00 EUR"]
    assert words["Invoice"].line == words["Page"].line != words["Total"].line
    assert all(w.conf == 1.0 for w in page.words)
    assert doc.timings_ms["ocr"] == 0 and doc.timings_ms["read"] >= 0
    assert len(doc.sha256) == 64 and doc.size == len(data)


def test_rotated_page_boxes_stay_on_page() -> None:
    reader = pypdf.PdfReader(io.BytesIO(reportlab_pdf([(72, 100, "Rotated words here")])))
    writer = pypdf.PdfWriter()
    writer.add_page(reader.pages[0])
    writer.pages[0].rotate(90)
    buf = io.BytesIO()
    writer.write(buf)
    (page,) = read_bytes("rot.pdf", buf.getvalue()).pages
    assert (page.width, page.height) == (792.0, 612.0)
    assert "Rotated words here" in page.text
    for w in page.words:
        x0, y0, x1, y1 = w.bbox
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
    # 90° clockwise: text that ran along the top-left now runs down the right side
    first = page.words[0]
    assert first.bbox[0] > page.width / 2


def test_multipage_and_max_pages() -> None:
    data = reportlab_pdf([(72, 72, "Clause one applies to all parties")], pages=3)
    doc = read_bytes("c.pdf", data)
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert doc.metadata["page_count"] == 3
    with pytest.raises(TooManyPages) as exc:
        read_bytes("c.pdf", data, IngestOptions(max_pages=2))
    assert exc.value.code == "too_many_pages" and "3 pages" in exc.value.message


def _encrypted(user: str, owner: str) -> bytes:
    reader = pypdf.PdfReader(io.BytesIO(reportlab_pdf([(72, 100, "Confidential salary data")])))
    writer = pypdf.PdfWriter()
    writer.append(reader)
    writer.encrypt(user_password=user, owner_password=owner, algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_encrypted_with_user_password_is_refused() -> None:
    with pytest.raises(EncryptedPdf) as exc:
        read_bytes("secret.pdf", _encrypted("s3cret", "owner"))
    assert exc.value.code == "encrypted_pdf"
    assert "user password" in exc.value.message


def test_encrypted_with_empty_user_password_opens() -> None:
    doc = read_bytes("open.pdf", _encrypted("", "owner"))
    assert "Confidential salary data" in doc.text
    assert doc.metadata.get("encrypted") is True


@pytest.mark.parametrize("keep", [0.3, 0.6])
def test_truncated_pdf_is_corrupt(keep: float) -> None:
    data = reportlab_pdf([(72, 100, "Some text on the page")] * 3, pages=2)
    with pytest.raises(CorruptFile) as exc:
        read_bytes("cut.pdf", data[: int(len(data) * keep)])
    assert exc.value.code == "corrupt_file"


def test_garbage_after_pdf_header_is_corrupt() -> None:
    with pytest.raises(CorruptFile):
        read_bytes("x.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20)


def test_scanned_pdf_is_ocred() -> None:
    lines = ["INVOICE NUMBER 4471", "TOTAL AMOUNT 512.80", "THANK YOU FOR YOUR ORDER"]
    doc = read_bytes("scan.pdf", scanned_pdf(lines), IngestOptions(ocr_engine="tesseract", dpi=200))
    (page,) = doc.pages
    assert page.ocr and page.ocr_engine == "tesseract" and doc.ocr_pages == 1
    assert page.ocr_confidence is not None and 0.5 < page.ocr_confidence <= 1
    expected = " ".join(lines).split()
    got = set(page.text.split())
    assert sum(w in got for w in expected) >= 0.8 * len(expected)
    assert page.text.index("4471") < page.text.index("512.80")
    w = next(w for w in page.words if w.text == "4471")
    assert 0 < w.bbox[0] < w.bbox[2] <= page.width and 0 < w.bbox[1] < page.height / 2
    assert doc.timings_ms["ocr"] > 0


def test_irs_w4_from_corpus() -> None:
    path = CORPUS / "us_gov_hr_forms" / "irs-form-w4-2009.pdf"
    if not path.exists():
        pytest.skip("corpus not present")
    doc = read_file(path)
    assert len(doc.pages) == 2 and doc.ocr_pages == 0
    assert "W-4" in doc.text and "Withholding" in doc.text
    for page in doc.pages:
        assert len(page.words) > 100
        assert all(
            0 <= w.bbox[0] <= page.width and 0 <= w.bbox[1] <= page.height for w in page.words
        )


def test_read_file_matches_read_bytes(tmp_path: Path) -> None:
    data = reportlab_pdf([(72, 100, "Same content either way")])
    p = tmp_path / "a.pdf"
    p.write_bytes(data)
    a, b = read_file(p), read_bytes("a.pdf", data)
    assert a.text == b.text and a.sha256 == b.sha256 and a.filename == "a.pdf"


def test_blank_page_is_not_ocred_and_placeholder_page_is() -> None:
    from ingest_helpers import text_image
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.showPage()  # blank
    img = text_image(["PAYSLIP MARCH", "NET PAY 2,310.00"], width=1700, font_px=48)
    c.drawImage(ImageReader(img), 0, 0, width=letter[0], height=letter[0] * img.height / img.width)
    c.drawString(72, 700, "Please wait...")
    c.showPage()
    c.save()
    doc = read_bytes("xfa.pdf", buf.getvalue(), IngestOptions(ocr_engine="tesseract", dpi=100))
    blank, scan = doc.pages
    assert not blank.ocr and blank.words == []
    assert scan.ocr and "2,310.00" in scan.text and scan.ocr_engine == "tesseract"
    assert doc.ocr_pages == 1


def _letterhead_pdf() -> bytes:
    """A text-layer page whose letterhead (issuer and IBAN) is a picture."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = text_image(["QUORVANT TRADING GMBH", "IBAN DE89370400440532013000"], width=1300)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.drawImage(ImageReader(img), 40, letter[1] - 160, width=400,
                height=400 * img.height / img.width)
    c.setFont("Helvetica", 12)
    c.drawString(40, letter[1] - 260, "Invoice number 4711 dated 2024-03-01")
    c.drawString(40, letter[1] - 280, "Total due 120.00 EUR")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_letterhead_picture_on_text_page_is_ocred_and_merged() -> None:
    """An issuer's details printed as an image above a real text layer: both read."""
    data = _letterhead_pdf()
    opts = IngestOptions(ocr_engine="tesseract")
    doc = read_bytes("letterhead.pdf", data, opts)
    page = doc.pages[0]
    assert not page.ocr  # the text layer stays
    assert "Invoice number 4711" in page.text
    assert "QUORVANT" in page.text and "DE89370400440532013000" in page.text.replace(" ", "")
    quorvant = next(w for w in page.words if "QUORVANT" in w.text)
    invoice = next(w for w in page.words if w.text == "Invoice")
    assert quorvant.bbox[1] < invoice.bbox[1]  # placed where the picture is: above
    # switched off, the picture is not read
    off = read_bytes("letterhead.pdf", data,
                     IngestOptions(ocr_engine="tesseract", ocr_images=False))
    assert "QUORVANT" not in off.pages[0].text


def test_failed_picture_ocr_leaves_a_readable_text_page(monkeypatch) -> None:
    """No tesseract (or a timeout) on a letterhead must not fail a born-digital PDF."""
    from ingest.errors import OcrUnavailable
    from ingest.ocr import pool

    def broken(*args, **kwargs):
        raise OcrUnavailable("tesseract not found")

    monkeypatch.setattr(pool, "recognize_page", broken)
    doc = read_bytes("letterhead.pdf", _letterhead_pdf(), IngestOptions(ocr_workers=1))
    assert "Invoice number 4711" in doc.pages[0].text
    assert "QUORVANT" not in doc.pages[0].text
    assert doc.metadata["image_ocr_error"] == "ocr_unavailable"


def test_a_page_of_rules_and_a_heading_keeps_its_text_layer_without_ocr() -> None:
    """A schedule's cover page ("SCHEDULE A" between two rules) has almost no text layer
    and is not blank, but nothing on it is text a recogniser could add: not OCR'd. A page
    drawing many objects (as text drawn as outlines does) still is."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    from ingest.readers.pdf import read_text_layers

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.line(50, 700, 560, 700)
    c.drawString(250, 680, "SCHEDULE A")
    c.line(50, 660, 560, 660)
    c.showPage()
    c.drawString(250, 680, "SCHEDULE B")
    for k in range(80):  # strokes of glyphs drawn as paths
        x = 60 + (k % 40) * 12
        c.rect(x, 600 - (k // 40) * 20, 8, 12, fill=1)
    c.showPage()
    c.save()
    layers = read_text_layers(buf.getvalue(), "s.pdf", IngestOptions())
    assert layers.ocr_indexes == [1]
    assert layers.pages[0].text == "SCHEDULE A"


def test_a_picture_under_a_heading_is_read_on_any_page() -> None:
    """Beyond the first pages a picture is read when the page's text layer is a few words
    (an exhibit pasted as an image under its heading), not on a page of running text."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from ingest.readers.pdf import REGION_PAGES, read_text_layers

    img = ImageReader(text_image(["TERM ENDS 31 DECEMBER 2027"], width=1300))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    for page in range(REGION_PAGES + 2):
        c.drawString(50, 720, f"EXHIBIT {page}")
        if page == REGION_PAGES + 1:  # a page of running text around the same picture
            for k in range(12):
                c.drawString(50, 700 - 14 * k, "The parties agree to the terms set out here.")
        c.drawImage(img, 50, 400, width=400, height=400 * 90 / 1300)
        c.showPage()
    c.save()
    layers = read_text_layers(buf.getvalue(), "x.pdf", IngestOptions())
    assert layers.ocr_indexes == []
    assert sorted({i for i, _ in layers.region_list}) == [*range(REGION_PAGES), REGION_PAGES]
