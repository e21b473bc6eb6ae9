"""Vendor hints: what a correction teaches about where a vendor prints a field."""

from __future__ import annotations

import json

from extractors.invoice.hints import (
    MISREAD_EDITS,
    VendorHints,
    merge_reading,
    shape,
    vendor_key,
)
from extractors.invoice.layout import build_rows
from extractors.types import Field
from ingest.types import IngestedDocument, Page, Word
from policies import vendor_keys

KEY = vendor_key(name="Zorblat Widgets GmbH")


def _page(rows: list[list[tuple[str, float]]], width: float = 400) -> IngestedDocument:
    """A hand-made page: each row a list of (text, x); words of one cell 6 pt per letter."""
    words = []
    for i, row in enumerate(rows):
        y = 20 + 14 * i
        for text, x in row:
            words.append(Word(text, (x, y, x + 6 * len(text), y + 10), 1.0, i))
    page = Page(1, width, 20 + 14 * len(rows) + 20, words,
                "\n".join(" ".join(t for t, _ in r) for r in rows))
    return IngestedDocument("hand.pdf", "0" * 64, "application/pdf", 0, [page])


def _cells(*cells: tuple[str, float]) -> list[tuple[str, float]]:
    """Cells of a row: each cell's words placed from its x."""
    out = []
    for text, x in cells:
        for w in text.split():
            out.append((w, x))
            x += 6 * len(w) + 6
    return out


def _apply(hints: VendorHints, doc: IngestedDocument, name: str = "Zorblat Widgets GmbH"
           ) -> dict[str, Field]:
    lays = [build_rows(p) for p in doc.pages]
    return hints.apply(lays, {"vendor_name": Field(name, name, 0.9)}, day_first=True)


def _band(ref: str, issued: str) -> IngestedDocument:
    return _page([
        _cells(("Zorblat Widgets GmbH", 20)),
        _cells(("Billing Ref", 20), ("Issued On", 200)),
        _cells((ref, 20), (issued, 200)),
        _cells(("Amount to pay", 20), ("99.00", 300)),
    ])


def test_value_under_its_label_in_a_band_is_found_by_the_label_above():
    hints = VendorHints()
    assert hints.learn(_band("2024-0042", "Mar 9, 2023"), "invoice_number", "2024-0042",
                       vendor=KEY)
    got = _apply(hints, _band("2024-0049", "Apr 2, 2023"))
    assert got["invoice_number"].normalized == "2024-0049"  # not the word beside the label
    assert got["invoice_number"].source == "vendor-hint"


def _due(printed: str) -> IngestedDocument:
    return _page([
        _cells(("Zorblat Widgets GmbH", 20)),
        _cells(("Pay before:", 20), (printed, 200)),
        _cells(("Amount to pay", 20), ("99.00", 300)),
    ])


def test_a_date_is_learned_as_its_whole_printed_run():
    hints = VendorHints()
    assert hints.learn(_due("1 Sep 2024"), "due_date", "2024-09-01", vendor=KEY)
    (h,) = hints.data[KEY]["due_date"]
    assert h["n_words"] == 3  # "1 Sep 2024", not "Sep 2024" (which reads as the 1st too)
    assert _apply(hints, _due("26 Aug 2024"))["due_date"].normalized == "2024-08-26"


def _totals(sub: str, total: str) -> IngestedDocument:
    return _page([
        _cells(("Zorblat Widgets GmbH", 20)),
        _cells(("Base", 100), (sub, 260)),
        _cells(("Reste à payer", 100), (total, 260)),
    ])


def test_an_amount_may_take_more_words_on_the_next_document():
    hints = VendorHints()
    assert hints.learn(_totals("700,00 EUR", "872,89 EUR"), "total_amount", "872.89", vendor=KEY)
    got = _apply(hints, _totals("1 000,00 EUR", "1 047,47 EUR"))
    assert got["total_amount"].normalized == "1047.47"


def _letterhead(name: str, street: str = "LOT 3, JALAN PELABUR 23/1") -> IngestedDocument:
    return _page([
        _cells((name, 20)),
        _cells((street, 20)),
        _cells(("40300 SHAH ALAM", 20)),
        _cells(("TOTAL", 20), ("9.00", 300)),
    ])


