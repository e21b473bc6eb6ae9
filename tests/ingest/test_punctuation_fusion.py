"""Marks from tesseract's reading added to RapidOCR's words (ingest/ocr/punctuation.py)."""

from __future__ import annotations

from ingest.ocr.punctuation import fuse_punctuation
from ingest.types import Word


def _line(tokens: list[str], y: float = 10.0, conf: float = 0.9, line: int = 0,
          x: float = 10.0) -> list[Word]:
    out = []
    for t in tokens:
        out.append(Word(t, (x, y, x + 8 * len(t), y + 12), conf, line))
        x += 8 * len(t) + 6
    return out


def test_commas_and_slashes_inside_a_line_are_taken():
    rapid = _line(["NO.1", "TAMAN", "SRI", "DENGKIL", "JALAN", "PJU", "1A3"])
    tess = _line(["NO.1,", "TAMAN", "SRl", "DENGKIL,", "JALAN", "PJU", "1A/3"])
    words, n = fuse_punctuation(rapid, tess)
    assert [w.text for w in words] == ["NO.1,", "TAMAN", "SRI", "DENGKIL,", "JALAN", "PJU",
                                       "1A/3"]
    assert n == 3
    assert [w.bbox for w in words] == [w.bbox for w in rapid]  # boxes stay RapidOCR's


def test_letters_never_change_and_existing_marks_stay():
    rapid = _line(["KLANG.", "SELANGOR"])
    tess = _line(["KIANG,", "SELANG0R,"])  # other letters, another mark, a line-end comma
    words, n = fuse_punctuation(rapid, tess)
    assert [w.text for w in words] == ["KLANG.", "SELANGOR"] and n == 0


def test_lone_marks_low_confidence_and_other_lines_lend_nothing():
    rapid = _line(["BANDAR", "BARU", "BATANG"])
    speck = _line(["BANDAR", ",", "BARU", "BATANG"])
    assert fuse_punctuation(rapid, speck)[1] == 0
    unsure = _line(["BANDAR,", "BARU", "BATANG"], conf=0.1)
    assert fuse_punctuation(rapid, unsure)[1] == 0
    below = _line(["BANDAR,", "BARU", "BATANG"], y=40.0)
    assert fuse_punctuation(rapid, below)[1] == 0


def test_ideographic_comma_reads_as_comma():
    from ingest.ocr.rapidocr import words_from_result

    box = [[0, 0], [200, 0], [200, 20], [0, 20]]
    words = words_from_result([[box, "Batu Village、", 0.9]], None, 1.0, 1.0)
    assert words[-1].text == "Village,"


class _Scripted:
    def __init__(self, name: str, words: list[Word]) -> None:
        self.name, self.words = name, words

    def recognize(self, image, w, h):
        from ingest.ocr.base import OcrResult

        return OcrResult(engine=self.name, words=list(self.words))


def test_auto_mode_lends_tesseract_marks_to_the_rapidocr_result(monkeypatch):
    from PIL import Image

    from ingest.ocr import select
    from ingest.options import IngestOptions

    tess = _line(["JALAN", "KAPAR,", "MUKIM"], conf=0.5)  # doubtful: rapidocr is asked
    rapid = _line(["JALAN", "KAPAR", "MUKIM"], conf=0.95)
    engines = {"tesseract": _Scripted("tesseract", tess), "rapidocr": _Scripted("rapidocr", rapid)}
    monkeypatch.setattr(select, "get_engine", lambda name, options, threads=None: engines[name])
    img = Image.new("L", (100, 300), 255)
    out = select.recognize_page(img, 100, 300, IngestOptions())
    assert out.engine == "rapidocr" and [w.text for w in out.words] == ["JALAN", "KAPAR,", "MUKIM"]
    off = select.recognize_page(img, 100, 300, IngestOptions(fuse_punctuation=False))
    assert [w.text for w in off.words] == ["JALAN", "KAPAR", "MUKIM"]


def _doubtful(tokens: list[tuple[str, list[float]]]) -> list[Word]:
    words = _line([t for t, _ in tokens], conf=0.95)
    for w, (_t, cc) in zip(words, tokens, strict=True):
        w.char_conf = tuple(cc)
    return words


def test_doubtful_letter_takes_tesseract_reading():
    from ingest.ocr.punctuation import fuse_letters

    rapid = _doubtful([("99", [1, 1]), ("SFEED", [0.99, 0.62, 0.99, 0.99, 0.97]),
                       ("MART", [0.99] * 4)])
    tess = _line(["99", "SPEED", "MART"], conf=0.9)
    words, n = fuse_letters(rapid, tess)
    assert [w.text for w in words] == ["99", "SPEED", "MART"] and n == 1


