"""Admission: how many upload requests the service takes at once, and what an overloaded
database answers.

An upload's body (up to BACKOFFICE_MAX_BYTES) is read before its route runs, so the limit
on uploads in flight is a middleware that answers 429 with `Retry-After` before reading a
byte of the body once `uploads_max` are already being received or waited on. A request
that finds no pooled connection within the pool's timeout, or SQLite locked past its busy
timeout, answers 503 with `Retry-After` instead of 500: the client may simply retry.
"""

from __future__ import annotations

import json

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from records.faults import is_database_busy

UPLOAD_PATHS = frozenset({("POST", "/api/documents"), ("POST", "/upload")})
BUSY_RETRY_AFTER_S = 5  # the database: a pool timeout is 30 s, most waits are far shorter
UPLOADS_RETRY_AFTER_S = 2  # an upload slot frees as soon as one request answers


class UploadAdmission:
    """ASGI middleware: at most `limit` upload requests in flight (one event loop, so a
    plain counter is enough); the rest are answered 429 at once, body unread."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = max(1, limit)
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (scope["method"], scope["path"]) not in UPLOAD_PATHS:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            body = json.dumps({"detail": "too many uploads at once; retry later"}).encode()
            await send({"type": "http.response.start", "status": 429, "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(UPLOADS_RETRY_AFTER_S).encode()),
                (b"connection", b"close"),  # the unread body is not kept on this connection
            ]})
            await send({"type": "http.response.body", "body": body})
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


async def database_busy(_request: Request, exc: Exception) -> JSONResponse:
    """Exception handler for PoolTimeout and OperationalError; other database errors stay
    errors (re-raised: a 500 with the traceback logged)."""
    if not is_database_busy(exc):
        raise exc
    return JSONResponse({"detail": "the database is busy; retry later"}, status_code=503,
                        headers={"Retry-After": str(BUSY_RETRY_AFTER_S)})
