"""Hybrid clause search: chroma (MiniLM vectors) + SQLite FTS5 (BM25), fused by RRF.

When the clause tagger maps the query to clause types ("right of first refusal" ->
rofr_rofo_rofn), a third ranked list joins the fusion: chunks ordered by the tagger's
probability for those types, scored per chunk at index time. Contract language that shares
neither words nor embedding neighbourhood with a lawyer's query (a volume cap phrased as
"up to two photo sessions per License Year") is often still recognised by the tagger.
An index built before chunks had type scores simply has an empty list (search behaves as
before) until `backoffice search --reindex`, which reuses the stored vectors.

Both retrievers hold the same chunk ids. The vector store is a chromadb `PersistentClient`
under `<data_dir>/chroma`, or a chroma server (`BACKOFFICE_CHROMA_URL`) when several nodes
share one index; it is driven through `langchain_chroma.Chroma`. The SQLite side is the
source of chunk text and metadata for rendering hits.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
from chromadb.config import Settings

from extractors.types import Clause
from ingest.types import IngestedDocument
from search.chunking import CLAUSE_LABEL_MIN, Chunk, make_chunks
from search.embeddings import MiniLMChromaEF, MiniLMEmbeddings
from search.encoder import DIM, MiniLMEncoder, get_encoder
from search.keyword import KeywordIndex, highlight_terms
from search.pg_keyword import PgKeywordIndex, open_keyword_index
from search.types import SearchFilters, SearchHit, date_key

log = logging.getLogger(__name__)

COLLECTION = "contract_chunks"
RRF_K = 60
MODES = ("hybrid", "semantic", "keyword")
ADD_BATCH = 512
BROAD_FILTER_CHUNKS = 2000  # filters passing more chunks than this are applied post-hoc
MAX_OVERFETCH = 1000
TYPE_LIST_WEIGHT = 1.0  # RRF weight of the clause-type list (semantic and keyword weigh 1)
# The relevance cut-off (`search(..., relevant_only=True)`): RRF ranks say nothing about
# whether the 20th hit is still about the query, so a hit must bring evidence of its own:
# every query word (BM25 AND match), or a cosine similarity to the query of at least
# SEMANTIC_MIN (MiniLM; set before measuring, not fitted), or the clause tagger's
# probability for a clause type the query names at its tagging threshold (CLAUSE_LABEL_MIN).
SEMANTIC_MIN = 0.40
MAX_RELEVANT = 50


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="search-kw")
        return _POOL


_QUERY_TYPES: dict[tuple[int, str], list[str]] = {}


def query_clause_types(query: str) -> list[str]:
    """Clause types the query asks for, most likely first: the clause tagger applied to the
    query itself at its own threshold (no hand-kept query table to drift from the tagger).
    Cached per model and query; [] when no tagger is installed or none clears it."""
    try:
        from extractors.clauses import load_model, tag_texts

        bundle = load_model()
    except Exception:
        return []
    key = (id(bundle), query)
    got = _QUERY_TYPES.get(key)
    if got is None:
        try:
            labels = tag_texts([query], bundle)[0]
        except Exception:
            log.exception("tagging the query failed")
            labels = {}
        got = sorted(labels, key=lambda t: -labels[t])
        if len(_QUERY_TYPES) > 4096:
            _QUERY_TYPES.clear()
        _QUERY_TYPES[key] = got
    return got


def chroma_where(f: SearchFilters | None, party_docs: list[str] | None) -> dict | None:
    """Chroma metadata filter equivalent to `keyword.filter_sql` (party resolved to ids)."""
    if f is None:
        return None
    cond: list[dict[str, Any]] = []
    for key, val in (("doc_type", f.doc_type), ("subtype", f.subtype)):
        if val:
            cond.append({key: val.lower()})
    if f.governing_law:
        cond.append({"governing_law_lc": f.governing_law.lower()})
    if f.clause_type:
        cond.append({f"ct_{f.clause_type}": True})
    for key, lo, hi in (
        ("effective_date", f.effective_from, f.effective_to),
        ("agreement_date", f.agreement_from, f.agreement_to),
    ):
        if date_key(lo) is not None:
            cond.append({key: {"$gte": date_key(lo)}})
        if date_key(hi) is not None:
            cond.append({key: {"$lte": date_key(hi)}})
    ids = f.document_ids
    if party_docs is not None:
        ids = [d for d in party_docs if ids is None or d in ids]
    if ids is not None:
        cond.append({"document_id": {"$in": list(ids) or ["\x00none"]}})
    if not cond:
        return None
    return cond[0] if len(cond) == 1 else {"$and": cond}


def _chroma_metadata(md: dict[str, Any]) -> dict[str, Any]:
    """Chunk metadata as stored in chroma: lower-cased keys for equality filters."""
    out = {k: v for k, v in md.items() if v is not None and v != ""}
    for key in ("doc_type", "subtype"):
        if key in out:
            out[key] = str(out[key]).lower()
    if "governing_law" in out:
        out["governing_law_lc"] = str(out["governing_law"]).lower()
    return out


def _make_client(data_dir: Path, chroma_url: str | None) -> Any:
    import chromadb

    settings = Settings(anonymized_telemetry=False)
    if chroma_url:
        u = urlparse(chroma_url)
        return chromadb.HttpClient(
            host=u.hostname or "localhost",
            port=u.port or (443 if u.scheme == "https" else 8000),
            ssl=u.scheme == "https",
            settings=settings,
        )
    path = data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class SearchIndex:
    """Index and search contract chunks. Safe to share between threads."""

    def __init__(
        self,
        data_dir: Path,
        chroma_url: str | None = None,
        encoder: MiniLMEncoder | None = None,
        database_url: str | None = None,
    ) -> None:
        from langchain_chroma import Chroma

        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if chroma_url is None:
            chroma_url = os.environ.get("BACKOFFICE_CHROMA_URL") or None
        self.encoder = encoder or get_encoder(self.data_dir / "models")
        if database_url is None:
            database_url = os.environ.get("DATABASE_URL") or None
        # PostgreSQL full-text in the shared database, or the SQLite FTS5 file of this node
        self.keyword: KeywordIndex | PgKeywordIndex = open_keyword_index(self.data_dir,
                                                                         database_url)
        self._client = _make_client(self.data_dir, chroma_url)
        # Created here with our embedding function so chroma never picks its default one.
        self._collection = self._client.get_or_create_collection(
            name=COLLECTION,
            embedding_function=MiniLMChromaEF(self.encoder),
            configuration={"hnsw": {"space": "cosine"}},
        )
        self.store = Chroma(
            client=self._client,
            collection_name=COLLECTION,
            embedding_function=MiniLMEmbeddings(self.encoder),
        )
        self._write_lock = threading.Lock()
        self.last_reused = 0  # vectors reused by the last index_document (for tests/logs)

    # ------------------------------------------------------------------ writing
    def index_document(
        self,
        document_id: str,
        doc: IngestedDocument,
        meta: dict,
        clauses: list[Clause] | None = None,
    ) -> int:
        """Replace the document's chunks in both indexes; returns the chunk count.

        Embedding is most of the cost, so vectors of chunk texts the document already had
        (a re-index after a field correction, `search --reindex`) are reused, identical texts
        are embedded once, and embedding runs outside the write lock so that documents
        indexed from several threads embed in parallel.
        """
        chunks = make_chunks(document_id, doc, meta, clauses)
        vectors = self.embed_chunks(document_id, chunks)
        with self._write_lock:
            self._delete_vectors(document_id)
            self._add_vectors(chunks, vectors)
            self.keyword.replace_document(document_id, chunks)
        return len(chunks)

    def embed_chunks(self, document_id: str, chunks: list[Chunk]) -> np.ndarray:
        """Vectors for the chunks, reusing those stored for the same text of this document."""
        known: dict[str, Any] = {}
        if chunks:
            old = self._collection.get(
                where={"document_id": document_id}, include=["documents", "embeddings"]
            )
            docs, embs = old.get("documents"), old.get("embeddings")
            if docs is not None and embs is not None:
                known = {t: e for t, e in zip(docs, embs, strict=True) if t}
        todo = list(dict.fromkeys(c.text for c in chunks if c.text not in known))
        fresh = dict(zip(todo, self.encoder.encode(todo), strict=True)) if todo else {}
        out = np.zeros((len(chunks), DIM), dtype=np.float32)
        for i, c in enumerate(chunks):
            out[i] = fresh[c.text] if c.text in fresh else known[c.text]
        self.last_reused = len(chunks) - sum(1 for c in chunks if c.text in fresh)
        return out

    def delete_document(self, document_id: str) -> None:
        with self._write_lock:
            self._delete_vectors(document_id)
            self.keyword.delete_document(document_id)

    def _delete_vectors(self, document_id: str) -> None:
        ids = self.store.get(where={"document_id": document_id}, include=[])["ids"]
        if ids:
            self.store.delete(ids=ids)

    def _add_vectors(self, chunks: list[Chunk], embeddings: Any = None) -> None:
        for s in range(0, len(chunks), ADD_BATCH):
            part = chunks[s : s + ADD_BATCH]
            texts = [c.text for c in part]
            metas = [_chroma_metadata(c.metadata) for c in part]
            ids = [c.chunk_id for c in part]
            if embeddings is None:
                self.store.add_texts(texts, metadatas=metas, ids=ids)
            else:  # precomputed vectors (benchmarks)
                self._collection.upsert(
                    ids=ids,
                    embeddings=np.asarray(embeddings[s : s + ADD_BATCH], dtype=np.float32),
                    metadatas=metas,
                    documents=texts,
                )

    def add_chunks(self, chunks: list[Chunk], embeddings: Any = None) -> None:
        """Bulk insert of prepared chunks (no per-document replace); for benchmarks/rebuilds."""
        with self._write_lock:
            self._add_vectors(chunks, embeddings)
            self.keyword.add_chunks(chunks)

    # ------------------------------------------------------------------ reading
    def semantic_ids(self, query: str, n: int, filters: SearchFilters | None = None,
                     sims: dict[str, float] | None = None) -> list[str]:
        """Chunk ids by cosine similarity, best first.

        chroma's metadata filtering costs time proportional to the rows that pass (~0.5 s at
        100k chunks for a filter passing a third of them), so broad filters are applied after
        an over-fetching unfiltered HNSW query; narrow ones (a contract, a party) go to chroma.
        `sims`, when given, receives each returned chunk's cosine similarity to the query.
        """
        vec = self.encoder.encode([query])[0].tolist()
        if filters is None or filters.is_empty():
            return self._vector_query(vec, n, None, sims)
        allowed = self.keyword.count_matching(filters)
        if allowed == 0:
            return []
        total = max(1, self.keyword.count())
        if allowed > BROAD_FILTER_CHUNKS:
            fetch = min(total, MAX_OVERFETCH, int(n * 2 * total / allowed) + n)
            ids = self._vector_query(vec, fetch, None, sims)
            keep = self.keyword.keep_matching(ids, filters)
            return [i for i in ids if i in keep][:n]
        party_docs = None
        if filters.party:
            party_docs = self.keyword.document_ids(SearchFilters(party=filters.party))
        return self._vector_query(vec, n, chroma_where(filters, party_docs), sims)

    def clause_type_ids(
        self, query: str, n: int, filters: SearchFilters | None = None,
        probs: dict[str, float] | None = None,
    ) -> list[str]:
        """Chunk ids by the tagger's probability for the query's clause types ([] for a
        query that names no clause type)."""
        types = query_clause_types(query)
        return self.keyword.type_search(types, n, filters, probs) if types else []

    def _vector_query(self, vec: list[float], n: int, where: dict | None,
                      sims: dict[str, float] | None = None) -> list[str]:
        """Ids only, straight from the collection: langchain's similarity search also loads
        every hit's text and metadata from chroma's SQLite (~20 ms for 40 hits, more when
        over-fetching), which the SQLite keyword index serves for the final top-k anyway.
        The cosine distances come along only when `sims` wants them."""
        include = ["distances"] if sims is not None else []
        res = self._collection.query(query_embeddings=[vec], n_results=n, where=where,
                                     include=include)
        ids = list(res["ids"][0]) if res["ids"] else []
        if sims is not None and ids:
            sims.update((c, 1.0 - float(d)) for c, d in zip(ids, res["distances"][0],
                                                               strict=True))
        return ids

    def search(
        self,
        query: str,
        k: int = 10,
        filters: SearchFilters | None = None,
        mode: str = "hybrid",
        relevant_only: bool = False,
    ) -> list[SearchHit]:
        """Top-k chunks. hybrid = reciprocal rank fusion (k=60) of the semantic and BM25 ranks
        and, for queries the clause tagger maps to clause types, the clause-type rank.
        `relevant_only`: only hits with evidence of their own (see SEMANTIC_MIN), at most k,
        so a result list ends where relevance does rather than at a fixed length."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        query = query.strip()
        if not query or k <= 0:
            return []
        n = max(k * 4, 40)
        sims: dict[str, float] | None = {} if relevant_only else None
        probs: dict[str, float] | None = {} if relevant_only else None
        every: list[str] = []
        if mode == "hybrid":
            # Both retrievers spend their time in C (onnxruntime, chroma, SQLite) with the GIL
            # released, so the keyword side runs on a pool thread while this one embeds.
            kw_future = _pool().submit(self.keyword.search, query, n, filters)
            ty_future = _pool().submit(self.clause_type_ids, query, n, filters, probs)
            all_future = _pool().submit(self.keyword.all_terms, query, n, filters) \
                if relevant_only else None
            sem = self.semantic_ids(query, n, filters, sims)
            kw = kw_future.result()
            typed = ty_future.result()
            every = all_future.result() if all_future is not None else []
        else:
            sem = self.semantic_ids(query, n, filters, sims) if mode == "semantic" else []
            kw = self.keyword.search(query, n, filters) if mode == "keyword" else []
            typed = []
            if relevant_only and mode == "keyword":
                every = self.keyword.all_terms(query, n, filters)
        scores: dict[str, float] = {}
        ranks: dict[str, dict[str, int]] = {}
        for name, ids, weight in (
            ("semantic", sem, 1.0),
            ("keyword", kw, 1.0),
            ("clause", typed, TYPE_LIST_WEIGHT),
        ):
            for r, cid in enumerate(ids, start=1):
                scores[cid] = scores.get(cid, 0.0) + weight / (RRF_K + r)
                ranks.setdefault(cid, {})[name] = r
        if relevant_only:
            words = set(every)
            sims, probs = sims or {}, probs or {}
            scores = {c: v for c, v in scores.items()
                      if c in words or sims.get(c, 0.0) >= SEMANTIC_MIN
                      or probs.get(c, 0.0) >= CLAUSE_LABEL_MIN}
        top = sorted(scores, key=lambda c: -scores[c])[:k]
        rows = self.keyword.rows(top, query)
        missing = [c for c in top if c not in rows]
        if missing:
            rows.update(self._chroma_rows(missing, query))
        hits = []
        for cid in top:
            row = rows.get(cid)
            if row is None:
                continue
            hits.append(
                SearchHit(
                    chunk_id=cid,
                    document_id=row.get("document_id", ""),
                    filename=row.get("filename") or "",
                    page=int(row.get("page") or 1),
                    score=scores[cid],
                    text=row["text"],
                    highlighted=row["highlighted"],
                    clause_types=[t for t in (row.get("clause_types") or "").split(",") if t],
                    doc_type=row.get("doc_type") or None,
                    subtype=row.get("subtype") or None,
                    char_start=int(row.get("char_start") or 0),
                    char_end=int(row.get("char_end") or 0),
                    semantic_rank=ranks[cid].get("semantic"),
                    keyword_rank=ranks[cid].get("keyword"),
                    clause_rank=ranks[cid].get("clause"),
                )
            )
        return hits

    def _chroma_rows(self, ids: list[str], query: str) -> dict[str, dict[str, Any]]:
        """Rows for chunks another node indexed (shared chroma server, per-node SQLite)."""
        got = self._collection.get(ids=ids, include=["documents", "metadatas"])
        out = {}
        for cid, text, md in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
            row = dict(md or {})
            row["text"] = text or ""
            row["highlighted"] = highlight_terms(row["text"], query)
            out[cid] = row
        return out

    def count(self) -> int:
        return self.keyword.count()

    def close(self) -> None:
        self.keyword.close()
