"""PDF: text layer with word boxes where there is one, OCR where there is not.

Two libraries, each for what it does best: pypdf for the document-level facts
(encryption with the empty password, metadata, AcroForm values, XFA), pdfium for
per-character boxes and rasterisation. A page goes to OCR only when its text layer
is missing or junk (scans, fonts without a Unicode map, an XFA "Please wait..."
placeholder over a full-page picture).

Pages that have a text layer can still print part of their content as a picture: an
invoice's letterhead, with the issuer's name, address, tax id and IBAN, is often a
logo image. On the first REGION_PAGES pages, and on any page whose text layer has fewer
than REGION_SPARSE_WORDS words (a heading over an exhibit pasted as a picture), every image
of at least REGION_MIN_SHARE of the page with no text-layer words over it is OCR'd on its
own ("region" jobs) and its words are added to the page's words. Region OCR is advisory:
when it fails (no tesseract, a timeout) the text layer stands and the file still reads.
"""

from __future__ import annotations

import ctypes
import io
import logging
import math
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from ingest.errors import CorruptFile, EncryptedPdf, TooManyPages
from ingest.layout import order_words, text_from_words
from ingest.ocr.pool import OcrJob
from ingest.options import IngestOptions
from ingest.readers.processes import read_in_process_pool
from ingest.types import Page, Word

log = logging.getLogger(__name__)

# pdfium is not thread-safe; the service may ingest from several threads.
PDFIUM_LOCK = threading.RLock()

_MAX_RASTER_PIXELS = 60_000_000  # a 300 dpi A0 poster would need ~140 M
_PLACEHOLDER_MAX_WORDS = 30
_FULL_PAGE_IMAGE = 0.6
REGION_PAGES = 2
REGION_SPARSE_WORDS = 30  # as few words as an XFA placeholder (`_PLACEHOLDER_MAX_WORDS`)
REGION_MIN_SHARE = 0.015
REGION_MAX_PER_PAGE = 3
_REGION_MAX_WORDS_INSIDE = 3
# A page with almost no text layer, no picture and fewer drawn objects (paths, text runs)
# than this holds nothing a recogniser reads beyond that layer: rules, boxes, a signature
# stroke, a page number. Of TRAIN's 24 such pages that were not blank (870 documents), the
# 18 without a picture and with at most 32 objects gave OCR nothing or the layer's own
# words, at 2-4 CPU-s and up to 0.6 GB of RapidOCR each; the one page OCR read (redaction
# marks drawn as 426 paths) stays far above.
_FEW_OBJECTS = 64


@dataclass(slots=True)
class PdfPlan:
    """The outcome of reading text layers: pages plus the ones still needing OCR."""

    pages: list[Page]
    ocr_indexes: list[int]
    metadata: dict[str, Any]
    jobs: Callable[[], Iterator[OcrJob]]
    close: Callable[[], None]
    # job key (>= number of pages) -> (page index, region box in page points)
    regions: dict[int, tuple[int, tuple[float, float, float, float]]] = field(
        default_factory=dict)

    # OCR jobs for those regions (their keys are the `regions` keys); advisory
    region_jobs: Callable[[], Iterator[OcrJob]] | None = None