def test_sure_letters_digits_for_letters_and_unsure_tesseract_stay():
    from ingest.ocr.punctuation import fuse_letters

    sure = _doubtful([("99", [1, 1]), ("SFEED", [0.99] * 5), ("MART", [0.99] * 4)])
    assert fuse_letters(sure, _line(["99", "SPEED", "MART"]))[1] == 0
    doubt = [("99", [1, 1]), ("SFEED", [0.99, 0.6, 0.99, 0.99, 0.97]), ("MART", [0.99] * 4)]
    assert fuse_letters(_doubtful(doubt), _line(["99", "S5EED", "MART"]))[1] == 0
    assert fuse_letters(_doubtful(doubt), _line(["99", "SPEED", "MART"], conf=0.2))[1] == 0
    # too little agreement around the doubtful letter: no alignment to trust
    assert fuse_letters(_doubtful(doubt), _line(["9X", "SPEXD", "MXRT"]))[1] == 0


def test_rapidocr_words_carry_character_confidences():
    from ingest.ocr.rapidocr import words_from_result

    box = [[0, 0], [200, 0], [200, 20], [0, 20]]
    chars = list("AB CD")
    cboxes = [[[10 * i, 0], [10 * i + 8, 0], [10 * i + 8, 20], [10 * i, 20]] for i in range(5)]
    item = [box, "AB CD", 0.9, cboxes, chars, [0.9, 0.5, 0.99, 0.8, 0.7]]
    words = words_from_result([item], None, 1.0, 1.0)
    assert [w.char_conf for w in words] == [(0.9, 0.5), (0.8, 0.7)]


def test_with_two_recognisers_tesseract_only_breaks_their_ties():
    from dataclasses import replace

    from ingest.ocr.punctuation import fuse_letters

    # the models disagreed on one digit ("43600" won over "43800"): tesseract's "8"
    # sides with the loser, two readings against one
    rapid = _doubtful([("LOT", [0.99] * 3), ("43600", [0.99, 0.99, 0.87, 0.99, 0.99]),
                       ("DENGKIL", [0.99] * 7)])
    rapid[1] = replace(rapid[1], char_alt=("", "", "8", "", ""))
    rapid[0] = replace(rapid[0], char_alt=("",) * 3)
    rapid[2] = replace(rapid[2], char_alt=("",) * 7)
    words, n = fuse_letters(rapid, _line(["LOT", "43800", "DENGKIL"]))
    assert [w.text for w in words] == ["LOT", "43800", "DENGKIL"] and n == 1
    assert words[1].char_alt == ("", "", "6", "", "")  # the other reading is now the loser's
    # tesseract reading a third digit changes nothing
    assert fuse_letters(rapid, _line(["LOT", "43900", "DENGKIL"]))[1] == 0
    # where both recognisers agreed, a doubtful character is not tesseract's to change
    agreed = _doubtful([("99", [1, 1]), ("SFEED", [0.99, 0.6, 0.99, 0.99, 0.97]),
                        ("MART", [0.99] * 4)])
    agreed = [replace(w, char_alt=("",) * len(w.text)) for w in agreed]
    assert fuse_letters(agreed, _line(["99", "SPEED", "MART"]))[1] == 0


def test_second_reading_alternatives_reach_the_words():
    from ingest.ocr.rapidocr import words_from_result

    box = [[0, 0], [200, 0], [200, 20], [0, 20]]
    cboxes = [[[10 * i, 0], [10 * i + 8, 0], [10 * i + 8, 20], [10 * i, 20]] for i in range(5)]
    item = [box, "AB CD", 0.9, cboxes, list("AB CD"), [0.9] * 5, ["", "8", "", "", "0"]]
    words = words_from_result([item], None, 1.0, 1.0)
    assert [w.char_alt for w in words] == [("", "8"), ("", "0")]


def test_added_marks_keep_the_other_readings_in_line():
    from dataclasses import replace

    from ingest.ocr.punctuation import fuse_punctuation

    # "TAMPOI81200" gets tesseract's comma; the other recogniser's "TANPOI" (a letter
    # the merge overruled) still sits on the same character afterwards
    rapid = _doubtful([("TAMPOI81200", [0.99] * 11), ("JOHOR", [0.99] * 5)])
    rapid[0] = replace(rapid[0], char_alt=("", "", "N") + ("",) * 8)
    rapid[1] = replace(rapid[1], char_alt=("",) * 5)
    words, n = fuse_punctuation(rapid, _line(["TAMPOI,81200", "JOHOR"]))
    assert n == 1 and words[0].text == "TAMPOI,81200"
    assert words[0].char_alt == ("", "", "N", "", "", "", "") + ("",) * 5
    assert words[0].char_conf is not None and len(words[0].char_conf) == 12
    assert words[1].char_alt == ("",) * 5
