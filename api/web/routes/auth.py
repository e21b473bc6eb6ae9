"""Sign in and out. The session is cleared on both so that a session id or CSRF token
seen before sign-in is worthless after it (no session fixation)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import text

from api.web.access import Principal
from api.web.deps import DB, optional_user, render
from api.web.security import new_csrf_token
from records.audit import audit
from records.users import authenticate

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only local paths: `next=//evil.example` must not become an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/documents"
    return target


@router.get("/login")
def login_page(
    request: Request,
    user: Annotated[Principal | None, Depends(optional_user)],
    next: str | None = None,
) -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    session: DB,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/documents",
) -> Response:
    user = authenticate(session, username, password)
    if user is None:
        audit(session, username.strip().lower()[:80] or "?", "auth.login_failed", "user",
              username.strip().lower()[:80] or "?", None, None)
        session.commit()
        return render(request, "login.html",
                      {"next": _safe_next(next), "error": "Wrong user name or password."},
                      status=401)
    request.session.clear()
    request.session["user"] = user.username
    request.session["csrf"] = new_csrf_token()
    audit(session, user.username, "auth.login", "user", user.username, None, None)
    session.commit()
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/healthz", include_in_schema=False)
def healthz(session: DB) -> dict[str, str]:
    """Liveness plus a database round trip; no authentication, no details."""
    session.execute(text("SELECT 1"))
    return {"status": "ok"}


@router.get("/")
def home() -> Response:
    return RedirectResponse("/documents", status_code=303)
