"""Reviewers' type decisions as training data for `backoffice train`.

Only the newest decision per document counts: a reviewer who corrects a correction
must not leave two contradicting labels for the same text.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import Document, PageRow, TypeFeedback


def load_type_feedback(session: Session) -> list[tuple[str, str, str | None]]:
    """`(text, doc_type, subtype)` per document with feedback; pages joined by form feeds."""
    rows = session.scalars(
        select(TypeFeedback)
        .join(Document, Document.id == TypeFeedback.document_id)
        .where(Document.deleted_at.is_(None))
        .order_by(TypeFeedback.document_id, TypeFeedback.at, TypeFeedback.id)
    ).all()
    latest: dict[str, TypeFeedback] = {}
    for fb in rows:
        latest[fb.document_id] = fb  # ordered by time: the last one wins
    out: list[tuple[str, str, str | None]] = []
    for document_id, fb in latest.items():
        texts = session.scalars(
            select(PageRow.text).where(PageRow.document_id == document_id)
            .order_by(PageRow.number)
        ).all()
        text = "\f".join(t or "" for t in texts)
        if text.strip():
            out.append((text, fb.doc_type, fb.subtype))
    return out
