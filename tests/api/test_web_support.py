"""Fixtures and helpers for the web tests: an app on a temporary data dir, users,
signing in through the real login form, and documents seeded straight into the
database (so access and review tests do not depend on the extractors' accuracy)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from records.db import session_scope
from records.ids import new_id
from records.models import Document, FieldRow, PageRow, StatusEvent
from tests.conftest import pdf_bytes

ADMIN_PASSWORD = "admin-pass-123"
PASSWORD = "correct-horse-9"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with tiny cost parameters: production strength costs ~0.5 s per hash on a
    shared CI core, and these tests sign in dozens of times."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    import records.users

    fast = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    monkeypatch.setattr(records.users, "_hasher", lambda: fast)


def make_app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    """Body of each test module's `app` fixture (imported fixtures confuse linters)."""
    from api.app import create_app
    from workflow.settings import Settings

    fast_hashes(monkeypatch)
    monkeypatch.setenv("BACKOFFICE_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("BACKOFFICE_SECRET_KEY", raising=False)
    monkeypatch.delenv("BACKOFFICE_BROKER_URL", raising=False)
    settings = Settings.from_env(data_dir)
    settings.workers = 1
    application = create_app(settings)
    yield application
    application.state.jobs.shutdown()


BASE_URL = "https://testserver"  # not localhost: the session cookie is `Secure`


def make_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL) as c:
        yield c


def add_user(app: FastAPI, name: str, *roles: str, password: str = PASSWORD) -> None:
    from records.users import create_user

    with session_scope(app.state.sessions) as s:
        create_user(s, name, password, roles, actor="test")


def csrf_of(client: TestClient, path: str = "/login") -> str:
    m = CSRF_RE.search(client.get(path).text)
    assert m, f"no CSRF token on {path}"
    return m.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    token = csrf_of(client)
    r = client.post("/login", data={"username": name, "password": password,
                                    "csrf_token": token, "next": "/documents"})
    assert r.status_code == 200 and r.url.path == "/documents", r.text[:500]
    return csrf_of(client, "/upload")


INVOICE_FIELDS: dict[str, tuple[Any, Any, float]] = {
    "vendor_name": ("Northwind Traders GmbH", "Northwind Traders GmbH", 0.95),
    "invoice_number": ("INV-2024-0113", "INV-2024-0113", 0.95),
    "invoice_date": ("2024-03-05", "2024-03-05", 0.95),
    "total_amount": ("1,190.00", "1190.00", 0.55),
    "currency": ("EUR", "EUR", 0.95),
    "iban": ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000", 0.95),
}
HR_FIELDS: dict[str, tuple[Any, Any, float]] = {
    "employee_name": ("Jordan Example", "Jordan Example", 0.95),
    "salary": ("85,000.00", "85000.00", 0.5),
}


def seed_document(
    app: FastAPI,
    doc_type: str,
    fields: dict[str, tuple[Any, Any, float]],
    lines: list[str] | None = None,
    filename: str | None = None,
) -> str:
    """A processed-looking document: original in the blob store, one page of words,
    fields with boxes; then the real policies route it (queues, violations, ledger)."""
    from workflow.judge import reevaluate

    lines = lines or [f"{k}: {v[0]}" for k, v in fields.items()]
    data = pdf_bytes(lines)
    sha, _ = app.state.blobs.put(data)
    doc_id = new_id("doc")
    words: list[list[Any]] = []
    boxes: dict[str, list[float]] = {}
    y = 792 - 740 - 10
    for line in lines:
        x = 72.0
        for w in line.split():
            words.append([w, x, y, x + 6.0 * len(w), y + 10, 1.0])
            x += 6.0 * len(w) + 4
        y += 16
    for i, name in enumerate(fields):
        top = 792 - 740 - 10 + 16 * i
        boxes[name] = [72.0, float(top), 300.0, float(top + 10)]
    with session_scope(app.state.sessions) as s:
        s.add(Document(id=doc_id, sha256=sha, filename=filename or f"{doc_type}-{doc_id[-6:]}.pdf",
                       size=len(data), media_type="application/pdf", status="needs_review",
                       doc_type=doc_type, type_confidence=0.93, pages=1, result={}))
        s.flush()
        s.add(StatusEvent(document_id=doc_id, status="needs_review", actor="test"))
        s.add(PageRow(document_id=doc_id, number=1, width=612.0, height=792.0,
                      text="\n".join(lines), words=words))
        for name, (value, norm, conf) in fields.items():
            s.add(FieldRow(document_id=doc_id, name=name, value=value, normalized=norm,
                           confidence=conf, page=1, bbox=boxes[name], source="test"))
        s.flush()
        reevaluate(s, doc_id, "test", app.state.policy_config)
    return doc_id
