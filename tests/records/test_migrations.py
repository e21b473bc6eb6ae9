"""The Alembic migrations build exactly the schema the models describe; a database already
at the scripts' head starts without running Alembic, and a new SQLite database is made from
the snapshot of the migrated schema, also without Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

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


def test_sqlite_snapshot_is_the_migrated_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    db.migrate(url)
    assert db.sqlite_dump(url) == db.SQLITE_SNAPSHOT.read_text(encoding="utf-8"), (
        "the migrations changed: rewrite the snapshot with "
        "`python -c 'from records.db import write_sqlite_snapshot; write_sqlite_snapshot()'`")


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
    assert db.sqlite_dump(url) == db.sqlite_dump(migrated)  # tables, indexes, triggers, rows
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
