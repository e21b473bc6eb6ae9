"""Money and dates by locale: grouping marks, decimal commas, day-first or month-first,
decided per document from its own evidence; near-misses (dates, postcodes, table
columns) never become amounts."""

from __future__ import annotations

import pytest

from extractors.invoice import extract_invoice
from extractors.invoice.candidates import _money_spans, grouped_number_spans
from extractors.invoice.layout import build_rows
from extractors.locale import detect_language
from extractors.normalize import (
    infer_day_first,
    infer_decimal_mark,
    normalize_date,
    normalize_money,
)
from ingest.types import IngestedDocument, Page, Word

NBSP, THIN, NNBSP = "\u00a0", "\u2009", "\u202f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("423 693,72 €", "423693.72"),
        (f"423{NNBSP}693,72{NBSP}€", "423693.72"),
        (f"1{THIN}234{THIN}567,89", "1234567.89"),
        (f"EUR 1{NBSP}234,56", "1234.56"),
        ("1 234,56 EUR", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1.234.567,89 €", "1234567.89"),
        ("1,234,567.89", "1234567.89"),
        ("$1,234.50", "1234.50"),
        ("1'234.50", "1234.50"),
        ("CHF 1’234.50", "1234.50"),  # typographic apostrophe
        ("Fr. 12'345.00", "12345.00"),
        ("12,50 €", "12.50"),
        ("€12,50", "12.50"),
        ("£ 1,099.99", "1099.99"),
        ("0,99", "0.99"),
        ("-1 234,50", "-1234.50"),
        ("(1.234,50)", "-1234.50"),
        ("1 234", "1234.00"),
        ("USD 99", "99.00"),
    ],
)
def test_money_in_every_grouping(text, expected):
    assert normalize_money(text) == expected


@pytest.mark.parametrize("text", ["12 03 2024", "2 5.00", "12.30 15.00", "1 23,45"])
def test_digits_apart_that_are_no_group_are_no_amount(text):
    assert normalize_money(text) is None


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        ("1.234", ",", "1234.00"),  # German document: a thousands dot
        ("1.234", ".", "1.23"),  # English document: a decimal point (three decimals)
        ("1,234", ".", "1234.00"),
        ("1,234", ",", "1.23"),
        ("1.234", None, "1234.00"),  # no evidence: thousands, as before
        ("1.234,56", ".", "1234.56"),  # unambiguous amounts ignore the document's mark
        ("1,234.56", ",", "1234.56"),
        ("12,50", ".", "12.50"),
    ],
)
def test_ambiguous_three_decimals_read_by_the_document(text, mark, expected):
    assert normalize_money(text, decimal_mark=mark) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Summe 12,50", "Bar 20,00"], ","),
        (["Total 12.50", "Cash 20.00"], "."),
        (["Total 1,234.50"], "."),
        (["Gesamt 1.234,50 EUR"], ","),
        (["Total TTC 423 693,72 €"], ","),
        (["Betrag 1.234", "Rechnung Summe MwSt Netto Brutto"], ","),  # language decides
        (["Invoice total amount due 1,234 thank you for the payment"], "."),
        (["12:30", "1.234"], None),  # times and a lone ambiguous number prove nothing
    ],
)
def test_decimal_mark_from_document_evidence(texts, expected):
    assert infer_decimal_mark(texts) == expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Datum 03.04.2024", "Rechnung Summe MwSt Betrag Netto"], True),  # German words
        (["Facture n° 12 du 03/04/2024", "Montant TTC TVA client"], True),
        (["Factura fecha 03/04/2024 importe IVA cliente"], True),
        (["Fattura data 03/04/2024 importo IVA totale cliente"], True),
        (["Factuur datum 03-04-2024 bedrag BTW totaal klant"], True),
        (["Invoice 03/04/2024", "Acme Inc, Springfield, IL 62704", "Amount due $5.00"], False),
        (["Check 03/04/2024 Server: Ann", "Gratuity 15%"], False),
        (["Invoice 03/04/2024 Total 5.00 USD"], False),
        (["Receipt 03/04/2024 Total RM 5.00"], True),
        (["Invoice 03/04/2024 VAT 20% £12.00"], True),
        # a proof beats every cue: 25/03 is day-first even in a US-looking document
        (["Invoice 25/03/2024 Total 5.00 USD Springfield, IL 62704"], True),
        (["Rechnung 03/25/2024 Summe MwSt Betrag"], False),
        (["Invoice 03/04/2024 Total 5.00"], None),
    ],
)
def test_day_first_from_document_evidence(texts, expected):
    assert infer_day_first(texts) is expected


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("03/04/2024", True, "2024-04-03"),
        ("03/04/2024", False, "2024-03-04"),
        ("03.04.24", True, "2024-04-03"),
        ("5. März 2024", None, "2024-03-05"),
        ("5 mars 2024", None, "2024-03-05"),
        ("12 août 2023", None, "2023-08-12"),
        ("3 de abril de 2024", None, "2024-04-03"),
        ("3 aprile 2024", None, "2024-04-03"),
        ("3 maart 2024", None, "2024-03-03"),
        ("Dezember 1, 2021", None, "2021-12-01"),
        ("March 4, 2024", True, "2024-03-04"),  # a month name decides whatever the order
    ],
)
def test_dates_in_six_languages(text, day_first, expected):
    assert normalize_date(text, day_first=day_first) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rechnung Nr. 12 Summe MwSt Bar Rückgeld", "de"),
        ("Facture n° 12 Montant TTC TVA client règlement", "fr"),
        ("Factura número 12 fecha importe IVA cliente", "es"),
        ("Fattura numero 12 importo IVA totale cliente", "it"),
        ("Factuur nummer 12 bedrag BTW totaal klant", "nl"),
        ("Invoice number 12 amount due tax customer thank you", "en"),
        ("12 03 2024 75008", None),
    ],
)
def test_language_from_document_words(text, expected):
    assert detect_language(text) == expected


