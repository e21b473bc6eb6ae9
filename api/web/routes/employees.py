"""Employee records: the list (filters: department, status, missing documents, I-9 due,
failed checks; the I-9s past retention),
one employee's page (fields with their source document, documents, timeline), the CSV
export, merging two records, and the same as JSON under /api/employees.

HR data is for hr and admin only: for anyone else every one of these answers 404 with
the body of a missing page, so the area's existence is not disclosed either. The
records are written only by `workflow.employees`; these routes translate.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.web.access import HR_PAGES, Principal
from api.web.deps import DB, CurrentUser, flash, render
from api.web.refusals import refused
from records.models import AuditLog, Employee
from workflow import employees
from workflow.employees import COLUMNS, REQUIRED_DOCUMENTS, EmployeeFilter, EmployeeStatus
from workflow.errors import WorkflowError

router = APIRouter()
CSV_COLUMNS = ("id", *COLUMNS, "status", "documents", "missing_documents", "i9_due")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def hr_user(user: CurrentUser) -> Principal:
    """The user, when they may read HR records; 404 (as if nothing were here) otherwise."""
    if not user.has(HR_PAGES):
        raise HTTPException(404, "Not Found")
    return user


HrUser = Annotated[Principal, Depends(hr_user)]


def _flag(v: str | None) -> bool:
    return (v or "") in ("1", "true", "yes", "on")


def _filter(department: str | None, status: str | None, missing: str | None,
            i9_due: str | None, exceptions: str | None = None) -> EmployeeFilter:
    return EmployeeFilter(
        department=department or None,
        status=status if status in (EmployeeStatus.ACTIVE, EmployeeStatus.TERMINATED) else None,
        missing=missing if missing in REQUIRED_DOCUMENTS else None,
        i9_due=_flag(i9_due), exceptions=_flag(exceptions))


def _employee(session: Session, employee_id: str) -> Employee:
    emp = session.get(Employee, employee_id)
    if emp is None:
        raise HTTPException(404, "Not Found")
    return emp


def employee_json(v: employees.EmployeeView, detail: bool = False) -> dict[str, Any]:
    e = v.employee
    out: dict[str, Any] = {
        "id": e.id, "status": e.status, **{c: getattr(e, c) for c in COLUMNS},
        "documents": [{"document_id": d.document_id, "file": d.filename, "subtype": d.subtype,
                       "status": d.status, "matched_by": d.matched_by} for d in v.documents],
        "missing_documents": v.missing,
        "i9_due": v.i9_due.isoformat() if v.i9_due else None, "i9_overdue": v.i9_overdue,
        "findings": [{"code": str(f.code), "message": f.message,
                      "document_ids": list(f.document_ids)} for f in v.findings],
        "i9_purge_after": v.purge_after.isoformat() if v.purge_after else None,
    }
    if detail:
        out["sources"] = e.sources or {}
    return out


def timeline(session: Session, emp: Employee) -> list[AuditLog]:
    return list(session.scalars(
        select(AuditLog).where(AuditLog.entity_type == "employee",
                               AuditLog.entity_id == emp.id)
        .order_by(AuditLog.at, AuditLog.id)))


def _csv_cell(value: Any) -> str:
    text = "; ".join(map(str, value)) if isinstance(value, list) else (
        "" if value is None else str(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def employees_csv(views: list[employees.EmployeeView]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for v in views:
        e = v.employee
        w.writerow([_csv_cell(x) for x in (
            e.id, *(getattr(e, c) for c in COLUMNS), e.status,
            [d.document_id for d in v.documents], v.missing,
            v.i9_due.isoformat() if v.i9_due else None)])
    return buf.getvalue()


# ---------------------------------------------------------------------- pages
@router.get("/employees")
def employees_page(request: Request, user: HrUser, session: DB,
                   department: str | None = None, status: str | None = None,
                   missing: str | None = None, i9_due: str | None = None,
                   exceptions: str | None = None) -> Response:
    f = _filter(department, status, missing, i9_due, exceptions)
    return render(request, "employees.html", {
        "views": employees.list_employees(session, f), "f": f,
        "purge": employees.purge_eligible(session),
        "departments": employees.departments(session), "required": REQUIRED_DOCUMENTS,
        "statuses": [EmployeeStatus.ACTIVE.value, EmployeeStatus.TERMINATED.value]})


@router.get("/employees.csv")
def employees_export(user: HrUser, session: DB, department: str | None = None,
                     status: str | None = None, missing: str | None = None,
                     i9_due: str | None = None) -> Response:
    views = employees.list_employees(session, _filter(department, status, missing, i9_due))
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(employees_csv(views), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="employees-{stamp}.csv"',
        "Cache-Control": "no-store"})


def employees_jsonl(views: list[employees.EmployeeView]) -> str:
    """One JSON object per employee, the CSV's columns with lists kept as lists."""
    out = []
    for v in views:
        e = v.employee
        row = dict(zip(CSV_COLUMNS, (
            e.id, *(getattr(e, c) for c in COLUMNS), e.status,
            [d.document_id for d in v.documents], v.missing,
            v.i9_due.isoformat() if v.i9_due else None), strict=True))
        out.append(json.dumps({k: (x.isoformat() if hasattr(x, "isoformat") else x)
                               for k, x in row.items()}, default=str) + "\n")
    return "".join(out)


