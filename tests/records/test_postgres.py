"""The same code on PostgreSQL: the test starts its own throw-away server.

Skipped, with the reason, where no PostgreSQL server binaries are installed
(`scripts/test.sh` installs them on Debian).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import INVOICE_LINES, make_pdf

pytestmark = pytest.mark.postgres


def _bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return str(Path(found[-1]).parent) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    bindir = _bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg not installed")
    base = tmp_path_factory.mktemp("pg")
    pgdata = base / "data"
    prefix: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and no 'postgres' user to run the server")
        if not shutil.which("runuser"):
            pytest.skip("runuser not available")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        os.chmod(base.parent, 0o755)
        os.chmod(base.parent.parent, 0o755)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run([*prefix, f"{bindir}/initdb", "-D", str(pgdata), "-A", "trust", "-U",
                    "postgres"], check=True, capture_output=True)
    subprocess.run([*prefix, f"{bindir}/pg_ctl", "-D", str(pgdata), "-w", "-l",
                    str(base / "log"), "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1",
                    "start"], check=True, capture_output=True)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    try:
        for _ in range(50):
            try:
                import psycopg

                psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres").close()
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.2)
        yield url
    finally:
        subprocess.run([*prefix, f"{bindir}/pg_ctl", "-D", str(pgdata), "-m", "immediate",
                        "stop"], capture_output=True)


def test_pipeline_on_postgres(pg_url: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BACKOFFICE_SEARCH", "0")
    from api.config import Settings
    from api.pipeline import Pipeline

    pipe = Pipeline(Settings.from_env())
    pdf = make_pdf(tmp_path / "inv.pdf", INVOICE_LINES)
    first = pipe.process_path(pdf)
    again = pipe.process_path(pdf)
    assert first["error"] is None, first["error"]
    assert again["document_id"] == first["document_id"]
    from sqlalchemy import func, select

    from records.models import Document, FieldRow

    with pipe.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 1
        assert s.scalar(select(func.count()).select_from(FieldRow)) == len(first["fields"])


def test_sign_in_state_on_postgres(pg_url: str) -> None:
    """Sessions, the throttle's counter upserts and the set-up lock on PostgreSQL."""
    from datetime import UTC, datetime, timedelta

    from records.auth_sessions import (
        bump_login_failures,
        create_session,
        lock_login,
        login_failures,
        refund_login_failure,
        revoke_user_sessions,
        session_user,
    )
    from records.db import init_db, session_scope, setup_lock

    sessions = init_db(pg_url)
    t = datetime.now(UTC)
    with setup_lock(pg_url), session_scope(sessions) as s:
        token = create_session(s, "pat", 60)
        assert session_user(s, token) == "pat"
        assert revoke_user_sessions(s, "pat") == 1 and session_user(s, token) is None
        assert [bump_login_failures(s, "user:pat", t, t - timedelta(hours=1))
                for _ in range(3)] == [1, 2, 3]
        assert bump_login_failures(s, "user:pat", t + timedelta(hours=2), t + timedelta(hours=1)) == 1
        lock_login(s, "user:pat", t + timedelta(seconds=5))
        assert login_failures(s, ["user:pat"])[0].locked_until is not None
        assert refund_login_failure(s, "user:pat") == 0
