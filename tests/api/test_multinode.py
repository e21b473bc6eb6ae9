"""Two web nodes with their own data dirs, one database and one S3 blob store (moto on
127.0.0.1): an upload on one node is downloadable and viewable on the other, a login and an
API token from one node are honoured by the other; and a node refuses to start multi-node
without the keys all nodes share."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.multinode import SharedKeyMissing, multinode, require_shared_keys
from api.web.security import credential_stamp, make_api_token
from records.db import session_scope
from records.sealing import new_key_text
from records.users import get_user
from tests.api.test_web_support import ADMIN_PASSWORD, BASE_URL, fast_hashes, login
from tests.conftest import INVOICE_LINES, pdf_bytes
from workflow.settings import Settings

SECRET = "shared-secret-for-both-nodes-0123456789abcdef"


def _settings(tmp_path: Path, **changes: object) -> Settings:
    s = Settings.from_env(tmp_path / "node")
    for name, value in changes.items():
        setattr(s, name, value)
    return s


@pytest.mark.parametrize("change", [
    {"database_url": "postgresql+psycopg://u@db.example/backoffice"},
    {"broker_url": "redis://redis.example:6379/0"},
    {"blob_url": "s3://bucket/prefix"},
])
def test_multinode_settings_without_a_secret_refuse_to_start(
        change: dict[str, object], data_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BACKOFFICE_SECRET_KEY", raising=False)
    monkeypatch.setenv("BACKOFFICE_HR_KEY", new_key_text())
    settings = _settings(tmp_path, **change)
    assert multinode(settings)
    with pytest.raises(SharedKeyMissing, match="BACKOFFICE_SECRET_KEY is not set"):
        create_app(settings)
    settings.secret_key = SECRET
    require_shared_keys(settings)  # given: starts


def test_embedded_set_up_needs_no_key(data_dir: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BACKOFFICE_SECRET_KEY", raising=False)
    settings = _settings(tmp_path)
    assert not multinode(settings)
    require_shared_keys(settings)


def test_s3_store_needs_the_shared_sealing_key(data_dir: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BACKOFFICE_HR_KEY", raising=False)
    settings = _settings(tmp_path, blob_url="s3://bucket/p", secret_key=SECRET)
    with pytest.raises(SharedKeyMissing, match="BACKOFFICE_HR_KEY is not set"):
        require_shared_keys(settings)


def test_serve_says_why_it_does_not_start(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("BACKOFFICE_SECRET_KEY", raising=False)
    monkeypatch.setenv("BACKOFFICE_BROKER_URL", "redis://127.0.0.1:1/0")
    assert main(["serve", "--port", "1"]) == 2
    assert "BACKOFFICE_SECRET_KEY is not set (BACKOFFICE_BROKER_URL is set)" in \
        capsys.readouterr().err


def _node(tmp_path: Path, name: str, secret: str) -> FastAPI:
    settings = Settings.from_env(tmp_path / name)
    settings.secret_key = secret
    settings.workers = 1
    return create_app(settings)


def test_two_nodes_share_originals_pages_logins_and_tokens(
        s3_blob_url: str, data_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fast_hashes(monkeypatch)
    monkeypatch.setenv("BACKOFFICE_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("BACKOFFICE_BROKER_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'shared.db'}")
    monkeypatch.setenv("BACKOFFICE_BLOB_URL", s3_blob_url)
    monkeypatch.setenv("BACKOFFICE_HR_KEY", new_key_text())
    one, two = _node(tmp_path, "node1", SECRET), _node(tmp_path, "node2", SECRET)
    other = _node(tmp_path, "node3", "another-secret-" + "x" * 40)
    try:
        with TestClient(one, base_url=BASE_URL) as c1, TestClient(two, base_url=BASE_URL) as c2, \
                TestClient(other, base_url=BASE_URL) as c3:
            csrf = login(c1, "admin", ADMIN_PASSWORD)
            data = pdf_bytes(INVOICE_LINES)
            r = c1.post("/api/documents", headers={"X-CSRF-Token": csrf},
                        files=[("files", ("inv.pdf", data, "application/pdf"))])
            assert r.status_code == 200, r.text
            [result] = r.json()["documents"]
            assert result["status"] != "failed", result
            doc_id = result["document_id"]

            c2.cookies.update(c1.cookies)  # the browser's session, now sent to node 2
            c3.cookies.update(c1.cookies)
            assert c2.get("/api/documents").status_code == 200
            assert c3.get("/api/documents").status_code == 401  # not the shared secret
            got = c2.get(f"/documents/{doc_id}/original")
            assert got.status_code == 200 and got.content == data
            page = c2.get(f"/documents/{doc_id}/pages/1.png")
            assert page.status_code == 200 and page.content.startswith(b"\x89PNG")
            assert c1.get(f"/documents/{doc_id}/pages/1.png").content == page.content

            with session_scope(one.state.sessions) as s:
                admin = get_user(s, "admin")
                token = make_api_token(SECRET, "admin",
                                       credential_stamp(admin.password_hash, admin.roles))
            bare = TestClient(two, base_url=BASE_URL)
            auth = {"Authorization": f"Bearer {token}"}
            assert bare.get(f"/api/documents/{doc_id}", headers=auth).status_code == 200
            assert TestClient(other, base_url=BASE_URL).get(
                f"/api/documents/{doc_id}", headers=auth).status_code == 401
        for node in ("node1", "node2", "node3"):  # nothing another node needs is on a disk
            for sub in ("originals", "cache"):
                root = tmp_path / node / sub
                assert not root.exists() or not [p for p in root.rglob("*") if p.is_file()]
    finally:
        for app in (one, two, other):
            app.state.jobs.shutdown()