@router.get("/employees.jsonl")
def employees_export_jsonl(user: HrUser, session: DB, department: str | None = None,
                           status: str | None = None, missing: str | None = None,
                           i9_due: str | None = None) -> Response:
    views = employees.list_employees(session, _filter(department, status, missing, i9_due))
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(employees_jsonl(views), media_type="application/x-ndjson", headers={
        "Content-Disposition": f'attachment; filename="employees-{stamp}.jsonl"',
        "Cache-Control": "no-store"})


@router.get("/employees/{employee_id}")
def employee_page(request: Request, employee_id: str, user: HrUser, session: DB) -> Response:
    emp = _employee(session, employee_id)
    if emp.status == EmployeeStatus.MERGED and emp.merged_into:
        return RedirectResponse(f"/employees/{emp.merged_into}", status_code=303)
    v = employees.view(session, emp)
    others = [o for o in employees.list_employees(session, EmployeeFilter())
              if o.employee.id != emp.id]
    return render(request, "employee.html", {
        "v": v, "e": emp, "columns": COLUMNS, "sources": emp.sources or {},
        "names": {d.document_id: d.filename for d in v.documents},
        "timeline": timeline(session, emp), "others": others})


@router.post("/employees/{employee_id}/merge")
def merge_form(request: Request, employee_id: str, other: Annotated[str, Form()],
               reason: Annotated[str, Form()], user: HrUser, session: DB) -> Response:
    try:
        employees.merge(session, employee_id, other, user.username, user.roles, reason)
        session.commit()
        flash(request, f"Merged {other} into this record.")
    except WorkflowError as exc:
        session.rollback()
        flash(request, f"Not merged: {exc}", "error")
    return RedirectResponse(f"/employees/{employee_id}", status_code=303)


# ---------------------------------------------------------------------- JSON API
@router.get("/api/employees")
def api_list(user: HrUser, session: DB, department: str | None = None,
             status: str | None = None, missing: str | None = None,
             i9_due: str | None = None, exceptions: str | None = None) -> JSONResponse:
    views = employees.list_employees(
        session, _filter(department, status, missing, i9_due, exceptions))
    return JSONResponse({"employees": [employee_json(v) for v in views]})


@router.get("/api/employees/i9-purge-eligible")
def api_purge_eligible(user: HrUser, session: DB) -> JSONResponse:
    """Employees whose I-9s are past retention (3 years after hire or 1 after the end,
    whichever is later): they may be destroyed."""
    return JSONResponse({"employees": [employee_json(v)
                                       for v in employees.purge_eligible(session)]})


@router.get("/api/employees/{employee_id}")
def api_detail(employee_id: str, user: HrUser, session: DB) -> JSONResponse:
    emp = _employee(session, employee_id)
    out = employee_json(employees.view(session, emp), detail=True)
    out["merged_into"] = emp.merged_into
    out["timeline"] = [{"at": r.at.isoformat(), "actor": r.actor, "action": r.action,
                        "before": r.before, "after": r.after} for r in timeline(session, emp)]
    return JSONResponse(out)


@router.post("/api/employees/{employee_id}/merge")
def api_merge(employee_id: str, user: HrUser, session: DB,
              body: Annotated[dict[str, Any], Body()]) -> JSONResponse:
    try:
        emp = employees.merge(session, employee_id, str(body.get("other") or ""),
                              user.username, user.roles, str(body.get("reason") or ""))
    except WorkflowError as exc:
        raise refused(session, exc) from None
    session.commit()
    return JSONResponse(employee_json(employees.view(session, emp), detail=True))
