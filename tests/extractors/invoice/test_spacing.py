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


def test_place_names_and_marks_the_recogniser_adds_are_mended():
    # a letter with an accent the place name lacks; a confusable letter of a place name
    assert fix_ocr_words("Bandar Mahkota Chéras") == "Bandar Mahkota Cheras"
    assert fix_ocr_words("BANDAR NAHKOTA") == "BANDAR MAHKOTA"
    # an accented word that is no place is left as printed
    assert fix_ocr_words("Café Zürich") == "Café Zürich"


def test_a_letter_read_twice_and_digits_read_for_letters():
    assert fix_ocr_words("12 JALLAN PENGACARA") == "12 JALAN PENGACARA"
    assert fix_ocr_words("10T 1851-A") == "LOT 1851-A"
    # a code that reads as no domain word keeps its digits
    assert fix_ocr_words("B1OCK 5B-10") == "BLOCK 5B-10"
    assert fix_ocr_words("PJU 1A/46 S0L8") == "PJU 1A/46 S0L8"


def test_brands_and_common_words_are_not_pulled_to_places():
    # one letter longer than a place ("IKAN"), or one letter from one ("BALAH", "LORONG")
    assert fix_ocr_words("IKANO HANDEL") == "IKANO HANDEL"
    assert fix_ocr_words("TINGKAT BAWAH") == "TINGKAT BAWAH"
    assert fix_ocr_words("LAPANGAN TERBANG") == "LAPANGAN TERBANG"


def test_malaysian_legal_suffix_one_slip_away():
    assert fix_ocr_words("GARDENIA BAKERIES (KL) SDN EHD") == "GARDENIA BAKERIES (KL) SDN BHD"
    assert fix_ocr_words("Acme Sdn 8hd") == "Acme Sdn Bhd"
    assert fix_ocr_words("99 SPEED MART S/D") == "99 SPEED MART S/B"
    assert fix_ocr_words("99 SPEED MART S/D (519537-X)") == "99 SPEED MART S/B (519537-X)"
    assert fix_ocr_words("PAGES 5 S/D 10") == "PAGES 5 S/D 10"
    assert fix_ocr_words("SDN. BHD.") == "SDN. BHD."
    assert fix_ocr_words("RAPID RAIL SLI BHD") == "RAPID RAIL SDN BHD"
    assert fix_ocr_words("Acme Son. Bhd.") == "Acme Sdn. Bhd."
    # a name before BHD stays: not S and two letters of SDN's strokes
    assert fix_ocr_words("SKP RESOURCES BHD") == "SKP RESOURCES BHD"
    for name in ("SRI BHD", "TECK SIN BHD", "KIM SOH BHD"):
        assert fix_ocr_words(name) == name


def test_a_word_cut_in_two_is_joined_only_into_a_known_word():
    assert fix_ocr_words("Jalan Sultan Isnai l,") == "Jalan Sultan Ismail,"
    assert fix_ocr_words("S HAH ALAM") == "SHAH ALAM"
    # two words, or a fragment that joins into nothing known, stay apart
    assert fix_ocr_words("KL SENTRAL") == "KL SENTRAL"
    assert fix_ocr_words("LOT 3 A") == "LOT 3 A"
    assert fix_ocr_words("GH DISTRIBUTOR") == "GH DISTRIBUTOR"


def test_a_word_with_letters_outside_ascii_is_never_cut():
    # a German compound read with its umlaut: the English word model cut it in two
    assert respace("Reichmann UG (haftungsbeschränkt)") == "Reichmann UG (haftungsbeschränkt)"
    assert respace("Getränkemarktstraße") == "Getränkemarktstraße"
    assert respace("KEDAIMAKANAN SDN BHD") == "KEDAI MAKANAN SDN BHD"  # glued ASCII still is
