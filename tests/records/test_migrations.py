"""The Alembic migrations build exactly the schema the models describe; a database already
at the scripts' head starts without running Alembic, and a new SQLite database is made from
the snapshot of the migrated schema, also without Alembic."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import make_url

from records import db
from records.db import get_engine, init_db
from records.models import Base


def test_migrated_schema_matches_models(tmp_path: Path) -> None:
    for name, make in (("m.db", db.migrate), ("s.db", init_db)):  # Alembic, the snapshot
        url = f"sqlite:///{tmp_path / name}"
        make(url)
        with get_engine(url).connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], name


def _elements(sql: str) -> list[str]:
    """A CREATE TABLE's columns and constraints, sorted: Alembic's batch migrations write a
    table's constraints in an order that changes from run to run (hash seeds), the same
    schema either way."""
    if not sql.startswith("CREATE TABLE"):
        return [sql]
    head, body = sql[: sql.index("(")], sql[sql.index("(") + 1: sql.rindex(")")]
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:].strip())
    return [head.strip(), *sorted(parts)]


def _schema(url: str) -> list[object]:
    """What a SQLite database holds, constraint order aside: every table, index and
    trigger, each table's columns in order, and every row."""
    con = sqlite3.connect(make_url(url).database or "")
    try:
        out: list[object] = []
        for kind, name, sql in con.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                "ORDER BY type, name").fetchall():
            out.append((kind, name, _elements(sql)))
            if kind == "table":
                out.append(con.execute(f'PRAGMA table_info("{name}")').fetchall())
                out.append(sorted(map(repr, con.execute(f'SELECT * FROM "{name}"'))))
        return out
    finally:
        con.close()


def test_sqlite_snapshot_is_the_migrated_schema(tmp_path: Path) -> None:
    migrated, snapshot = f"sqlite:///{tmp_path / 'm.db'}", f"sqlite:///{tmp_path / 's.db'}"
    db.migrate(migrated)
    assert db.create_from_snapshot(snapshot, db.script_head()), (
        "a new migration: rewrite the snapshot with "
        "`python -c 'from records.db import write_sqlite_snapshot; write_sqlite_snapshot()'`")
    assert _schema(snapshot) == _schema(migrated), "rewrite the snapshot (see above)"


_NEW_DATABASE = """
import sys
from records.db import init_db, session_scope
from records.models import DecisionHead
sessions = init_db(sys.argv[1])
with session_scope(sessions) as s:
    assert s.get(DecisionHead, 1).seq == 0
print(sorted(m for m in sys.modules if m.split(".")[0] == "alembic"))
"""


def test_a_new_sqlite_database_starts_without_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    done = subprocess.run([sys.executable, "-c", _NEW_DATABASE, url], capture_output=True,
                          text=True, cwd=Path(__file__).parents[2], check=True)
    assert done.stdout.strip() == "[]", done.stdout
    migrated = f"sqlite:///{tmp_path / 'm.db'}"
    db.migrate(migrated)
    assert _schema(url) == _schema(migrated)  # tables, indexes, triggers, rows
    assert db.at_head(url)


def test_the_snapshot_only_makes_empty_databases_at_its_revision(tmp_path: Path,
                                                                 monkeypatch) -> None:
    head = db.script_head()
    old = tmp_path / "old.sql"
    old.write_text("-- revision: 0014\n" + db.SQLITE_SNAPSHOT.read_text().partition("\n")[2])
    monkeypatch.setattr(db, "SQLITE_SNAPSHOT", old)
    url = f"sqlite:///{tmp_path / 'a.db'}"
    assert not db.create_from_snapshot(url, head)  # older than the scripts: Alembic
    monkeypatch.undo()
    assert not db.create_from_snapshot("sqlite://", head)  # in memory: Alembic
    assert not db.create_from_snapshot(url, None)  # the scripts' head unknown: Alembic
    with get_engine(url).begin() as conn:
        conn.exec_driver_sql("CREATE TABLE mine (x INTEGER)")
    assert not db.create_from_snapshot(url, head)  # not empty: Alembic
    url = f"sqlite:///{tmp_path / 'b.db'}"
    assert db.create_from_snapshot(url, head) and db.at_head(url)


def test_script_head_is_alembics_head() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(db._MIGRATIONS))
    assert db.script_head() == ScriptDirectory.from_config(cfg).get_current_head()


def test_script_head_is_none_when_unsure(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "a.py").write_text("revision = 'a'\ndown_revision = None\n")
    (tmp_path / "b.py").write_text("revision = 'b'\ndown_revision = 'a'\n")
    assert db.script_head(tmp_path) == "b"
    (tmp_path / "c.py").write_text("revision: str = 'c'\ndown_revision = 'a'\n")
    assert db.script_head(tmp_path) is None  # two heads: Alembic decides
    (tmp_path / "c.py").write_text("revision = make_id()\ndown_revision = 'b'\n")
    assert db.script_head(tmp_path) is None  # a revision not written plainly
    (tmp_path / "c.py").write_text("revision = 'c'\ndown_revision = ('a', 'b')\n")
    assert db.script_head(tmp_path) == "c"  # a merge revision


def test_a_database_at_head_starts_without_alembic(tmp_path: Path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    assert not db.at_head(url)  # a new database
    calls: list[str] = []
    real = db.migrate
    monkeypatch.setattr(db, "migrate", lambda u, revision="head": (calls.append(revision),
                                                                   real(u, revision)))
    db.migrate(url, "0014")
    assert not db.at_head(url)
    monkeypatch.setattr(db, "_migrated", set())  # as a new process on this data dir
    db.init_db(url)  # older: migrated to head
    assert calls == ["0014", "head"] and db.at_head(url)
    monkeypatch.setattr(db, "_migrated", set())
    db.init_db(url)  # at head: one query, no migration
    assert calls == ["0014", "head"]


_HOLD = """
import sys, time
from records.db import setup_lock
from pathlib import Path
with setup_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
    Path(sys.argv[3]).write_text("done")  # the last thing before it lets go
"""


def test_the_setup_lock_excludes_other_holders_until_released(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'l.db'}"
    with db.setup_lock(url):  # a second holder in this process (another thread) waits
        with pytest.raises(db.SetupLockTimeout, match="still setting up"):
            with db.setup_lock(url, timeout_s=0.2):
                pass
    done = tmp_path / "done"
    other = subprocess.Popen([sys.executable, "-c", _HOLD, url, "1.0", str(done)],
                             stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "held"
        with pytest.raises(db.SetupLockTimeout):  # another process holds it
            with db.setup_lock(url, timeout_s=0.2):
                pass
        with db.setup_lock(url, timeout_s=60):  # free once it lets go
            assert done.exists()
    finally:
        other.wait(timeout=60)
