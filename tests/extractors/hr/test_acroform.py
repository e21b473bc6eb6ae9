"""Values typed into a fillable form are read from its fields (extractors/hr/acroform.py)."""

from __future__ import annotations

import io

from extractors.hr import extract_hr
from extractors.hr.acroform import clean_tooltip
from ingest import IngestOptions, read_bytes
from ingest.redact import redact_document


def fillable_w4(status: str = "Married filing jointly or Qualifying surviving spouse") -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.drawString(72, 740, "Form W-4 (2024) Employee's Withholding Certificate")
    c.drawString(72, 720, "Step 1: Enter Personal Information")
    form = c.acroForm
    form.textfield(name="f1_01", tooltip="Step 1: (a) First name and middle initial.",
                   value="Dana", x=72, y=680, width=150, height=18)
    form.textfield(name="f1_02", tooltip="Last name.", value="Whitfield", x=240, y=680,
                   width=150, height=18)
    form.textfield(name="f1_05", tooltip="(b) Social security number.", value="521447890",
                   x=400, y=680, width=150, height=18)
    boxes = ("Single or Married filing separately",
             "Married filing jointly or Qualifying surviving spouse", "Head of household")
    for i, tip in enumerate(boxes):
        form.checkbox(name=f"c1_1[{i}]", tooltip=tip, checked=tip == status, x=72,
                      y=640 - 20 * i, size=12)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_tooltips_become_labels() -> None:
    assert clean_tooltip("Step 1: (a) First name and middle initial.") == \
        "First name and middle initial"
    assert clean_tooltip("Last Name (Family Name)") == "Last Name (Family Name)"


def test_fillable_w4_fields_come_from_the_form() -> None:
    data = fillable_w4()
    doc = read_bytes("w4.pdf", data, IngestOptions())
    assert "Dana" not in doc.text  # typed values are not in the page's text
    redact_document(doc, strict=True)
    assert "521447890" not in str(doc.metadata)
    f = extract_hr(doc, subtype="w4")
    assert f["employee_name"].normalized == "Dana Whitfield"
    assert f["ssn"].normalized == "***-**-7890"
    assert f["filing_status"].normalized == "married_filing_jointly"
    assert f["employee_name"].page is None and f["employee_name"].bbox is None
    assert f["employee_name"].confidence >= 0.9


def test_no_filing_status_unless_exactly_one_box_is_checked() -> None:
    doc = read_bytes("w4.pdf", fillable_w4(status="none"), IngestOptions())
    assert "filing_status" not in extract_hr(doc, subtype="w4")
