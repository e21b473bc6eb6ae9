"""The per-character text-layer reader and the line grouping as they were before they
were vectorised (ingest/readers/pdf.py, ingest/layout.py): the oracle the tests compare
the fast versions against. Not used at run time."""

from __future__ import annotations

import ctypes
import math
import unicodedata
from collections.abc import Callable
from statistics import median
from typing import Any

from ingest.layout import number_lines
from ingest.readers.pdf import _dominant_angle
from ingest.types import Word


def _transform(page: Any) -> Callable[[float, float], tuple[float, float]]:
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
    return lambda x, y: (ox + a * x + c * y, oy + b * x + d * y)


def _junk_char(ch: str) -> bool:
    cp = ord(ch)
    return ch == "\ufffd" or 0xE000 <= cp <= 0xF8FF or (cp < 32 and ch not in "\t\n\r")


def _frame(theta: float) -> Callable[[float, float], tuple[float, float]]:
    c, s = round(math.cos(theta)), round(math.sin(theta))
    return lambda x, y: (x * c + y * s, x * s - y * c)


def _box(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def text_layer_words(page: Any) -> tuple[list[Word], int, int]:
    """The old reader: one Python step per character, old line grouping."""
    import pypdfium2.raw as raw

    tp = page.get_textpage()
    try:
        to_page = _transform(page)
        n = tp.count_chars()
        to_frame = _frame(_dominant_angle(tp, n))
        words: list[Word] = []
        display: dict[int, tuple[float, float, float, float]] = {}
        real = junk = 0
        cur: list[str] = []
        fbox: list[tuple[float, float]] = []
        ubox: list[tuple[float, float]] = []
        prev: tuple[float, float, float, float] | None = None

        def flush() -> None:
            nonlocal cur, fbox, ubox, prev
            if cur:
                text = unicodedata.normalize("NFKC", "".join(cur)).strip()
                if text:
                    w = Word(text=text, bbox=_box(fbox))
                    words.append(w)
                    display[id(w)] = _box([to_page(x, y) for x, y in ubox])
            cur, fbox, ubox, prev = [], [], [], None

        for i in range(n):
            cp = raw.FPDFText_GetUnicode(tp.raw, i)
            ch = chr(cp) if 0 < cp < 0x110000 else "\ufffd"
            # U+0002: the hyphen pdfium adds at a line break (U+FFFE in its text)
            if ch.isspace() or cp == 0 or ch in "\u00ad\ufffe\x02":
                flush()
                continue
            if _junk_char(ch):
                junk += 1
                flush()
                continue
            if ch.isalnum():
                real += 1
            left, bottom, right, top = tp.get_charbox(i, loose=True)
            corners = [(left, bottom), (right, top)]
            cb = _box([to_frame(x, y) for x, y in corners])
            if prev is not None:
                h = max(prev[3] - prev[1], cb[3] - cb[1], 1.0)
                centre = (cb[1] + cb[3]) / 2
                gap = cb[0] - prev[2]
                if gap > 0.25 * h or cb[2] < prev[0] or not (prev[1] <= centre <= prev[3]):
                    flush()
            cur.append(ch)
            fbox.extend([(cb[0], cb[1]), (cb[2], cb[3])])
            ubox.extend(corners)
            prev = cb
        flush()
        ordered = number_lines(group_lines(words))
        for w in ordered:
            w.bbox = display[id(w)]
        return ordered, real, junk
    finally:
        tp.close()


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def group_lines(words: list[Word]) -> list[list[Word]]:
    """The old grouping: each word against every word of the last seven lines."""
    if not words:
        return []
    order = sorted(words, key=lambda w: ((w.bbox[1] + w.bbox[3]) / 2, w.bbox[0]))
    lines: list[list[Word]] = []
    bands: list[tuple[float, float]] = []
    for w in order:
        x0, y0, x1, y1 = w.bbox
        h = max(y1 - y0, 0.1)
        best, best_ov = -1, 0.0
        for i in range(len(lines) - 1, max(-1, len(lines) - 8), -1):
            b0, b1 = bands[i]
            ov = _overlap(y0, y1, b0, b1) / max(min(h, b1 - b0), 0.1)
            if ov < 0.5 or ov <= best_ov:
                continue
            if any(_overlap(x0, x1, o.bbox[0], o.bbox[2]) > 0.5 * (x1 - x0) for o in lines[i]):
                continue
            best, best_ov = i, ov
        if best < 0:
            lines.append([w])
            bands.append((y0, y1))
        else:
            lines[best].append(w)
            n = len(lines[best])
            b0, b1 = bands[best]
            bands[best] = (b0 + (y0 - b0) / n, b1 + (y1 - b1) / n)
    for line in lines:
        line.sort(key=lambda w: w.bbox[0])
    return sorted(lines, key=lambda ln: median((w.bbox[1] + w.bbox[3]) / 2 for w in ln))
