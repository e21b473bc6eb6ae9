"""Search pages. Contract (clause) search: page and API share `run_search`, which drops
every hit on a document the user may not see (checked against the database, since a type
correction may post-date the index). Full-text search over every document the user may
see (`search.fulltext`): everyone's, beside it, restricted to the ids of the same SQL
filter as every list, so HR documents only ever reach hr and admin."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.web.access import SEARCH, Principal
from api.web.bounds import ListPage, RowId
from api.web.deps import DB, CurrentUser, flash, render, require
from records.models import Document, SavedSearch
from records.saved_searches import (
    KINDS,
    SavedSearchError,
    delete_search,
    save_search,
    saved_searches,
)
from search.fulltext import FILENAME, FullTextError, FullTextIndex, TextHit

router = APIRouter()
MODES = ("hybrid", "semantic", "keyword")
TEXT_PAGE_SIZE = 25
RANKED_HITS = 20  # the clause page's plain ranking (`ranked=1`), as before the cut-off
_FULLTEXT_LOCK = threading.Lock()


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
    relevant_only: bool = False,
    **filters: Any,
) -> list[Any]:
    from search.types import SearchFilters

    index = search_index(request)
    f = SearchFilters(**{key: (v or None) for key, v in filters.items()})
    try:
        hits = index.search(q, k=k, filters=f, mode=mode if mode in MODES else "hybrid",
                            relevant_only=relevant_only)
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


@dataclass(slots=True)
class ContractGroup:
    """One contract's hits on the clause search page, best hit first."""

    document: Document
    hits: list[Any]

    @property
    def best(self) -> float:
        return max(h.score for h in self.hits)


def group_by_contract(session: Session, hits: list[Any]) -> list[ContractGroup]:
    """Hits grouped by their document, groups in the order of their best hit."""
    docs = {d.id: d for d in session.scalars(
        select(Document).where(Document.id.in_({h.document_id for h in hits})))}
    groups: dict[str, ContractGroup] = {}
    for h in hits:
        if h.document_id in docs:
            groups.setdefault(h.document_id, ContractGroup(docs[h.document_id], [])).hits.append(h)
    return sorted(groups.values(), key=lambda g: -g.best)


def clause_name(clause_type: str) -> str:
    """A clause type as people say it: `rofr_rofo_rofn` -> Right of first refusal/offer/..."""
    return CLAUSE_NAMES.get(clause_type) or clause_type.replace("_", " ").capitalize()


# Clause types whose words alone do not read as English (the rest: underscores to spaces).
CLAUSE_NAMES = {
    "rofr_rofo_rofn": "Right of first refusal, offer or negotiation",
    "ip_ownership_assignment": "IP ownership assignment",
    "joint_ip_ownership": "Joint IP ownership",
    "unlimited_all_you_can_eat_license": "Unlimited (all-you-can-eat) license",
    "irrevocable_or_perpetual_license": "Irrevocable or perpetual license",
    "affiliate_license_licensor": "Affiliate license (licensor)",
    "affiliate_license_licensee": "Affiliate license (licensee)",
    "notice_period_to_terminate_renewal": "Notice period to terminate renewal",
    "no_solicit_of_customers": "No solicitation of customers",
    "no_solicit_of_employees": "No solicitation of employees",
    "non_compete": "Non-compete",
    "non_disparagement": "Non-disparagement",
    "non_transferable_license": "Non-transferable license",
    "most_favored_nation": "Most favored nation",
}


def filter_choices(request: Request, session: Session, user: Principal,
                   form: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """The filters' options, (value, label), from the indexed contracts this user may see
    (a contract that came in through the HR channel must not lend its parties to legal's
    list); a value given in the address but not indexed stays selectable. Empty when
    search is off or not built yet: the page still renders."""
    from extractors.clauses import CLAUSE_TYPES

    visible = list(session.scalars(select(Document.id).where(
        Document.deleted_at.is_(None), Document.doc_type == "contract",
        user.document_filter())))
    try:
        facets = search_index(request).keyword.facets(visible)
    except HTTPException:
        facets = {"subtypes": [], "laws": [], "parties": [], "clause_types": []}
    present = set(facets["clause_types"])
    out = {
        "clause_types": sorted(((t, clause_name(t)) for t in CLAUSE_TYPES
                                if t in present or not present), key=lambda c: c[1].lower()),
        **{key: [(v, v) for v in facets[key]] for key in ("subtypes", "laws", "parties")},
    }
    for key, field in (("clause_types", "clause"), ("subtypes", "subtype"),
                       ("laws", "law"), ("parties", "party")):
        given = form.get(field) or ""
        if given and given.lower() not in {v.lower() for v, _ in out[key]}:
            out[key].append((given, given))
    return out


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
    ranked: str = "",
) -> Response:
    """Clause search: every hit with evidence of its own (`SearchIndex.search`'s relevance
    cut-off, at most MAX_RELEVANT), grouped by contract; `ranked=1` shows the plain
    ranking (the best RANKED_HITS) instead, for when the cut-off ends too early."""
    from search.index import MAX_RELEVANT

    form = {"q": q, "type": type or "", "subtype": subtype or "", "party": party or "",
            "law": law or "", "clause": clause or "", "from": date_from or "",
            "to": date_to or "", "mode": mode, "ranked": "1" if ranked else ""}
    hits: list[Any] = []
    error = None
    if q.strip():
        try:
            hits = run_search(request, session, user, q,
                              RANKED_HITS if ranked else MAX_RELEVANT, mode,
                              relevant_only=not ranked,
                              **filter_args(type, subtype, party, law, clause, date_from,
                                            date_to))
        except HTTPException as exc:
            error = exc.detail
    return render(request, "search.html", {
        "form": form, "hits": hits, "groups": group_by_contract(session, hits), "error": error,
        "modes": MODES, "choices": filter_choices(request, session, user, form), "clause_name": clause_name,
        "saved": saved_list(session, user), "save_kind": "clauses",
        "save_params": {k: form[k] for k in KINDS["clauses"] if form.get(k)},
        "highlight": safe_highlight, "searched": bool(q.strip())})


