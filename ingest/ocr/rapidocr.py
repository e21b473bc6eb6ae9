"""RapidOCR (PP-OCR models in ONNX, shipped inside the wheel) as an `OcrEngine`.

It is markedly better than tesseract on photographed, low-resolution or thermal
receipts, but slower, and it reads whole lines. Its recogniser often drops the space
between words on Latin-script receipts ("TOTAL:RM33.90"), so the engine is asked for
per-character boxes (`return_word_box=True`, the CTC decoding positions) and a line is
cut into words wherever the step between two neighbouring characters is much larger
than the line's typical step: a real visual gap is a space even when the model
emitted none. The same boxes give each word its real x-extent. Where the boxes are
missing or do not match the text, the line is split in proportion to character counts
(the monospace assumption), which is still good enough for highlighting.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import median
from typing import Any

from PIL import Image

from ingest.errors import OcrUnavailable
from ingest.layout import order_words
from ingest.ocr import second_reading
from ingest.ocr.base import OcrResult, lying_on_its_head
from ingest.ocr.second_reading import second_opinion
from ingest.types import BBox, Word

log = logging.getLogger(__name__)

_ENGINE: Any = None
_ENGINE_THREADS: int | None = None
_LOCK = threading.Lock()

# Line-end marks. The text detector's polygon often stops short of the small comma or
# full stop that ends a thermal-receipt line ("JALAN ANGSA," read "JALAN ANGSA"): about
# one receipt address in five lost one. Growing every polygon (a larger DBNet unclip
# ratio) brings them back but also changes the reading of many other lines, for better
# and worse (measured on the DEV receipts: address +7, name -1, total -3 of 100). So only
# lines ending in a letter or digit near the top of the page (where the vendor block is)
# are read again with the polygon stretched to the right by LINE_END_PAD x its height,
# and the new reading is kept only when it is the old one plus trailing punctuation.
LINE_END_PAD = 0.6
LINE_END_MAX_LINES = 20
_LINE_END_MARK = re.compile(r"[,.;:]")


def holds_thread_pool() -> bool:
    """Whether this process built an onnxruntime session with a thread pool of its own
    (any thread count but one: a page it read itself with every core). A child forked
    from such a process hangs for ever when it builds a session of its own (onnxruntime's
    state is copied mid-use, its threads are not): reproduced with a one-worker run that
    read a photo and then OCR'd a two-page file in a forked pool. `ingest.ocr.pool`
    spawns its workers instead."""
    return (_ENGINE is not None and _ENGINE_THREADS != 1) or second_reading.holds_thread_pool()


def _get_rapidocr(threads: int | None) -> Any:
    """The process-wide RapidOCR instance: loading its three models takes ~1 s, so it
    is done once per process (each pool worker gets its own)."""
    global _ENGINE, _ENGINE_THREADS
    with _LOCK:
        if _ENGINE is None or _ENGINE_THREADS != threads:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                raise OcrUnavailable(
                    "rapidocr is not installed; `pip install rapidocr-onnxruntime` "
                    f"(or use ocr_engine='tesseract'): {exc}"
                ) from exc
            from ingest.ocr.ort import sessions_without_spinning

            sessions_without_spinning()
            kwargs: dict[str, Any] = {}
            if threads:
                kwargs = {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
            try:
                _ENGINE = RapidOCR(**kwargs)
            except Exception as exc:  # onnxruntime raises many kinds
                raise OcrUnavailable(f"rapidocr could not load its models: {exc}") from exc
            _ENGINE.text_cls = DirectionRecorder(_ENGINE.text_cls)
            _ENGINE_THREADS = threads
        return _ENGINE


class DirectionRecorder:
    """RapidOCR's direction classifier, keeping what it said last in each thread. Every
    reading runs it on each text line (to turn a line read upside down before recognising
    it), so its verdicts tell a page lying on its head at no extra cost; RapidOCR itself
    returns only the recognised lines."""

    def __init__(self, classify: Any) -> None:
        self.classify = classify
        self._last = threading.local()

    def __call__(self, crops: Any) -> Any:
        out = self.classify(crops)
        self._last.labels = [str(label) for label, _score in out[1]]
        return out

    def take(self) -> list[str]:
        """The labels of the last call in this thread ("0", "180"), forgotten once taken."""
        labels = getattr(self._last, "labels", None) or []
        self._last.labels = None
        return labels


def _directions(engine: Any) -> tuple[int, int]:
    """(text lines classified, read upside down) by the reading just made in this thread."""
    recorder = getattr(engine, "text_cls", None)
    if not isinstance(recorder, DirectionRecorder):
        return 0, 0
    labels = recorder.take()
    return len(labels), sum(label == "180" for label in labels)


# The PP-OCR models also emit the ideographic comma and full stop on Latin text; NFKC
# leaves them as they are.
CJK_MARKS = str.maketrans({"、": ",", "。": "."})

# One recognised character and its horizontal extent (x0, x1), in page points.
CharBox = tuple[str, float, float]

# Where a space hides. RapidOCR's character positions are CTC decoding columns: coarse
# and shifted within the glyph, so a wide letter ("m", "W") steps about as far as a
# narrow one plus a space; the step alone separates words poorly. The ink does better:
# the blank (ink-free) run between two letters of a word is narrow and about the same
# all along a line, a word space is several times wider. So a word gap needs a blank
# wider than BLANK_VS_LINE x the line's median inter-letter blank and BLANK_VS_STEP x
# its median character step, at a step above STEP_RATIO x the median step. Tuned on
# receipts against human line transcripts (~90% precision, ~80% recall of the spaces
# the model dropped; a flat optimum around these values).
BLANK_VS_LINE = 2.0
BLANK_VS_STEP = 0.4
STEP_RATIO = 1.1
# Typography: these never start (resp. end) a word; a comma's or a bracket's blank is
# often wider than a letter's, which would otherwise read as "CHERAS , SELANGOR".
_NO_SPACE_BEFORE = frozenset(",.;)]}")
_NO_SPACE_AFTER = frozenset("([{")
_INITIALS = re.compile(r"(?:[^\W\d_]\.){2,}")
# Without an image (or a readable one) the step alone decides, more conservatively.
GAP_RATIO = 1.6
# Fewer within-word steps than this give no trustworthy "typical" step: keep the
# model's own spaces only (but still with real extents).
MIN_STEPS = 3
# Ink/paper contrast (grey levels) below which a line crop says nothing about blanks.
MIN_CONTRAST = 30.0

# A horizontal run without ink, (x0, x1).
Blank = tuple[float, float]


def char_boxes(raw_text: str, boxes: Any, chars: Any, scale_x: float = 1.0) -> list[CharBox] | None:
    """Pair each character of one RapidOCR line with its x-extent (scaled by `scale_x`).

    Characters are NFKC-normalised one by one, so the pairing survives the full-width
    punctuation the model emits. None when the boxes are missing or do not line up
    with `raw_text`, and the caller falls back to the proportional split.
    """
    if not boxes or not chars or len(boxes) != len(chars):
        return None
    try:
        texts = [str(c) for c in chars]
        if "".join(texts) != raw_text:
            return None
        out: list[CharBox] = []
        for ch, pts in zip(texts, boxes, strict=True):
            xs = [float(p[0]) * scale_x for p in pts]
            if not xs:
                return None
            for c in unicodedata.normalize("NFKC", ch).translate(CJK_MARKS):
                out.append((c, min(xs), max(xs)))
        return out
    except (TypeError, ValueError, IndexError):
        return None


def _step(a: CharBox, b: CharBox) -> float:
    """Distance between the centres of two characters."""
    return (b[1] + b[2] - a[1] - a[2]) / 2


def blank_runs(gray: Any, box: BBox) -> list[Blank] | None:
    """Ink-free column runs of one line, in the image's pixel x coordinates.

    `gray` is the page as a 2-D uint8 array, `box` the line's pixel box, of which a
    tenth is trimmed at top and bottom so that a neighbouring line's ink grazing the
    box does not bridge a gap. A column has ink when any pixel is darker than the midpoint of
    the crop's 5th and 95th grey percentiles. None when the crop is empty or has no
    contrast (nothing can be said about blanks).
    """
    import numpy as np

    x0, y0, x1, y1 = (int(round(v)) for v in box)
    margin = (y1 - y0) // 10
    x0, y0 = max(x0, 0), max(y0 + margin, 0)
    x1, y1 = min(x1, gray.shape[1]), min(y1 - margin, gray.shape[0])
    if x1 - x0 < 2 or y1 - y0 < 1:
        return None
    band = np.asarray(gray[y0:y1, x0:x1], dtype=np.float32)
    lo, hi = np.percentile(band, (5, 95))
    if hi - lo < MIN_CONTRAST:
        return None
    ink = (band < (lo + hi) / 2).any(axis=0)
    # run boundaries: +1 where a blank run starts, -1 where it ends
    edges = np.diff(np.concatenate(([1], ink.astype(np.int8), [1])))
    starts = np.flatnonzero(edges == -1)
    ends = np.flatnonzero(edges == 1)
    return [(float(x0 + s_), float(x0 + e)) for s_, e in zip(starts, ends, strict=True)]


def _widest_blank(blanks: Sequence[Blank], a: CharBox, b: CharBox) -> float:
    """Width of the widest blank run centred between the centres of `a` and `b`."""
    ca, cb = (a[1] + a[2]) / 2, (b[1] + b[2]) / 2
    return max((e - s_ for s_, e in blanks if ca <= (s_ + e) / 2 <= cb), default=0.0)


def split_at_gaps(
    chars: Sequence[CharBox], blanks: Sequence[Blank] | None = None
) -> list[CharBox] | None:
    """Group characters into words, each with the extent of its characters.

    Words end at the model's own spaces and at gaps it glued over: a step between
    neighbouring character centres well above the line's median step, confirmed by a
    blank run in the ink when `blanks` (same x coordinates as `chars`) is given, or
    larger still without it. None when the boxes run backwards (corrupt input).
    """
    runs: list[list[CharBox]] = [[]]
    for ch in chars:
        if ch[0].isspace():
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(ch)
    runs = [r for r in runs if r]
    if not runs:
        return []
    if any(c[2] < c[1] for r in runs for c in r):
        return None
    steps: list[float] = []
    for run in runs:
        for a, b in pairwise(run):
            if b[2] < a[1]:
                return None  # boxes run backwards: they are not this text's layout
            steps.append(_step(a, b))
    typical = median(steps) if len(steps) >= MIN_STEPS else 0.0
    line_blank = 0.0
    if blanks is not None and typical > 0:
        widths = [_widest_blank(blanks, a, b) for run in runs for a, b in pairwise(run)]
        line_blank = max(median(widths), 0.1 * typical)

    def is_gap(word: list[CharBox], b: CharBox, after: str) -> bool:
        a = word[-1]
        if typical <= 0 or b[0] in _NO_SPACE_BEFORE or a[0] in _NO_SPACE_AFTER:
            return False
        if _INITIALS.fullmatch("".join(c[0] for c in word) + b[0] + after):
            return False  # "P.T.", "D.I.Y.": the blank after an initial's dot is no space
        step = _step(a, b)
        if blanks is None:
            return step > GAP_RATIO * typical
        blank = _widest_blank(blanks, a, b)
        return (
            step > STEP_RATIO * typical
            and blank > BLANK_VS_STEP * typical
            and blank > BLANK_VS_LINE * line_blank
        )

    words: list[list[CharBox]] = []
    for run in runs:
        words.append([run[0]])
        for j in range(1, len(run)):
            b = run[j]
            if is_gap(words[-1], b, run[j + 1][0] if j + 1 < len(run) else ""):
                words.append([])
            words[-1].append(b)
    return [("".join(c[0] for c in w), min(c[1] for c in w), max(c[2] for c in w)) for w in words]


def _proportional(text: str, box: BBox, conf: float) -> list[Word]:
    """Each word's x-extent in proportion to its position in the string (monospace)."""
    x0, y0, x1, y1 = box
    n = len(text)
    if n == 0:
        return []
    cw = (x1 - x0) / n
    out: list[Word] = []
    pos = 0
    for tok in text.split(" "):
        if tok:
            out.append(
                Word(text=tok, bbox=(x0 + pos * cw, y0, x0 + (pos + len(tok)) * cw, y1), conf=conf)
            )
        pos += len(tok) + 1
    return out


