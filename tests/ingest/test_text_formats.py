"""Plain text, HTML, .docx and .eml: one page with synthetic monospace geometry."""

from __future__ import annotations

import io
from email.message import EmailMessage

import pytest
from ingest_helpers import reportlab_pdf

from ingest import read_bytes
from ingest.layout import CHAR_W, LINE_H, MARGIN


def test_plain_text_utf8_synthetic_boxes() -> None:
    data = "Invoice No: 42\nTotal:\t99.50 €\n".encode()
    doc = read_bytes("inv.txt", data)
    assert doc.media_type == "text/plain"
    (page,) = doc.pages
    assert page.text == "Invoice No: 42\nTotal: 99.50 €"
    no = next(w for w in page.words if w.text == "No:")
    assert no.bbox == pytest.approx(
        (MARGIN + 8 * CHAR_W, MARGIN, MARGIN + 11 * CHAR_W, MARGIN + LINE_H)
    )
    amount = next(w for w in page.words if w.text == "99.50")
    assert amount.bbox[0] == pytest.approx(MARGIN + 8 * CHAR_W)  # tab -> column 8
    assert amount.line == 1 and amount.bbox[1] == pytest.approx(MARGIN + LINE_H)
    assert not page.ocr


def test_plain_text_cp1252_fallback_and_nuls() -> None:
    data = "Café Müller\x00 total 12,50".encode("cp1252")
    doc = read_bytes("old.txt", data)
    assert doc.pages[0].text == "Café Müller total 12,50"


def test_html_is_stripped() -> None:
    html = b"<!DOCTYPE html><html><head><style>p{}</style></head><body><p>Order 55</p><table><tr><td>Total</td><td>10.00</td></tr></table><script>x=1</script></body></html>"
    doc = read_bytes("o.html", html)
    assert doc.media_type == "text/html"
    assert doc.pages[0].text.splitlines() == ["Order 55", "Total 10.00"]


def test_docx_paragraphs_and_tables_in_order() -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("Employment Agreement")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Salary"
    table.cell(0, 1).text = "50,000 USD"
    table.cell(1, 0).text = "Start"
    table.cell(1, 1).text = "2024-02-01"
    d.add_paragraph("Signed by both parties.")
    buf = io.BytesIO()
    d.save(buf)
    doc = read_bytes("offer.docx", buf.getvalue())
    assert doc.media_type.endswith("wordprocessingml.document")
    lines = doc.pages[0].text.splitlines()
    assert lines == [
        "Employment Agreement",
        "Salary 50,000 USD",
        "Start 2024-02-01",
        "Signed by both parties.",
    ]
    salary = next(w for w in doc.pages[0].words if w.text == "Salary")
    usd = next(w for w in doc.pages[0].words if w.text == "USD")
    assert salary.line == usd.line and usd.bbox[0] > salary.bbox[2]


def _mail(html_only: bool = False) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Billing <billing@vendor.example>"
    msg["To"] = "ap@company.example"
    msg["Subject"] = "Invoice 2024-118"
    msg["Date"] = "Tue, 05 Mar 2024 10:00:00 +0100"
    if html_only:
        msg.set_content("<html><body><p>Please pay <b>120.00</b></p></body></html>", subtype="html")
    else:
        msg.set_content("Hello,\nplease find the invoice attached.\nRegards")
    msg.add_attachment(
        reportlab_pdf([(72, 100, "Invoice 2024-118")]),
        maintype="application",
        subtype="pdf",
        filename="../../inv-118.pdf",
    )
    return msg.as_bytes()


def test_eml_body_attachments_headers() -> None:
    doc = read_bytes("mail.eml", _mail())
    assert doc.media_type == "message/rfc822"
    assert doc.pages[0].text.splitlines() == [
        "Hello,",
        "please find the invoice attached.",
        "Regards",
    ]
    (att,) = doc.attachments
    assert att.filename == "inv-118.pdf" and att.data.startswith(b"%PDF")
    assert "Invoice 2024-118" in read_bytes(att.filename, att.data).text
    assert doc.metadata["subject"] == "Invoice 2024-118"
    assert doc.metadata["from"].endswith("<billing@vendor.example>")
    assert doc.metadata["to"] == "ap@company.example"
    assert doc.metadata["date_iso"].startswith("2024-03-05T10:00:00")


def test_eml_html_body() -> None:
    doc = read_bytes("mail.eml", _mail(html_only=True))
    assert doc.pages[0].text == "Please pay 120.00"
    assert len(doc.attachments) == 1