def test_vendor_name_is_remembered_verbatim_for_the_same_letterhead():
    hints = VendorHints()
    misread = "ZORBLAT BAKERIES (KI ) SDN BHD"
    right = "ZORBLAT BAKERIES (KL) SDN BHD"
    assert not hints.learn(_letterhead(misread), "vendor_name", "NOTHING LIKE IT", vendor=KEY)
    assert hints.learn(_letterhead(misread), "vendor_name", right, vendor=KEY)
    got = _apply(hints, _letterhead("ZORBLAT BAKERIES (KI) SDN BHD"))
    assert got["vendor_name"].normalized == right
    assert got["vendor_name"].bbox is not None
    # another letterhead filed under the same key gets nothing from it
    other = _apply(hints, _letterhead("KEDAI RUNCIT MAJU JAYA", "NO 5 JALAN SAGU 18"))
    assert "vendor_name" not in other


def test_the_latest_verbatim_correction_wins_a_tie():
    hints = VendorHints()
    doc = _letterhead("ZORBLAT BAKERIES (KL) SDN BHD")
    assert hints.learn(doc, "vendor_name", "ZORBLAT BAKERIES (KI ) SDN BHD", vendor=KEY)
    assert hints.learn(doc, "vendor_name", "ZORBLAT BAKERIES (KL) SDN BHD", vendor=KEY)
    assert _apply(hints, doc)["vendor_name"].normalized == "ZORBLAT BAKERIES (KL) SDN BHD"


def test_hints_found_under_a_name_ocr_spelt_a_little_differently():
    hints = VendorHints()
    assert hints.learn(_band("2024-0042", "Mar 9, 2023"), "invoice_number", "2024-0042",
                       vendor=KEY)
    doc = _band("2024-0049", "Apr 2, 2023")
    assert _apply(hints, doc, "Zorb1at Widgets GmbH")["invoice_number"].normalized == "2024-0049"
    assert _apply(hints, doc, "Kalo Trading Ltd") == {}


def test_version_1_hints_still_apply():
    v1 = {"version": 1, "vendors": {KEY: {"invoice_number": [
        {"page": 1, "rel_box": [0.5, 0.2, 0.6, 0.25], "label": "billing ref", "n_words": 1,
         "count": 1}]}}}
    hints = VendorHints.from_json(json.loads(json.dumps(v1)))
    doc = _page([_cells(("Zorblat Widgets GmbH", 20)),
                 _cells(("Billing Ref", 20), ("ZX-77", 200))])
    assert _apply(hints, doc)["invoice_number"].normalized == "ZX-77"


def test_shape():
    assert shape("INV-0042") == "AAA-9999"
    assert shape("No. 5531") == "AA. 9999"


def test_vendor_keys_tax_id_first_then_name():
    fields = {"vendor_tax_id": Field("DE136695976", "DE136695976", 0.9),
              "vendor_name": Field("Zorblat Widgets GmbH", "Zorblat Widgets GmbH", 0.9)}
    assert vendor_keys(fields) == ["DE136695976", "zorblat widgets"]
    assert vendor_keys({"vendor_name": fields["vendor_name"]}) == ["zorblat widgets"]
    assert vendor_keys({}) == []


def test_merge_reading_keeps_corrected_words_only_where_the_page_shows_them():
    remembered = "LOT 9, JALAN ZORBA, TAMAN KELI 41150 KLANG 1249-TMN PANDAN"
    read = "LOT 9, JALAN ZORBA JAMAN KELI 41150 KLANG 1237-TMN INDAH"
    # misread letters and the lost comma take the correction; another branch stays
    assert merge_reading(remembered, read) == (
        "LOT 9, JALAN ZORBA, TAMAN KELI 41150 KLANG 1237-TMN INDAH")
    assert merge_reading("MR. Z.I.Y. (M) SDN BHD", "MR. Z.1.Y. (M) SDN BHD") == (
        "MR. Z.I.Y. (M) SDN BHD")


def test_merge_reading_takes_the_remembered_string_misread_in_a_character_or_two():
    remembered = "NO. 7, JALAN ZORBA 19/9, TAMAN KELI, 41150 KLANG, SELANGOR"
    # a postcode digit misread and a letter: the same address, not another branch
    edits = MISREAD_EDITS["vendor_address"]
    assert merge_reading(remembered, "NO. 7, JALAN ZORBA 19/9, TAMAN KELI, 44150 KIANG, "
                         "SELANGOR", edits) == remembered
    # the house number lost by the reading
    assert merge_reading(remembered, "No. Jalan Zorba 19/9, Taman Keli, 41150 Klang, "
                         "Selangor", edits) == remembered
    # three characters off in the numbers: another unit of the same street keeps its own
    other = "NO. 8, JALAN ZORBA 19/9, TAMAN KELI, 41250 KLANG, SELANGOR 2"
    assert merge_reading(remembered, other, edits) == other
    # a name's short word printed on one receipt and not the next is the page's, not a misread
    assert merge_reading("MR. Z.I.Y. (M) SDN BHD", "MR. Z.I.Y. SDN BHD") == "MR. Z.I.Y. SDN BHD"


