"""HR extraction on documents written here (pay stub, offer letter, timesheet, I-9 style
form, resume) laid out with `ingest.layout.synthetic_page` or rendered with reportlab."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from extractors.hr import extract_hr, mask_ssn
from ingest.layout import synthetic_page
from ingest.types import IngestedDocument

CLEAR_SSN = re.compile(r"\d{3}[- .]?\d{2}[- .]?\d{4}")


def text_doc(text: str) -> IngestedDocument:
    data = text.encode()
    return IngestedDocument(
        filename="t.txt", sha256=hashlib.sha256(data).hexdigest(), media_type="text/plain",
        size=len(data), pages=[synthetic_page(text)],
    )


def norm(fields, name):
    return fields[name].normalized if name in fields else None


def assert_no_clear_ssn(fields, digits: str):
    dumped = json.dumps({k: f.to_json() for k, f in fields.items()})
    assert digits not in re.sub(r"\D", "", dumped)
    for f in fields.values():
        for v in (f.value, f.normalized):
            if isinstance(v, str):
                assert not re.search(r"\d{3}-\d{2}-\d{4}", v)


PAY_STUB = """Harborline Freight LLC
EARNINGS STATEMENT
Employee Name: Tomasz Wierzbicki          Employee ID: HF-77120
Department: Yard Operations              SSN: 604-19-3382
Pay Period: 01/05/2026 - 01/18/2026      Pay Date: 01/23/2026
Hourly Rate: $27.40                      Total Hours: 76.50
Gross Pay       2,096.10     4,192.20
Federal Income Tax   201.00
Social Security      129.96
Net Pay         1,602.44     3,204.88
"""


def test_pay_stub_fields():
    f = extract_hr(text_doc(PAY_STUB), subtype="pay_stub")
    assert norm(f, "employee_name") == "Tomasz Wierzbicki"
    assert norm(f, "employee_id") == "HF-77120"
    assert norm(f, "department") == "Yard Operations"
    assert norm(f, "pay_period_start") == "2026-01-05"
    assert norm(f, "pay_period_end") == "2026-01-18"
    assert norm(f, "pay_rate") == "27.40"
    assert norm(f, "hours_worked") == "76.50"
    assert norm(f, "gross_pay") == "2096.10"  # current, not year-to-date
    assert norm(f, "net_pay") == "1602.44"
    assert norm(f, "employer_name") == "Harborline Freight LLC"
    assert f["ssn"].value == f["ssn"].normalized == "***-**-3382"
    assert_no_clear_ssn(f, "604193382")
    for field in f.values():
        assert 0.0 <= field.confidence <= 1.0 and field.page == 1 and field.bbox is not None


def test_bbox_points_at_the_value():
    doc = text_doc(PAY_STUB)
    f = extract_hr(doc, subtype="pay_stub")
    words = doc.pages[0].words
    gross = f["gross_pay"].bbox
    hit = [w for w in words if w.bbox == gross]
    assert hit and hit[0].text == "2,096.10"
    name_words = [w for w in words if w.text in ("Tomasz", "Wierzbicki")]
    x0, y0, x1, y1 = f["employee_name"].bbox
    assert (x0, y0) == name_words[0].bbox[:2] and x1 == name_words[1].bbox[2]


OFFER = """Quillmark Software, Inc.
1200 Harbor Way, Suite 400

February 9, 2026

Dear Amara Okonkwo-Reyes,

We are delighted to offer you the position of Staff Product Designer at Quillmark
Software, Inc., reporting to Lucas Brennan in the Design Systems department. Your start
date will be Monday, March 16, 2026. You will receive an annual base salary of $156,000,
paid semi-monthly, and be eligible for the company bonus plan.

Questions? Write to careers@quillmark.example.

