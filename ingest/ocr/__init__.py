"""OCR engines behind one interface (`OcrEngine`) and the per-page choice between them.

`recognize_page` is what readers call; engines are plugins so another one can be
added without touching the readers.
"""

from ingest.ocr.base import OcrEngine, OcrResult
from ingest.ocr.select import get_engine, recognize_page

__all__ = ["OcrEngine", "OcrResult", "get_engine", "recognize_page"]
