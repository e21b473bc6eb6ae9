"""The learned line-item extractor: header columns, multi-line descriptions, the column
check, and the shipped model on generated invoices of every layout (seeds it was not
trained on): items found, never a total, tax, bank or footer row, each with its page,
box and confidence."""

from decimal import Decimal

import pytest

from evaluation.line_items import ItemScore, score_raw
from extractors.invoice import _not_a_name, extract_invoice
from extractors.invoice import line_items as li
from extractors.invoice.layout import build_rows
from ingest.types import IngestedDocument, Page, Word
from training.line_items import LAYOUTS

NEVER_ITEMS = ("subtotal", "tax_amount", "total_amount", "iban")
FRESH = 900_000  # far from the training seeds (training.line_items.collect)


def _row(y: float, cells: list[tuple[float, str]], line: int) -> list[Word]:
    return [Word(t, (x, y, x + 6.0 * len(t), y + 10), 0.99, line) for x, t in cells]


def _doc(words: list[Word]) -> IngestedDocument:
    text = "\n".join(w.text for w in words)
    return IngestedDocument("t.pdf", "0" * 64, "application/pdf", 0,
                            [Page(1, 595, 842, words, text)])


def test_header_cells_name_columns_in_several_languages():
    for cells, kinds in (
        ([(40, "Description"), (300, "Qty"), (380, "Unit"), (410, "Price"), (480, "Amount")],
         ["description", "quantity", "unit_price", "amount"]),
        ([(40, "Pos."), (80, "Bezeichnung"), (300, "Menge"), (380, "Einzelpreis"),
          (480, "Gesamtpreis")], ["position", "description", "quantity", "unit_price", "amount"]),
        ([(40, "Désignation"), (300, "Qté"), (380, "P.U."), (410, "HT"), (480, "Montant")],
         ["description", "quantity", "unit_price", "amount"]),
    ):
        lay = build_rows(Page(1, 595, 842, _row(100, cells, 0), ""))
        table = li.find_header(lay)
        assert table is not None
        assert [c.kind for c in table.cells] == kinds


def test_a_row_of_prose_is_no_header():
    lay = build_rows(Page(1, 595, 842, _row(100, [(40, "Thank"), (90, "you"), (130, "for"),
                                                   (160, "your"), (200, "order")], 0), ""))
    assert li.find_header(lay) is None


def test_columns_are_checked_by_quantity_times_unit_price():
    words = _row(100, [(40, "Description"), (300, "Qty"), (380, "Price"), (480, "Amount")], 0)
    # a list price under the price header, the net unit price outside every header cell:
    # the header's reading (4 x 99.00) misses the amount, the re-read finds 4 x 2.50
    words += _row(120, [(40, "Paper"), (300, "4"), (380, "99.00"), (430, "2.50"),
                        (480, "10.00")], 1)
    lay = build_rows(Page(1, 595, 842, words, ""))
    c = li.candidates([lay], ".")[0]
    assert c.product_ok
    assert (Decimal(c.quantity), Decimal(c.unit_price), Decimal(c.amount)) == \
        (Decimal(4), Decimal("2.50"), Decimal("10.00"))
    assert c.description == "Paper"


@pytest.mark.skipif(not li.available(), reason="no line-item model shipped "
                    "(python -m training.line_items)")
def test_multi_line_description_is_joined_and_totals_are_not_items():
    words = _row(40, [(40, "ACME"), (80, "TRADING"), (140, "LTD")], 0)
    words += _row(100, [(40, "Description"), (300, "Qty"), (380, "Price"), (480, "Amount")], 1)
    words += _row(120, [(40, "Exchange"), (100, "mailbox"), (300, "2"), (380, "3.00"),
                        (480, "6.00")], 2)
    words += _row(134, [(40, "period"), (82, "May"), (106, "2024")], 3)
    words += _row(152, [(40, "Toner"), (300, "1"), (380, "1.50"), (480, "1.50")], 4)
    words += _row(180, [(380, "Subtotal"), (480, "7.50")], 5)
    words += _row(196, [(380, "VAT"), (410, "20%"), (480, "1.50")], 6)
    words += _row(212, [(380, "Total"), (480, "9.00")], 7)
    words += _row(260, [(40, "IBAN:"), (80, "DE89"), (110, "3704"), (140, "0044"), (170, "0532"),
                        (200, "0130"), (230, "00")], 8)
    f = extract_invoice(_doc(words))["line_items"]
    got = [(i["description"], i["amount"]) for i in f.normalized]
    assert got == [("Exchange mailbox period May 2024", "6.00"), ("Toner", "1.50")]
    assert f.source == li.SOURCE


def _never_item_boxes(doc: IngestedDocument, truth: dict) -> list[tuple]:
    words = doc.pages[0].words
    return [words[i].bbox for name in NEVER_ITEMS for s, e in truth.get("_spans", {}).get(name, [])
            for i in range(s, e)]


def _inside(inner: tuple, outer: list[float]) -> bool:
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


@pytest.mark.skipif(not li.available(), reason="no line-item model shipped "
                    "(python -m training.line_items)")
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_shipped_model_on_generated_documents(layout):
    total = ItemScore()
    for k in range(12):
        doc, truth = LAYOUTS[layout](FRESH + k)
        kind = "receipt" if "receipt" in layout else "invoice"
        f = extract_invoice(doc, kind).get("line_items")
        items = f.normalized if f is not None else []
        total.add(score_raw(truth.get("line_items") or [], items))
        banned = _never_item_boxes(doc, truth)
        for it in items:
            assert it["page"] == 1 and len(it["bbox"]) == 4
            assert 0 < it["confidence"] < 1
            assert not any(_inside(b, it["bbox"]) for b in banned), (layout, k, it)
            assert not it["description"].upper().startswith(("IBAN", "TOTAL", "SUBTOTAL"))
        if f is not None:
            assert 0 < f.confidence < 1
    assert total.f1 >= 0.9, (layout, total.to_json())


@pytest.mark.parametrize("text, header", [
    ("Air Date Time Length Description Amount", True),
    ("Pos. Bezeichnung Menge Einzelpreis Gesamt", True),
    ("Désignation Qté P.U. HT Montant HT", True),
    ("WSB-TV", False), ("Quantity Surveyors Ltd", False), ("THE BLUE HERON GRILL", False),
])
def test_a_column_header_line_is_never_a_vendor_name(text, header):
    # held out of the scorers' training, a TV station's invoice had its spot table's
    # header ranked as the vendor's name
    assert li.names_columns(text) is header
    assert _not_a_name(text) is header
