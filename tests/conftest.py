"""Shared fixtures: every test gets its own data dir; nothing touches ./data."""

from __future__ import annotations

import io
import resource
import uuid
from collections.abc import Iterator
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


@pytest.fixture()
def s3_blob_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A local S3 server (moto, server mode, 127.0.0.1) with a fresh bucket; the AWS
    variables point at it. Skipped, with the reason, where moto[server] is not installed."""
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError:
        pytest.skip("moto[server] and boto3 are not installed (pip install -e .[dev,scale])")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1"),
                        ("BACKOFFICE_S3_ENDPOINT", endpoint)):
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    bucket = f"backoffice-{uuid.uuid4().hex[:12]}"  # moto keeps buckets per process
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=bucket)
    try:
        yield f"s3://{bucket}/node-data"
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _address_space_kept() -> Iterator[None]:
    """A test that sets this process's address-space limit (a worker's per-document memory
    budget run in-process) fails, and the limit is put back: a limited test process made
    every later Chromium launch crash."""
    before = resource.getrlimit(resource.RLIMIT_AS)
    yield
    after = resource.getrlimit(resource.RLIMIT_AS)
    if after != before:
        resource.setrlimit(resource.RLIMIT_AS, before)
        pytest.fail(f"the test left RLIMIT_AS at {after} (was {before})")