def split_line(
    text: str,
    box: BBox,
    conf: float,
    chars: Sequence[CharBox] | None = None,
    blanks: Sequence[Blank] | None = None,
) -> list[Word]:
    """Split one recognised line into words.

    With per-character boxes (`chars`, from `char_boxes`) words are cut at the model's
    spaces and at real visual gaps, each with its measured extent (kept inside the
    line box); `blanks`, from `blank_runs` in the same coordinates, confirm the gaps.
    Without them, or when they do not spell `text`, the split is at the model's
    spaces only with extents proportional to character counts.
    """
    if chars:
        words = split_at_gaps(chars, blanks)
        if words and "".join(w[0] for w in words) == "".join(text.split()):
            x0, y0, x1, y1 = box
            out: list[Word] = []
            for tok, a, b in words:
                a = min(max(a, x0), x1)
                b = min(max(b, a), x1)
                out.append(Word(text=tok, bbox=(a, y0, b, y1), conf=conf))
            return out
    return _proportional(text, box, conf)


def words_from_result(result: Any, gray: Any, sx: float, sy: float) -> list[Word]:
    """Words (page points) from RapidOCR's raw output for one page.

    `result` is what `RapidOCR(...)(img, return_word_box=True)` returns first (plain
    output without the per-character entries works too, split proportionally);
    `gray` is the page as a 2-D uint8 array (None: no ink evidence); `sx`/`sy` scale
    pixels to points.
    """
    words: list[Word] = []
    for item in result or []:
        # the PP-OCR model emits full-width punctuation ("（", "：") on Latin text
        raw = str(item[1])
        text = unicodedata.normalize("NFKC", raw).translate(CJK_MARKS).strip()
        pts, score = item[0], float(item[2])
        if not text:
            continue
        xs = [float(p[0]) for p in pts]
        ys = [float(p[1]) for p in pts]
        box = (min(xs) * sx, min(ys) * sy, max(xs) * sx, max(ys) * sy)
        chars: list[CharBox] | None = None
        blanks: list[Blank] | None = None
        # per-character boxes are only meaningful on horizontal lines
        if len(item) >= 5 and max(xs) - min(xs) >= max(ys) - min(ys):
            chars = char_boxes(raw, item[3], item[4], sx)
            px = None
            if chars and gray is not None:
                px = blank_runs(gray, (min(xs), min(ys), max(xs), max(ys)))
            blanks = [(b0 * sx, b1 * sx) for b0, b1 in px] if px is not None else None
        conf = max(0.0, min(1.0, score))
        line_words = split_line(" ".join(text.split()), box, conf, chars, blanks)
        _attach_char_conf(line_words, item)
        if len(item) >= 8 and isinstance(item[7], int):
            for w in line_words:
                w.read_disputes = item[7]
        words.extend(line_words)
    return words


