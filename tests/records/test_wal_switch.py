"""Two processes opening a new SQLite file at once both switch it to WAL: SQLite takes the
switch's exclusive lock without waiting in its busy handler, and two first runs on a new
data dir had one die of "database is locked" (`records.db._switch_to_wal` retries)."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

ROUNDS = 150


def _open_and_write(path: str, barrier: Any) -> str:
    from records.db import _sqlite_pragmas

    barrier.wait(timeout=60)
    try:
        con = sqlite3.connect(path, timeout=30)
        _sqlite_pragmas(con, None)
        con.executescript("BEGIN; CREATE TABLE IF NOT EXISTS t (x); INSERT INTO t VALUES (1);"
                          " COMMIT;")
        mode = con.execute("PRAGMA journal_mode").fetchone()[0]
        con.close()
        return str(mode)
    except sqlite3.OperationalError as exc:
        return f"failed: {exc}"


def test_two_connections_switch_a_new_file_to_wal_at_once(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    with ctx.Manager() as manager, ctx.Pool(2) as pool:
        results = []
        for i in range(ROUNDS):
            barrier = manager.Barrier(2)
            results += pool.starmap(_open_and_write,
                                    [(str(tmp_path / f"new{i}.db"), barrier)] * 2)
    assert [r for r in results if r != "wal"] == []
    con = sqlite3.connect(tmp_path / "new0.db")
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 2
