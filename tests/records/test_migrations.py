"""The Alembic migrations build exactly the schema the models describe; a database already
at the scripts' head starts without running Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from records import db
from records.db import get_engine, init_db
from records.models import Base


def test_migrated_schema_matches_models(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    init_db(url)
    with get_engine(url).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


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
