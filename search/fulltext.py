"""Full-text search over every document (title, fields, page text) with highlighted
snippets: the search box everyone gets, beside legal's clause search.

SQLite FTS5 (BM25, porter stemming) in its own file `<data_dir>/fulltext.db`, like the
clause index's keyword part. It is a secondary index kept in step with the database when
it is read: `sync` re-indexes each document whose stamp (its row's `updated_at`, its latest
field correction, its field count) changed and drops deleted ones, so processing,
corrections, re-typing and deletion need no hook, and a lost file rebuilds itself.

Access is not decided here: `search` only returns documents among the ids it is given,
which the caller takes from the same SQL filter as every list (`Principal.document_filter`),
so ranking never leaks what a user may not see and HR stays with hr and admin.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from records.models import Document, FieldRow, PageRow
from search.keyword import _CONTROL_MARKS, _MARK_CLOSE, _MARK_OPEN, query_terms, render_marks

FILENAME = "fulltext.db"
PAGE_BREAK = "\f"
# BM25 weights of the columns: a word in the title or a field says more than one in the text.
WEIGHTS = {"title": 8.0, "fields": 3.0, "body": 1.0}
SNIPPET_TOKENS = {"fields": 12, "body": 24}
SYNC_BATCH = 200  # documents re-indexed per transaction
MAX_RESULTS = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    rowid INTEGER PRIMARY KEY,
    document_id TEXT UNIQUE NOT NULL,
    stamp TEXT NOT NULL,
    title TEXT NOT NULL, fields TEXT NOT NULL, body TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
    title, fields, body, content='docs', content_rowid='rowid', tokenize='porter unicode61'
);
"""


class FullTextError(RuntimeError):
    """The full-text index cannot be read or written (a damaged file, a full disk)."""


@dataclass(frozen=True, slots=True)
class SyncReport:
    indexed: int
    removed: int


@dataclass(frozen=True, slots=True)
class TextHit:
    """One document. The `*_html` parts are escaped text with `<mark>`s (safe to render);
    `page` is the page of the text snippet (1 when the match is in the title or fields)."""

    document_id: str
    score: float
    title_html: str
    fields_html: str | None
    body_html: str | None
    page: int


@dataclass(frozen=True, slots=True)
class TextResults:
    hits: list[TextHit]
    total: int


def _clean(text: str) -> str:
    return _CONTROL_MARKS.sub(" ", text or "")


