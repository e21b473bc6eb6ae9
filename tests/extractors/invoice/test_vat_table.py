"""VAT breakdown tables: rows read by their arithmetic, the tax where the page prints it."""

from decimal import Decimal

from lines_doc import doc_from_lines

from extractors.invoice import extract_invoice, vat_table
from extractors.invoice.layout import build_rows
from ingest.types import IngestedDocument

HEAD = ["Zirme GmbH", "Hauptstraße 4", "13733 Hainichen", "25.07.22 13:14",
        "Nudeln 500g 60,75 B", "Butter 250g 12,82 A", "Apfelschorle 23,08 B",
        "Endsumme 98,01", "Bar EUR 98,01"]
TABLE = ["USt Netto USt-Betrag Umsatz", "A 19,00% 11,92 2,26 14,18",
         "B 7,00% 78,35 5,48 83,83"]


def _doc(lines: list[str]) -> IngestedDocument:
    return doc_from_lines(lines)


def _table(lines: list[str]) -> vat_table.VatTable | None:
    return vat_table.find([build_rows(p) for p in _doc(lines).pages], ",")


def test_rows_are_read_by_their_arithmetic_in_any_column_order():
    got = _table(HEAD + TABLE)
    assert got is not None and [r.rate for r in got.rows] == [Decimal("19.00"),
                                                                Decimal("7.00")]
    assert got.tax == Decimal("7.74") and got.gross == Decimal("98.01")
    # gross first, then tax, then net; the rate's sign a word of its own
    other = _table(["MwSt 19,00 % 14,18 2,26 11,92"])
    assert other is not None and other.rows[0].tax.amount == Decimal("2.26")


def test_a_rate_glued_to_its_tax_class_is_read():
    # OCR read no space between the class letter (or "1=") and the rate
    got = _table(["A7% 5,12 0,36 5,48", "B19% 2,23 0,42 2,65", "1=19,00% 11,92 2,26 14,18"])
    assert got is not None and [r.rate for r in got.rows] == [
        Decimal("7"), Decimal("19"), Decimal("19.00")]
    assert got.tax == Decimal("3.04")
    # a lone misread second row no longer stands for the whole tax
    fields = extract_invoice(_doc(HEAD[:4] + ["Brot 8,13", "SUMME EUR 8,13",
                                              "A7% 5,12 0,36 5,48", "B 19% 2,23 0,42 2,65"]),
                             "receipt")
    assert "tax_amount" not in fields or fields["tax_amount"].normalized != "0.42"


def test_amounts_that_do_not_add_up_or_miss_their_rate_are_no_vat_row():
    assert _table(["A 19,00% 11,92 2,26 15,18"]) is None  # net + tax != gross
    assert _table(["A 7,00% 11,92 2,26 14,18"]) is None  # the tax is not 7 % of the net
    assert _table(["11,92 2,26 14,18"]) is None  # no rate on the row


def test_the_printed_sum_of_a_table_of_several_rates_is_the_tax():
    fields = extract_invoice(_doc(HEAD + TABLE + ["MwSt gesamt 7,74"]), "receipt")
    assert (fields["tax_amount"].normalized, fields["tax_amount"].source) == ("7.74",
                                                                            "vat-table")


def test_a_sum_printed_nowhere_is_no_tax_and_no_cell_of_the_table_stands_for_it():
    fields = extract_invoice(_doc(HEAD + TABLE), "receipt")
    assert "tax_amount" not in fields
    # one rate's row adds up by itself (net + tax = gross): not the document's totals
    assert fields.get("subtotal") is None or fields["subtotal"].normalized not in (
        "11.92", "78.35")


def test_a_single_rate_row_is_the_tax_when_its_gross_is_the_total():
    lines = HEAD[:4] + ["Nudeln 500g 83,83 B", "Summe 83,83", "B 7,00% 78,35 5,48 83,83"]
    fields = extract_invoice(_doc(lines), "receipt")
    assert fields["tax_amount"].normalized == "5.48"
    # a lone row whose gross is no total (a second rate misread) says nothing of the whole
    lines = HEAD + ["A 19,00% 11,92 2,26 14,18", "B 7,00% l78,35 5,48 83,83"]
    got = extract_invoice(_doc(lines), "receipt").get("tax_amount")
    assert got is None or got.normalized != "2.26"


def test_amounts_that_add_up_keep_their_confidence_under_a_word_confidence_of_zero():
    """Tesseract gives 0 to words it boxed oddly though read right: subtotal + tax = total
    to the cent checks the digits, so the engine's number does not erase them."""
    lines = ["Müller GmbH", "Rechnung Nr. RE-1001", "Datum: 07.05.2025",
             "Summe netto 25.512,48 €", "MwSt. 19 % 4.847,37 €", "Rechnungsbetrag 30.359,85 €"]
    fields = extract_invoice(doc_from_lines(lines, ocr=True, conf=0.0), "invoice")
    assert [fields[k].normalized for k in ("subtotal", "tax_amount", "total_amount")] == [
        "25512.48", "4847.37", "30359.85"]
    assert min(fields[k].confidence for k in ("subtotal", "tax_amount", "total_amount")) > 0.5