def _attach_char_conf(words: list[Word], item: Any) -> None:
    """Give each word of one line its characters' confidences (RapidOCR's sixth field,
    one per raw character) when they line up with the words' characters, and what the
    second recogniser read instead (seventh field, `ingest.ocr.second_reading`)."""
    if len(item) < 6 or not item[4] or not isinstance(item[5], (list, tuple)) or \
            len(item[4]) != len(item[5]):
        return
    alts_in = item[6] if len(item) >= 7 and isinstance(item[6], (list, tuple)) and \
        len(item[6]) == len(item[4]) else None
    confs: list[float] = []
    alts: list[str] = []
    try:
        for k, (ch, p) in enumerate(zip(item[4], item[5], strict=True)):
            for c in unicodedata.normalize("NFKC", str(ch)).translate(CJK_MARKS):
                if not c.isspace():
                    confs.append(float(p))
                    alts.append(str(alts_in[k]) if alts_in is not None else "")
    except (TypeError, ValueError):
        return
    if len(confs) != sum(len(w.text) for w in words):
        return
    pos = 0
    for w in words:
        w.char_conf = tuple(confs[pos:pos + len(w.text)])
        if alts_in is not None:
            w.char_alt = tuple(alts[pos:pos + len(w.text)])
        pos += len(w.text)


