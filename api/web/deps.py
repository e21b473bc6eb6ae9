"""Request dependencies: database session, signed-in user, role checks, CSRF, rendering.

Browsers authenticate with the session cookie, which holds the id of a server-side session
(`records.auth_sessions`), and must send the per-session CSRF
token with every change; scripts send HTTP Basic or a bearer token instead. A request
carrying an Authorization header is judged on that header alone, which is why it
needs no CSRF token: a forged cross-site request cannot set that header.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from api.web import throttle
from api.web.access import Principal
from api.web.security import credential_stamp, new_csrf_token, read_api_token, same_token
from records.auth_sessions import session_user
from records.db import session_scope
from records.users import authenticate, get_user

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class LoginRequired(Exception):
    """No valid credentials: pages redirect to the login page, the API answers 401."""


def db(request: Request) -> Iterator[Session]:
    """One session per request; handlers that change data commit before they answer."""
    with session_scope(request.app.state.sessions) as session:
        yield session


DB = Annotated[Session, Depends(db)]


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = new_csrf_token()
        request.session["csrf"] = token
    return token


async def csrf_protect(request: Request) -> None:
    """Global dependency: every unsafe request from a browser session carries the token,
    in the `X-CSRF-Token` header (fetch) or the `csrf_token` form field."""
    if request.method not in UNSAFE or request.headers.get("authorization"):
        return
    given = request.headers.get("x-csrf-token")
    ctype = request.headers.get("content-type", "")
    if not given and (ctype.startswith("application/x-www-form-urlencoded")
                      or ctype.startswith("multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else None
    if not same_token(request.session.get("csrf"), given):
        raise HTTPException(403, "CSRF token missing or invalid; reload the page and retry")


def client_address(request: Request) -> str | None:
    """The peer address; X-Forwarded-For counts only from a BACKOFFICE_TRUSTED_PROXIES peer."""
    return request.client.host if request.client else None


def _basic_user(request: Request, session: Session, name: str, password: str) -> Any:
    """HTTP Basic is a password check like the login form: throttled the same way."""
    address = client_address(request)
    try:
        throttle.attempt(session, name, address)
    except throttle.LoginThrottled as exc:
        session.rollback()  # a refused attempt is not counted
        raise HTTPException(429, str(exc),
                            headers={"Retry-After": str(exc.retry_after)}) from None
    session.commit()  # counted before the password is checked
    user = authenticate(session, name, password)
    if user is not None:
        throttle.succeeded(session, user.username, address)
        session.commit()
    return user


def _principal_from_header(request: Request, session: Session, header: str) -> Principal:
    scheme, _, cred = header.partition(" ")
    user = None
    if scheme.lower() == "basic":
        try:
            name, _, pw = base64.b64decode(cred.strip()).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise LoginRequired() from None
        user = _basic_user(request, session, name, pw)
        via = "basic"
    elif scheme.lower() == "bearer":
        got = read_api_token(request.app.state.secret_key, cred.strip())
        user = get_user(session, got[0]) if got else None
        if user is not None and got and not same_token(
                credential_stamp(user.password_hash, user.roles), got[1]):
            user = None  # issued before a password or role change
        via = "bearer"
    if user is None or not user.active:
        raise LoginRequired()
    return Principal(user.username, frozenset(user.roles or []), via)


def current_user(request: Request) -> Principal:
    """The signed-in user, looked up in a session of its own that is closed before the
    route runs: an upload that then waits for intake and the workers (which need pooled
    connections too) holds none meanwhile."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization")
    with session_scope(request.app.state.sessions) as session:
        if header:
            principal = _principal_from_header(request, session, header)
        else:
            sid = request.session.get("sid")
            name = session_user(session, sid) if isinstance(sid, str) else None
            user = get_user(session, name) if name else None
            if user is None or not user.active:
                raise LoginRequired()
            principal = Principal(user.username, frozenset(user.roles or []), "session")
    request.state.principal = principal
    return principal


CurrentUser = Annotated[Principal, Depends(current_user)]


def optional_user(request: Request) -> Principal | None:
    try:
        return current_user(request)
    except LoginRequired:
        return None


def require(roles: frozenset[str]) -> Any:
    """Dependency factory: the user must hold one of `roles` (403 otherwise)."""

    def check(user: CurrentUser) -> Principal:
        if not user.has(roles):
            raise HTTPException(403, "your roles do not allow this page")
        return user

    return check


def as_text(value: Any) -> str:
    """A field value as one line of text: lists and objects as JSON (what the edit box
    accepts back), plain text as is; the template escapes it either way."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value, ensure_ascii=False)


def flash(request: Request, message: str, kind: str = "info") -> None:
    request.session.setdefault("flash", [])
    request.session["flash"] = [*request.session["flash"], [kind, message]][-5:]


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    user = getattr(request.state, "principal", None)
    messages = request.session.pop("flash", []) if "flash" in request.session else []
    ctx = {
        "request": request,
        "user": user,
        "csrf_token": csrf_token(request),
        "messages": messages,
        **(context or {}),
    }
    return request.app.state.templates.TemplateResponse(request, template, ctx,
                                                        status_code=status)