def _pdf_meta_pypdf(data: bytes, filename: str) -> dict[str, Any]:
    """Encryption check and document metadata via pypdf. Raises EncryptedPdf only when
    the empty password does not open the file; other pypdf trouble is left to pdfium."""
    import pypdf
    from pypdf.errors import DependencyError

    meta: dict[str, Any] = {}
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    except Exception as exc:  # pypdf raises many types on damaged files
        log.debug("pypdf could not open %s: %s", filename, exc)
        meta["pypdf_error"] = f"{type(exc).__name__}: {exc}"[:200]
        return meta
    if reader.is_encrypted:
        meta["encrypted"] = True
        try:
            result = reader.decrypt("")
        except DependencyError:
            return meta  # AES without a crypto library: pdfium decides below
        except Exception as exc:
            meta["pypdf_error"] = f"{type(exc).__name__}: {exc}"[:200]
            return meta
        if not result:
            raise EncryptedPdf(
                f"PDF is encrypted with a user password; {filename} cannot be opened "
                "without it. Ask the sender for an unprotected copy (or remove the "
                "password with the password, e.g. `qpdf --decrypt`)."
            )
    try:
        info = reader.metadata or {}
        for key in ("title", "author", "subject", "creator", "producer"):
            value = getattr(info, key, None)
            if value:
                meta[key] = str(value)
        root = reader.trailer["/Root"]
        acro = root.get("/AcroForm") if hasattr(root, "get") else None
        if acro is not None and hasattr(acro, "get") and acro.get("/XFA") is not None:
            meta["xfa"] = True
        fields = reader.get_fields() or {}
        values, labels = {}, {}
        for name, fld in fields.items():
            value = fld.get("/V") if hasattr(fld, "get") else None
            if value not in (None, "", "/Off"):
                values[str(name)] = str(value)
                tip = fld.get("/TU") if hasattr(fld, "get") else None
                if tip:  # the field's tooltip: what the form prints next to the box
                    labels[str(name)] = str(tip)
        if values:
            meta["form_fields"] = values
        if labels:
            meta["form_field_labels"] = labels
    except Exception as exc:  # metadata is a nicety: never fail the file for it
        log.debug("pypdf metadata of %s failed: %s", filename, exc)
    return meta


def _open_pdfium(data: bytes, filename: str) -> Any:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code == raw.FPDF_ERR_PASSWORD:
            raise EncryptedPdf(
                f"PDF is encrypted with a user password; {filename} cannot be opened "
                "without it. Ask the sender for an unprotected copy."
            ) from exc
        if exc.err_code == raw.FPDF_ERR_SECURITY:
            raise EncryptedPdf(
                f"PDF uses an unsupported security handler (DRM); {filename} cannot be read."
            ) from exc
        raise CorruptFile(
            f"PDF {filename} is damaged and cannot be read (pdfium: {exc}); it may be "
            "truncated by an incomplete download or upload"
        ) from exc


def _transform(page: Any) -> tuple[float, float, float, float, float, float]:
    """Affine map (ox, oy, a, b, c, d) from PDF user space to top-left-origin points of
    the displayed page: (x, y) -> (ox + a*x + c*y, oy + b*x + d*y). Handles /Rotate and
    crop-box offsets via pdfium's own display matrix."""
    import pypdfium2.raw as raw

    width, height = page.get_size()
    scale = 64
    sx, sy = max(1, int(width * scale)), max(1, int(height * scale))

    def dev(x: float, y: float) -> tuple[float, float]:
        dx, dy = ctypes.c_int(), ctypes.c_int()
        raw.FPDF_PageToDevice(page.raw, 0, 0, sx, sy, 0, x, y, ctypes.byref(dx), ctypes.byref(dy))
        return dx.value / scale, dy.value / scale

    ox, oy = dev(0.0, 0.0)
    ax, ay = dev(1000.0, 0.0)
    bx, by = dev(0.0, 1000.0)
    a, b = (ax - ox) / 1000.0, (ay - oy) / 1000.0
    c, d = (bx - ox) / 1000.0, (by - oy) / 1000.0
    return ox, oy, a, b, c, d


