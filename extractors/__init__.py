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
    through the TRAIN-fitted recalibration (`recalibration.py`); an e-invoice's values are
    read from its XML instead (`einvoice.py`)."""
    if doc.structured is not None and classification.doc_type == "invoice":
        return _einvoice_fields(doc, classification, hints)
    fields = _family_fields(doc, classification, hints)
    recalibration.apply(fields, classification.doc_type, recalibration.input_kind(doc))
    return fields


def _einvoice_fields(doc: IngestedDocument, classification: Classification,
                     hints: Any) -> Fields:
    """The XML's fields; the page is read as well when there is one (a Factur-X PDF), for
    the boxes and the visible total. An XML that cannot be read leaves the page's fields,
    with the reason as `einvoice_errors`."""
    from extractors.einvoice import SOURCE, EInvoiceError, extract_einvoice

    visible: Fields = {}
    if doc.structured is not None and doc.structured.origin != "file":
        visible = _family_fields(doc, classification, hints)
        recalibration.apply(visible, "invoice", recalibration.input_kind(doc))
    try:
        return extract_einvoice(doc, visible)
    except EInvoiceError as exc:
        visible["einvoice_errors"] = Field(str(exc), str(exc), 1.0, source=SOURCE)
        return visible


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
