"""Contract search: hybrid semantic (MiniLM + chroma) and keyword (SQLite FTS5) retrieval.

    from search import SearchIndex, SearchFilters
    idx = SearchIndex(data_dir)
    idx.index_document(document_id, ingested_doc, {"doc_type": "contract", "fields": {...}})
    hits = idx.search("termination for convenience", k=10, filters=SearchFilters(party="acme"))

Imports are lazy so `import search` stays cheap for code that only needs the types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from search.types import SearchFilters, SearchHit

if TYPE_CHECKING:
    from search.index import SearchIndex

__all__ = ["SearchFilters", "SearchHit", "SearchIndex"]


def __getattr__(name: str) -> Any:
    if name == "SearchIndex":
        from search.index import SearchIndex

        return SearchIndex
    raise AttributeError(name)
