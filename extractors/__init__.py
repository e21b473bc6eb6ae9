"""Field extraction: one extractor per document family, chosen by the classifier's type.

`extract` is the only entry point the pipeline uses; each family module owns its
candidates, scoring and calibration.
"""

from __future__ import annotations

from typing import Any

from classifiers.types import Classification
from extractors import recalibration
from extractors.types import Clause, Field, Fields
from ingest.types import IngestedDocument

__all__ = ["Clause", "Field", "Fields", "extract", "extract_clauses"]


def extract(
    doc: IngestedDocument, classification: Classification, hints: Any = None
) -> Fields:
    """Fields for the document's type; `other` documents get none. Confidences pass
    through the TRAIN-fitted recalibration (`recalibration.py`)."""
    fields = _family_fields(doc, classification, hints)
    recalibration.apply(fields, classification.doc_type, recalibration.input_kind(doc.ocr_pages))
    return fields


def _family_fields(doc: IngestedDocument, classification: Classification, hints: Any) -> Fields:
    kind = classification.doc_type
    if kind in ("invoice", "receipt"):
        from extractors.invoice import extract_invoice

        return extract_invoice(doc, doc_type=kind, hints=hints)
    if kind == "contract":
        from extractors.contract import extract_contract

        return extract_contract(doc, subtype=classification.subtype)
    if kind == "hr":
        from extractors.hr import extract_hr

        return extract_hr(doc, subtype=classification.subtype)
    return {}


def extract_clauses(doc: IngestedDocument) -> list[Clause]:
    """Clause segmentation and tagging for contracts (and HR agreements)."""
    from extractors.clauses import tag_clauses

    return tag_clauses(doc)
