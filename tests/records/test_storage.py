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
    sha, key = store.put(b"hello")
    assert key.endswith(sha) and store.path_for(sha).read_bytes() == b"hello"
    assert store.get(sha) == b"hello"
    sha2, key2 = store.put(b"hello")
    assert (sha2, key2) == (sha, key)


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


def test_migration_0003_books_each_invoice_once(tmp_path: Path) -> None:
    """Upgrading a data dir that already holds a double booking keeps the oldest entry
    booked and sends the other back to review; waived findings become resolved as
    accepted risk; afterwards the database refuses a second booking."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from records.db import migrate

    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate(url, "0002")
    engine = get_engine(url)
    with engine.begin() as c:
        for n, number in ((1, "INV-007"), (2, "inv 7")):  # one number, printed two ways
            c.execute(text("INSERT INTO documents (id, sha256, filename, size, status, pages, "
                           "ocr_pages, review_needed, created_at, updated_at) VALUES "
                           "(:id, :sha, 'x.pdf', 1, 'approved', 1, 0, 0, '2026-01-01', "
                           "'2026-01-01')"), {"id": f"d{n}", "sha": f"{n:064d}"})
            c.execute(text("INSERT INTO ledger_entries (document_id, vendor_key, doc_type, "
                           "invoice_number, status, created_at, updated_at) VALUES "
                           "(:id, 'acme', 'invoice', :number, 'approved', '2026-01-01', "
                           "'2026-01-01')"), {"id": f"d{n}", "number": number})
        c.execute(text("INSERT INTO violations (document_id, rule, severity, message, "
                       "policy_version, status) VALUES ('d1', 'ap.new_vendor', 'low', 'm', "
                       "'t', 'waived')"))
    migrate(url)
    with engine.begin() as c:
        rows = c.execute(text("SELECT document_id, invoice_key, status FROM ledger_entries "
                              "ORDER BY id")).fetchall()
        assert [tuple(r) for r in rows] == [("d1", "inv7", "approved"),
                                            ("d2", "inv7", "pending_review")]
        assert tuple(c.execute(text("SELECT status, resolution FROM violations")).one()) == (
            "resolved", "accepted_risk")
    with pytest.raises(IntegrityError), engine.begin() as c:
        c.execute(text("UPDATE ledger_entries SET status = 'paid' WHERE document_id = 'd2'"))