def _dominant_angle(tp: Any, n: int) -> float:
    import pypdfium2.raw as raw

    votes: Counter[int] = Counter()
    for i in range(0, n, max(1, n // 200)):  # a sample is enough
        angle = raw.FPDFText_GetCharAngle(tp.raw, i)
        if angle >= 0:
            votes[round(angle / (math.pi / 2)) % 4] += 1
    quarter = votes.most_common(1)[0][0] if votes else 0
    return quarter * math.pi / 2


# Characters that end a word without being counted (besides whitespace and U+0000):
# a soft hyphen and the non-character pdfium uses for a hyphen at a line break.
_BREAK_CHARS = "\u00ad\ufffe"
_CHAR_MAX = 0x110000
_BMP = 0x10000


@dataclass(frozen=True, slots=True)
class _CharCalls:
    """pdfium's per-character calls with plain-integer arguments (the text page's address,
    the index, the address of a box in a NumPy array) instead of pypdfium2's typed
    pointers, which ctypes converts on every call, and the BMP's character classes."""

    get_unicode: Any
    get_box: Any
    space: Any  # bool per BMP code point: str.isspace
    alnum: Any  # bool per BMP code point: str.isalnum


_calls: list[_CharCalls] = []


def _char_calls() -> _CharCalls:
    """Made once per process (the tables take ~15 ms)."""
    if not _calls:
        import numpy as np
        import pypdfium2.raw as raw

        def plain(fn: Any, restype: Any, *argtypes: Any) -> Any:
            # the same C function through the library's own prototype class (calling
            # convention and error flags), declared with untyped pointers
            out = type(fn)(ctypes.cast(fn, ctypes.c_void_p).value)
            out.argtypes, out.restype = argtypes, restype
            return out

        chars = "".join(map(chr, range(_BMP)))
        _calls.append(_CharCalls(
            get_unicode=plain(raw.FPDFText_GetUnicode, ctypes.c_uint, ctypes.c_void_p,
                              ctypes.c_int),
            get_box=plain(raw.FPDFText_GetLooseCharBox, ctypes.c_int, ctypes.c_void_p,
                          ctypes.c_int, ctypes.c_void_p),
            space=np.fromiter(map(str.isspace, chars), dtype=bool, count=_BMP),
            alnum=np.fromiter(map(str.isalnum, chars), dtype=bool, count=_BMP)))
    return _calls[0]


def _char_codes(tp: Any, n: int, calls: _CharCalls) -> tuple[str, Any]:
    """The page's characters as one string (one character per pdfium index: U+FFFD
    for an invalid code point, U+0000 kept) and their code points.

    One `FPDFText_GetText` call gives them all (2.1 -> 0.08 ms a TRAIN contract page),
    as UTF-16: where that is not one unit per index (a character above the BMP takes
    two), one `FPDFText_GetUnicode` call per character instead, made from C (`map`).
    The two differ in one place: a hyphen pdfium adds at a line break is U+0002 from
    GetUnicode and U+FFFE in the text, which is why `_BREAK_CHARS` holds U+FFFE."""
    import numpy as np
    import pypdfium2.raw as raw

    buf = (ctypes.c_uint16 * (2 * n + 2))()  # room for a surrogate pair per index
    got = raw.FPDFText_GetText(tp.raw, 0, n, buf) - 1  # less the terminating NUL
    if got == n:
        codes = np.frombuffer(buf, dtype=np.uint16, count=n).astype(np.uint32)
    else:
        address = ctypes.cast(tp.raw, ctypes.c_void_p).value
        codes = np.fromiter(map(calls.get_unicode, repeat(address, n), range(n)),
                            dtype=np.uint32, count=n)
        codes[codes == 0x0002] = 0xFFFE  # as the text has it
    codes[codes >= _CHAR_MAX] = 0xFFFD
    return codes.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass"), codes


def _char_boxes(tp: Any, indexes: Any, calls: _CharCalls) -> tuple[Any, Any]:
    """Loose boxes of the characters at `indexes` as a (k, 4) float array (left, bottom,
    right, top; 32-bit as pdfium gives them, then widened) and whether pdfium gave each."""
    import numpy as np

    k = len(indexes)
    rects = np.zeros((k, 4), dtype=np.float32)  # FS_RECTF: left, top, right, bottom
    base = rects.ctypes.data
    address = ctypes.cast(tp.raw, ctypes.c_void_p).value
    ok = np.fromiter(map(calls.get_box, repeat(address, k), indexes.tolist(),
                         range(base, base + 16 * k, 16)), dtype=bool, count=k)
    return rects[:, [0, 3, 2, 1]].astype(np.float64), ok


def _classes(codes: Any, text: str, table: Any, test: Callable[[str], bool]) -> Any:
    """`test` (str.isspace or str.isalnum) of each character: the BMP from `table`,
    the few characters above it one by one."""
    import numpy as np

    bmp = codes < _BMP
    out = table[np.where(bmp, codes, 0)]
    if not bmp.all():
        above = np.flatnonzero(~bmp)
        out[above] = [test(text[i]) for i in above.tolist()]
    return out


def text_layer_words(page: Any) -> tuple[list[Word], int, int]:
    """Words from pdfium's character boxes (in reading order, boxes in displayed page
    points), plus counts of real and junk characters.

    Grouping happens in the text's own frame, where text of the page's dominant
    baseline angle runs left-to-right with y growing downwards: a word ends at whitespace
    (including the spaces pdfium synthesises), at a gap wider than ~a quarter of the
    glyph height, or where the baseline jumps. Lines are then rebuilt in that frame,
    so a page turned by /Rotate still reads along its text.

    The rules are applied to whole character arrays (NumPy); a Python step per word
    remains (Unicode normalisation of a word that is not ASCII), none per character.
    Boxes are asked for only for the characters that make words (not for spaces).
    """
    import numpy as np
    import pypdfium2 as pdfium

    calls = _char_calls()
    tp = page.get_textpage()
    try:
        to_page = _transform(page)
        n = tp.count_chars()
        if n <= 0:
            return [], 0, 0
        theta = _dominant_angle(tp, n)
        text, codes = _char_codes(tp, n, calls)
        space = _classes(codes, text, calls.space, str.isspace)
        brk = space | (codes == 0) | np.isin(codes, [ord(c) for c in _BREAK_CHARS])
        junk_mask = ~brk & ((codes == 0xFFFD) | ((codes >= 0xE000) & (codes <= 0xF8FF))
                            | (codes < 32))  # control characters that are not whitespace
        kept = ~brk & ~junk_mask
        junk = int(junk_mask.sum())
        alnum = _classes(codes, text, calls.alnum, str.isalnum)
        real = int((alnum & kept).sum())
        if not kept.any():
            return [], real, junk
        idx = np.flatnonzero(kept)
        lbrt, box_ok = _char_boxes(tp, idx, calls)
    finally:
        tp.close()
    if not box_ok.all():
        raise pdfium.PdfiumError("Failed to get charbox.")

    left, bottom, right, top = (lbrt[:, k] for k in range(4))
    # the text's own frame: (x, y) -> (x*c + y*s, x*s - y*c), two corners per character
    c, s = round(math.cos(theta)), round(math.sin(theta))
    fx_a, fy_a = left * c + bottom * s, left * s - bottom * c
    fx_b, fy_b = right * c + top * s, right * s - top * c
    f0, f2 = np.minimum(fx_a, fx_b), np.maximum(fx_a, fx_b)
    f1, f3 = np.minimum(fy_a, fy_b), np.maximum(fy_a, fy_b)

    # a word starts after a break or junk character, or where the gap/baseline test
    # against the previous character fails
    start = np.ones(len(idx), dtype=bool)
    follows = idx[1:] == idx[:-1] + 1
    h = np.maximum(np.maximum(f3[:-1] - f1[:-1], f3[1:] - f1[1:]), 1.0)
    centre = (f1[1:] + f3[1:]) / 2
    gap = f0[1:] - f2[:-1]
    split = (gap > 0.25 * h) | (f2[1:] < f0[:-1]) | ~((f1[:-1] <= centre) & (centre <= f3[:-1]))
    start[1:] = ~follows | split
    starts = np.flatnonzero(start)

    # boxes per word: frame box for grouping, displayed page box for the result
    fbox = np.stack([np.minimum.reduceat(np.minimum(f0, f2), starts),
                     np.minimum.reduceat(np.minimum(f1, f3), starts),
                     np.maximum.reduceat(np.maximum(f0, f2), starts),
                     np.maximum.reduceat(np.maximum(f1, f3), starts)], axis=1).tolist()
    ox, oy, a, b, c2, d = to_page
    px_a, py_a = ox + a * left + c2 * bottom, oy + b * left + d * bottom
    px_b, py_b = ox + a * right + c2 * top, oy + b * right + d * top
    dbox = np.stack([np.minimum.reduceat(np.minimum(px_a, px_b), starts),
                     np.minimum.reduceat(np.minimum(py_a, py_b), starts),
                     np.maximum.reduceat(np.maximum(px_a, px_b), starts),
                     np.maximum.reduceat(np.maximum(py_a, py_b), starts)], axis=1).tolist()

    first = idx[starts].tolist()
    last = (idx[np.append(starts[1:], len(idx)) - 1] + 1).tolist()
    words: list[Word] = []
    display: dict[int, tuple[float, float, float, float]] = {}
    normalize = unicodedata.normalize
    for k, (i, j) in enumerate(zip(first, last, strict=True)):
        word_text = text[i:j]
        if not word_text.isascii():  # NFKC and strip leave printable ASCII as it is
            word_text = normalize("NFKC", word_text).strip()
            if not word_text:
                continue
        w = Word(text=word_text, bbox=tuple(fbox[k]))
        words.append(w)
        display[id(w)] = tuple(dbox[k])
    ordered = order_words(words)
    for w in ordered:
        w.bbox = display[id(w)]
    return ordered, real, junk


# An affine map of PDF points as pdfium gives it (a, b, c, d, e, f): x' = a*x + c*y + e,
# y' = b*x + d*y + f.
Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _then(inner: Matrix, outer: Matrix) -> Matrix:
    """The map that applies `inner`, then `outer`."""
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def _page_objects(page: Any, max_depth: int = 4) -> Iterator[tuple[int, Any, Matrix]]:
    """(type, pdfium object, map from its container's space to the page's) of each object
    the page draws, form XObjects' contents `max_depth` levels deep after the form itself
    (the order and depth of pypdfium2's `get_objects`, through pdfium's own calls). pdfium
    gives an object inside a form its bounds in the form's space: the map places them.

    Raises ValueError where pdfium cannot give an object."""
    import pypdfium2.raw as raw

    def walk(count: Any, get: Any, parent: Any, level: int, to_page: Matrix
             ) -> Iterator[tuple[int, Any, Matrix]]:
        for i in range(count(parent)):
            obj = get(parent, i)
            if not obj:
                raise ValueError("pdfium could not get a page object")
            kind = raw.FPDFPageObj_GetType(obj)
            yield kind, obj, to_page
            if kind == raw.FPDF_PAGEOBJ_FORM and level < max_depth - 1:
                m = raw.FS_MATRIX()
                if not raw.FPDFPageObj_GetMatrix(obj, m):
                    raise ValueError("pdfium could not give a form's matrix")
                yield from walk(raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject,
                                obj, level + 1,
                                _then((m.a, m.b, m.c, m.d, m.e, m.f), to_page))

    yield from walk(raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, page.raw, 0, _IDENTITY)


def _image_boxes(page: Any, max_depth: int = 4) -> list[tuple[float, float, float, float]]:
    """Image objects' boxes in PDF page space (left, bottom, right, top), forms looked
    into `max_depth` levels deep (an image inside a form placed by the form's matrix)."""
    import pypdfium2.raw as raw

    out: list[tuple[float, float, float, float]] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    try:
        for kind, obj, (a, b, c, d, e, f) in _page_objects(page, max_depth):
            if kind != raw.FPDF_PAGEOBJ_IMAGE:
                continue
            if not raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                raise ValueError("pdfium could not locate an image")
            corners = [(x, y) for x in (left.value, right.value)
                       for y in (bottom.value, top.value)]
            xs = [a * x + c * y + e for x, y in corners]
            ys = [b * x + d * y + f for x, y in corners]
            out.append((float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))))
    except Exception as exc:  # object walking is advisory
        log.debug("could not list page images: %s", exc)
    return out


