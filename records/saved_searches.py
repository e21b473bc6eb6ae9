"""A user's saved searches: a name, which search (full text or clauses) and its
parameters, kept per user and audited like every change. Only the known parameters of
each kind are stored, so a saved search replays exactly what the form can ask."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.audit import audit
from records.models import SavedSearch

# The parameters each search page takes (the rest of a submitted query is dropped).
KINDS: dict[str, tuple[str, ...]] = {
    "text": ("q",),
    "clauses": ("q", "clause", "subtype", "party", "law", "from", "to", "mode", "ranked"),
}
MAX_NAME = 120
MAX_PER_USER = 100


class SavedSearchError(ValueError):
    """A search could not be saved or removed (bad name, unknown kind, not yours)."""


def saved_searches(session: Session, username: str, kind: str | None = None) -> list[SavedSearch]:
    q = select(SavedSearch).where(SavedSearch.username == username)
    if kind:
        q = q.where(SavedSearch.kind == kind)
    return list(session.scalars(q.order_by(SavedSearch.name)))


def save_search(session: Session, username: str, name: str, kind: str,
                params: dict[str, str]) -> SavedSearch:
    """Create, or replace the parameters of, the user's search called `name`."""
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME:
        raise SavedSearchError(f"a saved search needs a name of 1 to {MAX_NAME} characters")
    if kind not in KINDS:
        raise SavedSearchError(f"unknown search {kind!r}; one of {', '.join(KINDS)}")
    kept = {k: str(v) for k, v in params.items() if k in KINDS[kind] and v}
    if not kept.get("q", "").strip():
        raise SavedSearchError("there is no query to save")
    row = session.scalar(select(SavedSearch).where(SavedSearch.username == username,
                                                   SavedSearch.name == name))
    before = None
    if row is None:
        if len(saved_searches(session, username)) >= MAX_PER_USER:
            raise SavedSearchError(f"at most {MAX_PER_USER} saved searches per user")
        row = SavedSearch(username=username, name=name, kind=kind, params=kept)
        session.add(row)
    else:
        before = {"kind": row.kind, "params": row.params}
        row.kind, row.params = kind, kept
    session.flush()
    audit(session, username, "search.save", "saved_search", str(row.id), before,
          {"name": name, "kind": kind, "params": kept})
    return row


def delete_search(session: Session, username: str, search_id: int) -> None:
    row = session.get(SavedSearch, search_id)
    if row is None or row.username != username:
        raise SavedSearchError("no such saved search")
    audit(session, username, "search.delete", "saved_search", str(row.id),
          {"name": row.name, "kind": row.kind, "params": row.params}, None)
    session.delete(row)
    session.flush()
