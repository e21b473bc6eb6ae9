"""The exception queue as a work queue: findings (not documents) filtered by rule,
severity, status, document type, vendor, age and assignee, sorted by SLA age, with the
vendor, amount and due date beside the reason; the same rows as CSV.

Only findings of documents the reader may see are listed (`Principal.document_filter`):
HR documents and their findings stay with hr and admin, here, in the export and in the
API alike.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.web.access import Principal
from records.models import Document, FindingComment, LedgerEntry, ViolationRow, aware
from workflow import controls

STATUSES = ("open", "resolved", "all")
SORTS = {"oldest": "oldest first", "newest": "newest first", "severity": "severity"}
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
NO_ASSIGNEE = "none"
MAX_ROWS = 5000
CSV_COLUMNS = ("finding_id", "rule", "severity", "status", "blocking", "document_id",
               "doc_type", "vendor", "invoice_number", "total_amount", "currency", "due_date",
               "assigned_to", "age_days", "opened_at", "resolution", "reason", "message")


@dataclass(frozen=True, slots=True)
class FindingFilter:
    rule: str = ""
    severity: str = ""
    status: str = "open"
    doc_type: str = ""
    vendor: str = ""
    min_age_days: int | None = None
    assignee: str = ""  # "" anyone, "none" unassigned, else a user name
    sort: str = "oldest"

    def query(self) -> dict[str, str]:
        """The filter as query parameters (links, the CSV export)."""
        out = {k: str(v) for k, v in (
            ("rule", self.rule), ("severity", self.severity), ("status", self.status),
            ("doc_type", self.doc_type), ("vendor", self.vendor),
            ("min_age_days", self.min_age_days), ("assignee", self.assignee),
            ("sort", self.sort)) if v not in (None, "")}
        return out


@dataclass(frozen=True, slots=True)
class FindingRow:
    finding: ViolationRow
    document: Document
    entry: LedgerEntry | None
    opened_at: datetime | None
    comments: int
    now: datetime

    @property
    def age_days(self) -> float:
        if self.opened_at is None:
            return 0.0
        return round((self.now - aware(self.opened_at)).total_seconds() / 86400, 1)

    @property
    def blocking(self) -> bool:
        return controls.is_blocking(self.finding.rule)

    @property
    def vendor(self) -> str | None:
        return self.entry.vendor_name if self.entry else None

    def to_json(self) -> dict[str, Any]:
        v, e = self.finding, self.entry
        return {
            "finding_id": v.id, "rule": v.rule, "severity": v.severity, "status": v.status,
            "blocking": self.blocking, "document_id": self.document.id,
            "doc_type": self.document.doc_type, "filename": self.document.filename,
            "vendor": self.vendor, "invoice_number": e.invoice_number if e else None,
            "total_amount": e.total_amount if e else None,
            "currency": e.currency if e else None, "due_date": e.due_date if e else None,
            "assigned_to": v.assigned_to, "age_days": self.age_days,
            "opened_at": self.opened_at.isoformat() if self.opened_at else None,
            "resolution": v.resolution, "reason": v.note, "message": v.message,
            "comments": self.comments,
        }


def findings(session: Session, user: Principal, f: FindingFilter,
             limit: int = MAX_ROWS) -> list[FindingRow]:
    opened = func.coalesce(ViolationRow.created_at, Document.created_at)
    stmt = (select(ViolationRow, Document, LedgerEntry, opened)
            .join(Document, Document.id == ViolationRow.document_id)
            .outerjoin(LedgerEntry, LedgerEntry.document_id == Document.id)
            .where(Document.deleted_at.is_(None), user.document_filter()))
    if f.status in ("open", "resolved"):
        stmt = stmt.where(ViolationRow.status == f.status)
    if f.rule:
        stmt = stmt.where(ViolationRow.rule == f.rule)
    if f.severity:
        stmt = stmt.where(ViolationRow.severity == f.severity)
    if f.doc_type:
        stmt = stmt.where(Document.doc_type == f.doc_type)
    if f.vendor:
        stmt = stmt.where(LedgerEntry.vendor_name.ilike(f"%{f.vendor.strip()}%"))
    if f.assignee == NO_ASSIGNEE:
        stmt = stmt.where(ViolationRow.assigned_to.is_(None))
    elif f.assignee:
        stmt = stmt.where(ViolationRow.assigned_to == f.assignee)
    stmt = stmt.order_by(opened.desc() if f.sort == "newest" else opened, ViolationRow.id)
    rows = session.execute(stmt.limit(limit)).all()
    counts = dict(session.execute(
        select(FindingComment.violation_id, func.count()).where(
            FindingComment.violation_id.in_([r[0].id for r in rows]))
        .group_by(FindingComment.violation_id)).all()) if rows else {}
    now = datetime.now(UTC)
    out = [FindingRow(v, d, e, o, counts.get(v.id, 0), now) for v, d, e, o in rows]
    if f.min_age_days is not None:
        out = [r for r in out if r.age_days >= f.min_age_days]
    if f.sort == "severity":
        out.sort(key=lambda r: (SEVERITY_ORDER.get(r.finding.severity, 9), -r.age_days))
    return out


def visible_finding(session: Session, user: Principal, violation_id: int) -> FindingRow | None:
    """One finding with its document and ledger entry, or None when it does not exist or
    its document is hidden from the reader."""
    v = session.get(ViolationRow, violation_id)
    doc = session.get(Document, v.document_id) if v is not None else None
    if v is None or doc is None or not user.can_view(doc):
        return None
    entry = session.scalar(select(LedgerEntry).where(LedgerEntry.document_id == doc.id))
    count = session.scalar(select(func.count()).where(
        FindingComment.violation_id == v.id)) or 0
    return FindingRow(v, doc, entry, v.created_at or doc.created_at, int(count),
                      datetime.now(UTC))


def options(session: Session, user: Principal) -> dict[str, list[str]]:
    """The values the filter menus offer, from the findings this reader may see."""
    rows = session.execute(
        select(ViolationRow.rule, ViolationRow.severity, Document.doc_type,
               ViolationRow.assigned_to)
        .join(Document, Document.id == ViolationRow.document_id)
        .where(Document.deleted_at.is_(None), user.document_filter())).all()
    return {
        "rules": sorted({r[0] for r in rows}),
        "severities": [s for s in SEVERITY_ORDER if s in {r[1] for r in rows}],
        "doc_types": sorted({r[2] for r in rows if r[2]}),
        "assignees": sorted({r[3] for r in rows if r[3]}),
    }


def to_csv(rows: list[FindingRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for r in rows:
        j = r.to_json()
        w.writerow([_cell(j[c]) for c in CSV_COLUMNS])
    return buf.getvalue()


def _cell(value: Any) -> str:
    """Spreadsheet-safe text: a leading =, +, - or @ would run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text