def stretch_right(pts: Any, pad: float, width: int) -> Any:
    """The quadrilateral `pts` (tl, tr, br, bl) stretched along its own direction to the
    right by `pad` x its height, clipped to the image width."""
    import numpy as np

    b = np.array(pts, dtype=np.float32)
    d = b[1] - b[0]
    n = float(np.linalg.norm(d))
    if n < 1:
        return b
    h = float(np.linalg.norm(b[3] - b[0]))
    b[[1, 2]] += d / n * pad * h
    b[:, 0] = np.clip(b[:, 0], 0, width - 1)
    return b


def added_line_end(old: str, new: str) -> str:
    """The punctuation mark `new` adds at the end of `old`, or "" when `new` reads
    anything else differently (spaces aside): only a lost mark is taken back."""
    a, b = ("".join(unicodedata.normalize("NFKC", t).split()) for t in (old, new))
    if len(b) == len(a) + 1 and b.startswith(a) and _LINE_END_MARK.fullmatch(b[-1]):
        return b[-1]
    return ""


def recover_line_ends(engine: Any, img: Any, result: list[Any],
                      pad: float = LINE_END_PAD, max_lines: int = LINE_END_MAX_LINES
                      ) -> list[Any]:
    """Read the first `max_lines` lines that end in a letter or digit again with their
    box stretched to the right; append a comma or full stop the stretched reading
    finds after otherwise the same text (with a character box after the last one)."""
    import numpy as np

    todo = [i for i, item in enumerate(result[:max_lines])
            if str(item[1]).strip() and str(item[1]).strip()[-1].isalnum()
            and len(item[0]) == 4]
    if not todo:
        return result
    boxes = np.array([stretch_right(result[i][0], pad, img.shape[1]) for i in todo],
                     dtype=np.float32)
    crops = engine.get_crop_img_list(img, boxes)
    reread = engine.text_rec(crops, False)[0]
    out = list(result)
    for i, (text, _score) in zip(todo, reread, strict=True):
        item = result[i]
        mark = added_line_end(str(item[1]), str(text))
        if not mark:
            continue
        new = list(item)
        new[1] = f"{str(item[1]).rstrip()}{mark}"
        if len(item) >= 5 and item[3] and item[4] and len(item[3]) == len(item[4]):
            last = np.asarray(item[3][-1], dtype=np.float32)
            w = max(float(last[:, 0].max() - last[:, 0].min()), 1.0) / 2
            x1 = float(last[:, 0].max())
            y0, y1 = float(last[:, 1].min()), float(last[:, 1].max())
            new[3] = [*item[3], [[x1 + 1, y0], [x1 + 1 + w, y0], [x1 + 1 + w, y1], [x1 + 1, y1]]]
            new[4] = [*item[4], mark]
            if len(item) >= 6 and isinstance(item[5], list):
                new[5] = [*item[5], float(_score)]
            if len(item) >= 7 and isinstance(item[6], list):
                new[6] = [*item[6], ""]
        out[i] = new
    return out


