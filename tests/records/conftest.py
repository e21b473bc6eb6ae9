"""Fixtures for the storage tests: a throw-away PostgreSQL server.

The server is started by the first test that asks for `pg_url` in a module and stopped
after that module; tests that need it are skipped, with the reason, where no PostgreSQL
server binaries are installed (`scripts/test.sh` installs them on Debian).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return str(Path(found[-1]).parent) if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed: {done.stderr[-800:]}")


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
    prefix: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and no 'postgres' user to run the server")
        if not shutil.which("runuser"):
            pytest.skip("runuser not available")
        # Outside pytest's own temporary tree: another pytest run starting on the machine
        # sets that tree back to mode 0700, and the server (user postgres) lost its data dir.
        base = Path(tempfile.mkdtemp(prefix="backoffice-pg-"))
        os.chmod(base, 0o755)
        os.chown(base, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    pgdata = base / "data"
    _run([*prefix, f"{bindir}/initdb", "-D", str(pgdata), "-A", "trust", "-U", "postgres"])
    # A free port can be taken by another process before the server binds it (other test
    # runs share the machine): try again on a new one, and say why when it never starts.
    for attempt in range(3):
        port = _free_port()
        started = subprocess.run(
            [*prefix, f"{bindir}/pg_ctl", "-D", str(pgdata), "-w", "-t", "120", "-l",
             str(base / "log"), "-o", f"-p {port} -k {base} -c listen_addresses=127.0.0.1",
             "start"], capture_output=True, text=True)
        if started.returncode == 0:
            break
        log = (base / "log").read_text()[-800:] if (base / "log").exists() else ""
        if attempt == 2:
            pytest.fail(f"PostgreSQL did not start: {started.stderr[-400:]} {log}")
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
        if prefix:
            shutil.rmtree(base, ignore_errors=True)
