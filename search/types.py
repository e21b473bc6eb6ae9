"""What the search API takes and returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

DateLike = dt.date | str | int | None


def date_key(value: DateLike) -> int | None:
    """A date as int yyyymmdd, the form stored in both indexes so ranges are integer compares.

    Accepts date/datetime, ISO strings (`2024-03-01`, first 10 chars used) and ints already in
    that form. Anything unparseable is None (the chunk then simply has no date).
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.year * 10000 + value.month * 100 + value.day
    if isinstance(value, int):
        return value if 10000101 <= value <= 99991231 else None
    try:
        return date_key(dt.date.fromisoformat(str(value).strip()[:10]))
    except ValueError:
        return None


@dataclass(slots=True)
class SearchFilters:
    """All given filters must hold (AND). Strings compare case-insensitively;
    `party` is a substring of any party name; date bounds are inclusive."""

    doc_type: str | None = None
    subtype: str | None = None
    party: str | None = None
    governing_law: str | None = None
    clause_type: str | None = None
    effective_from: DateLike = None
    effective_to: DateLike = None
    agreement_from: DateLike = None
    agreement_to: DateLike = None
    document_ids: list[str] | None = None

    def is_empty(self) -> bool:
        return all(v is None for v in asdict(self).values())


@dataclass(slots=True)
class SearchHit:
    """One chunk in the fused ranking. `highlighted` is HTML: escaped text with <mark>s."""

    chunk_id: str
    document_id: str
    filename: str
    page: int
    score: float
    text: str
    highlighted: str
    clause_types: list[str] = field(default_factory=list)
    doc_type: str | None = None
    subtype: str | None = None
    char_start: int = 0
    char_end: int = 0
    semantic_rank: int | None = None
    keyword_rank: int | None = None
    clause_rank: int | None = None  # rank in the clause-type list (hybrid, typed queries)

    @property
    def link(self) -> str:
        return f"/documents/{self.document_id}?page={self.page}"

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["score"] = round(float(self.score), 6)
        d["link"] = self.link
        return d
