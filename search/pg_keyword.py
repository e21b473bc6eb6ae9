"""Keyword retrieval in PostgreSQL full-text search, for deployments on several machines.

With `DATABASE_URL` on PostgreSQL the keyword index lives in that database, not in a SQLite
file per node: every web node and worker reads and writes the same chunks, so a document
indexed (or corrected) on one node is found by keyword from any other. Same interface and
filters as `search.keyword.KeywordIndex` (FTS5): chunks with their filter metadata in
`search_chunks`, a stored `tsvector` column with a GIN index, `ts_rank_cd` for the ranking,
and the tagger's clause-type scores in `search_chunk_types`. Like FTS5 with the porter
tokenizer, the `english` configuration stems; chunks holding all query terms come first,
then chunks holding any.

The tables are the search layer's own (as `search.db` is on SQLite): created on first use
under the database's set-up lock, not by the application's migrations.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, bindparam, text

from records.db import get_engine, setup_lock
from search.chunking import Chunk
from search.keyword import _MARK_CLOSE, _MARK_OPEN, query_terms, render_marks
from search.types import SearchFilters, date_key

TS_CONFIG = "english"
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS search_chunks (
        id BIGSERIAL PRIMARY KEY,
        chunk_id TEXT UNIQUE NOT NULL,
        document_id TEXT NOT NULL,
        filename TEXT, doc_type TEXT, subtype TEXT, parties TEXT, governing_law TEXT,
        clause_types TEXT, page INTEGER, chunk_index INTEGER, char_start INTEGER,
        char_end INTEGER, effective_date INTEGER, agreement_date INTEGER, text TEXT NOT NULL,
        tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', text)) STORED
    )""",
    "CREATE INDEX IF NOT EXISTS search_chunks_tsv ON search_chunks USING GIN (tsv)",
    "CREATE INDEX IF NOT EXISTS search_chunks_document ON search_chunks (document_id)",
    """CREATE TABLE IF NOT EXISTS search_chunk_types (
        chunk_id BIGINT NOT NULL REFERENCES search_chunks(id) ON DELETE CASCADE,
        type TEXT NOT NULL, p REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS search_chunk_types_rank ON search_chunk_types (type, p DESC)",
    "CREATE INDEX IF NOT EXISTS search_chunk_types_chunk ON search_chunk_types (chunk_id)",
)
_COLUMNS = ("chunk_id", "document_id", "filename", "doc_type", "subtype", "parties",
            "governing_law", "clause_types", "page", "chunk_index", "char_start", "char_end",
            "effective_date", "agreement_date", "text")
_ROW_COLUMNS = ", ".join(f"c.{c}" for c in _COLUMNS)
_HEADLINE_OPTIONS = f"StartSel={_MARK_OPEN}, StopSel={_MARK_CLOSE}, HighlightAll=true"


def filter_sql(f: SearchFilters | None) -> tuple[str, dict[str, Any]]:
    """SQL conditions over `c` (search_chunks) for the filters: `keyword.filter_sql`'s
    meaning, written for PostgreSQL with named parameters."""
    if f is None:
        return "", {}
    cond: list[str] = []
    args: dict[str, Any] = {}
    for col, val in (("doc_type", f.doc_type), ("subtype", f.subtype),
                     ("governing_law", f.governing_law)):
        if val:
            cond.append(f"lower(c.{col}) = lower(:f_{col})")
            args[f"f_{col}"] = val
    if f.party:
        cond.append("strpos(lower(c.parties), lower(:f_party)) > 0")
        args["f_party"] = f.party
    if f.clause_type:
        cond.append("strpos(',' || coalesce(c.clause_types, '') || ',', "
                    "',' || :f_clause || ',') > 0")
        args["f_clause"] = f.clause_type
    for col, lo, hi in (("effective_date", f.effective_from, f.effective_to),
                        ("agreement_date", f.agreement_from, f.agreement_to)):
        if date_key(lo) is not None:
            cond.append(f"c.{col} >= :f_{col}_lo")
            args[f"f_{col}_lo"] = date_key(lo)
        if date_key(hi) is not None:
            cond.append(f"c.{col} <= :f_{col}_hi")
            args[f"f_{col}_hi"] = date_key(hi)
    if f.document_ids is not None:
        cond.append("c.document_id = ANY(:f_ids)")
        args["f_ids"] = list(f.document_ids)
    return (" AND " + " AND ".join(cond)) if cond else "", args


def _tsquery(terms: Sequence[str], op: str) -> tuple[str, dict[str, Any]]:
    """`plainto_tsquery` per term (no query syntax reaches PostgreSQL) joined by && or ||."""
    args = {f"t{i}": t for i, t in enumerate(terms)}
    joined = f" {op} ".join(f"plainto_tsquery('{TS_CONFIG}', :t{i})" for i in range(len(terms)))
    return f"({joined})", args


class PgKeywordIndex:
    """The keyword index in PostgreSQL; thread-safe (pooled connections)."""

    _ready: set[str] = set()
    _ready_lock = threading.Lock()

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = get_engine(url)
        with self._ready_lock:
            if url not in self._ready:
                with setup_lock(url), self.engine.begin() as conn:
                    for stmt in _SCHEMA:
                        conn.execute(text(stmt))
                self._ready.add(url)

    def close(self) -> None:
        return None  # the engine is the application's, shared

    # ------------------------------------------------------------------ writing
    def chunk_ids(self, document_id: str) -> list[str]:
        with self.engine.connect() as conn:
            return list(conn.scalars(text(
                "SELECT chunk_id FROM search_chunks WHERE document_id = :d"), {"d": document_id}))

    def delete_document(self, document_id: str) -> None:
        with self.engine.begin() as conn:
            self._delete(conn, document_id)

    @staticmethod
    def _delete(conn: Any, document_id: str) -> None:
        conn.execute(text("DELETE FROM search_chunks WHERE document_id = :d"), {"d": document_id})

    def replace_document(self, document_id: str, chunks: Iterable[Chunk]) -> None:
        """Atomically swap a document's chunks (idempotent re-indexing, from any node)."""
        with self.engine.begin() as conn:
            # Two nodes re-indexing the same document at once: one after the other.
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:d))"), {"d": document_id})
            self._delete(conn, document_id)
            self._insert(conn, chunks)

    def add_chunks(self, chunks: Iterable[Chunk]) -> None:
        with self.engine.begin() as conn:
            self._insert(conn, chunks)

    @staticmethod
    def _insert(conn: Any, chunks: Iterable[Chunk]) -> None:
        insert = text(f"INSERT INTO search_chunks ({', '.join(_COLUMNS)}) VALUES "
                      f"({', '.join(':' + c for c in _COLUMNS)}) RETURNING id")
        for c in chunks:
            m = c.metadata
            values = {col: m.get(col) for col in _COLUMNS}
            values.update(chunk_id=c.chunk_id, document_id=m["document_id"], text=c.text,
                          clause_types=m.get("clause_types", ""))
            rowid = conn.execute(insert, values).scalar_one()
            if c.type_scores:
                conn.execute(text("INSERT INTO search_chunk_types (chunk_id, type, p) "
                                  "VALUES (:r, :t, :p)"),
                             [{"r": rowid, "t": t, "p": float(p)}
                              for t, p in c.type_scores.items()])

    # ------------------------------------------------------------------ reading
    def search(self, query: str, k: int, filters: SearchFilters | None = None) -> list[str]:
        """Chunk ids by `ts_rank_cd`, best first: chunks with every term, then with any."""
        terms = query_terms(query)
        if not terms:
            return []
        where, fargs = filter_sql(filters)
        out: list[str] = []
        ops = ["&&", "||"] if len(terms) > 1 else ["&&"]
        with self.engine.connect() as conn:
            for op in ops:
                q, qargs = _tsquery(terms, op)
                rows = conn.execute(text(
                    f"SELECT c.chunk_id FROM search_chunks c, (SELECT {q} AS q) x"
                    f" WHERE c.tsv @@ x.q{where}"
                    " ORDER BY ts_rank_cd(c.tsv, x.q) DESC, c.id LIMIT :k"),
                    {**qargs, **fargs, "k": k}).scalars()
                out.extend(c for c in rows if c not in out)
                if len(out) >= k:
                    break
        return out[:k]

    def type_search(self, types: Sequence[str], k: int,
                    filters: SearchFilters | None = None) -> list[str]:
        """Chunk ids by the tagger's probability for any of `types` (max over them)."""
        if not types or k <= 0:
            return []
        where, args = filter_sql(filters)
        best: dict[str, float] = {}
        with self.engine.connect() as conn:
            for t in dict.fromkeys(types):
                rows = conn.execute(text(
                    "SELECT c.chunk_id, t.p FROM search_chunk_types t JOIN search_chunks c"
                    f" ON c.id = t.chunk_id WHERE t.type = :type{where}"
                    " ORDER BY t.p DESC LIMIT :k"), {**args, "type": t, "k": k})
                for cid, p in rows:
                    if p > best.get(cid, -1.0):
                        best[cid] = p
        return sorted(best, key=lambda c: -best[c])[:k]

    def count_matching(self, filters: SearchFilters) -> int:
        where, args = filter_sql(filters)
        with self.engine.connect() as conn:
            return int(conn.scalar(text(f"SELECT count(*) FROM search_chunks c WHERE true{where}"),
                                   args) or 0)

    def keep_matching(self, chunk_ids: Sequence[str], filters: SearchFilters) -> set[str]:
        if not chunk_ids:
            return set()
        where, args = filter_sql(filters)
        with self.engine.connect() as conn:
            return set(conn.scalars(text(
                f"SELECT c.chunk_id FROM search_chunks c WHERE c.chunk_id = ANY(:ids){where}"),
                {**args, "ids": list(chunk_ids)}))

    def document_ids(self, filters: SearchFilters) -> list[str]:
        where, args = filter_sql(filters)
        with self.engine.connect() as conn:
            return list(conn.scalars(text(
                f"SELECT DISTINCT c.document_id FROM search_chunks c WHERE true{where}"), args))

    def rows(self, chunk_ids: Sequence[str], query: str) -> dict[str, dict[str, Any]]:
        """Stored chunk rows by id, each with `highlighted` HTML for the query."""
        if not chunk_ids:
            return {}
        terms = query_terms(query)
        if terms:
            q, qargs = _tsquery(terms, "||")
            marked = f"ts_headline('{TS_CONFIG}', c.text, {q}, :opts)"
            qargs["opts"] = _HEADLINE_OPTIONS
        else:
            marked, qargs = "c.text", {}
        stmt = text(f"SELECT {_ROW_COLUMNS}, {marked} AS marked FROM search_chunks c"
                    " WHERE c.chunk_id IN :ids").bindparams(bindparam("ids", expanding=True))
        with self.engine.connect() as conn:
            got = conn.execute(stmt, {**qargs, "ids": list(chunk_ids)}).mappings().all()
        out: dict[str, dict[str, Any]] = {}
        for r in got:
            row = {c: r[c] for c in _COLUMNS}
            row["highlighted"] = render_marks(r["marked"])
            out[row["chunk_id"]] = row
        return out

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(text("SELECT count(*) FROM search_chunks")) or 0)


def open_keyword_index(data_dir: Any, database_url: str | None) -> Any:
    """PostgreSQL full-text when the database is PostgreSQL, else the SQLite FTS5 file."""
    from sqlalchemy import make_url

    from search.keyword import KeywordIndex

    if database_url and make_url(database_url).get_backend_name() == "postgresql":
        return PgKeywordIndex(database_url)
    return KeywordIndex(data_dir / "search.db")