def _image_coverage(page: Any, boxes: list[tuple[float, float, float, float]] | None = None
                    ) -> float:
    """Share of the page covered by image objects (0..1, capped)."""
    width, height = page.get_size()
    area = max(width * height, 1.0)
    boxes = _image_boxes(page) if boxes is None else boxes
    covered = sum(max(0.0, r - l_) * max(0.0, t - b) for l_, b, r, t in boxes)
    return min(1.0, covered / area)


def image_regions(boxes: list[tuple[float, float, float, float]], width: float,
                  height: float, words: list[Word]) -> list[tuple[float, float, float, float]]:
    """Images worth OCR on a page with a text layer, as top-left-origin boxes in page
    points: big enough to hold a line of text and with (almost) no text-layer words on
    them (a picture under real text adds nothing), largest first."""
    out = []
    for left, bottom, right, top in boxes:
        x0, x1 = max(0.0, left), min(width, right)
        y0, y1 = max(0.0, height - top), min(height, height - bottom)
        if (x1 - x0) * (y1 - y0) < REGION_MIN_SHARE * width * height or y1 - y0 < 12:
            continue
        inside = sum(1 for w in words if x0 <= (w.bbox[0] + w.bbox[2]) / 2 <= x1
                     and y0 <= (w.bbox[1] + w.bbox[3]) / 2 <= y1)
        if inside <= _REGION_MAX_WORDS_INSIDE:
            out.append((x0, y0, x1, y1))
    out.sort(key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))
    return out[:REGION_MAX_PER_PAGE]


