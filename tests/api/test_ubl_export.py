"""Approved invoices leave as UBL 2.1: the file validates against the UBL schema (the
writer checks it) and reads back, through the e-invoice reader, as the values that were
booked; nothing not approved leaves; the page and CLI exports follow the reader's rights."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.cli import main
from api.ubl import UblExportError, entry_ubl
from extractors.einvoice import read_einvoice
from ingest.types import StructuredInvoice
from records.db import session_scope
from records.models import LedgerEntry
from tests.api.test_web_support import add_user, login
from tests.conftest import INVOICE_LINES, pdf_bytes
from workflow.decide import decide
from workflow.process import Pipeline
from workflow.settings import Settings


def _approved(data_dir: Path) -> tuple[Pipeline, int]:
    pipe = Pipeline(Settings.from_env(data_dir))
    r = pipe.process_bytes("northwind.pdf", pdf_bytes(INVOICE_LINES))
    with session_scope(pipe.sessions) as s:
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == r["document_id"]))
        with pytest.raises(UblExportError, match="only approved or paid"):
            entry_ubl(s, entry)
        decide(s, r["document_id"], "approve", "abe", {"admin"}, pipe.policy_config)
        return pipe, entry.id


def test_approved_invoice_reads_back_as_booked(data_dir: Path) -> None:
    pipe, entry_id = _approved(data_dir)
    with session_scope(pipe.sessions) as s:
        entry = s.get(LedgerEntry, entry_id)
        invoice = entry_ubl(s, entry)
        booked = {k: getattr(entry, k) for k in ("invoice_number", "invoice_date", "due_date",
                                                 "currency", "subtotal", "tax_amount",
                                                 "total_amount", "iban", "vendor_name")}
    back = read_einvoice(StructuredInvoice("ubl", invoice.xml, "file"))
    assert back.valid, back.errors
    got = {k: f.normalized for k, f in back.fields.items()}
    for key, want in booked.items():
        assert want and got[key] == want, key
    assert got["vendor_tax_id"] == "DE136695976"
    assert invoice.filename.startswith(f"invoice-{entry_id}-INV-2024-0113")


def test_page_and_cli_exports(app: FastAPI, client: TestClient, data_dir: Path,
                              tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, entry_id = _approved(data_dir)
    add_user(app, "pat", "ap")
    add_user(app, "hana", "hr")
    login(client, "pat")
    r = client.get(f"/ledger/{entry_id}/ubl")
    assert r.status_code == 200 and b"<cbc:ID>INV-2024-0113</cbc:ID>" in r.content
    lines = client.get("/ledger.jsonl").text.splitlines()
    assert len(lines) == 1 and '"invoice_number": "INV-2024-0113"' in lines[0]
    client.cookies.clear()
    login(client, "hana")
    assert client.get(f"/ledger/{entry_id}/ubl").status_code == 403  # hr: no ledger
    out = tmp_path / "ubl"
    assert main(["ledger", "--format", "ubl", "--out", str(out),
                 "--data-dir", str(data_dir)]) == 0
    assert [p.name for p in out.iterdir()] == [f"invoice-{entry_id}-INV-2024-0113.xml"]
    assert "wrote 1 UBL invoice(s)" in capsys.readouterr().err
