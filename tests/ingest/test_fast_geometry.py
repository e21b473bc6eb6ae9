"""The vectorised text-layer reader and the line grouping give what the per-character
versions gave (tests/ingest/reference_geometry.py): same words, same lines and blocks,
same boxes, same character counts."""

from __future__ import annotations

import io
import random

import pypdf
import pypdfium2 as pdfium
import pytest
import reference_geometry as ref
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.layout import group_lines
from ingest.readers.pdf import text_layer_words
from ingest.types import Word

_WORDS = ("Invoice", "Total", "1,190.00", "EUR", "Agreement", "party", "§", "(a)", "—",
          "naïve", "ﬁnal", "Straße", "x", "..", "Ⅻ", "€12", "soft\u00adhyphen", "tab\there")
_FONTS = ("Helvetica", "Times-Roman", "Courier", "Helvetica-Bold")


def _generated_pdf(seed: int) -> bytes:
    """Random lines in mixed fonts and sizes, tight and loose letter spacing, rotated
    and skewed runs, overlapping text: the cases where grouping rules decide."""
    from reportlab.lib.pagesizes import A4, letter
    from reportlab.pdfgen import canvas

    rng = random.Random(seed)
    size = rng.choice((A4, letter))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size)
    for _ in range(rng.randint(1, 2)):
        for _ in range(rng.randint(5, 40)):
            c.saveState()
            c.translate(rng.uniform(10, size[0] - 100), rng.uniform(10, size[1] - 10))
            if rng.random() < 0.15:
                c.rotate(rng.choice((90, 180, 270, rng.uniform(-4, 4))))
            t = c.beginText(0, 0)
            t.setFont(rng.choice(_FONTS), rng.choice((6, 8, 9.5, 10, 12, 18, 30)))
            t.setCharSpace(rng.choice((0, 0, 0, -0.8, 1.5, 4)))
            t.textOut(" ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 12))))
            c.drawText(t)
            c.restoreState()
        c.showPage()
    c.save()
    data = buf.getvalue()
    if seed % 3 == 0:  # a page turned by /Rotate
        reader = pypdf.PdfReader(io.BytesIO(data))
        writer = pypdf.PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
            writer.pages[-1].rotate(rng.choice((90, 180, 270)))
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    return data


def _summary(result: tuple[list[Word], int, int]) -> tuple:
    words, real, junk = result
    return [(w.text, w.line, w.block) for w in words], real, junk


@pytest.mark.parametrize("seed", range(24))
def test_text_layer_words_match_the_per_character_reader(seed: int) -> None:
    pdf = pdfium.PdfDocument(_generated_pdf(seed))
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                new = text_layer_words(page)
                old = ref.text_layer_words(page)
            finally:
                page.close()
            assert new[0], "the generated page has words"
            assert _summary(new) == _summary(old)
            for a, b in zip(new[0], old[0], strict=True):
                assert a.bbox == pytest.approx(b.bbox, abs=1e-6)
                assert all(type(v) is float for v in a.bbox)
    finally:
        pdf.close()


def _dejavu_pdf(lines: list[tuple[float, str]]) -> bytes:
    """One page of DejaVu Sans lines (y, text): characters beyond Latin-1 embedded."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    try:
        pdfmetrics.registerFont(TTFont("DejaVu", "DejaVuSans.ttf"))
    except Exception:  # noqa: BLE001 - reportlab raises its own TTFError and others
        pytest.skip("DejaVuSans.ttf not installed: cannot embed non-Latin-1 characters")
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("DejaVu", 11)
    for y, text in lines:
        c.drawString(72, y, text)
    c.save()
    return buf.getvalue()


def _read_both(data: bytes) -> tuple[tuple, tuple]:
    """The first page read by the vectorised reader and by the per-character reference."""
    pdf = pdfium.PdfDocument(data)
    page = pdf[0]
    try:
        return text_layer_words(page), ref.text_layer_words(page)
    finally:
        page.close()
        pdf.close()


def test_text_layer_counts_junk_and_breaks_like_before() -> None:
    """Private-use and replacement characters are junk and end a word."""
    new, old = _read_both(_dejavu_pdf([(700, "Total\ufffd42 due\ue001now ok\u00adhere"),
                                       (680, "second line of ordinary words 2024")]))
    assert _summary(new) == _summary(old)
    assert [v for a in new[0] for v in a.bbox] == pytest.approx(
        [v for b in old[0] for v in b.bbox], abs=1e-6)
    assert new[2] >= 1  # junk: the replacement or private-use character


@pytest.mark.parametrize("nul_chars", [False, True])
def test_a_line_break_hyphen_ends_a_word_and_is_not_junk(nul_chars: bool) -> None:
    """The whole-page text (one call) and the per-character fallback (taken where the
    page has characters pdfium reads as U+0000, which its whole-page text leaves out)
    agree with the reference, and the hyphen pdfium adds at a line break is a break, not
    a junk character."""
    extra = " \U0001D400\U0001D401" if nul_chars else ""
    new, old = _read_both(_dejavu_pdf([
        (700, f"Terms of the{extra} agreement between the parties, inter-"),
        (686, "national shipping included and paid by the buyer")]))
    assert _summary(new) == _summary(old)
    assert "inter" in [w.text for w in new[0]]  # pdfium reads the "-" as the break mark
    assert new[2] == 0


def _word(x0: float, y0: float, w: float, h: float, i: int) -> Word:
    return Word(text=f"w{i}", bbox=(x0, y0, x0 + w, y0 + h))


_coord = st.floats(min_value=0, max_value=600, allow_nan=False)
_size = st.floats(min_value=-2, max_value=40, allow_nan=False)  # some inverted boxes
_boxes = st.lists(st.tuples(_coord, _coord, _size, _size), max_size=80)


@settings(max_examples=300, deadline=None)
@given(_boxes, st.integers(min_value=0, max_value=2**32 - 1))
def test_group_lines_matches_the_pairwise_version(boxes: list, seed: int) -> None:
    rng = random.Random(seed)
    # lines of words with jitter, so many boxes are near-misses of each other
    words = [_word(x, round(y / 14) * 14 + rng.uniform(-3, 3) if rng.random() < 0.7 else y,
                   w, h, i) for i, (x, y, w, h) in enumerate(boxes)]
    new = [[id(w) for w in line] for line in group_lines(words)]
    old = [[id(w) for w in line] for line in ref.group_lines(words)]
    assert new == old


def test_group_lines_matches_on_a_dense_page() -> None:
    rng = random.Random(5)
    words = []
    for row in range(60):
        x = 40.0
        skew = rng.uniform(-0.02, 0.02)
        while x < 560:
            w = rng.uniform(5, 60)
            words.append(_word(x, 40 + row * 11.5 + skew * x, w, rng.choice((9.0, 10.0, 12.0)),
                               len(words)))
            x += w + rng.uniform(-1, 6)
    rng.shuffle(words)
    new = [[id(w) for w in line] for line in group_lines(words)]
    old = [[id(w) for w in line] for line in ref.group_lines(words)]
    assert new == old and len(new) >= 55


def _pdf_with_images() -> bytes:
    """Images on the page, inside a form XObject and inside a form inside a form."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = ImageReader(Image.new("RGB", (40, 20), "gray"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawImage(img, 50, 600, 200, 100)
    c.beginForm("inner")
    c.drawImage(img, 10, 10, 80, 40)
    c.endForm()
    c.beginForm("outer")
    c.drawImage(img, 300, 300, 120, 60)
    c.doForm("inner")
    c.endForm()
    c.doForm("outer")
    c.saveState()
    c.translate(200, 100)
    c.doForm("inner")
    c.restoreState()
    c.drawString(72, 760, "text beside the pictures")
    c.save()
    return buf.getvalue()


# where `_pdf_with_images` draws its pictures, in page points, in drawing order: on the page,
# in the outer form, in the inner form inside it, in the inner form moved by (200, 100)
_PLACED = {(50.0, 600.0, 250.0, 700.0): 1, (300.0, 300.0, 420.0, 360.0): 2,
           (10.0, 10.0, 90.0, 50.0): 3, (210.0, 110.0, 290.0, 150.0): 2}


@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_image_boxes_walk_forms_as_pypdfium2_and_place_them_on_the_page(depth: int) -> None:
    """The same images as pypdfium2's object walk, each at its place on the page: pdfium
    gives an image inside a form its box in the form's space (the moved inner form's image
    at 10, 10 rather than 210, 110)."""
    import pypdfium2.raw as raw

    from ingest.readers.pdf import _image_boxes

    pdf = pdfium.PdfDocument(_pdf_with_images())
    page = pdf[0]
    try:
        walked = list(page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=depth))
        got = _image_boxes(page, max_depth=depth)
    finally:
        page.close()
        pdf.close()
    assert len(got) == len(walked) == {1: 1, 2: 3, 3: 4, 4: 4}[depth]
    assert all(_PLACED.get(tuple(round(v, 3) for v in box), 99) <= depth for box in got)
    if depth >= 2:
        assert (210.0, 110.0, 290.0, 150.0) in [tuple(round(v, 3) for v in b) for b in got]
