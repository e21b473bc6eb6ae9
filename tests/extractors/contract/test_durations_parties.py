import pytest

from extractors.contract.durations import normalize_duration
from extractors.contract.parties import clean_party_name, preamble_parties
from extractors.contract.places import canonical_place


@pytest.mark.parametrize(
    "text,expected",
    [
        ("two (2) years", "2_years"),
        ("eighteen months", "18_months"),
        ("one year", "1_years"),
        ("thirty (30) days", "30_days"),
        ("5 yrs", "5_years"),
        ("1 year", "1_years"),
        ("successive one-year terms", "1_years"),
        ("ninety (90) days' written notice", "90_days"),
        ("one hundred twenty (120) days", "120_days"),
        ("thirty-six months", "36_months"),
        ("two weeks", "14_days"),
        ("no duration here", None),
    ],
)
def test_normalize_duration(text, expected):
    assert normalize_duration(text) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ('Acme Widgets, Inc., a Delaware corporation ("Acme")', "Acme Widgets, Inc."),
        ('Northwind LLC (hereinafter referred to as the "Company")', "Northwind LLC"),
        ("Blue Harbor Corp., with offices at 100 Main Street, Springfield", "Blue Harbor Corp."),
        ("Mr. Robert T. Alvarez, an individual residing in Austin", "Robert T. Alvarez"),
    ],
)
def test_clean_party_name(raw, expected):
    assert clean_party_name(raw) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ('This Agreement is made as of May 1, 2020 by and between Acme Widgets, Inc., a Delaware '
         'corporation ("Acme"), and Granite Peak Holdings Ltd. (hereinafter "Granite"). WHEREAS x.',
         ["Acme Widgets, Inc.", "Granite Peak Holdings Ltd."]),
        ('THIS AGREEMENT is entered into between: (1) Lumen Analytics Co. (the "Discloser"); and '
         '(2) Mei Chen (the "Recipient"). 1. Purpose.',
         ["Lumen Analytics Co.", "Mei Chen"]),
        ('This Agreement is entered into effective as of June 2, 2011 by Jane Smith ("Employee") in '
         'favor of Summit Health Partners LLC, a Texas limited liability company (the "Company").',
         ["Jane Smith", "Summit Health Partners LLC"]),
    ],
)
def test_preamble_parties(text, expected):
    got = preamble_parties(text)
    assert got is not None
    assert got[0] == expected


@pytest.mark.parametrize(
    "raw,expected",
    [("NEW YORK", "New York"), ("england", "England and Wales"), ("Ontario", "Ontario"),
     ("People’s Republic of China", "People's Republic of China")],
)
def test_canonical_place(raw, expected):
    assert canonical_place(raw) == expected
