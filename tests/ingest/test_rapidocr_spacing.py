"""RapidOCR word spacing: lines split at real visual gaps using per-character boxes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.ocr import rapidocr
from ingest.ocr.rapidocr import (
    CharBox,
    blank_runs,
    char_boxes,
    split_at_gaps,
    split_line,
)


def layout(text: str, steps: dict[int, float] | None = None, pitch: float = 10.0) -> list[CharBox]:
    """Characters of `text` on a monospace grid, `pitch` apart; `steps[i]` overrides the
    step *before* character i (a visual gap the model did not turn into a space)."""
    out: list[CharBox] = []
    x = 0.0
    for i, ch in enumerate(text):
        if i:
            x += (steps or {}).get(i, pitch)
        out.append((ch, x, x + 0.8 * pitch))
    return out


def words(result: list[CharBox] | None) -> list[str]:
    assert result is not None
    return [w[0] for w in result]


def test_glued_words_split_at_big_steps() -> None:
    text = "TOTAL:RM33.90"
    chars = layout(text, {6: 22.0})  # a space-wide gap before "R"
    assert words(split_at_gaps(chars)) == ["TOTAL:", "RM33.90"]
    got = split_line(text, (0.0, 5.0, 200.0, 15.0), 0.9, chars)
    assert [w.text for w in got] == ["TOTAL:", "RM33.90"]
    # real extents: the second word starts where its first character does
    assert got[1].bbox[0] == pytest.approx(chars[6][1])
    assert got[0].bbox[2] == pytest.approx(chars[5][2])
    assert all(w.bbox[1] == 5.0 and w.bbox[3] == 15.0 and w.conf == 0.9 for w in got)


def test_normal_letter_spacing_does_not_split() -> None:
    jitter = {1: 12.0, 2: 8.0, 4: 13.0, 5: 9.0, 7: 12.5, 9: 8.5}  # proportional-font noise
    chars = layout("SERIMAJUBAKERY", jitter)
    assert words(split_at_gaps(chars)) == ["SERIMAJUBAKERY"]


def test_model_spaces_are_kept_with_real_extents() -> None:
    chars = layout("SDN BHD")
    got = split_line("SDN BHD", (0.0, 0.0, 100.0, 10.0), 1.0, chars)
    assert [w.text for w in got] == ["SDN", "BHD"]
    assert got[1].bbox[0] == pytest.approx(chars[4][1])


def test_ink_must_confirm_a_gap() -> None:
    chars = layout("AMOUNTDUE", {2: 15.0, 6: 15.0})  # both steps look wide
    # blanks: narrow ones between all letters, a wide one only before "D"
    blanks = [(c[2], c[2] + 1.0) for c in chars[:-1]]
    blanks[5] = (chars[5][2], chars[5][2] + 8.0)
    assert words(split_at_gaps(chars, blanks)) == ["AMOUNT", "DUE"]
    # without ink evidence neither 1.5x step is enough
    assert words(split_at_gaps(chars)) == ["AMOUNTDUE"]


def test_no_space_before_a_comma() -> None:
    chars = layout("CHERAS,SELANGOR", {6: 22.0, 7: 22.0})
    assert words(split_at_gaps(chars)) == ["CHERAS,", "SELANGOR"]


def test_mismatched_boxes_fall_back_to_proportional() -> None:
    box = (0.0, 0.0, 140.0, 10.0)
    proportional = split_line("TOTAL RM 33.90", box, 0.5)
    assert [w.text for w in proportional] == ["TOTAL", "RM", "33.90"]
    assert proportional[1].bbox[0] == pytest.approx(60.0)  # 6 of 14 chars x 10 pt
    # boxes spelling another text are ignored
    other = split_line("TOTAL RM 33.90", box, 0.5, layout("TOTAL RM 33.00"))
    assert [(w.text, w.bbox) for w in other] == [(w.text, w.bbox) for w in proportional]
    # boxes running backwards are rejected
    backwards = [(c, 100.0 - x1, 100.0 - x0) for c, x0, x1 in layout("TOTALRM")]
    assert split_at_gaps(backwards) is None
    got = split_line("TOTALRM", box, 0.5, backwards)
    assert [w.text for w in got] == ["TOTALRM"] and got[0].bbox[0] == 0.0


def test_char_boxes_validate_and_normalise() -> None:
    quad = [[[10 * i, 0], [10 * i + 8, 0], [10 * i + 8, 9], [10 * i, 9]] for i in range(3)]
    got = char_boxes("A（B", quad, ["A", "（", "B"], scale_x=0.5)
    assert got == [("A", 0.0, 4.0), ("(", 5.0, 9.0), ("B", 10.0, 14.0)]
    assert char_boxes("A（B", quad[:2], ["A", "（", "B"]) is None  # count mismatch
    assert char_boxes("AXB", quad, ["A", "（", "B"]) is None  # does not spell the text
    assert char_boxes("A（B", None, None) is None
    assert char_boxes("A（B", [[], [], []], ["A", "（", "B"]) is None


def test_blank_runs_on_a_synthetic_line() -> None:
    gray = np.full((20, 60), 255, dtype=np.uint8)
    for x0, x1 in ((5, 15), (17, 27), (40, 50)):  # two glyphs 2 px apart, then a word gap
        gray[4:16, x0:x1] = 0
    runs = blank_runs(gray, (0, 0, 60, 20))
    assert runs is not None
    widths = {(a, b) for a, b in runs}
    assert (15.0, 17.0) in widths and (27.0, 40.0) in widths
    assert blank_runs(np.full((20, 60), 128, dtype=np.uint8), (0, 0, 60, 20)) is None


@pytest.mark.slow
def test_rendered_glued_line_is_split_into_words(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    font = ImageFont.load_default(size=36)
    tokens = ["SERIMAJU", "BAKERIES", "TOTAL:", "RM33.90"]
    img = Image.new("RGB", (1100, 110), "white")
    draw = ImageDraw.Draw(img)
    x, spans = 40, []
    for tok in tokens:  # a tight 14 px word space: the recogniser tends to glue these
        draw.text((x, 35), tok, fill="black", font=font)
        left, _, right, _ = draw.textbbox((x, 35), tok, font=font)
        spans.append((left, right))
        x = right + 14
    calls: list[bool] = []
    real = rapidocr.split_at_gaps

    def spy(chars, blanks=None):  # type: ignore[no-untyped-def]
        calls.append(blanks is not None)
        return real(chars, blanks)

    monkeypatch.setattr(rapidocr, "split_at_gaps", spy)
    result = rapidocr.RapidOcrEngine(threads=1).recognize(img, img.width, img.height)
    assert calls and all(calls)  # the per-character path ran, with ink evidence
    assert [w.text for w in result.words] == tokens
    for w, (left, right) in zip(result.words, spans, strict=True):
        assert abs(w.bbox[0] - left) < 12 and abs(w.bbox[2] - right) < 12


def test_initials_are_not_split() -> None:
    chars = layout("P.T.2811", {2: 22.0, 4: 22.0})
    assert words(split_at_gaps(chars)) == ["P.T.", "2811"]
    chars = layout("D.I.Y.SDN", {2: 22.0, 6: 22.0})
    assert words(split_at_gaps(chars)) == ["D.I.Y.", "SDN"]


def test_added_line_end_takes_back_only_a_lost_mark():
    from ingest.ocr.rapidocr import added_line_end

    assert added_line_end("JALAN ANGSA", "JALAN ANGSA,") == ","
    assert added_line_end("43800DENGKIL,SELANGOR", "43800 DENGKIL, SELANGOR.") == "."
    assert added_line_end("JALAN ANGSA", "JALAN ANGSA") == ""
    assert added_line_end("JALAN ANGSA", "JALAN ANGSAI") == ""  # a letter is no mark
    assert added_line_end("JALAN ANGSA", "JALAM ANGSA,") == ""  # a different reading


class _FakeRecogniser:
    """Stands in for RapidOCR's crop and recognition steps: records the boxes it was
    asked to read and answers with scripted texts."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.boxes = None

    def get_crop_img_list(self, img, boxes):
        self.boxes = boxes
        return [img] * len(boxes)

    def text_rec(self, crops, return_word_box):
        return [(a, 0.9) for a in self.answers[:len(crops)]], 0.0


def test_recover_line_ends_appends_mark_and_char_box():
    import numpy as np

    from ingest.ocr.rapidocr import recover_line_ends

    def item(text: str, y: int) -> list:
        box = [[10.0, y], [110.0, y], [110.0, y + 20], [10.0, y + 20]]
        chars = list(text)
        cboxes = [[[10 + 10 * i, y], [18 + 10 * i, y], [18 + 10 * i, y + 20],
                   [10 + 10 * i, y + 20]] for i in range(len(chars))]
        return [box, text, 0.9, cboxes, chars, [0.9] * len(chars)]

    result = [item("JALAN", 0), item("TAMAN,", 30), item("KLANG", 60)]
    fake = _FakeRecogniser(["JALAN,", "KLANG X"])
    out = recover_line_ends(fake, np.zeros((100, 300, 3), np.uint8), result)
    # only lines ending in a letter or digit are read again, stretched to the right
    assert len(fake.boxes) == 2 and fake.boxes[0][1][0] > 110
    assert out[0][1] == "JALAN," and out[0][4][-1] == "," and len(out[0][3]) == 6
    assert out[1][1] == "TAMAN," and out[2][1] == "KLANG"  # "KLANG X" is no lost mark
