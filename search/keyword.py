"""Keyword retrieval: SQLite FTS5 with BM25, in its own file `<data_dir>/search.db`.

It uses the stdlib `sqlite3`, not the application database, so keyword search works the same
whatever DATABASE_URL says. With a PostgreSQL deployment this file stays per node: every node
that serves search must index the documents itself (or share the data dir). The `chunks` table
also holds each chunk's text and filter metadata, so it is where hits are rendered from and
where party filters are resolved to document ids for the vector store.
"""

from __future__ import annotations

import html
import re
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from search.chunking import Chunk
from search.types import SearchFilters, date_key

# Words that carry no meaning for BM25 in contract queries; dropping them keeps OR-queries
# from matching every chunk.
STOPWORDS = frozenset(
    """a an and any are as at be by for from has have in into is it its of on or such that the
    their there these this those to was were which will with shall may must upon""".split()
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY,
    chunk_id TEXT UNIQUE NOT NULL,
    document_id TEXT NOT NULL,
    filename TEXT, doc_type TEXT, subtype TEXT, parties TEXT, governing_law TEXT,
    clause_types TEXT, page INTEGER, chunk_index INTEGER, char_start INTEGER, char_end INTEGER,
    effective_date INTEGER, agreement_date INTEGER, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_document ON chunks(document_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, content='chunks', content_rowid='rowid', tokenize='porter unicode61'
);
"""

_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"


def query_terms(query: str) -> list[str]:
    terms = [t for t in re.findall(r"\w+", query.lower()) if t not in STOPWORDS]
    if not terms:
        terms = re.findall(r"\w+", query.lower())
    return list(dict.fromkeys(terms))


def fts_query(query: str, op: str = "OR") -> str | None:
    """Free text -> an FTS5 query of quoted terms (quoting neutralises FTS syntax)."""
    terms = query_terms(query)
    return f" {op} ".join(f'"{t}"' for t in terms) if terms else None


def render_marks(marked: str) -> str:
    """HTML-escape text whose matches are wrapped in \\x02..\\x03, then turn those into <mark>."""
    return (
        html.escape(marked, quote=True)
        .replace(_MARK_OPEN, "<mark>")
        .replace(_MARK_CLOSE, "</mark>")
    )


def highlight_terms(text: str, query: str) -> str:
    """Highlight without FTS5 (rows not in the local SQLite): whole words sharing a prefix
    with a query term (a crude stand-in for the porter stemmer), HTML-escaped."""
    terms = [t for t in re.findall(r"\w+", query.lower()) if t not in STOPWORDS]
    stems = {t[: max(4, len(t) - 3)] for t in terms}
    if not stems:
        return html.escape(text, quote=True)

    def mark(m: re.Match[str]) -> str:
        w = m.group(0).lower()
        hit = any(w.startswith(s) or (len(w) >= 4 and s.startswith(w)) for s in stems)
        return f"{_MARK_OPEN}{m.group(0)}{_MARK_CLOSE}" if hit else m.group(0)

    return render_marks(re.sub(r"\w+", mark, _CONTROL_MARKS.sub(" ", text)))


_CONTROL_MARKS = re.compile("[\x02\x03]")


def filter_sql(f: SearchFilters | None) -> tuple[str, list[Any]]:
    """SQL conditions over `c` (the chunks table) for the filters."""
    if f is None:
        return "", []
    cond: list[str] = []
    args: list[Any] = []
    for col, val in (("doc_type", f.doc_type), ("subtype", f.subtype)):
        if val:
            cond.append(f"lower(c.{col}) = lower(?)")
            args.append(val)
    if f.governing_law:
        cond.append("lower(c.governing_law) = lower(?)")
        args.append(f.governing_law)
    if f.party:
        cond.append("instr(lower(c.parties), lower(?)) > 0")
        args.append(f.party)
    if f.clause_type:
        cond.append("instr(',' || c.clause_types || ',', ',' || ? || ',') > 0")
        args.append(f.clause_type)
    for col, lo, hi in (
        ("effective_date", f.effective_from, f.effective_to),
        ("agreement_date", f.agreement_from, f.agreement_to),
    ):
        if date_key(lo) is not None:
            cond.append(f"c.{col} >= ?")
            args.append(date_key(lo))
        if date_key(hi) is not None:
            cond.append(f"c.{col} <= ?")
            args.append(date_key(hi))
    if f.document_ids is not None:
        cond.append(f"c.document_id IN ({','.join('?' * len(f.document_ids)) or 'NULL'})")
        args.extend(f.document_ids)
    return (" AND " + " AND ".join(cond)) if cond else "", args


class KeywordIndex:
    """FTS5 index of chunks; one connection guarded by a lock (sqlite3 objects are not
    thread-safe, and the web server searches from worker threads)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def chunk_ids(self, document_id: str) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT chunk_id FROM chunks WHERE document_id = ?", (document_id,)
            ).fetchall()
        return [r[0] for r in rows]

    def delete_document(self, document_id: str) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._delete(document_id)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _delete(self, document_id: str) -> None:
        rows = self._db.execute(
            "SELECT rowid, text FROM chunks WHERE document_id = ?", (document_id,)
        ).fetchall()
        self._db.executemany(
            "INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES('delete', ?, ?)", rows
        )
        self._db.execute("DELETE FROM chunks WHERE document_id = ?", (document_id,))

    def replace_document(self, document_id: str, chunks: Iterable[Chunk]) -> None:
        """Atomically swap a document's chunks (idempotent re-indexing)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._delete(document_id)
                self._insert(chunks)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def add_chunks(self, chunks: Iterable[Chunk]) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._insert(chunks)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _insert(self, chunks: Iterable[Chunk]) -> None:
        for c in chunks:
            m = c.metadata
            cur = self._db.execute(
                "INSERT INTO chunks(chunk_id, document_id, filename, doc_type, subtype, parties,"
                " governing_law, clause_types, page, chunk_index, char_start, char_end,"
                " effective_date, agreement_date, text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    c.chunk_id,
                    m["document_id"],
                    m.get("filename"),
                    m.get("doc_type"),
                    m.get("subtype"),
                    m.get("parties"),
                    m.get("governing_law"),
                    m.get("clause_types", ""),
                    m.get("page"),
                    m.get("chunk_index"),
                    m.get("char_start"),
                    m.get("char_end"),
                    m.get("effective_date"),
                    m.get("agreement_date"),
                    c.text,
                ),
            )
            self._db.execute(
                "INSERT INTO chunks_fts(rowid, text) VALUES (?, ?)", (cur.lastrowid, c.text)
            )

    def search(self, query: str, k: int, filters: SearchFilters | None = None) -> list[str]:
        """Chunk ids by BM25, best first.

        Chunks holding all query terms come first (an AND query is also far cheaper: an OR
        of common words makes FTS5 score most of the table); OR matches fill up the rest.
        """
        terms = query_terms(query)
        if not terms:
            return []
        out: list[str] = []
        ops = ("AND", "OR") if len(terms) > 1 else ("OR",)
        for op in ops:
            got = self._match(fts_query(query, op) or "", k, filters)
            out.extend(c for c in got if c not in out)
            if len(out) >= k:
                break
        return out[:k]

    def _match(self, q: str, k: int, filters: SearchFilters | None) -> list[str]:
        where, args = filter_sql(filters)
        sql = (
            "SELECT c.chunk_id FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid"
            f" WHERE chunks_fts MATCH ?{where} ORDER BY bm25(chunks_fts) LIMIT ?"
        )
        with self._lock:
            rows = self._db.execute(sql, [q, *args, k]).fetchall()
        return [r[0] for r in rows]

    def count_matching(self, filters: SearchFilters) -> int:
        """How many chunks pass the filters (chooses the vector-search strategy)."""
        where, args = filter_sql(filters)
        with self._lock:
            row = self._db.execute(f"SELECT count(*) FROM chunks c WHERE 1=1{where}", args)
            return int(row.fetchone()[0])

    def keep_matching(self, chunk_ids: Sequence[str], filters: SearchFilters) -> set[str]:
        """The subset of chunk_ids that pass the filters."""
        if not chunk_ids:
            return set()
        where, args = filter_sql(filters)
        marks = ",".join("?" * len(chunk_ids))
        with self._lock:
            rows = self._db.execute(
                f"SELECT c.chunk_id FROM chunks c WHERE c.chunk_id IN ({marks}){where}",
                [*chunk_ids, *args],
            ).fetchall()
        return {r[0] for r in rows}

    def document_ids(self, filters: SearchFilters) -> list[str]:
        """Documents that satisfy the filters (used to narrow the vector search by party)."""
        where, args = filter_sql(filters)
        with self._lock:
            rows = self._db.execute(
                f"SELECT DISTINCT c.document_id FROM chunks c WHERE 1=1{where}", args
            ).fetchall()
        return [r[0] for r in rows]

    def rows(self, chunk_ids: Sequence[str], query: str) -> dict[str, dict[str, Any]]:
        """Stored chunk rows by id, each with `highlighted` HTML for the query."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        with self._lock:
            cur = self._db.execute(
                f"SELECT * FROM chunks c WHERE c.chunk_id IN ({marks})", chunk_ids
            )
            cols = [d[0] for d in cur.description]
            rows = {r[1]: dict(zip(cols, r, strict=True)) for r in cur.fetchall()}
            q = fts_query(query)
            marked: dict[int, str] = {}
            if q is not None and rows:
                rowids = [r["rowid"] for r in rows.values()]
                hl = self._db.execute(
                    "SELECT rowid, highlight(chunks_fts, 0, ?, ?) FROM chunks_fts"
                    f" WHERE chunks_fts MATCH ? AND rowid IN ({','.join('?' * len(rowids))})",
                    [_MARK_OPEN, _MARK_CLOSE, q, *rowids],
                ).fetchall()
                marked = dict(hl)
        for r in rows.values():
            r["highlighted"] = render_marks(marked.get(r["rowid"], r["text"]))
        return rows

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM chunks").fetchone()[0])
