"""Straight-through figures for the dashboard, `GET /api/metrics` and `backoffice metrics`:
documents processed per day, automation rate per type and per vendor, fields corrected
per document, exceptions by rule and severity, time in queue (median, p90), and from the
blind double readings (`workflow.qa`) the QA error rate among auto-approved documents and
per-field reviewer agreement with Cohen's kappa.

A document went straight through (automated) when processing left it `auto_approved`
and nobody has sent it to review since (its status history never shows
`needs_review`). Only the documents `visible` selects are counted: the caller passes
the reader's access filter, so HR documents never reach a non-HR reader's figures.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from records.models import Document, FieldRow, LedgerEntry, ReviewTask, StatusEvent, ViolationRow
from workflow.qa import QaFigures, figures
from workflow.states import DocumentStatus

PROCESSED = (DocumentStatus.AUTO_APPROVED, DocumentStatus.NEEDS_REVIEW,
             DocumentStatus.APPROVED, DocumentStatus.REJECTED)
TOP_VENDORS = 20


@dataclass(frozen=True, slots=True)
class Rate:
    key: str
    documents: int
    automated: int

    @property
    def rate(self) -> float:
        return round(self.automated / self.documents, 4) if self.documents else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "documents": self.documents, "automated": self.automated,
                "rate": self.rate}


@dataclass(frozen=True, slots=True)
class QueueTime:
    queue: str
    closed: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(slots=True)
class Metrics:
    documents: int = 0
    automated: int = 0
    processed_per_day: list[tuple[str, int]] = field(default_factory=list)
    by_type: list[Rate] = field(default_factory=list)
    by_vendor: list[Rate] = field(default_factory=list)
    corrections_per_document: float = 0.0
    corrected_documents: int = 0
    exceptions_by_rule: list[tuple[str, int, int]] = field(default_factory=list)  # open, all
    exceptions_by_severity: list[tuple[str, int, int]] = field(default_factory=list)
    resolutions: list[tuple[str, int]] = field(default_factory=list)
    queue_times: list[QueueTime] = field(default_factory=list)
    qa: QaFigures = field(default_factory=QaFigures)

    @property
    def automation_rate(self) -> float:
        return round(self.automated / self.documents, 4) if self.documents else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents, "automated": self.automated,
            "automation_rate": self.automation_rate,
            "processed_per_day": [{"day": d, "documents": n} for d, n in self.processed_per_day],
            "automation_by_type": [r.to_json() for r in self.by_type],
            "automation_by_vendor": [r.to_json() for r in self.by_vendor],
            "corrections_per_document": self.corrections_per_document,
            "corrected_documents": self.corrected_documents,
            "exceptions_by_rule": [{"rule": r, "open": o, "total": t}
                                   for r, o, t in self.exceptions_by_rule],
            "exceptions_by_severity": [{"severity": r, "open": o, "total": t}
                                       for r, o, t in self.exceptions_by_severity],
            "resolutions": [{"resolution": r, "count": n} for r, n in self.resolutions],
            "time_in_queue": [asdict(q) for q in self.queue_times],
            "qa": self.qa.to_json(),
        }


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 2)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 2)


def _hours(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    if (a.tzinfo is None) != (b.tzinfo is None):  # SQLite drops the zone
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return (b - a).total_seconds() / 3600


def compute(session: Session, visible: ColumnElement[bool] | None = None) -> Metrics:
    """Every figure over the documents `visible` selects (all when None)."""
    cond = visible if visible is not None else true()
    docs = session.execute(
        select(Document.id, Document.doc_type, Document.created_at).where(
            Document.deleted_at.is_(None), Document.status.in_([s.value for s in PROCESSED]),
            cond)).all()
    ids = {d.id for d in docs}
    m = Metrics(documents=len(docs))
    if not docs:
        return m
    history: dict[str, set[str]] = defaultdict(set)
    for doc_id, status in session.execute(select(StatusEvent.document_id, StatusEvent.status)):
        if doc_id in ids:
            history[doc_id].add(status)
    auto = {i for i in ids if DocumentStatus.AUTO_APPROVED in history[i]
            and DocumentStatus.NEEDS_REVIEW not in history[i]}
    m.automated = len(auto)
    per_day = Counter(d.created_at.date().isoformat() for d in docs if d.created_at)
    m.processed_per_day = sorted(per_day.items())
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for d in docs:
        counts = by_type[d.doc_type or "other"]
        counts[0] += 1
        counts[1] += d.id in auto
    m.by_type = [Rate(k, n, a) for k, (n, a) in sorted(by_type.items())]
    by_vendor: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for doc_id, vendor in session.execute(
            select(LedgerEntry.document_id, LedgerEntry.vendor_name)):
        if doc_id in ids:
            counts = by_vendor[vendor or "(no vendor)"]
            counts[0] += 1
            counts[1] += doc_id in auto
    ranked = sorted(by_vendor.items(), key=lambda kv: (-kv[1][0], kv[0]))[:TOP_VENDORS]
    m.by_vendor = [Rate(k, n, a) for k, (n, a) in ranked]
    corrected = Counter(doc_id for (doc_id,) in session.execute(
        select(FieldRow.document_id).where(FieldRow.corrected)) if doc_id in ids)
    m.corrected_documents = len(corrected)
    m.corrections_per_document = round(sum(corrected.values()) / len(ids), 4)
    rules: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    severities: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    resolutions: Counter[str] = Counter()
    for v in session.execute(select(ViolationRow.document_id, ViolationRow.rule,
                                    ViolationRow.severity, ViolationRow.status,
                                    ViolationRow.resolution)):
        if v.document_id not in ids:
            continue
        for table, key in ((rules, v.rule), (severities, v.severity)):
            table[key][0] += v.status == "open"
            table[key][1] += 1
        if v.resolution:
            resolutions[v.resolution] += 1
    m.exceptions_by_rule = sorted(((k, o, t) for k, (o, t) in rules.items()),
                                  key=lambda x: (-x[2], x[0]))
    order = {"high": 0, "medium": 1, "low": 2}
    m.exceptions_by_severity = sorted(((k, o, t) for k, (o, t) in severities.items()),
                                      key=lambda x: order.get(x[0], 9))
    m.resolutions = sorted(resolutions.items())
    waits: dict[str, list[float]] = defaultdict(list)
    for t in session.execute(select(ReviewTask.document_id, ReviewTask.queue,
                                    ReviewTask.created_at, ReviewTask.closed_at)
                             .where(ReviewTask.closed_at.is_not(None))):
        hours = _hours(t.created_at, t.closed_at)
        if t.document_id in ids and hours is not None:
            waits[t.queue].append(hours)
    m.queue_times = [QueueTime(q, len(v), _percentile(v, 50), _percentile(v, 90))
                     for q, v in sorted(waits.items())]
    m.qa = figures(session, ids)
    return m
