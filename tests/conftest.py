"""Shared fixtures: every test gets its own data dir; nothing touches ./data."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "data"
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(d))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("BACKOFFICE_SEARCH", "0")
    return d


def make_pdf(path: Path, lines: list[str], pages: int = 1) -> Path:
    """A born-digital PDF with the given lines on each page (reportlab)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    for _ in range(pages):
        y = 740
        for line in lines:
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()
    return path


def pdf_bytes(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    y = 740
    for line in lines:
        c.drawString(72, y, line)
        y -= 16
    c.showPage()
    c.save()
    return buf.getvalue()


INVOICE_LINES = [
    "Northwind Traders GmbH",
    "Hauptstrasse 5, 10115 Berlin, Germany",
    "VAT ID: DE136695976",
    "INVOICE",
    "Invoice No: INV-2024-0113",
    "Invoice Date: 2024-03-05",
    "Due Date: 2024-04-04",
    "Bill To: Contoso Ltd",
    "Description            Qty   Unit Price   Amount",
    "Consulting services     10       100.00   1,000.00",
    "Subtotal: 1,000.00 EUR",
    "VAT 19%: 190.00 EUR",
    "Total: 1,190.00 EUR",
    "IBAN: DE89 3704 0044 0532 0130 00",
    "Payment terms: Net 30",
]
