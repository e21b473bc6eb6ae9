"""Invoices reach the AP ledger; an auto-approved one registers its vendor (audited),
and the vendor's next invoice is matched to it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from policies.types import Review
from records.db import session_scope
from records.models import AuditLog, LedgerEntry, Vendor
from tests.conftest import INVOICE_LINES, make_pdf
from workflow.process import Pipeline
from workflow.settings import Settings


def test_ledger_entry_and_vendor_on_auto_approval(data_dir: Path, tmp_path: Path,
                                                  monkeypatch) -> None:
    import policies

    monkeypatch.setattr(policies, "route", lambda *a, **k: Review(needed=False))
    pipe = Pipeline(Settings.from_env())
    first = pipe.process_path(make_pdf(tmp_path / "a.pdf", INVOICE_LINES))
    assert first["status"] == "auto_approved"
    lines = [x.replace("INV-2024-0113", "INV-2024-0150") for x in INVOICE_LINES]
    second = pipe.process_path(make_pdf(tmp_path / "b.pdf", lines))
    with session_scope(pipe.sessions) as s:
        vendors = s.scalars(select(Vendor)).all()
        assert len(vendors) == 1
        assert "DE89370400440532013000" in vendors[0].ibans
        entries = {e.document_id: e for e in s.scalars(select(LedgerEntry))}
        assert entries[first["document_id"]].status == "approved"
        assert entries[first["document_id"]].vendor_id == vendors[0].id
        assert entries[second["document_id"]].vendor_id == vendors[0].id
        assert entries[second["document_id"]].total_amount == "1190.00"
        assert s.scalar(select(AuditLog.id).where(AuditLog.action == "vendor.create"))
