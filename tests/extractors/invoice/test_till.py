"""A till receipt's own sums (payment rows, VAT table) over the learned total."""

from decimal import Decimal

from lines_doc import doc_from_lines

from extractors.invoice import extract_invoice, till, vat_table
from extractors.invoice.candidates import Candidate
from extractors.invoice.layout import build_rows

HEAD = ["Binner GmbH", "Catharinenstraße 32", "53109 Eisenach", "Kassenbon", "EUR",
        "Joghurt natur 24,40 A", "Schokolade 39,57 B", "Duschgel 73,50 B",
        "Schnitzel 204,71 B"]
TABLE = ["MwSt-Satz Netto MwSt Brutto", "A 19,00% 20,50 3,90 24,40",
         "B 7,00% 296,99 20,79 317,78", "16.05.2016 07:23", "Beleg-Nr. 850299"]


def _money(rows: list[tuple[str, str]]) -> list[Candidate]:
    return [Candidate("money", v, v, 1, (0, 20 * i, 10, 20 * i + 10), i, {"_row": f"{t} {v}"})
            for i, (t, v) in enumerate(rows)]


def _table(lines: list[str]) -> vat_table.VatTable | None:
    return vat_table.find([build_rows(p) for p in doc_from_lines(lines).pages], ",")


def test_payment_rows_name_the_printed_total_in_any_locale():
    money = _money([("Endsumme", "342.18"), ("Gegeben Bar", "345.00"), ("RÜCKGELD", "2.82")])
    got = till.check_total(Decimal("345.00"), money, None)
    assert got.verdict is till.Verdict.PRINTED and got.printed is money[0]
    fr = _money([("TOTAL TTC", "18.40"), ("Espèces", "20.00"), ("Rendu", "1.60")])
    assert till.check_total(Decimal("20.00"), fr, None).printed is fr[0]
    en = _money([("TOTAL", "9.00"), ("CASH", "10.00"), ("CHANGE", "1.00")])
    assert till.check_total(Decimal("9.00"), en, None).verdict is till.Verdict.AGREES


def test_two_sums_that_agree_contradict_a_pick_the_page_does_not_print_them_for():
    table = _table(TABLE)
    assert table is not None and table.gross == Decimal("342.18")
    # the total misread ("34,892"): payment rows and VAT table both say 342.18
    money = _money([("SUMME EUR", "34.89"), ("Gegeben Bar", "345.00"), ("Rückgeld", "2.82")])
    got = till.check_total(Decimal("34.89"), money, table)
    assert got.verdict is till.Verdict.CONTRADICTED and got.amount == Decimal("342.18")


def test_a_vat_table_alone_names_a_printed_total_but_never_contradicts():
    table = _table(TABLE)
    money = _money([("Gesamt", "342.18"), ("", "392.18")])
    assert till.check_total(Decimal("392.18"), money, table).printed is money[0]
    # a lost VAT row leaves the gross short: alone, it cannot doubt the pick
    assert till.check_total(Decimal("400.00"), _money([("Summe", "400.00")]), table
                            ).verdict is till.Verdict.UNDECIDED


def test_a_cash_rounding_or_no_payment_rows_leave_the_pick_alone():
    money = _money([("TOTAL", "10.62"), ("ROUNDING", "-0.02"), ("TOTAL", "10.60"),
                    ("CASH", "20.00"), ("CHANGE", "9.40")])
    assert till.check_total(Decimal("10.62"), money, None).verdict is till.Verdict.AGREES
    assert till.check_total(Decimal("5.00"), _money([("TOTAL", "5.00")]), None
                            ).verdict is till.Verdict.NO_EVIDENCE


def test_the_receipt_total_is_the_one_its_payment_rows_and_vat_table_add_up_to():
    lines = HEAD + ["Endsumme 342,18", "Gegeben Bar 345,00", "RÜCKGELD 2,82"] + TABLE
    got = extract_invoice(doc_from_lines(lines, ocr=True, conf=0.9, filename="r.jpg",
                                         media_type="image/jpeg"), "receipt")
    assert got["total_amount"].normalized == "342.18"
    # the total's digits misread: the page never prints 342.18 outside its table
    bad = HEAD + ["Endsumme 34,892", "Gegeben Bar 345,00", "RÜCKGELD 2,82"] + TABLE
    got = extract_invoice(doc_from_lines(bad, ocr=True, conf=0.9, filename="r.jpg",
                                         media_type="image/jpeg"), "receipt")
    assert "total_amount" not in got or got["total_amount"].confidence <= 0.5


def test_one_rate_row_of_a_vat_table_with_several_is_never_the_total():
    table = _table(TABLE)
    row_a = table.rows[0].gross  # 24.40, where the table prints it
    money = _money([("Summe EUR", "")])[:0]  # the amounts column lost by OCR
    got = till.check_total(row_a.amount, money, table, (row_a.page, row_a.bbox))
    assert got.verdict is till.Verdict.CONTRADICTED and got.amount == Decimal("342.18")
    # the same amount printed elsewhere is no table cell: the table alone does not doubt it
    assert till.check_total(row_a.amount, money, table, (1, (0, 0, 10, 10))
                            ).verdict is till.Verdict.UNDECIDED


