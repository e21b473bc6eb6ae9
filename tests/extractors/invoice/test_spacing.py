"""OCR-dropped spaces restored and punctuation spaced the way addresses are typed."""

import pytest

from extractors.invoice.spacing import fix_ocr_words, respace, split_run


@pytest.mark.parametrize(
    ("glued", "want"),
    [
        ("KUALALUMPUR", "KUALA LUMPUR"),
        ("SUNNYCRISPSENTERPRISE", "SUNNY CRISPS ENTERPRISE"),
        ("Lot3,JalanPelabur 23/1,", "Lot 3, Jalan Pelabur 23/1,"),
        ("58100KUALA LUMPUR", "58100 KUALA LUMPUR"),
        ("TRADING(M)SDNBHD", "TRADING (M) SDN BHD"),
        ("NO.5&7,JALAN", "NO.5 & 7, JALAN"),
    ],
)
def test_respace_restores_spaces(glued, want):
    assert respace(glued) == want


def test_unknown_brand_is_kept_whole():
    assert split_run("ZORBLAXO") == ["ZORBLAXO"]
    assert respace("ZORBLAXOTRADING") == "ZORBLAXO TRADING"


def test_digital_text_only_gets_punctuation_spacing():
    assert respace("Acme Widgets,Inc.", glued=False) == "Acme Widgets, Inc."
    assert respace("ShahAlam", glued=False) == "ShahAlam"


def test_ocr_slips_fixed_only_towards_one_domain_word():
    assert fix_ocr_words("TANAN MELATI") == "TAMAN MELATI"
    assert fix_ocr_words("SIN HUAT COMFANY") == "SIN HUAT COMPANY"
    assert fix_ocr_words("HARMONI") == "HARMONI"  # not "corrected" into English


def test_place_name_words_one_slip_from_another_are_kept():
    # "Laman" (a housing-area word) and "Sungei" (the old spelling of "Sungai" in place
    # names) are words of their own, not slips of "Taman" and "Sungai"
    assert fix_ocr_words("LAMAN RIMBUNAN") == "LAMAN RIMBUNAN"
    assert fix_ocr_words("JLN SUNGEI BESI") == "JLN SUNGEI BESI"
    assert fix_ocr_words("TANAN MELATI") == "TAMAN MELATI"


@pytest.mark.parametrize("name", ["Textor GmbH", "Branchview Markt", "Hausmann mbH & Co. KG",
                                  "McDonald Supplies"])
def test_title_case_words_and_legal_forms_stay_whole(name):
    assert respace(name) == name


def test_glued_title_case_words_are_still_cut_at_their_capitals():
    assert respace("ShahAlam") == "Shah Alam"
    assert respace("TextorGmbH") == "Textor GmbH"
