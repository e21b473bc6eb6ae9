"""Employee records (workflow/employees.py): documents of one person make one record,
another person's make another, corrections update the record (audited), resumes never
override HR's own documents, merges are explicit, HR-only and audited."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from records.db import session_scope
from records.models import AuditLog, DecisionRow, Employee, EmployeeDocument
from tests.conftest import pdf_bytes
from workflow import corrections, employees
from workflow.errors import Invalid, NotAllowed
from workflow.process import Pipeline

RESUME = [
    "DANA WHITFIELD",
    "42 Alder Lane, Springfield, IL 62704 | (217) 555-0143 | dana.whitfield@example.com",
    "PROFESSIONAL SUMMARY", "Results-driven Data Analyst with 6 years of experience in reporting.",
    "WORK EXPERIENCE", "Data Analyst", "Prairie Mutual Insurance - Springfield",
    "March 2019 to Present", "- Built dashboards using Tableau and SQL.", "EDUCATION",
    "BS Statistics, University of Illinois, 2018", "SKILLS", "SQL, Python, Tableau, Excel",
]
OFFER = [
    "Harborline Freight LLC", "1200 Dock Street, Chicago, IL 60601", "January 5, 2026",
    "Dana Whitfield", "42 Alder Lane, Springfield, IL 62704", "Dear Dana,",
    "We are pleased to offer you the position of Senior Data Analyst in our Finance department.",
    "Position: Senior Data Analyst", "Department: Finance", "Reports to: Maria Okafor",
    "Start Date: February 2, 2026", "Annual Base Salary: $92,000.00",
    "Please sign and return this offer letter by January 15, 2026.", "Sincerely,",
    "Maria Okafor", "Head of Finance",
]
W4 = [
    "Form W-4 (2026) Employee's Withholding Certificate",
    "Department of the Treasury Internal Revenue Service", "Step 1: Enter Personal Information",
    "(a) First name and middle initial Last name Dana Whitfield",
    "(b) Social security number 521-44-7890", "Address 42 Alder Lane",
    "City or town, state, and ZIP code Springfield, IL 62704",
    "(c) Single or Married filing separately",
]
I9_LINES = [
    "Employment Eligibility Verification", "Department of Homeland Security",
    "USCIS Form I-9", "Section 1. Employee Information and Attestation",
    "Last Name (Family Name): Whitfield", "First Name (Given Name): Dana",
    "Address: 42 Alder Lane, Springfield, IL 62704",
    "Date of Birth (mm/dd/yyyy) 04/12/1990", "U.S. Social Security Number 521-44-7890",
    "Section 2. Employer or Authorized Representative Review and Verification",
    "The employee's first day of employment (mm/dd/yyyy): 02/02/2026",
]
OTHER_RESUME = [
    "Rahul Menon", "Senior Software Engineer", "rahul.menon@example.org",
    "WORK EXPERIENCE", "Senior Software Engineer", "Infosys - Pune", "June 2015 to Present",
    "- Developed services using Java.", "EDUCATION", "B.Tech in Computer Science",
]
PAY_STUB = [
    "Harborline Freight LLC", "EARNINGS STATEMENT",
    "Employee Name: Dana Whitfield    Employee ID: HF-20417",
    "Pay Period: 02/02/2026 - 02/15/2026", "Pay Date: 02/20/2026",
    "Gross Pay 3,538.46", "Federal Income Tax 400.00", "Net Pay 3,138.46",
]


@pytest.fixture()
def pipe(data_dir: Path) -> Iterator[Pipeline]:
    yield Pipeline()


def process(pipe: Pipeline, name: str, lines: list[str]) -> str:
    r = pipe.process_bytes(name, pdf_bytes(lines))
    assert r["doc_type"] == "hr", r
    return r["document_id"]


def links(pipe: Pipeline) -> dict[str, str]:
    with session_scope(pipe.sessions) as s:
        return {link.document_id: link.employee_id for link in s.scalars(select(EmployeeDocument))}


def test_one_person_one_record_and_another_person_another(pipe: Pipeline) -> None:
    docs = [process(pipe, n, lines) for n, lines in
            (("resume.pdf", RESUME), ("offer.pdf", OFFER), ("w4.pdf", W4))]
    other = process(pipe, "other.pdf", OTHER_RESUME)
    got = links(pipe)
    assert len({got[d] for d in docs}) == 1 and got[other] != got[docs[0]]
    with session_scope(pipe.sessions) as s:
        emp = s.get(Employee, got[docs[0]])
        assert emp is not None
        assert (emp.name, emp.email, emp.ssn_last4) == (
            "Dana Whitfield", "dana.whitfield@example.com", "7890")
        # the offer letter's title, not the resume's (the candidate's previous job)
        assert (emp.job_title, emp.department, emp.start_date) == (
            "Senior Data Analyst", "Finance", "2026-02-02")
        assert (emp.pay_rate, emp.pay_basis) == ("92000.00", "annual")
        assert emp.sources["job_title"]["document_id"] == docs[1]
        view = employees.view(s, emp)
        assert [d.subtype for d in view.documents] == ["resume", "offer_letter", "w4"]
        assert view.missing == ["i9"] and view.i9_due is not None
        # where each value came from, less the random document ids and the times (a
        # document id or a time can hold "521" by chance): none holds the SSN's first part
        provenance = {k: {kk: vv for kk, vv in v.items() if kk not in ("document_id", "at")}
                      for k, v in emp.sources.items()}
        assert "521" not in str(provenance) and emp.ssn_last4 == "7890"
        assert "521447890" not in str(emp.sources) and "521-44-7890" not in str(emp.sources)


def test_a_correction_updates_the_record_and_is_audited(pipe: Pipeline) -> None:
    resume = process(pipe, "resume.pdf", RESUME)
    offer = process(pipe, "offer.pdf", OFFER)
    emp_id = links(pipe)[resume]
    with session_scope(pipe.sessions) as s:
        corrections.correct_field(s, offer, "department", "Finance & Treasury", "hana",
                                  pipe.policy_config, reason="as signed")
    with session_scope(pipe.sessions) as s:
        emp = s.get(Employee, emp_id)
        assert emp is not None and emp.department == "Finance & Treasury"
        assert emp.sources["department"]["corrected_by"] == "hana"
        entry = s.scalars(select(AuditLog).where(
            AuditLog.action == "employee.update", AuditLog.actor == "hana")).one()
        assert entry.entity_id == emp_id
        assert entry.before["department"] == "Finance" and entry.after["department"] == \
            "Finance & Treasury"
    # a document processed later does not undo a person's correction
    process(pipe, "stub.pdf", PAY_STUB)
    with session_scope(pipe.sessions) as s:
        assert s.get(Employee, emp_id).department == "Finance & Treasury"


def test_employee_id_links_documents(pipe: Pipeline) -> None:
    a = process(pipe, "stub1.pdf", PAY_STUB)
    b = process(pipe, "stub2.pdf", [*PAY_STUB[:3], "Pay Period: 02/16/2026 - 02/28/2026",
                                    "Gross Pay 3,538.46", "Net Pay 3,138.46"])
    with session_scope(pipe.sessions) as s:
        by = {link.document_id: link.matched_by for link in s.scalars(select(EmployeeDocument))}
    assert links(pipe)[a] == links(pipe)[b] and by[b] == "employee_id"


def test_merge_is_explicit_hr_only_and_audited(pipe: Pipeline) -> None:
    a = process(pipe, "resume.pdf", RESUME)
    b = process(pipe, "other.pdf", OTHER_RESUME)
    keep, other = links(pipe)[a], links(pipe)[b]
    with session_scope(pipe.sessions) as s:
        with pytest.raises(NotAllowed):
            employees.merge(s, keep, other, "pat", ["ap"], "same person")
        with pytest.raises(Invalid, match="say why"):
            employees.merge(s, keep, other, "hana", ["hr"], "  ")
    with session_scope(pipe.sessions) as s:
        employees.merge(s, keep, other, "hana", ["hr"], "same person, name changed")
    with session_scope(pipe.sessions) as s:
        assert set(links(pipe).values()) == {keep}
        gone = s.get(Employee, other)
        assert gone is not None and (gone.status, gone.merged_into) == ("merged", keep)
        assert [v.employee.id for v in employees.list_employees(
            s, employees.EmployeeFilter())] == [keep]
        assert s.scalars(select(AuditLog).where(AuditLog.action == "employee.merge")).one()
        row = s.scalars(select(DecisionRow).where(DecisionRow.action == "employee.merge")).one()
        assert row.actor == "hana" and row.reason == "same person, name changed"


def _doc(doc_id: str, subtype: str) -> employees.EmployeeDoc:
    from datetime import UTC, datetime

    return employees.EmployeeDoc(doc_id, f"{doc_id}.pdf", subtype, "auto_approved", "new",
                                 datetime.now(UTC))


def test_record_checks_start_date_and_i9_timing() -> None:
    from datetime import date

    emp = Employee(id="emp_1", start_date="2026-03-13", i9_section2_date="2026-03-19")
    docs = [_doc("o", "offer_letter"), _doc("i", "i9"), _doc("p", "pay_stub")]
    fields = {"o": {"start_date": "2026-03-13"}, "i": {"start_date": "2026-03-16"},
              "p": {"pay_period_start": "2026-03-16", "pay_period_end": "2026-03-29"}}
    got = employees.record_checks(emp, docs, fields, today=date(2026, 4, 1))
    assert [(f.code, f.document_ids) for f in got] == [
        ("start_date_mismatch", ("o", "i")),  # offer letter and I-9 disagree
        ("start_date_mismatch", ("p",)),  # the first pay stub starts after the start date
        ("i9_section2_late", ("i",)),  # Fri 13th + 3 business days = Wed 18th
    ]
    emp.i9_section2_date = "2026-03-18"
    fields["i"]["start_date"] = "2026-03-13"
    fields["p"]["pay_period_start"] = "2026-03-09"
    assert employees.record_checks(emp, docs, fields, today=date(2026, 4, 1)) == []
    emp.i9_section2_date = None
    (overdue,) = employees.record_checks(emp, docs, fields, today=date(2026, 3, 19))
    assert overdue.code == "i9_section2_overdue"
    assert employees.record_checks(emp, docs, fields, today=date(2026, 3, 18)) == []


def test_i9_retention_is_the_later_of_three_years_after_hire_and_one_after_the_end() -> None:
    from datetime import date

    short = Employee(id="e1", start_date="2020-01-06", end_date="2021-06-30")
    assert employees.i9_retention_end(short) == date(2023, 1, 6)  # hire + 3 years
    long = Employee(id="e2", start_date="2015-01-05", end_date="2025-02-28")
    assert employees.i9_retention_end(long) == date(2026, 2, 28)  # end + 1 year
    assert employees.i9_retention_end(Employee(id="e3", start_date="2020-01-06")) is None


def test_ids_typed_in_review_are_masked_everywhere(pipe: Pipeline) -> None:
    import json

    stub = process(pipe, "stub.pdf", PAY_STUB)
    with session_scope(pipe.sessions) as s:
        corrections.correct_field(s, stub, "employee_id", "521447890", "hana",
                                  pipe.policy_config, reason="SSN 521-44-7890 was on the card")
    with session_scope(pipe.sessions) as s:
        dumped = json.dumps([[r.before, r.after] for r in s.scalars(select(AuditLog))])
        dumped += json.dumps([r.payload + (r.reason or "") for r in s.scalars(
            select(DecisionRow))])
        emp = s.get(Employee, links(pipe)[stub])
        dumped += json.dumps(employees.field_snapshot(emp))
    assert "521447890" not in dumped and "521-44-7890" not in dumped
    assert "*****7890" in dumped and "***-**-7890" in dumped


def test_a_document_retyped_as_hr_is_masked_strictly(pipe: Pipeline) -> None:
    from records.models import PageRow

    r = pipe.process_bytes("memo.pdf", pdf_bytes(["Internal memo", "Reference 521447890",
                                                   "Please file this note."]))
    doc_id = r["document_id"]
    with session_scope(pipe.sessions) as s:
        assert "521447890" in s.scalars(select(PageRow.text)).one()  # not an HR document
        corrections.correct_type(s, doc_id, "hr", "other", "hana", pipe.policy_config)
    with session_scope(pipe.sessions) as s:
        page = s.scalars(select(PageRow)).one()
        assert "521447890" not in page.text and "*****7890" in page.text
        assert ["*****7890"] == [w[0] for w in page.words if w[0].endswith("7890")]


def test_an_xfa_form_goes_to_review_saying_why(pipe: Pipeline) -> None:
    """A dynamic (XFA) I-9: its values are not in the page or the AcroForm: review."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes(
            ["Employment Eligibility Verification", "USCIS Form I-9",
             "Section 1. Employee Information and Attestation",
             "Section 2. Employer Review and Verification"]))).pages:
        writer.add_page(page)
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject(),
        NameObject("/XFA"): ArrayObject([TextStringObject("template"),
                                         TextStringObject("<template/>")])})
    buf = io.BytesIO()
    writer.write(buf)
    r = pipe.process_bytes("i9-xfa.pdf", buf.getvalue())
    assert r["doc_type"] == "hr" and r["status"] == "needs_review"
    assert "xfa_form_values_unread" in r["review"]["reasons"]
