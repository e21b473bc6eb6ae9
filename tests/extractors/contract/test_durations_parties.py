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
        # a filing's page footer glued on
        ("Clear Harbor Page 1", "Clear Harbor"),
        ("ORBIT LABS, INC. Source: ORBIT LABS, INC., 10-K, 3/1/2019", "ORBIT LABS, INC."),
        ("Page One Media Inc.", "Page One Media Inc."),
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
    [("NEW YORK", "New York"), ("england", "England"),
     ("England and Wales", "England; Wales"), ("ENGLISH", "England"),
     ("Ontario", "Ontario, Canada"),
     ("People’s Republic of China", "People's Republic of China")],
)
def test_canonical_place(raw, expected):
    assert canonical_place(raw) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # "and" inside a company name is not a party separator
        ('This Agreement is made by and between ORION DATA SERVICES, INC. ("ODS") and '
         'KESTREL LIFE INSURANCE AND ANNUITY CORPORATION ("Company").',
         ["ORION DATA SERVICES, INC.", "KESTREL LIFE INSURANCE AND ANNUITY CORPORATION"]),
        # EDGAR underline runs inside the preamble; "and," before the second party
        ('This Agreement is made and entered into as of May 1, 2001, by and ------- between '
         'Zenith Labs, Inc., a Utah corporation ("Zenith"), and, Mail ------- Carriers USA, Inc. '
         '("MCU").', ["Zenith Labs, Inc.", "Mail Carriers USA, Inc."]),
        # people behind a party, trade names and addresses are not parties
        ('This agreement is entered into by BLUE FOX, INC. (the "Discloser") and HERON '
         'SURGICAL, its principals, management and staff (the "Recipient") for the purpose of '
         'evaluating a transaction.', ["BLUE FOX, INC.", "HERON SURGICAL"]),
        ('This Agreement is made between Quill Learning UK Limited of Harbor House, London '
         '("Company") and Pine Systems LLC d/b/a PineSoft ("Pine").',
         ["Quill Learning UK Limited", "Pine Systems LLC"]),
    ],
)
def test_preamble_party_variants(text, expected):
    got = preamble_parties(text)
    assert got is not None and got[0] == expected


def test_defined_terms_later_are_not_a_preamble():
    text = ("Confidential Information includes business terms between Company and vendors; "
            "business terms between Company and Hospitals. Employee agrees as follows.")
    got = preamble_parties(text)
    assert got is None or "Hospitals" not in got[0]


def test_signature_block_labels_are_not_parties():
    from extractors.contract.parties import signature_parties

    text = "COMPANY: EMPLOYEE\nBy: ______\nDELTA FOODS, INC. EMPLOYEE\nBy: ______\n"
    assert signature_parties(text) == ["DELTA FOODS, INC."]


def test_signature_blocks_side_by_side_and_typed_signatures():
    from extractors.contract.parties import signature_parties, split_columns

    # two blocks printed on one line are two names; a legal form alone is no second name
    assert split_columns("GIGGLES N' HUGS, INC. KIDDO, INC.") == ["GIGGLES N' HUGS, INC.",
                                                                  "KIDDO, INC."]
    assert split_columns("NETGEAR, INC. INGRAM MICRO") == ["NETGEAR, INC.", "INGRAM MICRO"]
    for whole in ("Acme Limited Partnership", "ACME CO. LTD", "Deutsche Bank AG",
                  "Trust Company, N.A.", "ACME CORPORATION LIMITED"):
        assert split_columns(whole) == [whole]
    text = ("ORBIT LABS, INC. KESTREL LLC\nBy: ____ By: ____\n"
            "VESA EQUITY HOLDINGS S.A.\n/s/ Marek Novak\nBy: Marek Novak\n")
    # a "/s/" line between a block's name and its "By:" line is the signature, not the name
    assert signature_parties(text) == ["ORBIT LABS, INC.", "KESTREL LLC",
                                       "VESA EQUITY HOLDINGS S.A."]