@dataclass(frozen=True, slots=True)
class TextRow:
    """A full-text hit with the document it is on (what the page lists)."""

    hit: TextHit
    document: Document

    @property
    def link(self) -> str:
        return f"/documents/{self.document.id}?page={self.hit.page}"

    def to_json(self) -> dict[str, Any]:
        d = self.document
        return {"document_id": d.id, "filename": d.filename, "doc_type": d.doc_type,
                "status": d.status, "page": self.hit.page, "link": self.link,
                "score": round(self.hit.score, 6), "title": self.hit.title_html,
                "fields": self.hit.fields_html, "text": self.hit.body_html}


def fulltext_index(request: Request) -> FullTextIndex:
    """The app's full-text index (`<data_dir>/fulltext.db`), opened on first use."""
    state = request.app.state
    with _FULLTEXT_LOCK:
        index = getattr(state, "fulltext", None)
        if index is None:
            try:
                index = FullTextIndex(state.settings.data_dir / FILENAME)
            except FullTextError as exc:
                raise HTTPException(503, str(exc)) from None
            state.fulltext = index
    return index


def run_text_search(request: Request, session: Session, user: Principal, q: str,
                    limit: int = TEXT_PAGE_SIZE, offset: int = 0) -> tuple[list[TextRow], int]:
    """Hits on the documents this user may see, best first, and how many there are."""
    index = fulltext_index(request)
    allowed = list(session.scalars(select(Document.id).where(
        Document.deleted_at.is_(None), user.document_filter())))
    try:
        index.sync(session)
        found = index.search(q, allowed, limit, offset)
    except FullTextError as exc:
        raise HTTPException(503, str(exc)) from None
    docs = {d.id: d for d in session.scalars(
        select(Document).where(Document.id.in_([h.document_id for h in found.hits])))}
    rows = [TextRow(h, docs[h.document_id]) for h in found.hits
            if h.document_id in docs and user.can_view(docs[h.document_id])]
    return rows, found.total


@router.get("/search/text")
def text_search_page(
    request: Request,
    user: CurrentUser,
    session: DB,
    q: str = "",
    page: ListPage = 1,
) -> Response:
    rows: list[TextRow] = []
    total = 0
    error = None
    if q.strip():
        try:
            rows, total = run_text_search(request, session, user, q, TEXT_PAGE_SIZE,
                                          (page - 1) * TEXT_PAGE_SIZE)
        except HTTPException as exc:
            error = exc.detail
    return render(request, "search_text.html", {
        "q": q, "rows": rows, "total": total, "page": page, "error": error,
        "pages": max(1, (total + TEXT_PAGE_SIZE - 1) // TEXT_PAGE_SIZE),
        "saved": saved_list(session, user), "save_kind": "text",
        "save_params": {"q": q} if q.strip() else {},
        "highlight": safe_highlight, "searched": bool(q.strip())})


SEARCH_PAGES = {"text": "/search/text", "clauses": "/search"}


@dataclass(frozen=True, slots=True)
class SavedLink:
    row: SavedSearch
    href: str


def saved_list(session: Session, user: Principal) -> list[SavedLink]:
    """The user's saved searches it may still run (clause searches need the search role)."""
    return [SavedLink(r, f"{SEARCH_PAGES[r.kind]}?{urlencode(r.params)}")
            for r in saved_searches(session, user.username)
            if r.kind in SEARCH_PAGES and (r.kind != "clauses" or user.has(SEARCH))]


@router.post("/search/saved")
def save_search_form(
    request: Request,
    user: CurrentUser,
    session: DB,
    name: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "text",
    q: Annotated[str, Form()] = "",
    clause: Annotated[str, Form()] = "",
    subtype: Annotated[str, Form()] = "",
    party: Annotated[str, Form()] = "",
    law: Annotated[str, Form()] = "",
    date_from: Annotated[str, Form(alias="from")] = "",
    date_to: Annotated[str, Form(alias="to")] = "",
    mode: Annotated[str, Form()] = "",
    ranked: Annotated[str, Form()] = "",
) -> Response:
    """Save the search the page shows under a name (its parameters come as form fields)."""
    if kind == "clauses" and not user.has(SEARCH):
        raise HTTPException(403, "your roles do not allow contract search")
    given = {"q": q, "clause": clause, "subtype": subtype, "party": party, "law": law,
             "from": date_from, "to": date_to, "mode": mode, "ranked": ranked}
    params = {k: given[k] for k in KINDS.get(kind, ()) if given[k]}
    back = f"{SEARCH_PAGES.get(kind, '/search/text')}?{urlencode(params)}"
    try:
        save_search(session, user.username, name, kind, params)
        session.commit()
        flash(request, f"Saved the search as \u201c{' '.join(name.split())}\u201d.")
    except SavedSearchError as exc:
        session.rollback()
        flash(request, f"Not saved: {exc}", "error")
    return RedirectResponse(back, status_code=303)


@router.post("/search/saved/{search_id}/delete")
def delete_search_form(request: Request, search_id: RowId, user: CurrentUser,
                       session: DB) -> Response:
    try:
        delete_search(session, user.username, search_id)
        session.commit()
        flash(request, "Saved search removed.")
    except SavedSearchError as exc:
        session.rollback()
        raise HTTPException(404, str(exc)) from None
    return RedirectResponse("/search/text", status_code=303)
