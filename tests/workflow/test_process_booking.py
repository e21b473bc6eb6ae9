"""Processing files a document through the same judge and books as every later change:
a second copy of a booked invoice is never auto-approved, even with the duplicate
rules switched off."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from policies.types import Review
from records.db import session_scope
from records.models import LedgerEntry
from tests.conftest import INVOICE_LINES, make_pdf
from workflow.process import ALREADY_BOOKED, Pipeline
from workflow.settings import Settings


def test_second_copy_is_not_auto_approved(data_dir: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import policies

    monkeypatch.setattr(policies, "route", lambda *a, **k: Review(needed=False))
    pipe = Pipeline(Settings.from_env())
    pipe.policy_config.disabled_rules = ["ap.duplicate_invoice", "ap.possible_duplicate",
                                         "ap.fuzzy_duplicate"]
    first = pipe.process_path(make_pdf(tmp_path / "a.pdf", INVOICE_LINES))
    copy = pipe.process_path(make_pdf(tmp_path / "b.pdf", [*INVOICE_LINES, "COPY"]))
    assert first["status"] == "auto_approved"
    assert copy["document_id"] != first["document_id"]
    assert copy["status"] == "needs_review"
    assert copy["review"] == {"needed": True, "reasons": [ALREADY_BOOKED]}
    with session_scope(pipe.sessions) as s:
        booked = s.scalars(select(LedgerEntry.document_id).where(
            LedgerEntry.status == "approved")).all()
    assert booked == [first["document_id"]]