def _as_text(value: Any) -> str:
    """A field value as words: a list of line items by its descriptions and amounts."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return " ".join(_as_text(v) for v in value.values())
    if isinstance(value, list):
        return " ; ".join(_as_text(v) for v in value)
    return str(value)


def document_text(session: Session, doc: Document) -> tuple[str, str, str]:
    """(title, fields, body) of one stored document as the index holds it."""
    rows = session.scalars(select(FieldRow).where(FieldRow.document_id == doc.id)
                           .order_by(FieldRow.name)).all()
    title_field = next((r.value for r in rows if r.name == "title" and r.value), None)
    title = " — ".join(p for p in (doc.filename, _as_text(title_field)) if p)
    fields = "\n".join(f"{r.name.replace('_', ' ')}: {_as_text(r.value)}"
                       for r in rows if r.value is not None and r.name != "title")
    pages = session.scalars(select(PageRow.text).where(PageRow.document_id == doc.id)
                            .order_by(PageRow.number)).all()
    body = PAGE_BREAK.join(p or "" for p in pages)
    return _clean(title), _clean(fields), _clean(body)


def _stamp(updated: Any, corrected: Any, n_fields: int) -> str:
    return f"{updated.isoformat() if updated else ''}|" \
           f"{corrected.isoformat() if corrected else ''}|{n_fields}"


def match_query(query: str) -> str | None:
    """Every term must occur (AND), quoted so FTS syntax in the box is just text."""
    terms = query_terms(query)
    return " AND ".join(f'"{t}"' for t in terms) if terms else None


def _page_of(body: str, snippet_html: str | None) -> int:
    """The page holding the body snippet: its first words found in the stored text."""
    if not snippet_html:
        return 1
    plain = html.unescape(re.sub(r"</?mark>", "", snippet_html).replace("…", " "))
    words = plain.split()[:6]
    if not words:
        return 1
    m = re.search(r"\s+".join(re.escape(w) for w in words), body)
    return body.count(PAGE_BREAK, 0, m.start()) + 1 if m else 1


class FullTextIndex:
    """One connection guarded by a lock (sqlite3 objects are not thread-safe and the web
    server searches from worker threads)."""

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False,
                                       isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise FullTextError(f"cannot open the full-text index {path}: {exc}") from exc
        self._lock = threading.Lock()
        self._mark: tuple[Any, ...] | None = None  # (documents, latest updated_at) last synced

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def stamps(self) -> dict[str, str]:
        with self._lock:
            return dict(self._db.execute("SELECT document_id, stamp FROM docs").fetchall())

    def sync(self, session: Session) -> SyncReport:
        """Bring the index in step with the database. Nothing changed since the last sync
        (same number of documents, same latest `updated_at`, which every correction, type
        change, decision and deletion moves): one indexed aggregate query, nothing else."""
        mark = tuple(session.execute(select(func.count(Document.id),
                                            func.max(Document.updated_at))).one())
        if mark == self._mark:
            return SyncReport(indexed=0, removed=0)
        report = self._sync(session)
        self._mark = mark
        return report

    def _sync(self, session: Session) -> SyncReport:
        live = {
            doc_id: _stamp(updated, corrected, n)
            for doc_id, updated, corrected, n in session.execute(
                select(Document.id, Document.updated_at, func.max(FieldRow.corrected_at),
                       func.count(FieldRow.id))
                .outerjoin(FieldRow, FieldRow.document_id == Document.id)
                .where(Document.deleted_at.is_(None))
                .group_by(Document.id, Document.updated_at))
        }
        with self._lock:
            have = dict(self._db.execute("SELECT document_id, stamp FROM docs").fetchall())
            gone = [d for d in have if d not in live]
            stale = [d for d, st in live.items() if have.get(d) != st]
            try:
                for k in range(0, len(gone), SYNC_BATCH):
                    self._write(gone[k:k + SYNC_BATCH], [])
                for k in range(0, len(stale), SYNC_BATCH):
                    batch = stale[k:k + SYNC_BATCH]
                    docs = session.scalars(select(Document).where(Document.id.in_(batch))).all()
                    self._write(batch, [(d.id, live[d.id], *document_text(session, d))
                                        for d in docs])
            except sqlite3.Error as exc:
                raise FullTextError(f"full-text indexing failed: {exc}") from exc
        return SyncReport(indexed=len(stale), removed=len(gone))

    def _write(self, drop: Sequence[str], rows: Iterable[tuple[str, str, str, str, str]]
               ) -> None:
        """Replace `drop`'s entries by `rows` in one transaction (lock held)."""
        db = self._db
        db.execute("BEGIN")
        try:
            for doc_id in drop:
                old = db.execute("SELECT rowid, title, fields, body FROM docs"
                                 " WHERE document_id = ?", (doc_id,)).fetchone()
                if old is not None:
                    db.execute("INSERT INTO docs_fts(docs_fts, rowid, title, fields, body)"
                               " VALUES('delete', ?, ?, ?, ?)", old)
                    db.execute("DELETE FROM docs WHERE rowid = ?", (old[0],))
            for doc_id, stamp, title, fields, body in rows:
                cur = db.execute("INSERT INTO docs(document_id, stamp, title, fields, body)"
                                 " VALUES (?, ?, ?, ?, ?)", (doc_id, stamp, title, fields, body))
                db.execute("INSERT INTO docs_fts(rowid, title, fields, body) VALUES (?, ?, ?, ?)",
                           (cur.lastrowid, title, fields, body))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def search(self, query: str, allowed: Sequence[str], limit: int = 50,
               offset: int = 0) -> TextResults:
        """Documents among `allowed` holding every term, best first (BM25 over the
        weighted columns), with the title highlighted and a snippet of the fields and of
        the text where they match."""
        q = match_query(query)
        if q is None or not allowed:
            return TextResults([], 0)
        limit = max(1, min(limit, MAX_RESULTS))
        ids = json.dumps(list(allowed))
        where = ("docs_fts MATCH ? AND d.document_id IN (SELECT value FROM json_each(?))")
        w = WEIGHTS
        sql = (
            "SELECT d.document_id, d.body,"
            f" bm25(docs_fts, {w['title']}, {w['fields']}, {w['body']}) AS score,"
            f" highlight(docs_fts, 0, '{_MARK_OPEN}', '{_MARK_CLOSE}'),"
            f" snippet(docs_fts, 1, '{_MARK_OPEN}', '{_MARK_CLOSE}', '…',"
            f" {SNIPPET_TOKENS['fields']}),"
            f" snippet(docs_fts, 2, '{_MARK_OPEN}', '{_MARK_CLOSE}', '…',"
            f" {SNIPPET_TOKENS['body']})"
            f" FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid WHERE {where}"
            " ORDER BY score LIMIT ? OFFSET ?"
        )
        try:
            with self._lock:
                total = int(self._db.execute(
                    "SELECT count(*) FROM docs_fts JOIN docs d ON d.rowid = docs_fts.rowid"
                    f" WHERE {where}", (q, ids)).fetchone()[0])
                rows = self._db.execute(sql, (q, ids, limit, max(0, offset))).fetchall()
        except sqlite3.Error as exc:
            raise FullTextError(f"full-text search failed: {exc}") from exc
        hits = []
        for doc_id, body, score, title, fields, snippet in rows:
            fields_html = render_marks(fields) if _MARK_OPEN in (fields or "") else None
            body_html = render_marks(snippet.replace(PAGE_BREAK, " ")) \
                if _MARK_OPEN in (snippet or "") else None
            hits.append(TextHit(doc_id, -float(score), render_marks(title), fields_html,
                                body_html, _page_of(body, body_html)))
        return TextResults(hits, total)
