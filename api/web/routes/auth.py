"""Sign in and out. The session is cleared on both so that a session id or CSRF token
seen before sign-in is worthless after it (no session fixation); the server-side session
row is revoked on sign-out, so a copy of the cookie is worthless too. Failed sign-ins are
throttled per user and per address (`api.web.throttle`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api.web import throttle
from api.web.access import Principal
from api.web.deps import DB, client_address, optional_user, render
from api.web.health import health
from api.web.security import SESSION_MAX_AGE_S, new_csrf_token
from records.audit import audit
from records.auth_sessions import create_session, purge_sessions, revoke_session
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
    address = client_address(request)
    try:
        throttle.attempt(session, username, address)
    except throttle.LoginThrottled as exc:
        session.rollback()  # a refused attempt is not counted
        response = render(request, "login.html",
                          {"next": _safe_next(next),
                           "error": f"Too many failed sign-ins. Try again in {exc.retry_after} s."},
                          status=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    session.commit()  # the attempt is counted before the password is checked
    user = authenticate(session, username, password)
    if user is None:
        audit(session, username.strip().lower()[:80] or "?", "auth.login_failed", "user",
              username.strip().lower()[:80] or "?", None, None)
        session.commit()
        return render(request, "login.html",
                      {"next": _safe_next(next), "error": "Wrong user name or password."},
                      status=401)
    throttle.succeeded(session, user.username, address)
    purge_sessions(session)
    old = request.session.get("sid")
    if old:
        revoke_session(session, old)
    request.session.clear()
    request.session["sid"] = create_session(session, user.username, SESSION_MAX_AGE_S, address)
    request.session["csrf"] = new_csrf_token()
    audit(session, user.username, "auth.login", "user", user.username, None, None)
    session.commit()
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, session: DB) -> Response:
    sid = request.session.get("sid")
    if sid:
        revoke_session(session, sid)
        session.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request) -> JSONResponse:
    """Database, disk space and workers (`api.web.health`); 503 when one fails."""
    report = health(request.app.state)
    return JSONResponse(report.to_json(), status_code=200 if report.ok else 503)


@router.get("/")
def home() -> Response:
    return RedirectResponse("/documents", status_code=303)
