"""Rebuild the search index from the database (`backoffice search --reindex`).

Search is a secondary index: if indexing failed during processing, the index was lost, or
the chunking/model changed, everything it needs is in the database. Live contracts
(doc_type `contract`, not deleted) are re-indexed from their stored pages, fields and
clauses (stored clauses keep human corrections; a document without any is re-tagged);
indexed documents that are no longer live contracts are dropped. Unchanged chunk texts
reuse their stored vectors, so a rebuild after a metadata-only change is cheap.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from extractors.types import Clause
from search.types import SearchFilters

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ReindexReport:
    documents: int = 0
    chunks: int = 0
    reused_vectors: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)


def live_contract_ids(session: Any) -> list[str]:
    """Ids of documents that belong in the contract index, oldest first."""
    from sqlalchemy import select

    from records.models import Document

    q = (
        select(Document.id)
        .where(Document.doc_type == "contract", Document.deleted_at.is_(None))
        .order_by(Document.created_at, Document.id)
    )
    return list(session.scalars(q))


def document_inputs(session: Any, document_id: str) -> tuple[Any, dict, list[Clause] | None]:
    """(IngestedDocument, meta, clauses or None) for one stored document, the same meta the
    pipeline passes when it indexes a freshly processed document."""
    from sqlalchemy import select

    from records.models import ClauseRow, Document, FieldRow
    from records.rows import document_from_rows

    row = session.get(Document, document_id)
    doc = document_from_rows(session, document_id)
    fields = session.scalars(select(FieldRow).where(FieldRow.document_id == document_id))
    meta: dict[str, Any] = {
        "filename": row.filename,
        "doc_type": row.doc_type,
        "subtype": row.subtype or "",
        **{f.name: f.normalized if f.normalized is not None else f.value for f in fields},
    }
    rows = session.scalars(
        select(ClauseRow).where(ClauseRow.document_id == document_id).order_by(ClauseRow.index)
    ).all()
    clauses = [
        Clause(r.index, r.heading or "", r.text, r.page, r.start, r.end, dict(r.labels or {}))
        for r in rows
    ]
    return doc, meta, clauses or None


def reindex_from_db(
    index: Any,
    sessions: Callable[[], Any],
    progress: bool = True,
) -> ReindexReport:
    """Re-index every live contract and drop the rest; one failing document is logged and
    reported, it does not stop the rebuild."""
    from tqdm import tqdm

    report = ReindexReport()
    with sessions() as s:
        ids = live_contract_ids(s)
    live = set(ids)
    for stale in index.keyword.document_ids(SearchFilters()):
        if stale not in live:
            index.delete_document(stale)
            report.removed += 1
    bar = tqdm(ids, desc="reindex", unit="doc", file=sys.stderr, disable=not progress)
    for document_id in bar:
        try:
            with sessions() as s:
                doc, meta, clauses = document_inputs(s, document_id)
            report.chunks += index.index_document(document_id, doc, meta, clauses)
            report.reused_vectors += index.last_reused
            report.documents += 1
        except Exception:  # noqa: BLE001 - reported, the rest must still be rebuilt
            log.exception("re-indexing %s failed", document_id)
            report.failed.append(document_id)
        bar.set_postfix(chunks=report.chunks, refresh=False)
    bar.close()
    return report
