"""Which engine reads a page in "auto": a second opinion where tesseract is likely weak."""

from ingest.ocr.base import OcrResult
from ingest.ocr.select import dropped_cents, wants_second_opinion
from ingest.options import IngestOptions
from ingest.types import Word


def _result(texts: list[str], conf: float = 0.96) -> OcrResult:
    return OcrResult("tesseract", [Word(t, (10.0 * i, 0, 10.0 * i + 8, 8), conf, i)
                                   for i, t in enumerate(texts)])


def test_amounts_that_end_at_their_point_ask_for_a_second_reading():
    # a typewriter font's point stands in its own cell: tesseract read "433." for 433.10,
    # confidently; the page is neither narrow nor a photo
    lost = _result(["Subtotal", "433.", "Tax", "$27.", "Total", "460."])
    assert dropped_cents(lost)
    assert wants_second_opinion(lost, 200, 300, IngestOptions())


def test_whole_amounts_and_a_single_numbered_point_do_not():
    fine = _result(["Subtotal", "433.10", "Tax", "$27.07", "am", "5.", "März"])
    assert not dropped_cents(fine)
    assert not wants_second_opinion(fine, 200, 300, IngestOptions())
