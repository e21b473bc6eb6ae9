"""Tesseract as an `OcrEngine`: words, boxes and confidences from `image_to_data`.

Tesseract's own block/paragraph/line numbers define reading order, since its page
segmentation understands columns better than a geometric sort would.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from ingest._exec import tesseract as tesseract_exec
from ingest.ocr.base import OcrResult
from ingest.types import Word


@dataclass(slots=True)
class TesseractEngine:
    """`lang` as tesseract spells it ("eng", "eng+deu"); small images are upscaled so
    that glyphs reach the ~20 px x-height tesseract's models were trained on."""

    lang: str = "eng"
    timeout_s: float = 120.0
    upscale_below_px: int = 1000
    name: str = "tesseract"

    def recognize(
        self, image: Image.Image, page_width_pt: float, page_height_pt: float
    ) -> OcrResult:
        tesseract_exec.check_language(self.lang)
        img = image if image.mode == "L" else image.convert("L")
        if 0 < min(img.size) < self.upscale_below_px:
            img = img.resize((img.width * 2, img.height * 2), Image.Resampling.LANCZOS)
        # the resolution the picture has relative to the page it shows
        dpi = max(50, min(1200, round(img.width / max(page_width_pt, 1.0) * 72)))
        data = tesseract_exec.image_to_data(img, lang=self.lang, timeout_s=self.timeout_s, dpi=dpi)
        sx = page_width_pt / img.width
        sy = page_height_pt / img.height
        words: list[Word] = []
        line_ids: dict[tuple[int, int, int], int] = {}
        block_ids: dict[tuple[int, int], int] = {}
        for i, text in enumerate(data.get("text", [])):
            if int(data["level"][i]) != 5:
                continue
            text = (text or "").strip()
            conf = float(data["conf"][i])
            if not text or conf < 0:
                continue
            key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
            line = line_ids.setdefault(key, len(line_ids))
            block = block_ids.setdefault(key[:2], len(block_ids))
            left, top = float(data["left"][i]), float(data["top"][i])
            width, height = float(data["width"][i]), float(data["height"][i])
            words.append(
                Word(
                    text=text,
                    bbox=(left * sx, top * sy, (left + width) * sx, (top + height) * sy),
                    conf=max(0.0, min(1.0, conf / 100.0)),
                    line=line,
                    block=block,
                )
            )
        words.sort(key=lambda w: (w.line, w.bbox[0]))
        return OcrResult(engine=self.name, words=words)
