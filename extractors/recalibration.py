"""Confidence recalibration fitted on real TRAIN documents, per field and input kind.

Family extractors compute confidences from evidence fitted on generated documents or set
by hand; on real documents those numbers were optimistic (TRAIN, before this map: fields
reported at 0.9-1.0 were right 86.5 % of the time). This module maps each field's
confidence through an isotonic curve fitted out of fold on the pipeline's own outputs on
TRAIN (`python -m training.recalibration REPORT.json`), keyed by (document type, field,
input kind: "digital", "scan" or "photo"). Fields chosen by a learned ranker are already calibrated
the same way and pass through; so do human corrections and fields with no curve.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extractors.types import Field
from ingest.types import IngestedDocument
from modelfile import load_shipped

MODEL_PATH = Path(__file__).parent / "model" / "recalibration.joblib"
PASS_THROUGH_SOURCES = ("ranker", "human")
CONF_FLOOR, CONF_CEIL = 0.01, 0.97

def kind_for(ocr_pages: int, media_type: str = "") -> str:
    """Born-digital (a text layer), a scan (an OCR'd PDF/TIFF page) or a photo (an image
    file: camera or phone shots, receipt images)."""
    if ocr_pages <= 0:
        return "digital"
    return "photo" if media_type.startswith("image/") and media_type != "image/tiff" \
        else "scan"


def input_kind(doc: IngestedDocument) -> str:
    return kind_for(doc.ocr_pages, doc.media_type)


def load(path: Path = MODEL_PATH) -> dict[str, Any] | None:
    return load_shipped(path)


def curve_for(bundle: dict[str, Any], doc_type: str, name: str, kind: str) -> Any | None:
    curves = bundle["curves"]
    return curves.get(f"{doc_type}|{name}|{kind}") or curves.get(f"{doc_type}|{name}|*")


def apply(fields: dict[str, Field], doc_type: str, kind: str,
          bundle: dict[str, Any] | None = None) -> None:
    """Map every field's confidence in place (see module docstring)."""
    bundle = bundle if bundle is not None else load()
    if not bundle:
        return
    for name, f in fields.items():
        if f.source.split(":", 1)[0] in PASS_THROUGH_SOURCES:
            continue
        curve = curve_for(bundle, doc_type, name, kind)
        if curve is None:
            continue
        p = float(curve.predict([float(f.confidence)])[0])
        f.confidence = round(min(CONF_CEIL, max(CONF_FLOOR, p)), 4)
