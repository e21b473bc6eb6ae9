"""Storage: migrations, content-addressed originals, atomic writes, ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from records.blobs import BlobStore, atomic_write
from records.db import get_engine, init_db
from records.ids import new_id


def test_migrations_create_schema_and_are_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    init_db(url)
    from records.db import migrate

    migrate(url)  # second run is a no-op
    tables = set(inspect(get_engine(url)).get_table_names())
    assert {"documents", "pages", "fields", "status_history", "audit_log",
            "ledger_entries", "users", "alembic_version"} <= tables


def test_blob_store_is_content_addressed(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    sha, path = store.put(b"hello")
    assert path.name == sha and store.get(sha) == b"hello"
    sha2, path2 = store.put(b"hello")
    assert (sha2, path2) == (sha, path)


def test_atomic_write_leaves_no_partial_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "a" / "b.bin"
    import os

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(target, b"data")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_ids_sort_by_time() -> None:
    a = new_id("doc")
    b = new_id("doc")
    assert a.startswith("doc_") and len(a) == 30
    assert a[:14] <= b[:14]