Sincerely,
Ingrid Solberg, Head of People
"""


def test_offer_letter_fields():
    f = extract_hr(text_doc(OFFER), subtype="offer_letter")
    assert norm(f, "employee_name") == "Amara Okonkwo-Reyes"
    assert norm(f, "job_title") == "Staff Product Designer"
    assert norm(f, "manager_name") == "Lucas Brennan"
    assert norm(f, "department") == "Design Systems"
    assert norm(f, "start_date") == "2026-03-16"
    assert norm(f, "salary") == "156000.00"
    assert norm(f, "employer_name") == "Quillmark Software, Inc."
    assert "email" not in f  # the recruiter's address is not the employee's
    assert "pay_rate" not in f


def test_hourly_offer_goes_to_pay_rate():
    text = "Dear Rui Nakamura,\n\nYour pay will be $23.75 per hour, starting on April 1, 2026.\n"
    f = extract_hr(text_doc(text), subtype="offer_letter")
    assert norm(f, "pay_rate") == "23.75"
    assert "salary" not in f
    assert norm(f, "start_date") == "2026-04-01"


def test_termination_letter_effective_date_is_end_date():
    text = ("Dear Colm Fitzgerald,\n\nThis letter confirms that your employment will end "
            "effective June 30, 2026.\n")
    f = extract_hr(text_doc(text), subtype="termination_letter")
    assert norm(f, "end_date") == "2026-06-30"
    assert "start_date" not in f


TIMESHEET = """WEEKLY TIMESHEET
Employee: Sofia Lindqvist
Employee No: 4471
Supervisor: Dmitri Volkov
Week Ending: 03/13/2026
Mon 8.0   Tue 8.0   Wed 7.5   Thu 8.0   Fri 5.0
Total Hours Worked: 36.5
Supervisor Signature: ____________
"""


def test_timesheet_fields():
    f = extract_hr(text_doc(TIMESHEET), subtype="timesheet")
    assert norm(f, "employee_name") == "Sofia Lindqvist"
    assert norm(f, "employee_id") == "4471"
    assert norm(f, "manager_name") == "Dmitri Volkov"
    assert norm(f, "pay_period_end") == "2026-03-13"
    assert norm(f, "hours_worked") == "36.50"


FORM_BELOW = """EMPLOYMENT VERIFICATION
Employee Name                 Job Title
Hana Kobayashi                Warehouse Associate
Start Date                    Employer
05/04/2025                    Cedar Point Distribution Co.
"""


def test_labels_above_values():
    f = extract_hr(text_doc(FORM_BELOW), subtype=None)
    assert norm(f, "employee_name") == "Hana Kobayashi"
    assert norm(f, "job_title") == "Warehouse Associate"
    assert norm(f, "start_date") == "2025-05-04"
    assert norm(f, "employer_name") == "Cedar Point Distribution Co."
    assert f["employee_name"].confidence < 0.9  # below-layout is less certain


I9_LIKE = """Section 1. Employee Information and Attestation
Last Name (Family Name): Adeyemi       First Name (Given Name): Folake
U.S. Social Security Number: 731402219
Employee's E-mail Address: f.adeyemi@mailbox.example
Employee's Telephone Number: (312) 555-0199
Section 2. Employer Review and Verification
First Day of Employment (mm/dd/yyyy): 02/02/2026
Employer Signature Date: 02/04/2026
"""


def test_i9_like_form():
    f = extract_hr(text_doc(I9_LIKE), subtype="i9")
    assert norm(f, "employee_name") == "Folake Adeyemi"
    assert norm(f, "ssn") == "***-**-2219"
    assert norm(f, "email") == "f.adeyemi@mailbox.example"
    assert norm(f, "phone") == "3125550199"
    assert norm(f, "start_date") == "2026-02-02"
    assert norm(f, "section2_date") == "2026-02-04"
    assert_no_clear_ssn(f, "731402219")


def test_ssn_never_in_clear_in_any_field():
    text = ("Employee Name: Wren Achterberg\nNotes: verified SSN 512-77-0931 on file\n"
            "Position: Lab Technician\n")
    f = extract_hr(text_doc(text), subtype=None)
    assert norm(f, "ssn") == "***-**-0931"
    assert_no_clear_ssn(f, "512770931")


def test_prose_is_not_a_form():
    text = ("The Employee agrees to keep confidential all information.\n"
            "Position papers are filed with the Department of Labor.\n")
    f = extract_hr(text_doc(text), subtype="employment_agreement")
    assert "employee_name" not in f and "job_title" not in f and "department" not in f


RESUME = """CURRICULUM VITAE
Oluwaseun Baptiste-Marlowe
Senior Cloud Infrastructure Engineer - Ridgeway Systems
Pune, Maharashtra | oluwaseun.bm@example.net | +91 98200 11223

PROFESSIONAL SUMMARY
Nine years running container platforms and CI/CD for payment products.

