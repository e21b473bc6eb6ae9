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


def test_grouped_and_signed_amounts_that_end_at_their_point_count_too():
    # a TV-station invoice picture: "10,025.00" / "-1,503.75" / "8,521.25" read without cents
    lost = _result(["Total", "10,025.", "Agency", "Commission", "-1,503.", "Net", "8,521."])
    assert dropped_cents(lost)
    assert dropped_cents(_result(["(630.", "$1,200,000."]))
    assert not dropped_cents(_result(["10,025.00", "-1,503.75", "12.5.", "1,2345."]))


def _lines(rows: list[list[str]]) -> OcrResult:
    return OcrResult("tesseract", [Word(t, (40.0 * i, 10.0 * n, 40.0 * i + 30, 10.0 * n + 8),
                                        0.96, n) for n, row in enumerate(rows)
                                   for i, t in enumerate(row)])


def test_sum_labels_without_any_amount_ask_for_a_second_reading():
    from ingest.ocr.select import lost_amounts

    column_lost = _lines([["Air", "Date", "Description", "Amount"], ["11/07/18", "DAYTIME"],
                          ["Gross", "Amount"], ["Less", "Agency", "Comm.", "15%"],
                          ["Net", "Amount"]])
    assert lost_amounts(column_lost)
    assert wants_second_opinion(column_lost, 612, 792, IngestOptions())
    read = _lines([["Gross", "Amount", "1,300.00"], ["Net", "Amount", "1,105.00"]])
    prose = _lines([["the", "total", "amount", "payable"], ["is", "set", "out", "below"]])
    assert not lost_amounts(read) and not lost_amounts(prose)


def test_sum_labels_with_no_amount_beside_any_of_them_ask_for_a_second_reading():
    """A bakery receipt photo: tesseract read the VAT table's amounts but dropped the
    right-aligned column, so "SUMME EUR" stood alone; the column's amounts were lost."""
    from ingest.ocr.select import lost_amounts

    column_lost = _lines([["Roggenbrot"], ["SUMME", "EUR"], ["Gegeben", "Bar"],
                          ["A", "7%", "5,12", "0,36", "5,48"]])
    assert lost_amounts(column_lost)
    assert wants_second_opinion(column_lost, 195, 270, IngestOptions())
    read = _lines([["Roggenbrot", "3,45"], ["SUMME", "EUR", "8,13"],
                   ["A", "7%", "5,12", "0,36", "5,48"]])
    assert not lost_amounts(read)
    # a French ticket: the VAT table's header has its amounts on the next line, "TOTAL" none
    ticket = _lines([["TOTAL"], ["CB", "EMV"], ["TVA", "HT", "TVA", "TTC"],
                     ["5,5%", "8,65", "0,48", "9,13"]])
    assert lost_amounts(ticket)
    # a German till's "Endsumme" labels a sum too
    assert lost_amounts(_lines([["Brötchen"], ["Endsumme"], ["Gegeben", "Bar"],
                                ["A", "19,00%", "123,71", "23,50", "147,21"]]))
    # a header "Amount" without amounts beside it is fine where a sum line has its amount
    table = _lines([["Description", "Amount"], ["Widget", "10.00"], ["Total", "10.00"]])
    assert not lost_amounts(table)


def test_a_german_page_reads_rapidocr_s_b_between_small_letters_as_sharp_s(monkeypatch):
    from ingest.ocr import select

    tess = _result(["Bäckerei", "Hauptstrasse", "SUMME", "MwSt"], conf=0.5)
    rapid = OcrResult("rapidocr", [Word(t, (10.0 * i, 0, 10.0 * i + 8, 8), 0.97, 0)
                                   for i, t in enumerate(["Bäckerei", "HauptstraBe", "groβe",
                                                          "SUMME", "GmbH", "PartG", "mbB"])])
    monkeypatch.setattr(select.TesseractEngine, "recognize", lambda *a, **k: tess)
    monkeypatch.setattr(select.RapidOcrEngine, "recognize", lambda *a, **k: rapid)
    got = select.recognize_page(None, 200, 300, IngestOptions(ocr_more_languages=False))
    assert [w.text for w in got.words] == ["Bäckerei", "Hauptstraße", "große", "SUMME",
                                           "GmbH", "PartG", "mbB"]
    # an English page keeps its letters
    monkeypatch.setattr(select.TesseractEngine, "recognize",
                        lambda *a, **k: _result(["Total", "Thank", "you"], conf=0.5))
    got = select.recognize_page(None, 200, 300, IngestOptions(ocr_more_languages=False))
    assert "HauptstraBe" in [w.text for w in got.words]


def test_whole_amounts_and_a_single_numbered_point_do_not():
    fine = _result(["Subtotal", "433.10", "Tax", "$27.07", "am", "5.", "März"])
    assert not dropped_cents(fine)
    assert not wants_second_opinion(fine, 200, 300, IngestOptions())


