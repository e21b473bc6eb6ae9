"""Sign-in, sessions, CSRF and script authentication."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from records import users
from records.db import session_scope
from records.models import AuditLog
from tests.api.test_web_support import (
    ADMIN_PASSWORD,
    BASE_URL,
    INVOICE_FIELDS,
    PASSWORD,
    add_user,
    csrf_of,
    fast_hashes,
    login,
    seed_document,
)


def test_pages_need_login_and_api_answers_401(client: TestClient) -> None:
    r = client.get("/documents", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = client.get("/api/documents")
    assert r.status_code == 401
    assert "www-authenticate" not in r.headers  # no browser Basic prompt to cache creds
    assert client.get("/healthz").json()["status"] == "ok"


def test_login_wrong_password_then_right_then_logout(client: TestClient) -> None:
    token = csrf_of(client)
    r = client.post("/login", data={"username": "admin", "password": "nope",
                                    "csrf_token": token, "next": "/documents"})
    assert r.status_code == 401 and "Wrong user name or password" in r.text
    token = login(client, "admin", ADMIN_PASSWORD)
    page = client.get("/documents")
    assert page.status_code == 200 and "admin" in page.text
    r = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/documents", follow_redirects=False).status_code == 303


def test_login_rejects_open_redirect(client: TestClient) -> None:
    token = csrf_of(client)
    r = client.post("/login", data={"username": "admin", "password": ADMIN_PASSWORD,
                                    "csrf_token": token, "next": "//evil.example/x"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/documents"


def test_csrf_required_for_form_and_session_api(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    doc_id = seed_document(app, "invoice", INVOICE_FIELDS)
    token = login(client, "pat")
    url = f"/documents/{doc_id}/fields"
    assert client.post(url, data={"name": "po_number", "value": "PO-1"}).status_code == 403
    r = client.post(url, data={"name": "po_number", "value": "PO-1", "csrf_token": "forged"})
    assert r.status_code == 403
    api = f"/api/documents/{doc_id}/fields/po_number"
    assert client.patch(api, json={"value": "PO-2"}).status_code == 403
    r = client.patch(api, json={"value": "PO-2"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["fields"]["po_number"]["value"] == "PO-2"
    # Login itself is protected too (login CSRF).
    fresh = TestClient(app, base_url=BASE_URL)
    assert fresh.post("/login", data={"username": "pat", "password": PASSWORD}).status_code == 403


def test_basic_and_bearer_auth_for_scripts(app: FastAPI, client: TestClient) -> None:
    from api.web.security import credential_stamp, make_api_token

    add_user(app, "pat", "ap")
    doc_id = seed_document(app, "invoice", INVOICE_FIELDS)
    basic = "Basic " + base64.b64encode(f"pat:{PASSWORD}".encode()).decode()
    r = client.get("/api/documents", headers={"Authorization": basic})
    assert r.status_code == 200 and r.json()["total"] == 1
    # No cookie, no CSRF token: the header is the credential.
    r = client.patch(f"/api/documents/{doc_id}/fields/po_number", json={"value": "PO-9"},
                     headers={"Authorization": basic})
    assert r.status_code == 200
    bad = "Basic " + base64.b64encode(b"pat:wrong-password").decode()
    assert client.get("/api/documents", headers={"Authorization": bad}).status_code == 401
    with session_scope(app.state.sessions) as s:
        user = users.get_user(s, "pat")
        token = make_api_token(app.state.secret_key, "pat",
                               credential_stamp(user.password_hash, user.roles))
    r = client.get(f"/api/documents/{doc_id}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["corrections"]["po_number"]["corrected_by"] == "pat"
    assert client.get("/api/documents",
                      headers={"Authorization": "Bearer x" + token}).status_code == 401
    # a password change ends the token as it ends browser sessions; so does a role change
    with session_scope(app.state.sessions) as s:
        users.set_password(s, "pat", "another-long-passphrase-42", actor="admin")
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/documents", headers=bearer).status_code == 401
    with session_scope(app.state.sessions) as s:
        user = users.get_user(s, "pat")
        token = make_api_token(app.state.secret_key, "pat",
                               credential_stamp(user.password_hash, user.roles))
        bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/documents", headers=bearer).status_code == 200
    with session_scope(app.state.sessions) as s:
        users.set_roles(s, "pat", ["ap", "approver"], actor="admin")
    assert client.get("/api/documents", headers=bearer).status_code == 401


def test_first_start_creates_admin_once(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    from api.app import create_app
    from workflow.settings import Settings

    fast_hashes(monkeypatch)
    monkeypatch.delenv("BACKOFFICE_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("BACKOFFICE_SECRET_KEY", raising=False)
    app1 = create_app(Settings.from_env(data_dir))
    err = capsys.readouterr().err
    assert "created user 'admin' with password" in err
    password = err.split("with password ", 1)[1].split()[0]
    app1.state.jobs.shutdown()
    app2 = create_app(Settings.from_env(data_dir))  # second start: no new password
    assert "created user" not in capsys.readouterr().err
    key = data_dir / "secret.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert app2.state.secret_key == app1.state.secret_key
    with TestClient(app2, base_url=BASE_URL) as c:
        login(c, "admin", password)
    app2.state.jobs.shutdown()
    with session_scope(app2.state.sessions) as s:
        actions = [a.action for a in s.query(AuditLog).all()]
    assert "user.create" in actions and "auth.login" in actions


def test_users_page_admin_only_and_creates_user(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    login(client, "pat")
    assert client.get("/users").status_code == 403
    client.cookies.clear()
    token = login(client, "admin", ADMIN_PASSWORD)
    r = client.post("/users", data={"username": "lee", "password": "long-enough-1",
                                    "roles": ["legal", "compliance"], "csrf_token": token})
    assert r.status_code == 200 and "User lee created" in r.text
    client.cookies.clear()
    login(client, "lee", "long-enough-1")
    assert client.get("/search").status_code == 200