@dataclass(slots=True)
class RapidOcrEngine:
    """`threads`: onnxruntime intra-op threads (None = all cores; 1 inside a pool)."""

    threads: int | None = None
    name: str = "rapidocr"
    second_reading: bool = True

    def recognize(
        self, image: Image.Image, page_width_pt: float, page_height_pt: float
    ) -> OcrResult:
        import numpy as np

        engine = _get_rapidocr(self.threads)
        rgb = image if image.mode == "RGB" else image.convert("RGB")
        # RapidOCR expects OpenCV's BGR channel order
        arr = np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])
        _directions(engine)  # forget what an earlier call in this thread left
        try:
            # note: any keyword argument makes RapidOCR reset box_thresh, unclip_ratio
            # and text_score to its defaults, which are the ones used here
            result, _elapsed = engine(arr, return_word_box=True)
        except Exception:  # noqa: BLE001 - the word-box path is optional: read plainly
            result, _elapsed = engine(arr)
        classified, flipped = _directions(engine)
        # a page lying on its head is read again turned (`select.recognize_page`): this
        # reading is not refined (the second recogniser, the line ends) only to be dropped
        refine = not lying_on_its_head(classified, flipped)
        if result and len(result[0]) >= 6 and self.second_reading and refine:
            try:
                result = second_opinion(engine, arr, result, self.threads)
            except Exception:  # noqa: BLE001 - a refinement: the first reading stands
                log.warning("second recogniser failed; first reading kept", exc_info=True)
        if result and len(result[0]) >= 5 and refine:
            try:
                result = recover_line_ends(engine, arr, result)
            except Exception:  # noqa: BLE001 - a refinement: the plain reading stands
                log.debug("re-reading line ends failed", exc_info=True)
        words = words_from_result(
            result,
            np.asarray(rgb.convert("L")),
            page_width_pt / rgb.width,
            page_height_pt / rgb.height,
        )
        return OcrResult(engine=self.name, words=order_words(words),
                         lines_classified=classified, lines_flipped=flipped)


