"""Keyword retrieval: SQLite FTS5 with BM25, in its own file `<data_dir>/search.db`.

It uses the stdlib `sqlite3`, not the application database, so keyword search works the same
whatever DATABASE_URL says. With a PostgreSQL deployment this file stays per node: every node
that serves search must index the documents itself (or share the data dir). The `chunks` table
also holds each chunk's text and filter metadata, so it is where hits are rendered from and
where party filters are resolved to document ids for the vector store.
"""

from __future__ import annotations

import html
import json
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
CREATE TABLE IF NOT EXISTS chunk_types (
    chunk_rowid INTEGER NOT NULL, type TEXT NOT NULL, p REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS chunk_types_rank ON chunk_types(type, p DESC);
CREATE INDEX IF NOT EXISTS chunk_types_chunk ON chunk_types(chunk_rowid);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, content='chunks', content_rowid='rowid', tokenize='porter unicode61'
);
"""

_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"

COMMON_DF = 0.10  # OR queries skip terms in more than this share of the chunks...
COMMON_MIN_CHUNKS = 2000  # ...once the index is big enough for it to matter
BROAD_FILTER_CHUNKS = 2000  # filters passing more chunks than this are applied post-hoc
MAX_OVERFETCH = 2000


# A contract's parties list may hold the phrase that defines their collective term
# ('individually a "Party" and collectively the "Parties"', which CUAD lists as a party):
# searchable, but no party to offer as a filter choice.
COLLECTIVE_TERM = re.compile(r"[\"'\u201c\u201d\u2018\u2019]\s*part(?:y|ies)\s*[,.]?"
                             r"[\"'\u201c\u201d\u2018\u2019]", re.IGNORECASE)


def query_terms(query: str) -> list[str]:
    terms = [t for t in re.findall(r"\w+", query.lower()) if t not in STOPWORDS]
    if not terms:
        terms = re.findall(r"\w+", query.lower())
    return list(dict.fromkeys(terms))


def _or(terms: Sequence[str], op: str) -> str:
    return f" {op} ".join(f'"{t}"' for t in terms)


def fts_query(query: str, op: str = "OR") -> str | None:
    """Free text -> an FTS5 query of quoted terms (quoting neutralises FTS syntax)."""
    terms = query_terms(query)
    return _or(terms, op) if terms else None


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
        self._generation = 0  # bumped on every write: invalidates cached counts
        self._df_cache: dict[tuple[str, int], tuple[tuple[int, int], int]] = {}
        self._count: tuple[tuple[int, int], int] | None = None
        self._filter_counts: dict[tuple[str, tuple], tuple[tuple[int, int], int]] = {}

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

    def _state(self) -> tuple[int, int]:
        """Changes whenever the index does, by this connection or another process (call with
        the lock held): the key for cached counts."""
        return self._generation, int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _delete(self, document_id: str) -> None:
        self._generation += 1
        rows = self._db.execute(
            "SELECT rowid, text FROM chunks WHERE document_id = ?", (document_id,)
        ).fetchall()
        self._db.executemany(
            "INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES('delete', ?, ?)", rows
        )
        self._db.executemany(
            "DELETE FROM chunk_types WHERE chunk_rowid = ?", [(r[0],) for r in rows]
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
        self._generation += 1
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
            if c.type_scores:
                self._db.executemany(
                    "INSERT INTO chunk_types(chunk_rowid, type, p) VALUES (?, ?, ?)",
                    [(cur.lastrowid, t, float(p)) for t, p in c.type_scores.items()],
                )

    def _scope(self, query: str, filters: SearchFilters | None
               ) -> tuple[list[str], int | None] | None:
        """The query's terms and how many chunks the filters let through (None: no
        filters); None when nothing can match (no terms, or no chunk passes the filters)."""
        terms = query_terms(query)
        if not terms:
            return None
        allowed = None
        if filters is not None and not filters.is_empty():
            allowed = self.count_matching(filters)
            if allowed == 0:
                return None
        return terms, allowed

    def search(self, query: str, k: int, filters: SearchFilters | None = None) -> list[str]:
        """Chunk ids by BM25, best first.

        Chunks holding all query terms come first (an AND query is also far cheaper: an OR
        of common words makes FTS5 score most of the table); OR matches fill up the rest. The
        OR query leaves out terms found in more than `COMMON_DF` of the chunks: BM25 gives
        them almost no weight, yet scoring their postings is most of the cost.
        """
        scope = self._scope(query, filters)
        if scope is None:
            return []
        terms, allowed = scope
        out: list[str] = []
        queries = [_or(terms, "AND")] if len(terms) > 1 else []
        rare = self._informative(terms)
        if rare and (len(rare) < len(terms) or not queries):
            queries.append(_or(rare, "OR"))
        elif len(terms) > 1:
            queries.append(_or(terms, "OR"))
        for q in queries:
            got = self._match(q, k, filters, allowed)
            out.extend(c for c in got if c not in out)
            if len(out) >= k:
                break
        return out[:k]

    def all_terms(self, query: str, k: int, filters: SearchFilters | None = None) -> list[str]:
        """Chunk ids holding every query term (AND), best first: word-for-word evidence
        for the relevance cut-off (an OR match on one common word is not)."""
        scope = self._scope(query, filters)
        if scope is None:
            return []
        terms, allowed = scope
        return self._match(_or(terms, "AND"), k, filters, allowed)

    def facets(self, document_ids: Sequence[str] | None = None, doc_type: str = "contract",
               max_parties: int = 300) -> dict[str, list[str]]:
        """Values the filters can offer, drawn from the indexed chunks of `document_ids`
        (the documents the user may see; None: all): subtypes, governing laws, clause types
        and parties (the most frequent `max_parties`), each sorted."""
        scope = "doc_type = ?"
        args: list[Any] = [doc_type]
        if document_ids is not None:
            scope += " AND document_id IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(document_ids)))
        with self._lock:
            one = {
                col: [r[0] for r in self._db.execute(
                    f"SELECT DISTINCT {col} FROM chunks WHERE {scope} AND {col} <> ''"
                    f" AND {col} IS NOT NULL", args).fetchall()]
                for col in ("subtype", "governing_law")
            }
            party_rows = self._db.execute(
                f"SELECT DISTINCT document_id, parties FROM chunks WHERE {scope}"
                " AND parties <> '' AND parties IS NOT NULL", args).fetchall()
            type_rows = self._db.execute(
                f"SELECT DISTINCT clause_types FROM chunks WHERE {scope}"
                " AND clause_types <> ''", args).fetchall()
        counts: dict[str, int] = {}
        for _, parties in party_rows:
            for p in {x.strip() for x in parties.split(" | ") if x.strip()}:
                if not COLLECTIVE_TERM.search(p):
                    counts[p] = counts.get(p, 0) + 1
        top = sorted(counts, key=lambda p: (-counts[p], p.lower()))[:max_parties]
        types = {t for (row,) in type_rows for t in row.split(",") if t}
        return {
            "subtypes": sorted(set(one["subtype"]), key=str.lower),
            "laws": sorted({v.strip() for v in one["governing_law"]}, key=str.lower),
            "parties": sorted(top, key=str.lower),
            "clause_types": sorted(types),
        }

    def type_search(
        self, types: Sequence[str], k: int, filters: SearchFilters | None = None,
        probs: dict[str, float] | None = None,
    ) -> list[str]:
        """Chunk ids by the tagger's probability for any of `types` (max over them), best
        first: the clause-type ranked list fused into hybrid search (`probs`, when given,
        receives each returned chunk's probability).

        Per type, an index scan of `(type, p DESC)` stops after k passing rows, so the cost
        does not grow with the index; narrow filters make SQLite start from the filtered
        chunks instead (the planner picks).
        """
        if not types or k <= 0:
            return []
        where, args = filter_sql(filters)
        best: dict[str, float] = {}
        with self._lock:
            for t in dict.fromkeys(types):
                rows = self._db.execute(
                    "SELECT c.chunk_id, t.p FROM chunk_types t JOIN chunks c"
                    f" ON c.rowid = t.chunk_rowid WHERE t.type = ?{where}"
                    " ORDER BY t.p DESC LIMIT ?",
                    [t, *args, k],
                ).fetchall()
                for cid, p in rows:
                    if p > best.get(cid, -1.0):
                        best[cid] = p
        top = sorted(best, key=lambda c: -best[c])[:k]
        if probs is not None:
            probs.update((c, best[c]) for c in top)
        return top

    def _informative(self, terms: list[str]) -> list[str]:
        """The terms whose document frequency is below COMMON_DF of the index (all of them
        for small indexes, where scoring everything is cheap anyway); the rarest term when
        every term is common, so an OR query still ranks something."""
        total = self.count()
        if total < COMMON_MIN_CHUNKS:
            return terms
        cap = int(total * COMMON_DF)
        dfs = {t: self._df_capped(t, cap) for t in terms}
        rare = [t for t in terms if dfs[t] <= cap]
        return rare or [min(terms, key=lambda t: dfs[t])]

    def _df_capped(self, term: str, cap: int) -> int:
        """min(df(term), cap + 1): counting stops after cap + 1 postings, so this stays cheap
        for very common terms (no stemmer needed: FTS5 applies its own)."""
        key = (term, cap)
        with self._lock:
            state = self._state()
            hit = self._df_cache.get(key)
            if hit is not None and hit[0] == state:
                return hit[1]
            row = self._db.execute(
                "SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)",
                (f'"{term}"', cap + 1),
            ).fetchone()
            if len(self._df_cache) > 4096:
                self._df_cache.clear()
            self._df_cache[key] = (state, int(row[0]))
            return int(row[0])

    def _match(
        self, q: str, k: int, filters: SearchFilters | None, allowed: int | None
    ) -> list[str]:
        """Top-k ids for an FTS5 query.

        Unfiltered, the query runs on the FTS table alone with `ORDER BY rank LIMIT k`, which
        FTS5 evaluates without a join per match. With broad filters it over-fetches that way
        and filters afterwards; narrow filters (or an over-fetch that came up short) use the
        join, whose cost is bounded by the matches.
        """
        if allowed is None:
            sql = (
                "SELECT c.chunk_id FROM (SELECT rowid, rank FROM chunks_fts"
                " WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?) f"
                " JOIN chunks c ON c.rowid = f.rowid ORDER BY f.rank"
            )
            with self._lock:
                return [r[0] for r in self._db.execute(sql, [q, k]).fetchall()]
        where, args = filter_sql(filters)
        total = max(1, self.count())
        if allowed > BROAD_FILTER_CHUNKS:
            fetch = min(MAX_OVERFETCH, int(k * 2 * total / allowed) + k)
            sql = (
                "SELECT c.chunk_id FROM (SELECT rowid, rank FROM chunks_fts"
                " WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?) f"
                f" JOIN chunks c ON c.rowid = f.rowid WHERE 1=1{where} ORDER BY f.rank"
            )
            with self._lock:
                cur = self._db.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ?"
                    " LIMIT ?)",
                    [q, fetch],
                )
                matched = int(cur.fetchone()[0])
                rows = self._db.execute(sql, [q, fetch, *args]).fetchall()
            if len(rows) >= k or matched < fetch:
                return [r[0] for r in rows[:k]]
        sql = (
            "SELECT c.chunk_id FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid"
            f" WHERE chunks_fts MATCH ?{where} ORDER BY bm25(chunks_fts) LIMIT ?"
        )
        with self._lock:
            rows = self._db.execute(sql, [q, *args, k]).fetchall()
        return [r[0] for r in rows]

    def count_matching(self, filters: SearchFilters) -> int:
        """How many chunks pass the filters (chooses the retrieval strategies); a table scan,
        so cached until the index changes."""
        where, args = filter_sql(filters)
        key = (where, tuple(args))
        with self._lock:
            state = self._state()
            hit = self._filter_counts.get(key)
            if hit is not None and hit[0] == state:
                return hit[1]
            row = self._db.execute(f"SELECT count(*) FROM chunks c WHERE 1=1{where}", args)
            n = int(row.fetchone()[0])
            if len(self._filter_counts) > 1024:
                self._filter_counts.clear()
            self._filter_counts[key] = (state, n)
            return n

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
            state = self._state()
            if self._count is None or self._count[0] != state:
                n = int(self._db.execute("SELECT count(*) FROM chunks").fetchone()[0])
                self._count = (state, n)
            return self._count[1]
