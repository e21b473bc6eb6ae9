"""The intake channel: uploads by hr users are HR's from the first moment, attachments
inherit it, nothing loosens it; and migration 0002 gives existing documents the same."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from records.channels import HR, channel_for, stamp_intake
from records.db import get_engine, init_db, migrate, session_scope
from records.ids import new_id
from records.models import Document
from records.users import create_user


def _doc(**columns: object) -> Document:
    return Document(id=new_id("doc"), sha256=new_id("sha"), filename="scan.pdf", **columns)


def test_channel_follows_the_uploaders_roles(tmp_path: Path) -> None:
    sessions = init_db(f"sqlite:///{tmp_path / 'c.db'}")
    with session_scope(sessions) as s:
        create_user(s, "hana", "correct-horse-9", ["hr", "ap"], actor="test")
        create_user(s, "pat", "correct-horse-9", ["ap"], actor="test")
        assert channel_for(s, "hana") == HR
        assert channel_for(s, "pat") is None
        assert channel_for(s, "system") is None

        parent, child, again = _doc(), _doc(), _doc(restricted_to=HR)
        stamp_intake(s, parent, "hana")
        stamp_intake(s, child, "system", parent)
        stamp_intake(s, again, "pat")  # re-uploaded by AP: still HR's
        assert (parent.uploaded_by, parent.restricted_to) == ("hana", HR)
        assert (child.uploaded_by, child.restricted_to) == ("hana", HR)
        assert (again.uploaded_by, again.restricted_to) == ("pat", HR)


def test_migration_backfills_uploader_and_channel(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    migrate(url, "0001")
    rows = {"d1": "hana", "d2": "pat"}
    with get_engine(url).begin() as conn:
        for name, roles in (("hana", '["hr"]'), ("pat", '["ap"]')):
            conn.execute(text("INSERT INTO users (username, password_hash, roles, active, "
                              "created_at) VALUES (:n, 'x', :r, 1, '2026-01-01')"),
                         {"n": name, "r": roles})
        for doc_id, actor in rows.items():
            conn.execute(text("INSERT INTO documents (id, sha256, filename, size, status, pages, "
                              "ocr_pages, review_needed, created_at, updated_at) VALUES "
                              "(:id, :id, 'f.pdf', 1, 'failed', 0, 0, 0, '2026-01-01', "
                              "'2026-01-01')"), {"id": doc_id})
            conn.execute(text("INSERT INTO status_history (document_id, status, actor, at) "
                              "VALUES (:id, 'received', :actor, '2026-01-01')"),
                         {"id": doc_id, "actor": actor})
    migrate(url)
    with get_engine(url).begin() as conn:
        got = dict(conn.execute(text(
            "SELECT id, uploaded_by || ':' || coalesce(restricted_to, '-') FROM documents")).all())
    assert got == {"d1": "hana:hr", "d2": "pat:-"}