@dataclass(frozen=True, slots=True)
class LineDirections:
    """Text lines RapidOCR's detector finds running across the page and down it, and how
    many of each its direction classifier reads upside down (a line running down is
    classified after a quarter turn counter-clockwise, as RapidOCR crops it)."""

    across: int
    down: int
    across_flipped: int
    down_flipped: int


LINE_SHAPE = 1.5  # a box this many times longer one way than the other is a line that way


def line_directions(image: Image.Image, threads: int | None = None) -> LineDirections | None:
    """Detection and direction classification only (no recognition): which way the page's
    text runs. None when no text line is found."""
    import numpy as np

    engine = _get_rapidocr(threads)
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    arr = np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])
    img, ratio_h, ratio_w = engine.preprocess(arr)
    img, _record = engine.maybe_add_letterbox(
        img, {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}})
    boxes, _elapsed = engine.auto_text_det(img)
    if boxes is None or len(boxes) == 0:
        return None
    _crops, classes, _elapsed = engine.text_cls(engine.get_crop_img_list(img, boxes))
    counts = {"across": 0, "down": 0, "across_flipped": 0, "down_flipped": 0}
    for pts, (label, _score) in zip(boxes, classes, strict=False):
        w = max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3]))
        h = max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2]))
        way = "down" if h >= LINE_SHAPE * w else "across" if w >= LINE_SHAPE * h else None
        if way is None:
            continue
        counts[way] += 1
        if str(label) == "180":
            counts[f"{way}_flipped"] += 1
    return LineDirections(**counts)
