"""The same code on PostgreSQL: the test starts its own throw-away server.

Skipped, with the reason, where no PostgreSQL server binaries are installed
(`scripts/test.sh` installs them on Debian).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import INVOICE_LINES, make_pdf

pytestmark = pytest.mark.postgres


def test_pipeline_on_postgres(pg_url: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BACKOFFICE_SEARCH", "0")
    from workflow.process import Pipeline
    from workflow.settings import Settings

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


def test_a_vendors_invoice_is_booked_once_on_postgres(pg_url: str) -> None:
    """The partial unique index is PostgreSQL's too: a second approved entry with the same
    vendor and invoice number is refused, a rejected or pending one is not."""
    from sqlalchemy.exc import IntegrityError

    from records.db import init_db
    from records.models import Document, LedgerEntry

    factory = init_db(pg_url)
    with factory() as s:
        for n in range(4):
            s.add(Document(id=f"doc_pg_book_{n}", sha256=f"{n:064d}", filename=f"{n}.pdf"))
        s.flush()
        s.add(LedgerEntry(document_id="doc_pg_book_0", vendor_key="acme", invoice_key="inv7",
                          status="approved"))
        s.add(LedgerEntry(document_id="doc_pg_book_1", vendor_key="acme", invoice_key="inv7",
                          status="rejected"))
        s.add(LedgerEntry(document_id="doc_pg_book_2", vendor_key="acme", invoice_key="inv7",
                          status="pending_review"))
        s.commit()
        s.add(LedgerEntry(document_id="doc_pg_book_3", vendor_key="acme", invoice_key="inv7",
                          status="paid"))
        with pytest.raises(IntegrityError):
            s.commit()


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


def test_worker_processes_on_postgres_lose_nothing(pg_url: str, tmp_path: Path,
                                                   monkeypatch) -> None:
    """`backoffice process --workers 2` on PostgreSQL: forked workers must not reuse the
    parent's pooled connections (they did: 'connection in transaction status INTRANS',
    documents lost). Every file ends processed, none failed."""
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BACKOFFICE_SEARCH", "0")
    from records.db import init_db
    from workflow.process import process_many
    from workflow.settings import Settings

    settings = Settings.from_env()
    factory = init_db(pg_url)
    with factory() as s:  # the parent holds pooled connections before the pool forks
        from sqlalchemy import text

        s.execute(text("SELECT 1"))
        s.begin_nested()
    paths = [make_pdf(tmp_path / f"inv{i}.pdf", [*INVOICE_LINES, f"Reference: R-{i}"])
             for i in range(8)]
    results = list(process_many(paths, settings, workers=2))
    failed = [(r["file"], r["error"]) for r in results if r["status"] == "failed"]
    assert failed == [] and len({r["document_id"] for r in results}) == 8


def test_a_long_field_source_is_stored_on_postgres(pg_url: str) -> None:
    """Contract rankers write `ranker:<pattern>` sources past 40 characters: SQLite never
    checked, PostgreSQL refused the document ("value too long", 21 DEV contracts failed)."""
    from records.db import init_db
    from records.models import Document, FieldRow

    factory = init_db(pg_url)
    source = "ranker:" + "governing_law_clause_of_the_agreement_" * 3
    with factory() as s:
        s.add(Document(id="doc_pg_long_source", sha256="e" * 64, filename="c.pdf"))
        s.flush()
        s.add(FieldRow(document_id="doc_pg_long_source", name="governing_law", value="NY",
                       normalized="New York", confidence=0.9, source=source))
        s.commit()
        assert s.query(FieldRow).filter_by(document_id="doc_pg_long_source").one().source == source
