"""Document -> searchable chunks with the metadata both retrievers filter on.

Chunks follow clauses (from `extractors.clauses.tag_clauses` when that module is available)
so that a hit is a reviewable unit of the contract, and are cut further with langchain's
`RecursiveCharacterTextSplitter` when a clause is longer than the encoder sees (MiniLM reads
256 word pieces, roughly 1,000 characters of contract English).
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_text_splitters import RecursiveCharacterTextSplitter

from extractors.types import Clause
from ingest.types import IngestedDocument
from search.types import date_key

log = logging.getLogger(__name__)

CHUNK_SIZE = 900
CHUNK_OVERLAP = 120
CLAUSE_LABEL_MIN = 0.5  # a clause type is attached to a chunk at this probability or above
MAX_CLAUSE_TYPES = 3
# Chunk-level tagger probabilities kept for ranking (`Chunk.type_scores`). Far below the
# tagging threshold on purpose: the clause-type ranked list only needs an ordering, and on
# CUAD the labelled passage often scores 0.02-0.3 for its type (the tagger never saw real
# contracts) while unrelated chunks score ~0. About two types per chunk clear this floor.
TYPE_SCORE_MIN = 0.02

# Prefer cutting at page breaks, blank lines, then before numbered headings ("12.", "12.3",
# "(a)", "Section 4", "ARTICLE V"), then at sentence ends.
SEPARATORS = [
    r"\f",
    r"\n\s*\n",
    r"\n(?=\s*(?:\d+(?:\.\d+)*\.?\s|\([a-z0-9]{1,4}\)\s|Section\s|SECTION\s|Article\s|ARTICLE\s))",
    r"\n",
    r"(?<=[.;:])\s+",
    r"\s+",
    "",
]

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


@dataclass(slots=True)
class Chunk:
    """`type_scores`: {clause_type: tagger probability} of this chunk's own text (only those
    >= TYPE_SCORE_MIN); the keyword index stores them for the clause-type ranked list."""

    chunk_id: str
    text: str
    metadata: dict[str, Any]
    type_scores: dict[str, float] = field(default_factory=dict)


def _splitter() -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE,
        chunk_overlap=CHUNK_OVERLAP,
        separators=SEPARATORS,
        is_separator_regex=True,
        keep_separator=True,
        strip_whitespace=True,
    )


def _load_tagger() -> Callable[[IngestedDocument], list[Clause]] | None:
    try:
        from extractors.clauses import tag_clauses  # type: ignore[attr-defined]
    except ImportError:
        return None
    return tag_clauses  # type: ignore[no-any-return]


def _page_clauses(doc: IngestedDocument) -> list[Clause]:
    """Fallback when no clause tagger exists: one untagged pseudo-clause per page."""
    out: list[Clause] = []
    pos = 0
    for i, page in enumerate(doc.pages):
        if i:
            pos += 1  # the form feed joining pages in IngestedDocument.text
        if page.text.strip():
            out.append(Clause(len(out), "", page.text, page.number, pos, pos + len(page.text), {}))
        pos += len(page.text)
    return out


def chunk_type_scores(texts: list[str]) -> list[dict[str, float]]:
    """Clause-type probabilities of each chunk text on its own, >= TYPE_SCORE_MIN.

    Scored per chunk rather than inherited from the clause: a long clause's pieces are about
    different things, and the clause labels are thresholded (a passage the tagger ranks first
    for its type at p=0.1 is still the best candidate). Empty dicts when no tagger is installed.
    """
    if not texts:
        return []
    try:
        from extractors.clauses import load_model, tag_probabilities
    except ImportError:
        return [{} for _ in texts]
    try:
        bundle = load_model()
        proba = tag_probabilities(texts, bundle)
    except Exception:  # a tagger failure must not stop indexing
        log.exception("clause-type scoring failed; chunks indexed without type scores")
        return [{} for _ in texts]
    classes = bundle["classes"]
    return [
        {classes[j]: round(float(p), 4) for j, p in enumerate(row) if p >= TYPE_SCORE_MIN}
        for row in proba
    ]


def document_clauses(doc: IngestedDocument) -> list[Clause]:
    """Clauses from the clause tagger when it is installed and works, else pages."""
    tagger = _load_tagger()
    if tagger is not None:
        try:
            clauses = tagger(doc)
            if clauses:
                return clauses
        except Exception:  # a tagger bug must not stop indexing
            log.exception("tag_clauses failed for %s; indexing by page", doc.filename)
    return _page_clauses(doc)


def _field(meta: dict[str, Any], name: str) -> Any:
    """A value from the lead's meta: flat (`meta[name]`) or under `fields`, as a Field,
    a Field-JSON dict or a raw value; the normalized form wins."""
    val = meta.get(name)
    if val is None:
        fields = meta.get("fields") or {}
        val = fields.get(name)
    if val is None:
        return None
    if isinstance(val, dict) and ("normalized" in val or "value" in val):
        return val.get("normalized") if val.get("normalized") is not None else val.get("value")
    if hasattr(val, "normalized") and hasattr(val, "value"):
        return val.normalized if val.normalized is not None else val.value
    return val


def document_metadata(document_id: str, doc: IngestedDocument, meta: dict[str, Any]) -> dict:
    """Document-level metadata shared by all chunks (no None values: chroma rejects them)."""
    parties = _field(meta, "parties")
    if isinstance(parties, str):
        parties = [parties]
    md: dict[str, Any] = {
        "document_id": document_id,
        "filename": str(meta.get("filename") or doc.filename),
        "doc_type": str(meta.get("doc_type") or ""),
        "subtype": str(meta.get("subtype") or ""),
        "parties": " | ".join(str(p) for p in (parties or []) if p),
    }
    law = _field(meta, "governing_law")
    if law:
        md["governing_law"] = str(law)
    for name in ("effective_date", "agreement_date"):
        key = date_key(_field(meta, name))
        if key is not None:
            md[name] = key
    return md


def _clause_types(labels: dict[str, float]) -> list[str]:
    top = sorted(((p, k) for k, p in labels.items() if p >= CLAUSE_LABEL_MIN), reverse=True)
    return [k for _, k in top[:MAX_CLAUSE_TYPES]]


def _page_starts(doc: IngestedDocument) -> list[int]:
    starts, pos = [], 0
    for i, page in enumerate(doc.pages):
        if i:
            pos += 1
        starts.append(pos)
        pos += len(page.text)
    return starts


def make_chunks(
    document_id: str,
    doc: IngestedDocument,
    meta: dict[str, Any],
    clauses: list[Clause] | None = None,
) -> list[Chunk]:
    """Split the document's clauses into chunks with ids `{document_id}:{n}`."""
    if clauses is None:
        clauses = document_clauses(doc)
    base = document_metadata(document_id, doc, meta)
    page_starts = _page_starts(doc)
    page_numbers = [p.number for p in doc.pages]
    splitter = _splitter()
    chunks: list[Chunk] = []
    for clause in clauses:
        types = _clause_types(clause.labels or {})
        cursor = 0
        for piece in splitter.split_text(clause.text):
            piece = _CONTROL.sub(" ", piece).strip()
            if not piece:
                continue
            local = clause.text.find(piece[:40], cursor)
            if local < 0:
                local = cursor
            cursor = local + 1
            start = clause.start + local
            if page_starts:
                page = page_numbers[max(0, bisect.bisect_right(page_starts, start) - 1)]
            else:
                page = clause.page
            n = len(chunks)
            md = dict(base)
            md.update(
                chunk_index=n,
                clause_index=clause.index,
                heading=clause.heading[:200],
                page=int(page),
                char_start=start,
                char_end=start + len(piece),
                clause_types=",".join(types),
            )
            for t in types:
                md[f"ct_{t}"] = True
            chunks.append(Chunk(f"{document_id}:{n}", piece, md))
    scored = [_with_heading(c.text, c.metadata["heading"]) for c in chunks]
    for chunk, scores in zip(chunks, chunk_type_scores(scored), strict=True):
        chunk.type_scores = scores
    return chunks


def _with_heading(text: str, heading: str) -> str:
    """The text the tagger scores: a piece cut from inside a long clause gets the clause's
    heading back ("Exclusivity." says what the piece is about; the tagger learnt from clauses
    that start with their heading)."""
    heading = heading.strip()
    if not heading or text.startswith(heading[:30]):
        return text
    return f"{heading}\n{text}"