def _is_blank(page: Any) -> bool:
    """A page that renders (almost) white at 18 dpi needs no OCR."""
    bitmap = page.render(scale=0.25, grayscale=True)
    img = bitmap.to_pil()
    hist = img.convert("L").histogram()
    dark = sum(hist[:160])
    return dark <= max(2, img.width * img.height // 2000)


def _only_strokes(page: Any, limit: int = _FEW_OBJECTS) -> bool:
    """Whether the page draws fewer than `limit` objects (forms and what they hold), none
    of them a picture or a shading: what such a page shows beside its text layer is lines,
    not text. False where pdfium cannot walk the page."""
    import pypdfium2.raw as raw

    pictures = (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_SHADING, raw.FPDF_PAGEOBJ_UNKNOWN)
    try:
        for seen, (kind, _obj, _map) in enumerate(_page_objects(page), start=1):
            if kind in pictures or seen >= limit:
                return False
    except ValueError:
        return False
    return True


def _render(page: Any, dpi: int) -> Any:
    width, height = page.get_size()
    scale = dpi / 72.0
    pixels = width * height * scale * scale
    if pixels > _MAX_RASTER_PIXELS:
        scale *= (_MAX_RASTER_PIXELS / pixels) ** 0.5
    bitmap = page.render(scale=scale, grayscale=True)
    # copy: the PIL image may share pdfium's buffer, which dies with the bitmap
    image = bitmap.to_pil().copy()
    bitmap.close()
    return image


def needs_ocr(
    words: list[Word], real: int, junk: int, coverage: float, options: IngestOptions
) -> bool:
    """Whether the text layer should be replaced by OCR."""
    if real < options.min_text_chars:
        return True
    if junk > real:
        return True
    if coverage < _FULL_PAGE_IMAGE:
        return False
    if len(words) < _PLACEHOLDER_MAX_WORDS:
        return True
    # XFA forms show "Please wait... If this message is not eventually replaced..." in the
    # text layer while the real page is only a picture
    head = " ".join(w.text for w in words[:12]).lower()
    return "please wait" in head


@dataclass(slots=True)
class TextLayers:
    """What reading every text layer gives (picklable: it may come from a reader process)."""

    pages: list[Page]
    ocr_indexes: list[int]
    region_list: list[tuple[int, tuple[float, float, float, float]]]
    metadata: dict[str, Any]


def read_text_layers(data: bytes, filename: str, options: IngestOptions) -> TextLayers:
    """Every page's text layer, which pages need OCR and the pictures worth reading on the
    others. Holds PDFIUM_LOCK throughout (pdfium is not thread-safe).

    Raises EncryptedPdf, CorruptFile, TooManyPages.
    """
    meta = _pdf_meta_pypdf(data, filename)
    with PDFIUM_LOCK:
        pdf = _open_pdfium(data, filename)
        try:
            n = len(pdf)
            if n < 1:
                raise CorruptFile(f"PDF {filename} has no pages")
            if n > options.max_pages:
                raise TooManyPages(
                    f"PDF has {n} pages, more than the limit of {options.max_pages} "
                    "(IngestOptions.max_pages); split it or raise the limit"
                )
            meta["page_count"] = n
            pages: list[Page] = []
            ocr_indexes: list[int] = []
            region_list: list[tuple[int, tuple[float, float, float, float]]] = []
            for i in range(n):
                try:
                    page = pdf[i]
                except Exception as exc:
                    raise CorruptFile(
                        f"PDF {filename}: page {i + 1} cannot be loaded ({exc})"
                    ) from exc
                try:
                    width, height = page.get_size()
                    words, real, junk = text_layer_words(page)
                    boxes = _image_boxes(page)
                    coverage = _image_coverage(page, boxes)
                    ocr = needs_ocr(words, real, junk, coverage, options)
                    if (
                        ocr
                        and real < options.min_text_chars
                        and coverage < 0.05
                        and (_is_blank(page) or not junk and _only_strokes(page))
                    ):
                        ocr = False
                finally:
                    page.close()
                pages.append(
                    Page(
                        number=i + 1,
                        width=float(width),
                        height=float(height),
                        words=words,
                        text=text_from_words(words),
                    )
                )
                if ocr:
                    ocr_indexes.append(i)
                elif ((i < REGION_PAGES or len(words) < REGION_SPARSE_WORDS)
                      and options.ocr_images and boxes):
                    region_list.extend(
                        (i, r) for r in image_regions(boxes, width, height, words))
        finally:
            pdf.close()
    return TextLayers(pages, ocr_indexes, region_list, meta)


def plan_pdf(data: bytes, filename: str, options: IngestOptions) -> PdfPlan:
    """Read every text layer; return the pages and a lazy generator of OCR jobs.

    In the service's worker threads the text layers are read in a reader process
    (`ingest.readers.processes`), since pdfium is not thread-safe: behind PDFIUM_LOCK,
    concurrent uploads read one at a time. The CLI's main thread reads in-process.

    Raises EncryptedPdf, CorruptFile, TooManyPages.
    """
    if threading.current_thread() is threading.main_thread():
        layers = read_text_layers(data, filename, options)
    else:
        layers = read_in_process_pool(read_text_layers, data, filename, options,
                                      memory_mb=options.reader_memory_mb)
    pages, ocr_indexes, region_list, meta = (layers.pages, layers.ocr_indexes,
                                             layers.region_list, layers.metadata)
    opened: list[Any] = []  # pdfium's document for rendering OCR pages, opened when needed

    def document() -> Any:
        if not opened:
            opened.append(_open_pdfium(data, filename))
        return opened[0]

    if meta.get("xfa") and any("please wait" in p.text.lower() for p in pages):
        meta["xfa_placeholder"] = True

    regions = {len(pages) + k: r for k, r in enumerate(region_list)}

    def render(i: int) -> Any:
        with PDFIUM_LOCK:
            page = document()[i]
            try:
                return _render(page, options.dpi)
            finally:
                page.close()

    def jobs() -> Iterator[OcrJob]:
        # only scanned pages need them (and SciPy's KD-tree with them)
        from ingest.orient import upright
        from ingest.scale import character_blobs, straighten

        for i in ocr_indexes:
            # a page scanned sideways is turned upright as a photo is (`ingest.orient`);
            # the page takes the turned shape and says how it was turned (the view shows
            # it so); one scanned askew is straightened (`ingest.scale.straighten`)
            image = render(i)
            page = pages[i]
            blobs = character_blobs(image)  # None: a blank page, read as it is
            if blobs is not None:
                image, turn = upright(image, blobs)
                image = straighten(image, blobs if turn.degrees == 0 else None)
                if turn.degrees in (90, 270):
                    page.width, page.height = page.height, page.width
                page.turned = turn.degrees
            yield OcrJob(index=i, image=image, width_pt=page.width, height_pt=page.height)

    def region_jobs() -> Iterator[OcrJob]:
        last: tuple[int, Any] | None = None  # a page with several pictures renders once
        for key, (i, (x0, y0, x1, y1)) in regions.items():
            if last is None or last[0] != i:
                last = (i, render(i))
            image = last[1]
            sx, sy = image.width / pages[i].width, image.height / pages[i].height
            crop = image.crop((int(x0 * sx), int(y0 * sy), int(math.ceil(x1 * sx)),
                               int(math.ceil(y1 * sy))))
            yield OcrJob(index=key, image=crop, width_pt=x1 - x0, height_pt=y1 - y0)

    def close() -> None:
        with PDFIUM_LOCK:
            for pdf in opened:
                pdf.close()
            opened.clear()

    return PdfPlan(pages=pages, ocr_indexes=ocr_indexes, metadata=meta, jobs=jobs, close=close,
                   regions=regions, region_jobs=region_jobs)
