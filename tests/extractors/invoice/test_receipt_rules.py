"""Round-3 receipt rules: address punctuation, OCR-tolerant legal names, split cents,
and the final per-field calibration map."""

from __future__ import annotations

import pytest

from extractors.invoice import (
    _company_evidence,
    _fix_legal_suffix,
    _ocr_letters,
    address_punctuation,
)
from extractors.invoice.candidates import _money_spans
from extractors.invoice.layout import build_rows
from ingest.types import Page, Word


@pytest.mark.parametrize("text, want", [
    ("NO.8 JALAN KAYU 3. TAMAN BUNGA. 40000 BANDAR", "NO.8 JALAN KAYU 3, TAMAN BUNGA, 40000 BANDAR"),
    ("NO. 12, JLN. MAWAR 2, 50000 KOTA.", "NO. 12, JLN. MAWAR 2, 50000 KOTA."),  # abbreviations
])
def test_address_full_stops_between_parts_become_commas(text, want):
    assert address_punctuation(text) == want


@pytest.mark.parametrize("text, want", [
    ("Kopi WorId San Bhd", "Kopi World SDn Bhd"),
    ("MAJU LARIS 5/8", "MAJU LARIS S/B"),
    ("MAJU LARIS SDN BHD (123S45-X)", "MAJU LARIS SDN BHD"),
    ("MAJU SDN. BHD", "MAJU SDN. BHD"),
])
def test_legal_suffix_slips_fixed(text, want):
    assert _fix_legal_suffix(_ocr_letters(text)) == want


def test_company_evidence_needs_suffix_and_regno():
    assert _company_evidence("KOPI F00DS SDN BHD (123456-K)", "") == 2
    assert _company_evidence("KOPI FOODS SDN BHD", "(123456-K)") == 2
    assert _company_evidence("KOPI FOODS SDN BHD", "NO. 5 JALAN") == 1
    assert _company_evidence("KOPI CORNER - BANDAR", "(123456-K)") == 0


def _row(*texts: str):
    words = [Word(t, (10.0 + 40 * i, 10.0, 40.0 + 40 * i, 18.0), 0.9, 0, 0)
             for i, t in enumerate(texts)]
    lay = build_rows(Page(1, 300, 100, words, " ".join(texts), True))
    return lay.rows[0]


def test_cents_spaced_off_and_misread_colon_are_amounts():
    assert [s[3] for s in _money_spans(_row("Total", "13.", "60"))] == ["13.60"]
    assert [s[3] for s in _money_spans(_row("TOTAL", "RM5:O0"))] == ["5.00"]
    assert _money_spans(_row("Time", "18:24")) == []
