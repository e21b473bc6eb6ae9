"""Employee records: every HR document becomes part of one person's file.

The record follows its documents the way the ledger follows invoices: after processing
and after every correction (`workflow.judge.reevaluate`) the document's current fields
are applied to the employee it is linked to, or it is matched to one (employer's
employee id, then e-mail, then a fuzzy name with the same date of birth, address or SSN
last four), or a new record is created when the document names a person. Each field of
the record remembers its source (document or a person's correction); a value only
replaces one from an equal or weaker source that is older (a resume's job title is the
candidate's previous one: it never replaces an offer letter's). Two records are merged
only by a person with the HR role, with a reason, audited.

This module is the only writer of `employees` and `employee_documents`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.orm import Session

from records.audit import audit
from records.decisions import record_human
from records.ids import new_id
from records.models import Document, Employee, EmployeeDocument, FieldRow, PageRow
from records.rows import field_rows
from workflow.errors import Conflict, Invalid, NotAllowed

HR_ROLES = frozenset({"hr", "admin"})


class EmployeeStatus(StrEnum):
    ACTIVE = "active"
    TERMINATED = "terminated"
    MERGED = "merged"


class Rank(IntEnum):
    """How much a value's source is trusted, weakest first."""

    RESUME = 1  # what the candidate wrote before being hired
    DOCUMENT = 2  # an HR form or letter
    CORRECTION = 3  # a person in review


# document field -> record column
RECORD_FIELDS: dict[str, str] = {
    "employee_name": "name", "employee_id": "employee_number", "email": "email",
    "phone": "phone", "address": "address", "date_of_birth": "date_of_birth",
    "job_title": "job_title", "department": "department", "manager_name": "manager",
    "start_date": "start_date", "end_date": "end_date", "filing_status": "filing_status",
    "section2_date": "i9_section2_date", "i9_documents": "i9_documents",
    "salary": "pay_rate", "pay_rate": "pay_rate", "ssn": "ssn_last4",
}
PAY_BASIS = {"salary": "annual", "pay_rate": "hourly"}
# columns shown on the employee page, in order, with their labels
COLUMNS: dict[str, str] = {
    "name": "Name", "employee_number": "Employee id", "email": "E-mail", "phone": "Phone",
    "address": "Address", "date_of_birth": "Date of birth", "job_title": "Job title",
    "department": "Department", "manager": "Manager", "start_date": "Start date",
    "end_date": "End date", "pay_rate": "Pay rate", "pay_basis": "Pay basis",
    "filing_status": "W-4 filing status", "i9_section2_date": "I-9 section 2 date",
    "i9_documents": "I-9 documents", "ssn_last4": "SSN (last four)",
}
# the documents every employee's file should hold
REQUIRED_DOCUMENTS = ("offer_letter", "w4", "i9")
NAME_MIN = 90.0  # rapidfuzz token_sort_ratio for "the same name"
ADDRESS_MIN = 85.0  # ... for "the same address"
I9_BUSINESS_DAYS = 3
I9_RETAIN_YEARS_AFTER_HIRE = 3
I9_RETAIN_YEARS_AFTER_END = 1
# documents whose start date must agree
START_DATE_SUBTYPES = ("offer_letter", "i9")


class MatchedBy(StrEnum):
    EMPLOYEE_ID = "employee_id"
    EMAIL = "email"
    NAME_DOB = "name+date_of_birth"
    NAME_ADDRESS = "name+address"
    NAME_SSN4 = "name+ssn_last4"
    TEXT = "name+address_in_text"
    NEW = "new"
    LINKED = "linked"
    MERGE = "merge"


@dataclass(frozen=True, slots=True)
class Value:
    """One document field's value for the record, with its source."""

    column: str
    value: Any
    rank: Rank
    at: str  # ISO time of the source (document received / correction made)
    document_id: str
    actor: str | None  # who corrected it, for a correction


@dataclass(frozen=True, slots=True)
class Keys:
    """What a document says about who it is about."""

    employee_number: str | None
    email: str | None
    name: str | None
    date_of_birth: str | None
    address: str | None
    ssn_last4: str | None

    @property
    def any(self) -> bool:
        return bool(self.employee_number or self.email or self.name)


def _iso(t: datetime | None) -> str:
    return (t or datetime.now(UTC)).isoformat()


