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
    from api.config import Settings
    from api.pipeline import Pipeline

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
