"""Contract search, page and API share `run_search`, which drops every hit on a
document the user may not see (checked against the database, since a type
correction may post-date the index)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.web.access import SEARCH, Principal
from api.web.deps import DB, render, require
from records.models import Document

router = APIRouter()
MODES = ("hybrid", "semantic", "keyword")


def search_index(request: Request) -> Any:
    """The app's search index, opened on first use; 503 when search is off or not ready."""
    state = request.app.state
    if not state.settings.search_enabled:
        raise HTTPException(503, "search is disabled (BACKOFFICE_SEARCH=0)")
    if state.search is None:
        try:
            from workflow.process import shared_search_index

            state.search = shared_search_index(state.settings)
        except Exception as exc:  # noqa: BLE001 - missing model, chroma down, not built yet
            raise HTTPException(503, f"search index not available: {exc}") from None
    return state.search


def safe_highlight(html: str) -> Markup:
    """Keep only `<mark>` tags from the index's highlighted passage; escape anything else."""
    return Markup(re.sub(r"<(?!/?mark>)", "&lt;", html or ""))


def run_search(
    request: Request,
    session: Session,
    user: Principal,
    q: str,
    k: int = 10,
    mode: str = "hybrid",
    **filters: Any,
) -> list[Any]:
    from search.types import SearchFilters

    index = search_index(request)
    f = SearchFilters(**{key: (v or None) for key, v in filters.items()})
    try:
        hits = index.search(q, k=k, filters=f, mode=mode if mode in MODES else "hybrid")
    except Exception as exc:  # noqa: BLE001
        raise HTTPException(503, f"search failed: {type(exc).__name__}: {exc}") from None
    ids = {h.document_id for h in hits}
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
    return [h for h in hits if h.document_id in docs and user.can_view(docs[h.document_id])]


def filter_args(type: str | None, subtype: str | None, party: str | None, law: str | None,
                clause: str | None, date_from: str | None, date_to: str | None
                ) -> dict[str, Any]:
    return {"doc_type": type, "subtype": subtype, "party": party, "governing_law": law,
            "clause_type": clause, "effective_from": date_from, "effective_to": date_to}


@router.get("/search")
def search_page(
    request: Request,
    user: Annotated[Principal, Depends(require(SEARCH))],
    session: DB,
    q: str = "",
    type: str | None = None,
    subtype: str | None = None,
    party: str | None = None,
    law: str | None = None,
    clause: str | None = None,
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    mode: str = "hybrid",
) -> Response:
    form = {"q": q, "type": type or "", "subtype": subtype or "", "party": party or "",
            "law": law or "", "clause": clause or "", "from": date_from or "",
            "to": date_to or "", "mode": mode}
    hits: list[Any] = []
    error = None
    if q.strip():
        try:
            hits = run_search(request, session, user, q, 20, mode,
                              **filter_args(type, subtype, party, law, clause, date_from,
                                            date_to))
        except HTTPException as exc:
            error = exc.detail
    return render(request, "search.html", {
        "form": form, "hits": hits, "error": error, "modes": MODES,
        "highlight": safe_highlight, "searched": bool(q.strip())})
