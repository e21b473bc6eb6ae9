"""RapidOCR (PP-OCR models in ONNX, shipped inside the wheel) as an `OcrEngine`.

It is markedly better than tesseract on photographed, low-resolution or thermal
receipts, but slower and it returns line boxes only: those are split into words in
proportion to character counts, which is accurate enough for highlighting and for
"value to the right of label" geometry.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ingest.errors import OcrUnavailable
from ingest.layout import order_words
from ingest.ocr.base import OcrResult
from ingest.types import Word

_ENGINE: Any = None
_ENGINE_THREADS: int | None = None
_LOCK = threading.Lock()


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
            kwargs: dict[str, Any] = {}
            if threads:
                kwargs = {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
            try:
                _ENGINE = RapidOCR(**kwargs)
            except Exception as exc:  # onnxruntime raises many kinds
                raise OcrUnavailable(f"rapidocr could not load its models: {exc}") from exc
            _ENGINE_THREADS = threads
        return _ENGINE


def split_line(text: str, box: tuple[float, float, float, float], conf: float) -> list[Word]:
    """Split one recognised line into words; each word's x-extent is proportional to
    its position in the string (monospace assumption)."""
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


@dataclass(slots=True)
class RapidOcrEngine:
    """`threads`: onnxruntime intra-op threads (None = all cores; 1 inside a pool)."""

    threads: int | None = None
    name: str = "rapidocr"

    def recognize(
        self, image: Image.Image, page_width_pt: float, page_height_pt: float
    ) -> OcrResult:
        import numpy as np

        engine = _get_rapidocr(self.threads)
        rgb = image if image.mode == "RGB" else image.convert("RGB")
        # RapidOCR expects OpenCV's BGR channel order
        arr = np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])
        result, _elapsed = engine(arr)
        sx = page_width_pt / rgb.width
        sy = page_height_pt / rgb.height
        words: list[Word] = []
        for item in result or []:
            # the PP-OCR model emits full-width punctuation ("（", "：") on Latin text
            text = unicodedata.normalize("NFKC", str(item[1])).strip()
            pts, score = item[0], float(item[2])
            if not text:
                continue
            xs = [float(p[0]) for p in pts]
            ys = [float(p[1]) for p in pts]
            box = (min(xs) * sx, min(ys) * sy, max(xs) * sx, max(ys) * sy)
            words.extend(split_line(" ".join(text.split()), box, max(0.0, min(1.0, score))))
        return OcrResult(engine=self.name, words=order_words(words))
