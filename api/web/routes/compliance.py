"""The compliance officer's desk: the exception work queue (filters, assignment, comment
threads, resolve/reopen one by one or in bulk, CSV export), a finding's evidence card,
the straight-through dashboard, the read-only policies page, and purchase-order /
goods-receipt imports for the three-way match (page and JSON API).

Routes only translate: every change is a `workflow` call, every refusal its message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.web.access import ORDERS, VIOLATIONS, Principal
from api.web.bounds import MAX_ROW_ID, RowId
from api.web.charts import Bar, bars, columns, percent
from api.web.deps import DB, CurrentUser, flash, render, require
from api.web.evidence import evidence_page
from api.web.refusals import flashed, refused
from api.web.routes.documents import settle_finding
from api.web.worklist import (
    NO_ASSIGNEE,
    SORTS,
    STATUSES,
    FindingFilter,
    FindingRow,
    findings,
    options,
    to_csv,
    visible_finding,
)
from policies import RULES
from policies.config import settings_table
from policies.version import POLICY_VERSION
from records.models import Document, LedgerEntry, User
from workflow import findings as work
from workflow import metrics, orders
from workflow.errors import WorkflowError
from workflow.states import Resolution

router = APIRouter()
Officer = Annotated[Principal, Depends(require(VIOLATIONS))]
Importer = Annotated[Principal, Depends(require(ORDERS))]
DUPLICATE_RULES = ("ap.duplicate_invoice", "ap.possible_duplicate", "ap.fuzzy_duplicate",
                   "ap.split_invoice")
SIDE_FIELDS = ("vendor_name", "invoice_number", "invoice_date", "due_date", "total_amount",
               "currency", "iban", "po_number")
MAX_CSV_BYTES = 5_000_000


def _filter(rule: str = "", severity: str = "", status: str = "open", doc_type: str = "",
            vendor: str = "", min_age_days: str = "", assignee: str = "",
            sort: str = "oldest") -> FindingFilter:
    age = min_age_days.strip()
    if age and not age.isdigit():
        raise HTTPException(422, "min_age_days is a whole number of days")
    if status not in STATUSES:
        raise HTTPException(422, f"status is one of {', '.join(STATUSES)}")
    if sort not in SORTS:
        raise HTTPException(422, f"sort is one of {', '.join(SORTS)}")
    return FindingFilter(rule=rule, severity=severity, status=status, doc_type=doc_type,
                         vendor=vendor, min_age_days=int(age) if age else None,
                         assignee=assignee, sort=sort)


Filter = Annotated[FindingFilter, Depends(_filter)]


def _replace(f: FindingFilter, assignee: str) -> FindingFilter:
    return FindingFilter(f.rule, f.severity, f.status, f.doc_type, f.vendor, f.min_age_days,
                         assignee, f.sort)


def _colleagues(session: Session) -> list[str]:
    return sorted(u.username for u in session.scalars(select(User).where(User.active))
                  if set(u.roles or []) & work.ASSIGNEES)


# ------------------------------------------------------------------ the work queue
@router.get("/exceptions")
def exceptions_page(request: Request, user: Officer, session: DB, f: Filter) -> Response:
    f = _replace(f, user.username) if f.assignee == "me" else f
    rows = findings(session, user, f)
    return render(request, "exceptions.html", {
        "rows": rows, "f": f, "opts": options(session, user), "statuses": STATUSES,
        "sorts": SORTS, "no_assignee": NO_ASSIGNEE, "colleagues": _colleagues(session),
        "resolutions": [r.value for r in Resolution],
        "export": "/exceptions.csv?" + urlencode(f.query())})


@router.get("/exceptions.csv")
def exceptions_csv(user: Officer, session: DB, f: Filter) -> Response:
    f = _replace(f, user.username) if f.assignee == "me" else f
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(to_csv(findings(session, user, f)), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="exceptions-{stamp}.csv"'})


def _side_by_side(session: Session, user: Principal, row: FindingRow
                  ) -> list[dict[str, Any]]:
    """For a duplicate: this document's invoice fields next to each other one's (only
    the other documents the reader may see)."""
    if row.finding.rule not in DUPLICATE_RULES:
        return []
    ids = (row.finding.evidence or {}).get("other_document_ids") or []
    out = []
    for doc_id in ids[:4]:
        other = session.get(Document, str(doc_id))
        if other is None or not user.can_view(other):
            continue
        entry = session.scalar(select(LedgerEntry).where(LedgerEntry.document_id == other.id))
        out.append({"document": other, "values": {
            name: getattr(entry, name, None) if entry else None for name in SIDE_FIELDS}})
    return out


def _values(entry: LedgerEntry | None) -> dict[str, Any]:
    return {name: getattr(entry, name, None) if entry else None for name in SIDE_FIELDS}


@router.get("/exceptions/{violation_id}")
def finding_page(request: Request, violation_id: RowId, user: Officer,
                 session: DB) -> Response:
    row = visible_finding(session, user, violation_id)
    if row is None:
        raise HTTPException(404, "no such finding")
    evidence = {k: v for k, v in (row.finding.evidence or {}).items()
                if k not in ("others", "lines")}
    return render(request, "finding.html", {
        "row": row, "evidence": evidence, "others": (row.finding.evidence or {}).get("others"),
        "lines": (row.finding.evidence or {}).get("lines"),
        "side": _side_by_side(session, user, row), "mine": _values(row.entry),
        "side_fields": SIDE_FIELDS, "thread": work.comments(session, violation_id),
        "colleagues": _colleagues(session), "resolutions": [r.value for r in Resolution],
        "first_page": row.document.pages > 0,
        "evidence_page": evidence_page(session, row.document.id, row.finding.rule,
                                       row.finding.evidence)})


def _visible_or_404(session: Session, user: Principal, violation_id: int) -> FindingRow:
    row = visible_finding(session, user, violation_id)
    if row is None:
        raise HTTPException(404, "no such finding")
    return row


def _back(violation_id: int) -> RedirectResponse:
    return RedirectResponse(f"/exceptions/{violation_id}", status_code=303)


def _assign(session: Session, user: Principal, violation_id: int, assignee: str) -> None:
    _visible_or_404(session, user, violation_id)
    name = user.username if assignee == "me" else assignee
    try:
        work.assign(session, violation_id, name or None, user.username, user.roles)
    except WorkflowError as exc:
        raise refused(session, exc) from None
    session.commit()


def _comment(session: Session, user: Principal, violation_id: int, body: str) -> Any:
    _visible_or_404(session, user, violation_id)
    try:
        row = work.comment(session, violation_id, body, user.username, user.roles)
    except WorkflowError as exc:
        raise refused(session, exc) from None
    session.commit()
    return row


@router.post("/exceptions/{violation_id}/assign")
def assign_form(request: Request, violation_id: RowId, user: Officer, session: DB,
                assignee: Annotated[str, Form()] = "") -> Response:
    try:
        _assign(session, user, violation_id, assignee)
        flash(request, f"Assigned to {assignee if assignee != 'me' else user.username}."
              if assignee else "Back in the pool.")
    except HTTPException as exc:
        if not flashed(exc):
            raise
        flash(request, f"Not assigned: {exc.detail}", "error")
    return _back(violation_id)


@router.post("/exceptions/{violation_id}/comments")
def comment_form(request: Request, violation_id: RowId, user: Officer, session: DB,
                 body: Annotated[str, Form()] = "") -> Response:
    try:
        _comment(session, user, violation_id, body)
        flash(request, "Comment added.")
    except HTTPException as exc:
        if not flashed(exc):
            raise
        flash(request, f"Not added: {exc.detail}", "error")
    return _back(violation_id)


@router.post("/exceptions/{violation_id}/settle")
def settle_form(request: Request, violation_id: RowId, user: Officer, session: DB,
                action: Annotated[str, Form()] = "resolve",
                resolution: Annotated[str, Form()] = "",
                reason: Annotated[str, Form()] = "") -> Response:
    _visible_or_404(session, user, violation_id)
    try:
        got = settle_finding(request, session, user, violation_id, action, resolution, reason)
        flash(request, f"Finding {got.rule} {'reopened' if action == 'reopen' else 'resolved'}.")
    except HTTPException as exc:
        if not flashed(exc):
            raise
        flash(request, f"Not changed: {exc.detail}", "error")
    return _back(violation_id)


def _bulk(request: Request, session: Session, user: Principal, ids: list[int], action: str,
          resolution: str, reason: str, assignee: str) -> work.BulkOutcome:
    editable: dict[int, bool] = {}
    if any(not 0 < vid <= MAX_ROW_ID for vid in ids):  # an id the database cannot hold
        raise HTTPException(404, "no such finding")
    for vid in ids:
        row = _visible_or_404(session, user, vid)
        editable[vid] = user.can_edit(row.document)
    name = user.username if assignee == "me" else (assignee or None)
    try:
        outcome = work.bulk(session, ids, action, user.username, user.roles,
                            request.app.state.policy_config, resolution=resolution,
                            reason=reason, assignee=name, can_edit=editable)
    except WorkflowError as exc:
        raise refused(session, exc) from None
    session.commit()
    return outcome


@router.post("/exceptions/bulk")
def bulk_form(request: Request, user: Officer, session: DB,
              ids: Annotated[list[int], Form()] = [],  # noqa: B006 - FastAPI form default
              action: Annotated[str, Form()] = "",
              resolution: Annotated[str, Form()] = "",
              reason: Annotated[str, Form()] = "",
              assignee: Annotated[str, Form()] = "",
              back: Annotated[str, Form()] = "") -> Response:
    if not ids:
        flash(request, "Select at least one finding.", "error")
    else:
        try:
            out = _bulk(request, session, user, ids, action, resolution, reason, assignee)
            flash(request, f"{action.capitalize()}: {len(out.done)} done"
                  + (f", {len(out.refused)} refused: " + "; ".join(
                      f"#{k}: {v}" for k, v in out.refused.items()) if out.refused else "."),
                  "error" if out.refused else "info")
        except HTTPException as exc:
            if not flashed(exc):
                raise
            flash(request, f"Not done: {exc.detail}", "error")
    target = back if back.startswith("/exceptions") and "//" not in back else "/exceptions"
    return RedirectResponse(target, status_code=303)


# ------------------------------------------------------------------ JSON API
@router.get("/api/findings")
def api_findings(user: Officer, session: DB, f: Filter,
                 limit: Annotated[int, Query(ge=1, le=5000)] = 500) -> dict[str, Any]:
    f = _replace(f, user.username) if f.assignee == "me" else f
    rows = findings(session, user, f, limit=limit)
    return {"findings": [r.to_json() for r in rows]}


@router.post("/api/findings/{violation_id}/assign")
def api_assign(violation_id: RowId, body: Annotated[dict[str, Any], Body()], user: Officer,
               session: DB) -> dict[str, Any]:
    _assign(session, user, violation_id, str(body.get("assignee") or ""))
    return _visible_or_404(session, user, violation_id).to_json()


@router.post("/api/findings/{violation_id}/comments")
def api_comment(violation_id: RowId, body: Annotated[dict[str, Any], Body()], user: Officer,
                session: DB) -> dict[str, Any]:
    row = _comment(session, user, violation_id, str(body.get("body") or ""))
    return {"id": row.id, "author": row.author, "body": row.body, "at": row.at.isoformat()}


@router.post("/api/findings/bulk")
def api_bulk(request: Request, body: Annotated[dict[str, Any], Body()], user: Officer,
             session: DB) -> dict[str, Any]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise HTTPException(422, 'send {"ids": [1, 2], "action": "assign|resolve|reopen"}')
    out = _bulk(request, session, user, ids, str(body.get("action") or ""),
                str(body.get("resolution") or ""), str(body.get("reason") or ""),
                str(body.get("assignee") or ""))
    return {"done": out.done, "refused": {str(k): v for k, v in out.refused.items()}}


@router.get("/api/metrics")
def api_metrics(user: Officer, session: DB) -> dict[str, Any]:
    return metrics.compute(session, user.document_filter()).to_json()


# ------------------------------------------------------------------ dashboard, policies
@router.get("/dashboard")
def dashboard(request: Request, user: Officer, session: DB) -> Response:
    m = metrics.compute(session, user.document_filter())
    charts = {
        "per_day": columns("Documents processed per day",
                           [Bar(d, n, str(n)) for d, n in m.processed_per_day[-60:]]),
        "by_type": bars("Automation rate by type",
                        [Bar(r.key, r.rate, f"{percent(r.rate)} of {r.documents}")
                         for r in m.by_type], 1.0),
        "by_vendor": bars("Automation rate by vendor (most documents first)",
                          [Bar(r.key, r.rate, f"{percent(r.rate)} of {r.documents}")
                           for r in m.by_vendor], 1.0),
        "by_rule": bars("Exceptions by rule (open / all)",
                        [Bar(r, t, f"{o} / {t}") for r, o, t in m.exceptions_by_rule]),
        "by_severity": bars("Exceptions by severity (open / all)",
                            [Bar(s, t, f"{o} / {t}") for s, o, t in m.exceptions_by_severity]),
    }
    return render(request, "dashboard.html", {"m": m, "charts": charts})


@router.get("/policies")
def policies_page(request: Request, user: CurrentUser) -> Response:
    config = request.app.state.policy_config
    return render(request, "policies.html", {
        "version": POLICY_VERSION, "settings": settings_table(config), "rules": RULES,
        "disabled": set(config.disabled_rules)})


# ------------------------------------------------------------------ purchase orders
def _import(request: Request, session: Session, user: Principal, kind: str,
            rows: list[orders.OrderLineIn] | list[orders.ReceiptIn]) -> orders.ImportResult:
    config = request.app.state.policy_config
    try:
        if kind == "orders":
            result = orders.import_orders(session, rows, user.username, config)  # type: ignore[arg-type]
        else:
            result = orders.import_receipts(session, rows, user.username, config)  # type: ignore[arg-type]
    except WorkflowError as exc:
        raise refused(session, exc) from None
    session.commit()
    return result


def _parse(kind: str, text: str) -> list[Any]:
    if kind == "orders":
        return orders.parse_orders_csv(text)
    return orders.parse_receipts_csv(text)


@router.get("/purchase-orders")
def orders_page(request: Request, user: Importer) -> Response:
    return render(request, "orders.html", {"order_columns": orders.ORDER_COLUMNS,
                                           "receipt_columns": orders.RECEIPT_COLUMNS})


@router.post("/purchase-orders/import")
async def orders_import(request: Request, user: Importer, session: DB,
                        file: Annotated[UploadFile, File()],
                        kind: Annotated[str, Form()] = "orders") -> Response:
    if kind not in ("orders", "receipts"):
        raise HTTPException(422, "kind is orders or receipts")
    raw = await file.read(MAX_CSV_BYTES + 1)
    if len(raw) > MAX_CSV_BYTES:
        flash(request, "The CSV is larger than 5 MB; split it.", "error")
        return RedirectResponse("/purchase-orders", status_code=303)
    try:
        text = raw.decode("utf-8-sig")
        result = _import(request, session, user, kind, _parse(kind, text))
        flash(request, f"Imported {result.rows} row(s) for {', '.join(result.purchase_orders)}"
              f"; {len(result.rejudged)} invoice(s) checked again.")
    except UnicodeDecodeError:
        flash(request, "The CSV is not UTF-8 text.", "error")
    except WorkflowError as exc:
        flash(request, f"Not imported: {exc}", "error")
    except HTTPException as exc:
        if not flashed(exc):
            raise
        flash(request, f"Not imported: {exc.detail}", "error")
    return RedirectResponse("/purchase-orders", status_code=303)


def _api_rows(body: Any, key: str) -> list[dict[str, Any]]:
    rows = body.get(key) if isinstance(body, dict) else body
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise HTTPException(422, f'send {{"{key}": [{{...}}, ...]}} or a list of objects')
    return rows


@router.post("/api/purchase-orders")
def api_orders(request: Request, body: Annotated[Any, Body()], user: Importer,
               session: DB) -> dict[str, Any]:
    try:
        rows = [orders.order_line(r, f"line {k}")
                for k, r in enumerate(_api_rows(body, "lines"), start=1)]
    except WorkflowError as exc:
        raise refused(session, exc) from None
    return _import(request, session, user, "orders", rows).to_json()


@router.post("/api/goods-receipts")
def api_receipts(request: Request, body: Annotated[Any, Body()], user: Importer,
                 session: DB) -> dict[str, Any]:
    try:
        rows = [orders.receipt(r, f"receipt {k}")
                for k, r in enumerate(_api_rows(body, "receipts"), start=1)]
    except WorkflowError as exc:
        raise refused(session, exc) from None
    return _import(request, session, user, "receipts", rows).to_json()
