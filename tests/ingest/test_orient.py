"""Sideways photos are turned upright before OCR (`ingest.orient`).

The thresholds were measured on the 152 TRAIN receipts, upright and turned a quarter each
way (a script over `../shared/train/sroie/*.jpg` calling `ingest.orient.upright`; figures
in the module and the README). Here: a till receipt drawn with a real font, upright and
turned, through the real detector and the real reader."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest import read_bytes
from ingest.ocr.base import OcrResult
from ingest.ocr.rapidocr import DirectionRecorder, LineDirections
from ingest.orient import TURN_SHARE, turn_for, upright

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
LINES = ["KEDAI RUNCIT MAJU SDN BHD", "NO 12 JALAN BESAR", "43000 KAJANG SELANGOR",
         "TAX INVOICE", "DATE 27/03/2018 12:31", "MINERAL WATER      1.50",
         "WHITE BREAD        4.20", "CREAM BISCUIT      2.78", "TOTAL              8.48",
         "CASH              10.00", "CHANGE             1.52", "THANK YOU PLEASE COME AGAIN"]


def _receipt() -> Image.Image:
    try:
        font = ImageFont.truetype(FONT, 22)
    except OSError:
        pytest.skip(f"{FONT} not installed (apt-get install fonts-dejavu-core)")
    img = Image.new("L", (480, 40 + 34 * len(LINES)), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(LINES):
        draw.text((20, 20 + 34 * i), line, font=font, fill=0)
    return img


def test_an_upright_page_costs_only_the_blob_test() -> None:
    img = _receipt()
    out, turn = upright(img)
    assert out is img and turn.degrees == 0
    assert turn.vertical_share is not None and turn.vertical_share < TURN_SHARE
    assert turn.lines is None  # the detector was not run


@pytest.mark.parametrize("turned_by", [90, 270])
def test_a_quarter_turned_page_is_turned_back(turned_by: int) -> None:
    img = _receipt()
    out, turn = upright(img.rotate(turned_by, expand=True))
    assert turn.vertical_share is not None and turn.vertical_share >= TURN_SHARE
    assert turn.degrees == (360 - turned_by) % 360
    assert out.size == img.size
    assert out.tobytes() == img.tobytes()  # quarter turns lose no pixel


def test_which_way_follows_the_lines_and_their_reading() -> None:
    assert turn_for(None) == 0
    assert turn_for(LineDirections(across=2, down=1, across_flipped=0, down_flipped=0)) == 0
    assert turn_for(LineDirections(across=1, down=30, across_flipped=0, down_flipped=2)) == 90
    assert turn_for(LineDirections(across=1, down=30, across_flipped=0, down_flipped=29)) == 270
    assert turn_for(LineDirections(across=40, down=0, across_flipped=38, down_flipped=0)) == 180
    # a few short upright lines classified upside down do not turn the page
    assert turn_for(LineDirections(across=52, down=0, across_flipped=10, down_flipped=0)) == 0


def test_a_sideways_photo_is_read_upright_with_portrait_page_size() -> None:
    receipt = _receipt()
    img = receipt.rotate(90, expand=True).convert("RGB")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    doc = read_bytes("sideways.png", buf.getvalue())
    page = doc.pages[0]
    # the page has the receipt's shape (300 dpi assumed), not the sideways photo's
    assert (page.width, page.height) == pytest.approx(
        (receipt.width * 72 / 300, receipt.height * 72 / 300))
    text = " ".join(w.text for w in page.words)
    assert "TOTAL" in text and "8.48" in text
    total = next(w for w in page.words if w.text == "TOTAL")
    amount = next(w for w in page.words if w.text == "8.48")
    assert abs(total.bbox[1] - amount.bbox[1]) < (total.bbox[3] - total.bbox[1])  # one row
    assert doc.metadata.get("turned_degrees") == 270


def test_a_later_tiff_page_lying_sideways_is_read_upright() -> None:
    """A scanner's multi-page TIFF with its second page laid sideways: that page is turned
    as it is read, its page size follows, and the metadata says which page turned."""
    receipt = _receipt()
    buf = io.BytesIO()
    receipt.save(buf, format="TIFF", save_all=True,
                 append_images=[receipt.rotate(90, expand=True)])
    doc = read_bytes("scan.tiff", buf.getvalue())
    assert len(doc.pages) == 2
    for page in doc.pages:
        assert (page.width, page.height) == pytest.approx(
            (receipt.width * 72 / 300, receipt.height * 72 / 300))
        total = next(w for w in page.words if w.text == "TOTAL")
        amount = next(w for w in page.words if w.text == "8.48")
        assert abs(total.bbox[1] - amount.bbox[1]) < (total.bbox[3] - total.bbox[1])
    assert doc.metadata.get("turned_degrees") == 0
    assert doc.metadata.get("turned_pages") == {"2": 270}


def test_a_page_lying_on_its_head_is_read_again_turned() -> None:
    """Half a turn passes the blob test (the lines run across); the reading's own direction
    classifier finds it, and the page is read again turned: lines top first, each label
    left of its amount, the page marked turned (its image is shown the same way)."""
    receipt = _receipt()
    buf = io.BytesIO()
    receipt.rotate(180).convert("RGB").save(buf, format="PNG")
    doc = read_bytes("on-its-head.png", buf.getvalue())
    page = doc.pages[0]
    assert page.turned == 180
    assert page.text.splitlines()[0].replace(" ", "") == LINES[0].replace(" ", "")
    total = next(w for w in page.words if w.text == "TOTAL")
    amount = next(w for w in page.words if w.text == "8.48")
    assert total.bbox[2] < amount.bbox[0]  # the label left of its amount
    assert abs(total.bbox[1] - amount.bbox[1]) < (total.bbox[3] - total.bbox[1])


def test_an_upright_page_is_not_turned_by_its_reading() -> None:
    buf = io.BytesIO()
    _receipt().convert("RGB").save(buf, format="PNG")
    doc = read_bytes("upright.png", buf.getvalue())
    assert doc.pages[0].turned == 0
    assert doc.pages[0].text.splitlines()[0].replace(" ", "") == LINES[0].replace(" ", "")


def test_upside_down_needs_most_of_enough_lines() -> None:
    def res(classified: int, flipped: int) -> OcrResult:
        return OcrResult("rapidocr", lines_classified=classified, lines_flipped=flipped)

    assert res(40, 38).upside_down
    assert not res(52, 10).upside_down  # a few short upright lines read upside down
    assert not res(4, 4).upside_down  # too few lines to tell
    assert not res(0, 0).upside_down  # no classifier ran (tesseract alone)


def test_the_direction_recorder_gives_each_reading_its_own_verdicts() -> None:
    calls = []

    def classify(crops: list[str]) -> tuple[list[str], list[tuple[str, float]], float]:
        calls.append(crops)
        return crops, [("180" if c.startswith("-") else "0", 0.9) for c in crops], 0.0

    rec = DirectionRecorder(classify)
    assert rec.take() == []
    out = rec(["-a", "-b", "c"])
    assert out[0] == ["-a", "-b", "c"] and calls == [["-a", "-b", "c"]]
    assert rec.take() == ["180", "180", "0"]
    assert rec.take() == []  # forgotten once taken: a later reading without lines says nothing


def test_a_scanned_pdf_page_lying_on_its_head_is_read_again_turned() -> None:
    """The same on a scanned PDF page (no text layer): tesseract reads it poorly, RapidOCR's
    reading finds it upside down, the page is read again turned."""
    buf = io.BytesIO()
    _receipt().rotate(180).convert("RGB").save(buf, format="PDF", resolution=150)
    page = read_bytes("scan.pdf", buf.getvalue()).pages[0]
    assert page.ocr and page.turned == 180
    assert page.text.splitlines()[0].replace(" ", "") == LINES[0].replace(" ", "")


def test_a_reading_found_upside_down_is_not_refined(monkeypatch) -> None:
    """It is dropped for the turned reading: the second recogniser and the line-end
    re-reading are not spent on it (they are on an upright page)."""
    import ingest.ocr.rapidocr as rapid

    calls: list[str] = []
    monkeypatch.setattr(rapid, "second_opinion", lambda engine, arr, result, threads:
                        calls.append("second") or result)
    monkeypatch.setattr(rapid, "recover_line_ends", lambda engine, arr, result:
                        calls.append("ends") or result)
    engine = rapid.RapidOcrEngine(threads=1)
    img = _receipt().convert("RGB")
    upright_read = engine.recognize(img, 300.0, 300.0)
    assert not upright_read.upside_down and calls == ["second", "ends"]
    calls.clear()
    head_read = engine.recognize(img.rotate(180), 300.0, 300.0)
    assert head_read.upside_down and calls == []


@pytest.mark.parametrize("turned_by", [90, 270])
def test_a_scanned_pdf_page_lying_sideways_is_read_upright(turned_by: int) -> None:
    """A page a scanner fed sideways is turned upright as a photo is: the page takes the
    receipt's shape, says how it was turned, and reads label beside amount."""
    receipt = _receipt()
    buf = io.BytesIO()
    receipt.rotate(turned_by, expand=True).convert("RGB").save(buf, format="PDF",
                                                               resolution=150)
    page = read_bytes("sideways-scan.pdf", buf.getvalue()).pages[0]
    assert page.turned == (360 - turned_by) % 360
    assert (page.width, page.height) == pytest.approx(
        (receipt.width * 72 / 150, receipt.height * 72 / 150), abs=1.0)
    assert page.text.splitlines()[0].replace(" ", "") == LINES[0].replace(" ", "")
    total = next(w for w in page.words if w.text == "TOTAL")
    amount = next(w for w in page.words if w.text == "8.48")
    assert total.bbox[2] < amount.bbox[0]
    assert abs(total.bbox[1] - amount.bbox[1]) < (total.bbox[3] - total.bbox[1])
