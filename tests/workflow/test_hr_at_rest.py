"""No social security number is readable anywhere in the data dir after HR documents
with SSNs went through the service: the database (page text, word boxes, fields, results,
audit and decision log), the originals store, the page-image cache, the search index and
the logs. The documents are generated here: a born-digital pay stub (123-45-6789), a
fillable W-4 (nine bare digits typed into its form field: only the original holds them), a
flat W-4 (nine bare digits printed, and in its file name) and a scanned I-9 (123 45 6789, read by OCR). A control run
with the masking switched off finds the number, so the grep can fail."""

from __future__ import annotations

import io
import logging
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.api.test_web_support import add_user, login
from tests.conftest import pdf_bytes
from tests.ingest.ingest_helpers import scanned_pdf

AREA, GROUP, SERIAL = "521", "44", "7890"
FORMS = (f"{AREA}-{GROUP}-{SERIAL}", f"{AREA} {GROUP} {SERIAL}", f"{AREA}{GROUP}{SERIAL}")

PAY_STUB = [
    "Harborline Freight LLC", "EARNINGS STATEMENT",
    "Employee Name: Dana Whitfield    Employee ID: HF-20417",
    f"SSN: {AREA}-{GROUP}-{SERIAL}", "Pay Period: 01/05/2026 - 01/18/2026",
    "Pay Date: 01/23/2026", "Hourly Rate: $30.00   Total Hours: 80.00",
    "Gross Pay 2,400.00", "Federal Income Tax 240.00", "Net Pay 2,160.00",
]
I9 = [
    "Employment Eligibility Verification", "USCIS Form I-9",
    "Section 1. Employee Information and Attestation",
    "Last Name Whitfield  First Name Dana", "Date of Birth 04/12/1990",
    f"U.S. Social Security Number {AREA} {GROUP} {SERIAL}",
]


def fillable_w4() -> bytes:
    """A W-4 whose SSN is typed into an AcroForm text field (nine digits, no dashes)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.drawString(72, 740, "Form W-4 (2024) Employee's Withholding Certificate")
    c.drawString(72, 720, "Department of the Treasury Internal Revenue Service")
    c.drawString(72, 690, "Step 1: Enter Personal Information")
    c.drawString(72, 670, "(a) First name and middle initial Last name")
    c.acroForm.textfield(name="f1_01", value="Dana Whitfield", x=300, y=665, width=200,
                         height=18)
    c.drawString(72, 640, "(b) Social security number")
    c.acroForm.textfield(name="f1_02", value=f"{AREA}{GROUP}{SERIAL}", x=300, y=635,
                         width=200, height=18)
    c.drawString(72, 610, "(c) Single or Married filing separately")
    c.showPage()
    c.save()
    return buf.getvalue()


FLAT_W4 = ["Form W-4 (2023) Employee's Withholding Certificate",
           "Department of the Treasury Internal Revenue Service",
           "Step 1: Enter Personal Information",
           "(a) First name and middle initial Last name Dana Whitfield",
           f"(b) Social security number {AREA}{GROUP}{SERIAL}",
           "(c) Single or Married filing separately"]


def documents() -> list[tuple[str, bytes]]:
    return [("paystub.pdf", pdf_bytes(PAY_STUB)), ("w4-fillable.pdf", fillable_w4()),
            (f"w4-flat-{AREA}{GROUP}{SERIAL}.pdf", pdf_bytes(FLAT_W4)), ("i9-scan.pdf", scanned_pdf(I9))]


@pytest.fixture()
def log_file(data_dir: Path) -> Iterator[Path]:
    """Everything logged while the test runs, at DEBUG, into the data dir's logs."""
    path = data_dir / "logs" / "service.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    yield path
    root.removeHandler(handler)
    root.setLevel(old_level)
    handler.close()


def hits(data_dir: Path) -> list[str]:
    """`file: form` for every file under the data dir holding the SSN in any form."""
    found = []
    for path in sorted(data_dir.rglob("*")):
        if not path.is_file():
            continue
        blob = path.read_bytes()
        for form in FORMS:
            for encoded in (form.encode(), form.encode("utf-16-le")):
                if encoded in blob:
                    found.append(f"{path.relative_to(data_dir)}: {form}")
    return found


def upload_all(app: FastAPI, client: TestClient, docs: list[tuple[str, bytes]]) -> list[dict]:
    add_user(app, "hana", "hr")
    token = login(client, "hana")
    r = client.post("/api/documents", headers={"X-CSRF-Token": token},
                    files=[("files", (name, data, "application/pdf")) for name, data in docs])
    assert r.status_code == 200, r.text[:300]
    results = r.json()["documents"]
    for res in results:  # the page images go into the cache too
        doc_id = res["document_id"]
        for _ in range(600):
            if client.get(f"/api/documents/{doc_id}/status").json()["final"]:
                break
            time.sleep(0.1)
        assert client.get(f"/documents/{doc_id}/pages/1.png").status_code == 200
    return results


def test_no_ssn_anywhere_in_the_data_dir(app: FastAPI, client: TestClient, data_dir: Path,
                                         log_file: Path) -> None:
    docs = documents()
    assert f"{AREA}{GROUP}{SERIAL}".encode() in docs[1][1]  # the form field, in clear
    results = upload_all(app, client, docs)
    assert [r["status"] for r in results] != ["failed"] * len(results)
    assert {r["doc_type"] for r in results} == {"hr"}
    by_file = {r["file"]: r for r in results}
    assert by_file["paystub.pdf"]["fields"]["ssn"]["value"] == f"***-**-{SERIAL}"
    logging.getLogger("backoffice.test").info("processed %s", results)  # results logged too

    assert hits(data_dir) == []
    # the originals and page images are sealed, and open again for HR on the fly
    originals = [p for p in (data_dir / "originals").rglob("*") if p.is_file()]
    assert len(originals) == len(docs) and all(p.read_bytes()[:7] == b"BOSEAL1" for p in originals)
    pages = [p for p in (data_dir / "cache" / "pages").rglob("*.png") if p.is_file()]
    assert pages and all(not p.read_bytes().startswith(b"\x89PNG") for p in pages)
    for (name, data), res in zip(docs, results, strict=True):
        got = client.get(f"/documents/{res['document_id']}/original")
        assert got.status_code == 200 and got.content == data, name
        png = client.get(f"/documents/{res['document_id']}/pages/1.png").content
        assert png.startswith(b"\x89PNG")
    key = data_dir / "hr.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600


def test_control_without_masking_the_grep_finds_the_ssn(
        app: FastAPI, client: TestClient, data_dir: Path, log_file: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The same documents with the page masking switched off: the number is found in the
    database, in every form the documents print it (so each document tests something)."""
    import workflow.process

    monkeypatch.setattr(workflow.process, "redact_document", lambda doc, strict: None)
    upload_all(app, client, documents())
    found = hits(data_dir)
    assert {h.split(": ")[1] for h in found if h.startswith("backoffice.db")} == set(FORMS)