# ----------------------------------------------------------------------------------------
# candidates: a grouped number is one amount, never two
# ----------------------------------------------------------------------------------------


def _words(cells: list[tuple[float, str]], y: float = 100.0, h: float = 10.0) -> list[Word]:
    """Words at x positions, 5 points per character, one row."""
    return [Word(t, (x, y, x + 5.0 * len(t), y + h)) for x, t in cells]


def _spaced(tokens: list[str], x: float = 20.0, gap: float = 3.0) -> list[tuple[float, str]]:
    """Tokens one space (`gap` points) apart, as a text layer splits them."""
    out = []
    for t in tokens:
        out.append((x, t))
        x += 5.0 * len(t) + gap
    return out


def _row_spans(words: list[Word], mark: str | None = None) -> list[tuple[str, str]]:
    page = Page(1, 595, 842, words, " ".join(w.text for w in words))
    row = build_rows(page).rows[0]
    return [(text, norm) for _, _, text, norm in _money_spans(row, mark)]


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["Total", "TTC", "423", "693,72", "€"], [("423 693,72 €", "423693.72")]),
        (["Summe", "EUR", "1", "234", "567,89"], [("EUR 1 234 567,89", "1234567.89")]),
        (["Total", "€", "12", "345,00"], [("€ 12 345,00", "12345.00")]),
        (["Montant", "1", "234", "€"], [("1 234 €", "1234.00")]),
        (["Net", "à", "payer", "2", "500,00", "EUR"], [("2 500,00 EUR", "2500.00")]),
    ],
)
def test_grouped_amount_is_one_candidate(tokens, expected):
    assert _row_spans(_words(_spaced(tokens))) == expected


@pytest.mark.parametrize(
    "tokens",
    [
        ["Paris", "75", "008"],  # a postcode
        ["Date", "12", "03", "2024"],  # a date printed with spaces
        ["Tel", "01", "234", "567"],  # a phone number: no cents, no currency
        ["Ref", "123", "456", "789"],
    ],
)
def test_near_misses_are_no_amounts(tokens):
    words = _words(_spaced(tokens))
    assert grouped_number_spans(words) == []
    assert _row_spans(words) == []


def test_table_columns_are_not_a_grouped_number():
    """Quantity and amount in two columns ("2" | "100,00") stay two numbers."""
    words = _words([(20, "Widget"), (300, "2"), (360, "100,00")])
    assert grouped_number_spans(words) == []
    assert [n for _, n in _row_spans(words)] == ["100.00"]


def test_ocr_ink_boxes_one_space_apart_are_one_grouped_number():
    """OCR's word boxes hold only the ink (digits ~0.7 em tall), and a typewriter space is a
    digit wide: "126" "824,28" 4 points apart under 5-point-high boxes are one number."""
    words = _words([(336, "126"), (355, "824,28"), (389, "€")], h=5.0)
    assert [n for _, n in _row_spans(words, ",")] == ["126824.28"]


@pytest.mark.parametrize(
    "tokens,expected",
    [
        (["MwSt.", "19", "%", "904,", "16€"], "904.16"),  # a space after the mark
        (["Zu", "zahlen", "5.662,", "89€"], "5662.89"),
        (["Gesamtbetrag", "10.593", ",94", "€"], "10593.94"),  # a space before it
    ],
)
def test_an_amount_ocr_split_beside_its_decimal_mark_is_whole(tokens, expected):
    words = _words(_spaced(tokens), h=5.0)
    assert [n for _, n in _row_spans(words, ",")] == [expected]


