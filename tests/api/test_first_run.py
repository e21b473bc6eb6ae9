"""Two first runs on a new data dir at once (two service processes, or the service and a
CLI command) must both come up on one schema, one admin and one secret key; without the
set-up lock one of them died with "table audit_log already exists"."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

ROUNDS = 3


def _first_run(data_dir: str, barrier: Any) -> tuple[str, str]:
    os.environ.update(BACKOFFICE_DATA_DIR=data_dir, BACKOFFICE_SEARCH="0",
                      BACKOFFICE_ADMIN_PASSWORD="admin-pass-123")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("BACKOFFICE_SECRET_KEY", None)
    from api.app import create_app
    from workflow.settings import Settings

    settings = Settings.from_env(data_dir)
    barrier.wait(timeout=120)  # both imported: start the set-up at the same moment
    try:
        app = create_app(settings)
    except Exception as exc:  # noqa: BLE001 - the failure is the test's answer
        return "failed", f"{type(exc).__name__}: {exc}"[:300]
    app.state.jobs.shutdown()
    return "ok", app.state.secret_key


@pytest.mark.timeout(600)
def test_two_first_runs_race_safely(tmp_path: Path) -> None:
    from records.db import init_db, session_scope
    from records.models import User

    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        for i in range(ROUNDS):
            data_dir = tmp_path / f"data{i}"
            barrier = manager.Barrier(2)
            results = pool.starmap(_first_run, [(str(data_dir), barrier)] * 2)
            assert [r[0] for r in results] == ["ok", "ok"], results
            assert results[0][1] == results[1][1]  # one secret key
            assert (data_dir / "secret.key").read_text().strip() == results[0][1]
            with session_scope(init_db(f"sqlite:///{data_dir / 'backoffice.db'}")) as s:
                assert list(s.scalars(select(User.username))) == ["admin"]
