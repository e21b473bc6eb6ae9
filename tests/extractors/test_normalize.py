"""The normal forms every extractor relies on: one string per value, whatever the print."""

import pytest

from extractors.normalize import (
    detect_currency,
    infer_day_first,
    normalize_date,
    normalize_iban,
    normalize_money,
    normalize_quantity,
    normalize_tax_id,
    plain_decimal,
)


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("25/12/2018", None, "2018-12-25"),
        ("12-01-19", None, "2019-01-12"),
        ("12-01-19", False, "2019-12-01"),
        ("05 MAR 2018", None, "2018-03-05"),
        ("20180304", None, "2018-03-04"),
        ("March 5, 2019", None, "2019-03-05"),
        ("5th day of March, 2019", None, "2019-03-05"),
        ("2022-09-08", False, "2022-09-08"),
        ("08.09.2022", None, "2022-09-08"),
        ("20 Oct, 2015", None, "2015-10-20"),
        ("12/25/2018", True, "2018-12-25"),  # impossible day-first: month-first it is
        ("7 mai 2014", None, "2014-05-07"),
        ("1. Januar 2021", None, "2021-01-01"),
    ],
)
def test_normalize_date(text, day_first, expected):
    assert normalize_date(text, day_first=day_first) == expected


@pytest.mark.parametrize("text", ["", "12.30", "hello", "32/13/2018", "5 items", "RM 12.30"])
def test_normalize_date_rejects(text):
    assert normalize_date(text) is None


def test_infer_day_first():
    assert infer_day_first(["Date: 25/12/2018"]) is True
    assert infer_day_first(["Date: 12/25/2018"]) is False
    assert infer_day_first(["Total RM 12.30", "01/02/2019"]) is True
    assert infer_day_first(["nothing here"]) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("RM 12.30", "12.30"),
        ("$1,234", "1234.00"),
        ("1 234,50 EUR", "1234.50"),
        ("€ 49,99", "49.99"),
        ("-5.00", "-5.00"),
        ("(12.00)", "-12.00"),
        ("Rs. 319.00", "319.00"),
    ],
)
def test_normalize_money(text, expected):
    assert normalize_money(text) == expected


def test_normalize_money_rejects():
    assert normalize_money("TOTAL") is None
    assert normalize_money("") is None


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("RM 12.30", None, "MYR"),
        ("Rs. 100", None, "INR"),
        ("₹ 100", None, "INR"),
        ("€ 100", None, "EUR"),
        ("100 EUR", None, "EUR"),
        ("$ 5", None, "USD"),
        ("S$ 5", None, "SGD"),
        ("$ 5", "SG", "SGD"),
        ("£ 5", None, "GBP"),
        ("Total 5.00", None, None),
        ("Karnataka, India - $60067", None, None),  # OCR's "5" in a postcode
        ("$12345.00", None, "USD"),
        ("Service #: '$D001", None, None),
        ("Price ($)", None, "USD"),
    ],
)
def test_detect_currency(text, hint, expected):
    assert detect_currency(text, country_hint=hint) == expected


def test_iban_valid_and_invalid():
    assert normalize_iban("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    assert normalize_iban("IBAN: GB82 WEST 1234 5698 7654 32") == "GB82WEST12345698765432"
    assert normalize_iban("DE89 3704 0044 0532 0130 01") is None  # checksum broken
    assert normalize_iban("not an iban") is None


def test_tax_ids():
    assert normalize_tax_id("DE 136 695 976") == ("DE136695976", "eu_vat")
    assert normalize_tax_id("VAT: DE136695976")[0] == "DE136695976"
    assert normalize_tax_id("DE 136 695 977") is None  # checksum broken
    assert normalize_tax_id("27AAPFU0939F1ZV") == ("27AAPFU0939F1ZV", "gstin")
    assert normalize_tax_id("04-2103594", country_hint="US") == ("042103594", "ein")
    assert normalize_tax_id("732 829 320", country_hint="FR") == ("732829320", "siren")
    assert normalize_tax_id("12345") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10", "10"), ("10.00", "10"), ("100", "100"), ("2.50", "2.5"), ("3 x", "3"),
     ("0.00", "0"), ("1,000", "1000"), ("pcs", None)],
)
def test_quantity_is_a_plain_decimal(text, expected):
    assert normalize_quantity(text) == expected


@pytest.mark.parametrize("value", ["10", "10.00", "1E+1", "100", "2500.000"])
def test_plain_decimal_never_uses_exponents(value):
    out = plain_decimal(value)
    assert "E" not in out.upper() and out == str(int(float(value)))


ENGLISH_DATES = ["June 21, 1999", "January 4 1999", "1 September 2004", "23 September, 2016",
                 "22 Dec. 2017", "Sept. 5, 2019", "Feb 29, 2020", "February 30, 2020",
                 "May 1, 1949", "31 March, 2000", "DECEMBER 1, 2018", "7 jul 2021"]


@pytest.mark.parametrize("text", ENGLISH_DATES)
def test_english_month_dates_read_without_dateparser_as_dateparser_reads_them(
        text: str, monkeypatch) -> None:
    from extractors import normalize as n

    want = n._dateparser(text, None, None)
    monkeypatch.setattr(n, "_dateparser", lambda *a: pytest.fail("dateparser was asked"))
    assert n.normalize_date(text) == want


def test_other_languages_and_forms_still_go_to_dateparser(monkeypatch) -> None:
    from extractors import normalize as n

    asked: list[str] = []
    monkeypatch.setattr(n, "_dateparser", lambda t, *a: asked.append(t) or "x")
    for text in ("1. Mai 2020", "5 mars 2021", "December 31,2017", "1st of March 2020"):
        n.normalize_date(text)
    n.normalize_date("June 21, 1999", languages=["de"])  # no English: dateparser decides
    assert "1. Mai 2020" in asked and "5 mars 2021" in asked and "June 21, 1999" in asked