def test_two_typewriter_spaces_are_a_column_gap_even_with_ink_boxes():
    words = _words([(20, "Widget"), (300, "2"), (315, "100,00")], h=5.0)
    assert grouped_number_spans(words) == []
    assert [n for _, n in _row_spans(words, ",")] == ["100.00"]


@pytest.mark.parametrize("sep", ["\u00a0", "\u202f", "\u2009"])
def test_amount_grouped_inside_one_word_is_whole(sep):
    """A PDF word may hold a no-break or narrow space between thousands ("25 850 563,81"
    as one word): the whole number, never its last group ("563,81")."""
    words = _words(_spaced(["Total", "TTC", f"25{sep}850{sep}563,81", "€"]))
    assert [n for _, n in _row_spans(words, ",")] == ["25850563.81"]


def test_ambiguous_amount_follows_the_document_mark():
    words = _words(_spaced(["Summe", "EUR", "1.234"]))
    assert _row_spans(words, ",") == [("EUR 1.234", "1234.00")]
    assert _row_spans(words, ".") == [("EUR 1.234", "1.23")]


def _doc(rows: list[list[str]]) -> IngestedDocument:
    words: list[Word] = []
    for i, tokens in enumerate(rows):
        y = 40.0 + 16 * i
        words += [Word(t, (x, y, x + 5.0 * len(t), y + 10), 1.0, i)
                  for x, t in _spaced(tokens, x=40.0)]
    text = "\n".join(" ".join(r) for r in rows)
    return IngestedDocument("f.pdf", "0" * 64, "application/pdf", 0,
                            [Page(1, 595, 842, words, text)])


def test_french_invoice_total_with_space_grouping_end_to_end():
    doc = _doc([
        ["Bâtiments", "Durand", "SARL"],
        ["12", "rue", "de", "la", "Paix,", "75002", "Paris"],
        ["Facture", "n°", "F-2024-117"],
        ["Date", "d'émission", ":", "03/04/2024"],
        ["Client", ":", "Société", "Martin"],
        ["Total", "HT", "353", "078,10", "€"],
        ["TVA", "20", "%", "70", "615,62", "€"],
        ["Total", "TTC", "423", "693,72", "€"],
    ])
    got = extract_invoice(doc)
    assert got["total_amount"].normalized == "423693.72"
    assert got["invoice_date"].normalized == "2024-04-03"  # French: day first
    amounts = {str(f.normalized) for k, f in got.items()
               if k in ("subtotal", "tax_amount", "total_amount")}
    assert not amounts & {"693.72", "78.10", "615.62"}  # no group read alone


def test_us_receipt_reads_month_first_end_to_end():
    doc = _doc([
        ["Joe's", "Diner"],
        ["100", "Main", "St,", "Springfield,", "IL", "62704"],
        ["Check", "#1042", "03/04/2024"],
        ["Subtotal", "$1,200.00"],
        ["Sales", "Tax", "$75.00"],
        ["Total", "$1,275.00"],
    ])
    got = extract_invoice(doc, "receipt")
    assert got["invoice_date"].normalized == "2024-03-04"
    assert got["total_amount"].normalized == "1275.00"


def test_a_narrow_leading_digit_in_ink_boxes_still_groups():
    """OCR boxes a "1" by its ink, a third of a digit's cell: "1" "485" "396,56" one
    space apart read 396.56 (the gap measured from the narrow ink looked like a column's).
    A quantity "1" two spaces before its amount stays apart."""
    # 5-point cells: the "1" inked 1.5 wide in the middle of its cell, a space, "485"
    one = Word("1", (336.0, 100.0, 337.5, 105.0))
    words = [one, Word("485", (344.75, 100.0, 359.75, 105.0)),
             Word("396,56", (365.0, 100.0, 395.0, 105.0))]
    assert [n for _, n in _row_spans(words, ",")] == ["1485396.56"]
    words = [Word("Widget", (20.0, 100.0, 50.0, 105.0)), Word("1", (300.0, 100.0, 301.5, 105.0)),
             Word("100,00", (313.75, 100.0, 343.75, 105.0))]
    assert grouped_number_spans(words) == []


def test_grouped_amount_whose_cents_ocr_split_off_the_mark_is_whole():
    words = _words(_spaced(["Net", "à", "payer", "40", "236", "142,", "17", "EUR"]), h=5.0)
    assert [n for _, n in _row_spans(words, ",")] == ["40236142.17"]