def test_a_suggested_tip_is_never_the_total():
    for row in ("18% = $53.95", "22% = $65.94", "20%: 59.94", "15.5 % = 12.40"):
        assert till.is_tip_suggestion(row), row
    for row in ("Total 65.94", "GST @6% = 1.20", "SR 6% 1.20", "Tip 10.00", "A 19,00% 23,85"):
        assert not till.is_tip_suggestion(row), row
    # a check whose amounts column OCR lost: only the suggestions carry amounts
    lines = ["ANDREWLAND BBQ", "12624 Jeffrey Plains", "Dec 13, 2023 5:07 PM", "Soup of Day",
             "Food & Bev", "State Tax", "Balance Due", "Tip", "Grand Total:",
             "18% = $53.95", "20% = $59.94", "22% = $65.94", "Signature"]
    got = extract_invoice(doc_from_lines(lines, ocr=True, conf=0.9, filename="c.jpg",
                                         media_type="image/jpeg"), "receipt")
    total = got.get("total_amount")
    assert total is None or total.confidence <= 0.5


CHECK_HEAD = ["BLUE HERON KITCHEN", "2214 W Division St", "Chicago, IL 60622", "Server: Marissa",
              "Check #: 1187", "Ordered: 10/18/2026 7:42 PM", "1 Fried Calamari 14.00",
              "2 Burrata Salad 26.00", "1 Ribeye 12oz 42.00", "3 Draft IPA 58.00",
              "Subtotal 140.00", "Tax 14.35", "Total 154.35", "Visa XXXXXXXXXXXX4471"]


def test_suggested_tip_rows_in_any_printed_form():
    from extractors.invoice.candidates import tip_rows

    lines = CHECK_HEAD + ["Suggested Gratuity", "18% Tip: $25.20 (Total $179.55)",
                          "20% Tip: $28.00 (Total $182.35)", "Tip: ______", "Signature ____"]
    assert tip_rows(build_rows(doc_from_lines(lines).pages[0])) == {15, 16}
    lines = CHECK_HEAD + ["Tip ______", "Total ______", "18% = $27.78", "20% = $30.87",
                          "22% = $33.96", "Signature"]
    assert tip_rows(build_rows(doc_from_lines(lines).pages[0])) == {16, 17, 18}
    # a percentage far under the tip line, a tax rate, a page that names no tip: none
    for lines in (CHECK_HEAD + ["Tip ____", "Total ____", "Signature", "Thank you", "x",
                                "Member savings 10% 4.20"],
                  CHECK_HEAD + ["Tip guide", "Sales tax 8.25% 11.55"],
                  HEAD + ["Endsumme 342,18"] + TABLE,
                  ["ACME GmbH", "20%: 12.00", "Summe 72.00"]):
        assert tip_rows(build_rows(doc_from_lines(lines).pages[0])) == set(), lines


def test_a_suggested_tip_and_its_total_after_tip_are_no_field_of_the_check():
    lines = CHECK_HEAD + ["Amount: $154.35", "Suggested Gratuity",
                          "18% Tip: $25.20 (Total $179.55)", "20% Tip: $28.00 (Total $182.35)",
                          "22% Tip: $30.80 (Total $185.15)", "Tip: ______", "Total: ______"]
    got = extract_invoice(doc_from_lines(lines, ocr=True, conf=0.9, filename="c.jpg",
                                         media_type="image/jpeg"), "receipt")
    assert got["total_amount"].normalized == "154.35"
    for name in ("subtotal", "tax_amount"):
        assert name not in got or got[name].normalized in ("140.00", "14.35"), got[name]


def test_a_printed_tip_is_part_of_the_sum():
    # subtotal + tax + tip = total: the subtotal and tax had been doubted (0.5) because
    # they did not add up to the total alone
    lines = ["Little Fern Coffee", "118 Pearl St, Boulder CO", "Nov 14 2026 08:12 AM",
             "Oat Milk Latte $6.25", "Almond Croissant $4.75", "Drip Coffee $3.00",
             "Extra Shot $1.00", "Subtotal $15.00", "Sales Tax $1.33", "Tip $3.00",
             "Total $19.33", "VISA 4417 $19.33"]
    got = extract_invoice(doc_from_lines(lines, ocr=True, conf=0.9, filename="s.jpg",
                                         media_type="image/jpeg"), "receipt")
    assert got["total_amount"].normalized == "19.33"
    assert got["subtotal"].normalized == "15.00" and got["subtotal"].confidence > 0.5
    assert got["tax_amount"].normalized == "1.33" and got["tax_amount"].confidence > 0.5


def test_a_pick_that_with_another_amount_makes_the_payment_is_a_part_of_the_total():
    # the total's digits misread ("A995"): the food subtotal had stood as the total at 0.84
    money = _money([("Food", "36.70"), ("State Tax 8.81%", "3.23"), ("Cash", "50.00"),
                    ("Change Due", "10.07")])
    pick_at = (money[0].page, money[0].bbox)
    got = till.check_total(Decimal("36.70"), money, None, pick_at)
    assert got.verdict is till.Verdict.CONTRADICTED and got.amount == Decimal("39.93")
    # no printed part closes the gap: the payment rows alone do not overrule the pick
    alone = [money[0], *money[2:]]
    assert till.check_total(Decimal("36.70"), alone, None, pick_at).verdict is \
        till.Verdict.UNDECIDED