def test_a_remembered_address_misread_in_a_digit_comes_back_whole():
    hints = VendorHints()
    page = _letterhead("ZORBLAT BAKERIES SDN BHD", "LOT 3, JALAN PELABUR 23/1")
    value = "LOT 3, JALAN PELABUR 23/1, 40300 SHAH ALAM"
    assert hints.learn(page, "vendor_address", value, vendor=KEY)
    lays = [build_rows(p) for p in page.pages]
    read = Field("LOT 3, JALAN PELABUR 23/1, 40800 SHAH ALAM",
                 "LOT 3, JALAN PELABUR 23/1, 40800 SHAH ALAM", 0.6, 1, (20, 34, 200, 60))
    got = hints.apply(lays, {"vendor_name": Field("Zorblat Widgets GmbH", "Zorblat Widgets GmbH",
                                                  0.9), "vendor_address": read})
    assert got["vendor_address"].normalized == value


def test_a_new_reading_of_the_corrected_address_gets_the_correction():
    hints = VendorHints()
    wrong = _letterhead("ZORBLAT BAKERIES SDN BHD", "LOT 3, JALAN PELABUP 23/1")
    assert hints.learn(wrong, "vendor_address", "LOT 3, JALAN PELABUR 23/1, 40300 SHAH ALAM",
                       vendor=KEY)
    lays = [build_rows(p) for p in wrong.pages]
    read = Field("LOT 3, JALAN PELABUP 23/1, 40300 SHAH ALAM",
                 "LOT 3, JALAN PELABUP 23/1, 40300 SHAH ALAM", 0.6, 1, (20, 34, 200, 60))
    got = hints.apply(lays, {"vendor_name": Field("Zorblat Widgets GmbH", "Zorblat Widgets GmbH",
                                                  0.9), "vendor_address": read})
    assert got["vendor_address"].normalized == "LOT 3, JALAN PELABUR 23/1, 40300 SHAH ALAM"
    assert got["vendor_address"].bbox == (20, 34, 200, 60)  # the new reading's evidence


def test_a_resolved_vendor_s_hints_apply_whichever_key_the_document_reads():
    hints = VendorHints()
    assert hints.learn(_band("2024-0042", "Mar 9, 2023"), "invoice_number", "2024-0042",
                       vendor=vendor_key(tax_id="DE136695976"))
    doc = _band("2024-0049", "Apr 2, 2023")  # no tax id read, the name misread
    assert _apply(hints, doc, "Zorb1at Wid9ets") == {}  # unresolved: not this blob's key
    resolved = VendorHints.from_json(hints.to_json(), resolved=True)
    got = _apply(resolved, doc, "Zorb1at Wid9ets")
    assert got["invoice_number"].normalized == "2024-0049"


def test_hint_keys_come_from_the_cleaned_name_not_its_line():
    fields = {"vendor_name": Field("ZORBLAT BAKERIES (519537-X) LOT 3, JALAN PELABUR",
                                   "ZORBLAT BAKERIES", 0.9)}
    assert VendorHints.keys_for(fields) == [vendor_key(name="ZORBLAT BAKERIES")]


def test_the_master_s_recorded_name_mends_a_misread_name_only_when_resolved():
    doc = _letterhead("ZORBLAT BAKERIES SDN BHD")
    lays = [build_rows(p) for p in doc.pages]
    read = {"vendor_name": Field("MR. Z.O.Y. (M) SDN BHD", "MR. Z.O.Y. (M) SDN BHD", 0.9)}
    recorded = "MR. Z.D.Y. (M) SDN BHD"
    assert VendorHints.from_json({}, name=recorded).apply(lays, read) == {}  # not resolved
    got = VendorHints.from_json({}, resolved=True, name=recorded).apply(lays, read)
    assert got["vendor_name"].normalized == recorded
    other = {"vendor_name": Field("MR. Z.D.Y. (KUCHAI) SDN BHD", "MR. Z.D.Y. (KUCHAI) SDN BHD",
                                  0.9)}  # another word, not a misread: the reading stays
    assert VendorHints.from_json({}, resolved=True, name=recorded).apply(lays, other) == {}