WORK EXPERIENCE
Senior Cloud Infrastructure Engineer
Ridgeway Systems, 2020 - present

EDUCATION
B.Tech, Computer Science

SKILLS
Kubernetes, Terraform, Go
"""


def test_resume_fields():
    f = extract_hr(text_doc(RESUME), subtype="resume")
    assert norm(f, "employee_name") == "Oluwaseun Baptiste-Marlowe"
    assert norm(f, "job_title") == "Senior Cloud Infrastructure Engineer"
    assert norm(f, "email") == "oluwaseun.bm@example.net"
    assert "phone" in f


def test_resume_detected_without_subtype_and_flattened_layout():
    flat = ('"Sample Pastry Chef Resume   Ines Carvalho   14 Rua Nova, Porto   '
            'ines.carvalho@example.org   Objective   Seeking a Pastry Chef position   '
            'Experience   Education   Skills')
    f = extract_hr(text_doc(flat), subtype=None)
    assert norm(f, "employee_name") == "Ines Carvalho"
    assert norm(f, "job_title") == "Pastry Chef"
    assert norm(f, "email") == "ines.carvalho@example.org"


def test_resume_heading_is_not_a_name():
    f = extract_hr(text_doc("Resume\nCurriculum Vitae\nJun Park\nData Analyst\n"), "resume")
    assert norm(f, "employee_name") == "Jun Park"
    assert norm(f, "job_title") == "Data Analyst"


def test_empty_document():
    doc = IngestedDocument(filename="e", sha256="0", media_type="text/plain", size=0, pages=[])
    assert extract_hr(doc) == {}


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("123-45-6789", "***-**-6789"),
        ("SSN: 123 45 6789.", "SSN: ***-**-6789."),
        ("Social Security Number 123456789", "Social Security Number ***-**-6789"),
        ("Employee ID 123456789", "Employee ID 123456789"),  # unlabelled 9 digits: an id
        ("call 555-123-4567", "call 555-123-4567"),
        ("***-**-6789", "***-**-6789"),
        ("", ""),
    ],
)
def test_mask_ssn(text, want):
    assert mask_ssn(text) == want


def test_pdf_geometry_from_reportlab():
    reportlab = pytest.importorskip("reportlab")
    del reportlab
    import io

    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    from ingest import read_bytes

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.setFont("Helvetica", 11)
    c.drawString(72, 720, "Employee Name:")
    c.drawString(220, 720, "Beatriz Saldanha")
    c.drawString(72, 700, "Net Pay:")
    c.drawString(220, 700, "$1,984.12")
    c.drawString(72, 680, "SSN:")
    c.drawString(220, 680, "402-86-1175")
    c.save()
    doc = read_bytes("stub.pdf", buf.getvalue())
    f = extract_hr(doc, subtype="pay_stub")
    assert norm(f, "employee_name") == "Beatriz Saldanha"
    assert norm(f, "net_pay") == "1984.12"
    assert norm(f, "ssn") == "***-**-1175"
    x0, y0, x1, y1 = f["net_pay"].bbox
    # drawn at x=220 pt, baseline 700 pt from the bottom -> ~92 pt from the top
    assert 215 <= x0 <= 225 and 80 <= y0 <= 95 and y1 <= 100
    assert_no_clear_ssn(f, "402861175")


def test_form_instructions_are_not_values():
    text = ("Employer: Complete lines 8 and 10 only if sending this certificate to the IRS\n"
            "Title      Qty      Price\n")
    f = extract_hr(text_doc(text), subtype="w4")
    assert "employer_name" not in f and "job_title" not in f


def test_policies_accept_extracted_hr_fields():
    """The masked SSN the extractor returns must not trip hr.ssn_exposed."""
    from datetime import date

    from policies import MemoryPolicyContext, PolicyConfig, evaluate

    f = extract_hr(text_doc(I9_LIKE), subtype="i9")
    vs = evaluate("hr", "i9", f, MemoryPolicyContext(), PolicyConfig(), today=date(2026, 3, 2))
    assert [v.rule for v in vs] == []  # section 2 signed within 3 business days
    late = dict(f)
    late.pop("section2_date")
    vs = evaluate("hr", "i9", late, MemoryPolicyContext(), PolicyConfig(), today=date(2026, 3, 2))
    assert [v.rule for v in vs] == ["hr.i9_deadline"]