def _fold(v: Any) -> str:
    return " ".join(str(v).split()).casefold() if v else ""


def _last4(v: Any) -> str | None:
    digits = "".join(ch for ch in str(v or "") if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else None


def document_values(doc: Document, rows: Iterable[FieldRow]) -> list[Value]:
    """The record values a document's current fields give."""
    out: list[Value] = []
    base = Rank.RESUME if doc.subtype == "resume" else Rank.DOCUMENT
    for row in rows:
        column = RECORD_FIELDS.get(row.name)
        value = row.normalized if row.normalized not in (None, "") else row.value
        if column is None or value in (None, "", []):
            continue
        if column == "ssn_last4":
            value = _last4(value)
            if value is None:
                continue
        if row.corrected:
            out.append(Value(column, value, Rank.CORRECTION, _iso(row.corrected_at), doc.id,
                             row.corrected_by))
        else:
            out.append(Value(column, value, base, _iso(doc.created_at), doc.id, None))
        if row.name in PAY_BASIS:
            last = out[-1]
            out.append(Value("pay_basis", PAY_BASIS[row.name], last.rank, last.at, doc.id,
                             last.actor))
    return out


def keys_of(values: Iterable[Value]) -> Keys:
    by = {v.column: v.value for v in values}
    return Keys(
        employee_number=str(by["employee_number"]).strip() if by.get("employee_number") else None,
        email=_fold(by.get("email")) or None, name=str(by["name"]) if by.get("name") else None,
        date_of_birth=by.get("date_of_birth"), address=by.get("address"),
        ssn_last4=by.get("ssn_last4"))


def _contradicts(emp: Employee, keys: Keys) -> bool:
    """A different employee id or date of birth on both sides: two people."""
    return bool(
        (keys.employee_number and emp.employee_number
         and _fold(keys.employee_number) != _fold(emp.employee_number))
        or (keys.date_of_birth and emp.date_of_birth and keys.date_of_birth != emp.date_of_birth))


def find_match(session: Session, keys: Keys) -> tuple[Employee | None, MatchedBy | None]:
    """The live record this document is about, and by what it was recognised."""
    live = list(session.scalars(
        select(Employee).where(Employee.status != EmployeeStatus.MERGED)
        .order_by(Employee.created_at)))
    if keys.employee_number:
        for emp in live:
            if emp.employee_number and _fold(emp.employee_number) == _fold(keys.employee_number):
                return emp, MatchedBy.EMPLOYEE_ID
    if keys.email:
        for emp in live:
            if emp.email and _fold(emp.email) == keys.email and not _contradicts(emp, keys):
                return emp, MatchedBy.EMAIL
    if keys.name:
        for emp in live:
            if not emp.name or _contradicts(emp, keys):
                continue
            if fuzz.token_sort_ratio(_fold(emp.name), _fold(keys.name)) < NAME_MIN:
                continue
            if keys.date_of_birth and emp.date_of_birth == keys.date_of_birth:
                return emp, MatchedBy.NAME_DOB
            if (keys.address and emp.address and fuzz.token_set_ratio(
                    _fold(emp.address), _fold(keys.address)) >= ADDRESS_MIN):
                return emp, MatchedBy.NAME_ADDRESS
            if keys.ssn_last4 and emp.ssn_last4 == keys.ssn_last4:
                return emp, MatchedBy.NAME_SSN4
    return None, None


def _in(needle: str, haystack: str) -> bool:
    """`needle` (folded) appears in `haystack` (folded) as whole words."""
    return bool(needle) and re.search(
        rf"(?<![\w@.]){re.escape(needle)}(?![\w@])", haystack) is not None


def find_mentioned(session: Session, text: str, keys: Keys) -> Employee | None:
    """The one live employee whose full name the document's text prints together with
    something only they share: their street address line, e-mail, or SSN last four
    (as the masked `***-**-1234`). For letters and forms whose fields did not name the
    person (an offer letter's addressee block, a W-4's name box)."""
    folded = _fold(text)
    found = []
    for emp in session.scalars(select(Employee).where(Employee.status != EmployeeStatus.MERGED)):
        if not emp.name or _contradicts(emp, keys) or not _in(_fold(emp.name), folded):
            continue
        street = _fold(emp.address.split(",")[0]) if emp.address else ""
        if ((len(street) >= 6 and _in(street, folded)) or (emp.email and _in(_fold(emp.email), folded))
                or (emp.ssn_last4 and f"***-**-{emp.ssn_last4}" in folded)):
            found.append(emp)
    return found[0] if len(found) == 1 else None


def _beats(new: Value, current: dict[str, Any] | None) -> bool:
    if not current:
        return True
    if current.get("document_id") == new.document_id and new.rank >= current.get("rank", 0):
        return True  # the same source, updated (re-processed or corrected)
    return (int(new.rank), new.at) >= (int(current.get("rank", 0)), str(current.get("at", "")))


def _status(emp: Employee, today: date | None = None) -> EmployeeStatus:
    if emp.status == EmployeeStatus.MERGED:
        return EmployeeStatus.MERGED
    today = today or datetime.now(UTC).date()
    if emp.end_date and emp.end_date <= today.isoformat():
        return EmployeeStatus.TERMINATED
    return EmployeeStatus.ACTIVE


def field_snapshot(emp: Employee) -> dict[str, Any]:
    return {c: getattr(emp, c) for c in COLUMNS}


def apply_values(emp: Employee, values: Iterable[Value]) -> dict[str, tuple[Any, Any]]:
    """Set the values that beat the record's current ones; column -> (before, after)."""
    sources = dict(emp.sources or {})
    changed: dict[str, tuple[Any, Any]] = {}
    for v in values:
        if not _beats(v, sources.get(v.column)):
            continue
        before = getattr(emp, v.column)
        sources[v.column] = {"document_id": v.document_id, "rank": int(v.rank), "at": v.at,
                             "corrected_by": v.actor}
        if before != v.value:
            setattr(emp, v.column, v.value)
            changed[v.column] = (before, v.value)
    emp.sources = sources
    emp.status = _status(emp)
    return changed


def link_of(session: Session, document_id: str) -> EmployeeDocument | None:
    return session.scalar(select(EmployeeDocument).where(
        EmployeeDocument.document_id == document_id))


def follow(session: Session, doc: Document, actor: str) -> Employee | None:
    """Bring the employee record in line with `doc`'s current fields (the one entry point
    after processing and after every correction)."""
    link = link_of(session, doc.id)
    if doc.doc_type != "hr" or doc.deleted_at is not None:
        if link is not None:  # re-typed or deleted: no longer part of the file
            audit(session, actor, "employee.unlink", "employee", link.employee_id,
                  {"document_id": doc.id}, None)
            session.delete(link)
        return None
    values = document_values(doc, field_rows(session, doc.id))
    if link is not None:
        emp = session.get(Employee, link.employee_id)
        assert emp is not None
        if emp.status == EmployeeStatus.MERGED and emp.merged_into:
            emp = session.get(Employee, emp.merged_into)
            assert emp is not None
            link.employee_id = emp.id
    else:
        keys = keys_of(values)
        emp, how = find_match(session, keys)
        if emp is None:
            emp = find_mentioned(session, document_text(session, doc.id), keys)
            how = MatchedBy.TEXT if emp is not None else None
        if emp is None:
            if not keys.any:
                return None  # a blank form names nobody
            emp = Employee(id=new_id("emp"), status=EmployeeStatus.ACTIVE, sources={})
            session.add(emp)
            how = MatchedBy.NEW
            audit(session, actor, "employee.create", "employee", emp.id, None,
                  {"document_id": doc.id})
        session.add(EmployeeDocument(employee_id=emp.id, document_id=doc.id,
                                     matched_by=str(how), linked_by=actor))
        audit(session, actor, "employee.link", "employee", emp.id, None,
              {"document_id": doc.id, "matched_by": str(how)})
    changed = apply_values(emp, values)
    if changed:
        audit(session, actor, "employee.update", "employee", emp.id,
              {"document_id": doc.id, **{c: b for c, (b, _) in changed.items()}},
              {"document_id": doc.id, **{c: a for c, (_, a) in changed.items()}})
    session.flush()
    return emp


def document_text(session: Session, document_id: str) -> str:
    return "\n".join(t or "" for t in session.scalars(
        select(PageRow.text).where(PageRow.document_id == document_id)
        .order_by(PageRow.number)))


def _require_hr(roles: Iterable[str]) -> None:
    if not HR_ROLES & set(roles):
        raise NotAllowed("only HR (or an admin) may change employee records")


def merge(session: Session, keep_id: str, other_id: str, actor: str, roles: Iterable[str],
          reason: str) -> Employee:
    """Merge `other` into `keep`: its documents move over, its values fill what `keep`
    lacks (or beats keep's by the source rule), and it remains as `merged` pointing at
    `keep`. Explicit only: never done by matching."""
    _require_hr(roles)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("say why these two records are one person")
    if keep_id == other_id:
        raise Invalid("a record cannot be merged with itself")
    keep, other = session.get(Employee, keep_id), session.get(Employee, other_id)
    if keep is None or other is None:
        raise Invalid("no such employee")
    if EmployeeStatus.MERGED in (keep.status, other.status):
        raise Conflict("one of the records was merged already")
    before = {"keep": field_snapshot(keep), "other": field_snapshot(other)}
    moved = []
    for link in session.scalars(select(EmployeeDocument).where(
            EmployeeDocument.employee_id == other.id)):
        link.employee_id = keep.id
        moved.append(link.document_id)
    values = []
    for column, src in (other.sources or {}).items():
        value = getattr(other, column)
        if value in (None, "", []):
            continue
        values.append(Value(column, value, Rank(src.get("rank", Rank.DOCUMENT)),
                            str(src.get("at", "")), str(src.get("document_id", "")),
                            src.get("corrected_by")))
    apply_values(keep, values)
    other.status = EmployeeStatus.MERGED
    other.merged_into = keep.id
    after = {"keep": field_snapshot(keep), "merged": other.id, "documents_moved": moved}
    audit(session, actor, "employee.merge", "employee", keep.id, before, after)
    record_human(session, actor, "employee.merge", None, f"employee:{keep.id}",
                 {"other": other.id}, {"merged_into": keep.id, "documents": moved},
                 reason=reason)
    session.flush()
    return keep


# ---------------------------------------------------------------------- reading
@dataclass(frozen=True, slots=True)
class EmployeeDoc:
    document_id: str
    filename: str
    subtype: str | None
    status: str
    matched_by: str
    linked_at: datetime


class CheckCode(StrEnum):
    START_DATE_MISMATCH = "start_date_mismatch"
    I9_LATE = "i9_section2_late"
    I9_OVERDUE = "i9_section2_overdue"


@dataclass(frozen=True, slots=True)
class RecordFinding:
    """A check across an employee's documents that failed (`record_checks`)."""

    code: CheckCode
    message: str
    document_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EmployeeView:
    """An employee with their documents, what their file lacks and what does not add up."""

    employee: Employee
    documents: list[EmployeeDoc]
    missing: list[str]
    i9_due: date | None  # section 2 deadline, when it is not recorded yet
    findings: list[RecordFinding]
    purge_after: date | None  # I-9 retention end (`i9_retention_end`)

    @property
    def i9_overdue(self) -> bool:
        return self.i9_due is not None and self.i9_due < datetime.now(UTC).date()


def add_business_days(start: date, days: int) -> date:
    d = start
    while days > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d


def _i9_due(emp: Employee) -> date | None:
    if emp.i9_section2_date or not emp.start_date:
        return None
    try:
        return add_business_days(date.fromisoformat(emp.start_date), I9_BUSINESS_DAYS)
    except ValueError:
        return None


def view(session: Session, emp: Employee) -> EmployeeView:
    rows = session.execute(
        select(EmployeeDocument, Document).join(
            Document, Document.id == EmployeeDocument.document_id)
        .where(EmployeeDocument.employee_id == emp.id, Document.deleted_at.is_(None))
        .order_by(Document.created_at)).all()
    docs = [EmployeeDoc(d.id, d.filename, d.subtype, d.status, link.matched_by, link.linked_at)
            for link, d in rows]
    have = {d.subtype for d in docs}
    fields = _document_fields(session, [d.document_id for d in docs])
    return EmployeeView(emp, docs, [s for s in REQUIRED_DOCUMENTS if s not in have],
                        _i9_due(emp), record_checks(emp, docs, fields),
                        i9_retention_end(emp) if "i9" in have else None)


def _document_fields(session: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {i: {} for i in ids}
    if ids:
        for row in session.scalars(select(FieldRow).where(FieldRow.document_id.in_(ids))):
            value = row.normalized if row.normalized not in (None, "") else row.value
            if value not in (None, ""):
                out[row.document_id][row.name] = value
    return out


def _day(v: Any) -> date | None:
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def record_checks(emp: Employee, docs: list[EmployeeDoc],
                  fields: dict[str, dict[str, Any]], today: date | None = None
                  ) -> list[RecordFinding]:
    """Checks across the file: one start date on the offer letter and the I-9, covered by
    the first pay stub's period; I-9 section 2 within 3 business days of the start."""
    today = today or datetime.now(UTC).date()
    out: list[RecordFinding] = []
    starts = {d.document_id: (d.subtype, _day(fields[d.document_id].get("start_date")))
              for d in docs if d.subtype in START_DATE_SUBTYPES}
    dated = {k: v for k, v in starts.items() if v[1] is not None}
    if len({v[1] for v in dated.values()}) > 1:
        said = ", ".join(f"{sub.replace('_', ' ')} {d}" for sub, d in dated.values())
        out.append(RecordFinding(CheckCode.START_DATE_MISMATCH,
                                 f"The start dates differ: {said}", tuple(dated)))
    start = _day(emp.start_date)
    stubs = sorted(((_day(fields[d.document_id].get("pay_period_start")),
                     _day(fields[d.document_id].get("pay_period_end")), d.document_id)
                    for d in docs if d.subtype == "pay_stub"),
                   key=lambda t: t[0] or date.max)
    if start and stubs and stubs[0][0] and stubs[0][1]:
        first_start, first_end, stub_id = stubs[0]
        if not first_start <= start <= first_end:
            out.append(RecordFinding(
                CheckCode.START_DATE_MISMATCH,
                f"The first pay stub covers {first_start} to {first_end}, not the start date "
                f"{start}", (stub_id,)))
    done = _day(emp.i9_section2_date)
    if start:
        deadline = add_business_days(start, I9_BUSINESS_DAYS)
        i9_ids = tuple(d.document_id for d in docs if d.subtype == "i9")
        if done and done > deadline:
            out.append(RecordFinding(CheckCode.I9_LATE,
                                     f"I-9 section 2 completed {done}, after the deadline "
                                     f"{deadline}", i9_ids))
        elif done is None and today > deadline:
            out.append(RecordFinding(CheckCode.I9_OVERDUE,
                                     f"I-9 section 2 not recorded; it was due {deadline}",
                                     i9_ids))
    return out


def i9_retention_end(emp: Employee) -> date | None:
    """The day after which the I-9 may be destroyed: 3 years after hire or 1 year after
    the employment ended, whichever is later; None while it must be kept (still employed,
    or the dates are unknown)."""
    start, end = _day(emp.start_date), _day(emp.end_date)
    if start is None or end is None:
        return None
    return max(_years_after(start, I9_RETAIN_YEARS_AFTER_HIRE),
               _years_after(end, I9_RETAIN_YEARS_AFTER_END))


def _years_after(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def purge_eligible(session: Session, today: date | None = None) -> list[EmployeeView]:
    """Employees whose I-9 retention has ended: their I-9s may be destroyed."""
    today = today or datetime.now(UTC).date()
    views = list_employees(session, EmployeeFilter())
    return [v for v in views if v.purge_after is not None and v.purge_after < today]


@dataclass(frozen=True, slots=True)
class EmployeeFilter:
    department: str | None = None
    status: str | None = None  # active | terminated (merged records are never listed)
    missing: str | None = None  # a subtype of REQUIRED_DOCUMENTS
    i9_due: bool = False  # section 2 not recorded yet for someone with a start date
    exceptions: bool = False  # only records with a failed check (`record_checks`)


def list_employees(session: Session, f: EmployeeFilter) -> list[EmployeeView]:
    q = select(Employee).where(Employee.status != EmployeeStatus.MERGED)
    if f.department:
        q = q.where(Employee.department == f.department)
    if f.status:
        q = q.where(Employee.status == f.status)
    out = [view(session, e) for e in session.scalars(q.order_by(Employee.name, Employee.id))]
    if f.missing:
        out = [v for v in out if f.missing in v.missing]
    if f.i9_due:
        out = [v for v in out if v.i9_due is not None]
    if f.exceptions:
        out = [v for v in out if v.findings]
    return out


def departments(session: Session) -> list[str]:
    return sorted(d for d in session.scalars(
        select(Employee.department).where(Employee.status != EmployeeStatus.MERGED)
        .distinct()) if d)
