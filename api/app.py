"""The web service: server-rendered pages for reviewers and a JSON API for scripts.

`create_app` wires settings, database, blob store, background processing and
sessions into one FastAPI app; routes live in `api.web.routes.*` and only read
what they need from `app.state`. On a fresh install it creates the `admin` user and
prints its password once (or takes `BACKOFFICE_ADMIN_PASSWORD`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import mail
from api.multinode import require_shared_keys
from api.watch import start_in_background
from api.web.admission import UploadAdmission, database_busy
from api.web.cookies import CookieSecure, SessionCookies
from api.web.deps import CurrentUser, LoginRequired, as_text, csrf_protect, render
from api.web.jobs import Takeover, make_jobs, requeue_unfinished
from api.web.retrain import Retrainer
from api.web.security import SESSION_MAX_AGE_S, load_secret_key
from records.blobs import open_blobs
from records.db import init_db, session_scope, setup_lock
from records.sealing import load_sealer
from records.users import UserError, ensure_admin
from workflow import webhooks, work_lease
from workflow.published import POLICIES, Follower
from workflow.settings import Settings

log = logging.getLogger(__name__)
WEB = Path(__file__).parent / "web"
# Multipart framing around an upload of exactly BACKOFFICE_MAX_BYTES (boundaries, part
# headers, the CSRF field): a request body may exceed the file limit by this much.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


async def follow_published(app: FastAPI, every_s: float) -> None:
    """Corrections and decisions on this node judge with the current published policies
    (`workflow.published`), checked every BACKOFFICE_PUBLISHED_CHECK seconds."""
    state = app.state
    while True:
        await asyncio.sleep(max(every_s, 1.0))
        try:
            if POLICIES in await asyncio.to_thread(state.published.refresh):
                state.policy_config = state.published.policy_config
        except Exception:  # noqa: BLE001 - the policies in use stay; tried again next time
            log.warning("could not check the published policies", exc_info=True)


class AdminPasswordRefused(RuntimeError):
    """The configured first admin password does not meet the password policy."""


def _bootstrap_admin(sessions: Any) -> None:
    """First start: an admin account, its password shown once on stderr and in the log."""
    given = os.environ.get("BACKOFFICE_ADMIN_PASSWORD") or None
    try:
        with session_scope(sessions) as s:
            made = ensure_admin(s, given)
    except UserError as exc:
        raise AdminPasswordRefused(f"BACKOFFICE_ADMIN_PASSWORD refused: {exc}") from None
    if made and not given:
        msg = (f"backoffice: created user 'admin' with password {made} "
               "(shown once; change it with `backoffice users passwd admin`)")
        print(msg, file=sys.stderr, flush=True)
        log.warning("created initial user 'admin'; its password was printed on stderr")


def _wants_html(request: Request) -> bool:
    """Pages answer with HTML (redirects, error pages); the API always with JSON."""
    return not request.url.path.startswith("/api/") and request.url.path != "/openapi.json"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    require_shared_keys(settings)  # several nodes: one secret and one sealing key for all
    settings.ensure_dirs()
    sessions = init_db(settings.database_url)
    with setup_lock(settings.database_url):  # two first starts make one admin
        _bootstrap_admin(sessions)
    jobs = make_jobs(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        n = requeue_unfinished(sessions, jobs)
        if n:
            log.warning("queued %d document(s) left unfinished by the last run", n)
        takeover = asyncio.create_task(
            Takeover(sessions, jobs, resubmit_after_s=3 * settings.lease_ttl_s)
            .loop(work_lease.takeover_every_s(settings.lease_ttl_s)))
        retrain = asyncio.create_task(Retrainer(settings, sessions).loop())
        following = asyncio.create_task(follow_published(app, settings.published_check_s))
        watching = start_in_background(settings)  # BACKOFFICE_CONSUME_DIR, when set
        sending = webhooks.start_in_background(sessions)
        polling = mail.start_in_background(sessions, settings, load_secret_key(settings))
        yield
        polling[0].set()
        sending[0].set()
        if watching is not None:
            watching[0].set()
        retrain.cancel()
        following.cancel()
        takeover.cancel()
        jobs.shutdown()

    app = FastAPI(
        title="Backoffice",
        version="0.1.0",
        docs_url=None,  # the Swagger page loads assets from a CDN; the service is offline
        redoc_url=None,
        openapi_url=None,  # served below, to signed-in users only
        dependencies=[Depends(csrf_protect)],
        lifespan=lifespan,
        # Streamed, never buffered first: a Content-Length over the limit is refused before
        # any of the body is read, a chunked body as soon as it passes the limit (413).
        max_body_size=settings.max_bytes + UPLOAD_OVERHEAD_BYTES,
    )
    state = app.state
    state.settings = settings
    state.sessions = sessions
    state.sealer = load_sealer(settings.data_dir)
    stored = open_blobs(settings.data_dir, state.sealer, settings.blob_url)
    state.blobs, state.page_cache = stored.originals, stored.pages
    state.jobs = jobs
    state.secret_key = load_secret_key(settings)
    state.published = Follower(settings, sessions)
    state.published.refresh(force=True)
    state.policy_config = state.published.policy_config
    state.templates = Jinja2Templates(directory=str(WEB / "templates"))
    state.templates.env.filters["as_text"] = as_text
    state.search = None

    app.add_middleware(
        SessionCookies,
        secret_key=state.secret_key,
        session_cookie="backoffice_session",
        max_age=SESSION_MAX_AGE_S,
        same_site="lax",
        secure=CookieSecure.parse(settings.cookie_secure),
    )
    app.add_middleware(UploadAdmission, limit=settings.uploads_max)
    if settings.trusted_proxies:  # outermost: sessions and throttling see the real client
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")

    from api.web.routes import (
        admin,
        api,
        auth,
        compliance,
        documents,
        employees,
        ledger,
        qa,
        queues,
        search,
    )

    for module in (auth, documents, queues, ledger, search, employees, admin, compliance, qa,
                   api):
        app.include_router(module.router)

    if settings.openapi:
        @app.get("/openapi.json", include_in_schema=False)
        def openapi_schema(_user: CurrentUser) -> JSONResponse:
            """The API description, for signed-in users only (BACKOFFICE_OPENAPI=0: none)."""
            return JSONResponse(document_refusals(refusal_statuses(json_api_only(
                app.openapi()))))

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _wants_html(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={target}", status_code=303)
        return JSONResponse({"detail": "authentication required"}, status_code=401)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_html(request) and exc.status_code in (403, 404, 409, 413, 422, 503, 507):
            return render(request, "error.html",
                          {"status": exc.status_code, "detail": exc.detail},
                          status=exc.status_code)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    app.add_exception_handler(PoolTimeout, database_busy)
    app.add_exception_handler(OperationalError, database_busy)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        return JSONResponse({"detail": jsonable_errors(exc)}, status_code=422)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        return response

    return app


REFUSAL_SCHEMA = {"type": "object", "required": ["detail"], "title": "Refusal",
                  "properties": {"detail": {"type": "string", "title": "Detail"}}}


def json_api_only(schema: dict[str, Any]) -> dict[str, Any]:
    """The published schema describes the JSON API (`/api/...`): the pages answer HTML and
    redirects to browsers, which an API schema would state wrongly (a schemathesis run found
    every page `application/json` in it while it sent text/html)."""
    paths = {path: ops for path, ops in schema.get("paths", {}).items()
             if path.startswith("/api/")}
    return {**schema, "paths": paths}


# The answers every operation may give besides its own (api/web/refusals.py, admission,
# the database pool), each `{"detail": "<why>"}`; schemathesis found 404 undocumented.
REFUSALS_EVERYWHERE = {"401": "not signed in", "403": "your roles do not allow this",
                       "503": "the database stayed busy (Retry-After)"}
REFUSALS_WITH_PATH_ID = {"404": "no such object, or none this user may know of"}
REFUSALS_OF_CHANGES = {"409": "the step conflicts with the object's state"}
REFUSALS_OF_UPLOADS = {"413": "the file is over BACKOFFICE_MAX_BYTES",
                       "429": "too many uploads at once (Retry-After)",
                       "507": "the data dir's disk is full"}
UPLOAD_PATH = "/api/documents"


def refusal_statuses(schema: dict[str, Any]) -> dict[str, Any]:
    """Publish the refusals an operation may answer with (idempotent)."""
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, op in operations.items():
            codes = dict(REFUSALS_EVERYWHERE)
            if "{" in path:
                codes.update(REFUSALS_WITH_PATH_ID)
            if method != "get":
                codes.update(REFUSALS_OF_CHANGES)
            if (path, method) == (UPLOAD_PATH, "post"):
                codes.update(REFUSALS_OF_UPLOADS)
            responses = op.setdefault("responses", {})
            for code, why in codes.items():
                responses.setdefault(code, {"description": why, "content": ref})
    return schema


def document_refusals(schema: dict[str, Any]) -> dict[str, Any]:
    """A refused step answers 422 with `{"detail": "<why>"}` (invalid input the validator
    cannot see: an unknown decision, a finding already resolved), beside FastAPI's list
    of validation errors: the published 422 says both (idempotent)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Refusal"] = REFUSAL_SCHEMA
    either = {"anyOf": [{"$ref": "#/components/schemas/HTTPValidationError"},
                        {"$ref": "#/components/schemas/Refusal"}]}
    for operations in schema.get("paths", {}).values():
        for op in operations.values():
            content = (op.get("responses", {}).get("422") or {}).get("content", {})
            if "application/json" in content:
                content["application/json"]["schema"] = either
    return schema


def jsonable_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """The 422 body in the shape the published schema (FastAPI's ValidationError) states:
    loc, msg and type; the rejected input is left out (it may be a password or a file)."""
    return [{"loc": [str(p) if not isinstance(p, int) else p for p in e.get("loc", ())],
             "msg": str(e.get("msg", "")), "type": str(e.get("type", "value_error"))}
            for e in exc.errors()]
