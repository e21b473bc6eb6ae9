"""Stored rows read back as the types the rest of the code works with: a document's pages
as an `IngestedDocument` (so extractors and search can re-read it without OCR), its
fields as extractor `Field`s, its open findings.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.types import Field, Fields
from ingest.types import IngestedDocument, Page, Word
from records.models import Document, FieldRow, PageRow, ViolationRow


class MissingDocument(LookupError):
    """No stored document has this id."""


def document_from_rows(session: Session, document_id: str) -> IngestedDocument:
    """The stored pages as an `IngestedDocument`, so extractors can learn from a
    correction without re-reading (or re-OCRing) the original.

    Line numbers are not stored; they are rebuilt from the words' vertical centres,
    which is what the layout code uses them for.
    """
    doc = session.get(Document, document_id)
    if doc is None:
        raise MissingDocument(f"no document {document_id}")
    rows = session.scalars(
        select(PageRow).where(PageRow.document_id == document_id).order_by(PageRow.number)
    ).all()
    pages = []
    for r in rows:
        words: list[Word] = []
        line = -1
        last_mid: float | None = None
        last_h = 0.0
        for w in r.words or []:
            text, x0, y0, x1, y1 = w[0], float(w[1]), float(w[2]), float(w[3]), float(w[4])
            conf = float(w[5]) if len(w) > 5 else 1.0
            mid, h = (y0 + y1) / 2, max(1.0, y1 - y0)
            if last_mid is None or abs(mid - last_mid) > max(h, last_h) / 2:
                line += 1
            last_mid, last_h = mid, h
            words.append(Word(str(text), (x0, y0, x1, y1), conf, line=max(line, 0)))
        pages.append(Page(number=r.number, width=r.width, height=r.height, words=words,
                          text=r.text or "", ocr=r.ocr, ocr_engine=r.ocr_engine,
                          ocr_confidence=r.ocr_confidence, turned=r.turned or 0))
    return IngestedDocument(filename=doc.filename, sha256=doc.sha256,
                            media_type=doc.media_type or "", size=doc.size, pages=pages)


def fields_from_rows(rows: list[FieldRow]) -> Fields:
    """Stored fields as extractor `Field`s; a human correction counts as certain, and a
    field a person cleared (no value) is absent."""
    out: Fields = {}
    for r in rows:
        if r.value is None and r.normalized is None:
            continue
        bbox = tuple(r.bbox) if r.bbox else None
        conf = 1.0 if r.corrected else float(r.confidence or 0.0)
        out[r.name] = Field(r.value, r.normalized, conf, r.page, bbox, r.source)  # type: ignore[arg-type]
    return out


def field_rows(session: Session, document_id: str) -> list[FieldRow]:
    return list(session.scalars(
        select(FieldRow).where(FieldRow.document_id == document_id).order_by(FieldRow.name)
    ))


def open_violations(session: Session, document_id: str) -> list[ViolationRow]:
    return list(session.scalars(
        select(ViolationRow).where(ViolationRow.document_id == document_id,
                                   ViolationRow.status == "open").order_by(ViolationRow.id)
    ))