def test_german_and_french_words_ask_for_their_language_models():
    from ingest.ocr.select import page_languages

    de = _result(["Kassenbeleg", "RADEL", "SUMME", "EUR", "10,49", "inkl.", "MwSt"])
    fr = _result(["FACTURE", "N°", "2024-17", "Total", "TTC", "TVA", "20%"])
    en = _result(["TAX", "INVOICE", "TOTAL", "CASH", "Thank", "you", "GST"])
    one = _result(["Invoice", "Rechnung", "Total"])  # a single word is a name as often
    assert page_languages(de) == ["deu"]
    assert page_languages(fr) == ["fra"]
    assert page_languages(en) == []
    assert page_languages(one) == []


def test_a_missing_language_pack_keeps_the_english_reading(monkeypatch, caplog):
    from ingest.ocr import select

    select._installed.cache_clear()
    monkeypatch.setattr(select.tesseract_exec, "languages", lambda: frozenset({"eng", "osd"}))
    de = _result(["SUMME", "MwSt", "Kassenbon"])
    with caplog.at_level("WARNING"):
        got = select.read_in_its_language(de, None, 200, 300, IngestOptions())
    select._installed.cache_clear()
    assert got is de
    assert "tesseract-ocr-deu" in caplog.text


def test_english_pages_and_explicit_languages_are_read_once(monkeypatch):
    from ingest.ocr import select

    def fail(*a, **k):
        raise AssertionError("read again")

    monkeypatch.setattr(select.TesseractEngine, "recognize", fail)
    en = _result(["TOTAL", "CASH", "GST"])
    assert select.read_in_its_language(en, None, 200, 300, IngestOptions()) is en
    de = _result(["SUMME", "MwSt", "Kassenbon"])
    assert select.read_in_its_language(de, None, 200, 300, IngestOptions(ocr_lang="deu")) is de
    off = IngestOptions(ocr_more_languages=False)
    assert select.read_in_its_language(de, None, 200, 300, off) is de


def test_a_german_page_is_read_again_with_german_as_the_first_model(monkeypatch):
    from ingest.ocr import select

    asked = []

    class Engine:
        def recognize(self, *a):
            return _result(["Bäckerei"])

    def engine(name, options, **k):
        asked.append(options.ocr_lang)
        return Engine()

    select._installed.cache_clear()
    monkeypatch.setattr(select.tesseract_exec, "languages",
                        lambda: frozenset({"eng", "deu", "fra", "osd"}))
    monkeypatch.setattr(select, "get_engine", engine)
    de = _result(["SUMME", "MwSt", "Kassenbon"])
    got = select.read_in_its_language(de, None, 200, 300, IngestOptions())
    select._installed.cache_clear()
    # tesseract's first model decides the letters: "eng+deu" read "Backerei" for "Bäckerei"
    assert asked == ["deu+eng"] and got.words[0].text == "Bäckerei"


def test_umlauts_of_a_german_receipt_are_read():
    from PIL import Image, ImageDraw, ImageFont

    from ingest._exec import tesseract as tesseract_exec
    from ingest.ocr import select

    if "deu" not in tesseract_exec.languages():
        import pytest
        pytest.skip("tesseract-ocr-deu is not installed")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 22)
    rows = ["Bäckerei Pärtzelt", "Kassenbon", "Brötchen 2,40", "SUMME EUR 2,40",
            "MwSt 7% 0,16", "Vielen Dank"]
    img = Image.new("RGB", (520, 60 + 40 * len(rows)), "white")
    draw = ImageDraw.Draw(img)
    for i, row in enumerate(rows):
        draw.text((30, 30 + 40 * i), row, fill="black", font=font)
    got = select.recognize_page(img, 520 * 72 / 200, img.height * 72 / 200, IngestOptions())
    texts = {w.text for w in got.words}
    assert {"Bäckerei", "Pärtzelt", "Brötchen"} <= texts, texts


def test_rapidocr_s_disputed_words_come_out_as_the_reading_that_is_a_word(monkeypatch):
    from dataclasses import replace

    from ingest.ocr import select

    tess = _result(["JAMAN", "BERKELEY"], conf=0.5)  # unsure: RapidOCR is asked
    rapid = OcrResult("rapidocr", [
        replace(Word("JAMAN", (0, 0, 8, 8), 0.95, 0), char_alt=("T", "", "", "", "")),
        replace(Word("BERKELEY", (10, 0, 18, 8), 0.95, 0), char_alt=("",) * 8)])
    monkeypatch.setattr(select.TesseractEngine, "recognize", lambda *a, **k: tess)
    monkeypatch.setattr(select.RapidOcrEngine, "recognize", lambda *a, **k: rapid)
    opts = IngestOptions(ocr_more_languages=False)
    got = select.recognize_page(None, 200, 300, opts)
    assert [w.text for w in got.words] == ["TAMAN", "BERKELEY"]
    # tesseract's own reading (no second recogniser behind it) is left as it was
    sure = _result(["JAMAN", "BERKELEY"], conf=0.99)
    monkeypatch.setattr(select.TesseractEngine, "recognize", lambda *a, **k: sure)
    assert select.recognize_page(None, 200, 300, opts).words == sure.words
