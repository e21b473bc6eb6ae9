"""Confidence recalibration fitted on real TRAIN documents, per field and input kind.

Family extractors compute confidences from evidence fitted on generated documents or set
by hand; on real documents those numbers were optimistic (TRAIN, before this map: fields
reported at 0.9-1.0 were right 86.5 % of the time). This module maps each field's
confidence through an isotonic curve fitted out of fold on the pipeline's own confidences
before this map (`python -m training.confidence_chain`, then `python -m
training.recalibration --rows ROWS`), keyed by (document type, field, input kind:
"digital", "scan" or "photo", with a curve over all kinds as fallback).

A curve is applied once, and only to values chosen by the methods it was fitted on (the
`methods` of its key: the prefix of `Field.source`): a curve fitted on resumes' rule names
says nothing about a name typed into an HR form. Fields chosen by a learned ranker are
already calibrated out of fold and pass through, as do human corrections, vendor hints,
e-invoice values and fields with no curve. A value a cross-field check contradicted
(`Field.contradicted`) is mapped like the others and then capped again
(`extractors.types.CAP_CONTRADICTED`): the map is learned over all values, the check speaks
for this one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extractors.types import CAP_CONTRADICTED, Field
from ingest.types import IngestedDocument
from modelfile import load_shipped

MODEL_PATH = Path(__file__).parent / "model" / "recalibration.joblib"
PASS_THROUGH_SOURCES = ("ranker", "human", "vendor-hint", "e-invoice")
CONF_FLOOR, CONF_CEIL = 0.01, 0.97
KINDS = ("digital", "scan", "photo")


def kind_for(ocr_pages: int, media_type: str = "") -> str:
    """Born-digital (a text layer), a scan (an OCR'd PDF/TIFF page) or a photo (an image
    file: camera or phone shots, receipt images)."""
    if ocr_pages <= 0:
        return "digital"
    return "photo" if media_type.startswith("image/") and media_type != "image/tiff" \
        else "scan"


def input_kind(doc: IngestedDocument) -> str:
    return kind_for(doc.ocr_pages, doc.media_type)


def method(f: Field) -> str:
    """The method family of a field's source ("regex:law.heading" -> "regex")."""
    return f.source.split(":", 1)[0]


def load(path: Path = MODEL_PATH) -> dict[str, Any] | None:
    return load_shipped(path)


def key_for(bundle: dict[str, Any], doc_type: str, name: str, kind: str) -> str | None:
    """The curve key for a field: its input kind's, else the one over all kinds."""
    curves = bundle["curves"]
    for key in (f"{doc_type}|{name}|{kind}", f"{doc_type}|{name}|*"):
        if key in curves:
            return key
    return None


def apply(fields: dict[str, Field], doc_type: str, kind: str,
          bundle: dict[str, Any] | None = None) -> None:
    """Map every field's confidence in place (see module docstring)."""
    bundle = bundle if bundle is not None else load()
    if bundle:
        methods: dict[str, list[str]] = bundle.get("methods") or {}
        for name, f in fields.items():
            if method(f) in PASS_THROUGH_SOURCES:
                continue
            key = key_for(bundle, doc_type, name, kind)
            if key is None or (key in methods and method(f) not in methods[key]):
                continue
            p = float(bundle["curves"][key].predict([float(f.confidence)])[0])
            f.confidence = round(min(CONF_CEIL, max(CONF_FLOOR, p)), 4)
    cap_contradicted(fields)


def cap_contradicted(fields: dict[str, Field]) -> None:
    """The last word on every value a cross-field check contradicted: 0.5 at most."""
    for f in fields.values():
        if f.contradicted:
            f.confidence = min(f.confidence, CAP_CONTRADICTED)
