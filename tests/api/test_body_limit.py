"""Request bodies over BACKOFFICE_MAX_BYTES are refused with 413 while streaming: a body
announced too large is not read at all, a chunked one is cut off once past the limit
(a 200 MB request body used to be read whole into memory)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import UPLOAD_OVERHEAD_BYTES
from tests.api.test_web_support import ADMIN_PASSWORD, BASE_URL, login, make_app
from tests.conftest import INVOICE_LINES, pdf_bytes

LIMIT = 200_000
CHUNK = 64 * 1024


@pytest.fixture()
def small_app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    monkeypatch.setenv("BACKOFFICE_MAX_BYTES", str(LIMIT))
    yield from make_app(data_dir, monkeypatch)


def _originals(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / "originals").rglob("*") if p.is_file()]


def test_upload_over_the_limit_is_413_and_nothing_kept(small_app: FastAPI,
                                                       data_dir: Path) -> None:
    with TestClient(small_app, base_url=BASE_URL) as c:
        token = login(c, "admin", ADMIN_PASSWORD)
        big = b"%PDF-1.4\n" + b"0" * (LIMIT + UPLOAD_OVERHEAD_BYTES)
        r = c.post("/api/documents", headers={"X-CSRF-Token": token},
                   files=[("files", ("big.pdf", big, "application/pdf"))])
        assert r.status_code == 413
        r = c.post("/upload", data={"csrf_token": token},
                   files=[("files", ("big.pdf", big, "application/pdf"))])
        assert r.status_code == 413
        assert _originals(data_dir) == []
        # Under the limit still works.
        r = c.post("/api/documents?wait=false", headers={"X-CSRF-Token": token},
                   files=[("files", ("a.pdf", pdf_bytes(INVOICE_LINES), "application/pdf"))])
        assert r.status_code == 202


def _call(app: FastAPI, headers: list[tuple[bytes, bytes]], total: int) -> tuple[int, int]:
    """POST /api/documents straight through ASGI with a body of `total` bytes offered in
    chunks; returns (status, bytes the app actually pulled)."""
    pulled = 0
    status = 0
    sent = 0

    head = (b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n")

    async def receive() -> dict[str, Any]:
        nonlocal pulled, sent
        n = min(CHUNK, total - sent)
        body = (head + b"0" * (n - len(head))) if sent == 0 else b"0" * n
        sent += n
        pulled += n
        return {"type": "http.request", "body": body, "more_body": sent < total}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    cred = base64.b64encode(f"admin:{ADMIN_PASSWORD}".encode())
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "https", "path": "/api/documents", "raw_path": b"",
             "root_path": "", "query_string": b"", "server": ("testserver", 443),
             "client": ("127.0.0.1", 5000),
             "headers": [(b"host", b"testserver"), (b"authorization", b"Basic " + cred),
                         (b"content-type", b"multipart/form-data; boundary=xyz"), *headers]}
    asyncio.run(app(scope, receive, send))
    return status, pulled


def test_announced_too_large_is_refused_unread(small_app: FastAPI) -> None:
    with TestClient(small_app):  # lifespan
        status, pulled = _call(small_app, [(b"content-length", b"200000000")], 200_000_000)
    assert status == 413 and pulled == 0


def test_chunked_body_is_cut_off_past_the_limit(small_app: FastAPI) -> None:
    with TestClient(small_app):
        status, pulled = _call(small_app, [(b"transfer-encoding", b"chunked")], 200_000_000)
    assert status == 413
    assert pulled <= LIMIT + UPLOAD_OVERHEAD_BYTES + CHUNK
