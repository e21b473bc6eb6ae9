"""The database schema: documents, their pages and fields with evidence, status
history, review work, compliance findings, the AP ledger, users and the audit log.

JSON columns hold evidence that is read whole (boxes, reasons); anything that is
filtered or joined on is a real column.

No `from __future__ import annotations` here, unlike the other modules: with it every
`Mapped[...]` is a string that SQLAlchemy parses and evaluates again when it maps the class
(~10 ms of every process's start for these 31 classes); the few forward references to a
class defined further down are quoted instead. Same tables and mappings either way.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; everything stored here is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    filename: Mapped[str] = mapped_column(String(500))
    media_type: Mapped[str | None] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer, default=0)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True, default="received")
    error_code: Mapped[str | None] = mapped_column(String(60))
    error_message: Mapped[str | None] = mapped_column(Text)
    doc_type: Mapped[str | None] = mapped_column(String(30), index=True)
    subtype: Mapped[str | None] = mapped_column(String(40))
    type_confidence: Mapped[float | None] = mapped_column(Float)
    type_reasons: Mapped[list[Any] | None] = mapped_column(JSON)
    model_version: Mapped[str | None] = mapped_column(String(80))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    ocr_pages: Mapped[int] = mapped_column(Integer, default=0)
    review_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    review_reasons: Mapped[list[Any] | None] = mapped_column(JSON)
    timings_ms: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who uploaded it, and the confidential channel it came in through (`records.channels`):
    # access is decided by what a document may be, not only by what it turned out to be.
    uploaded_by: Mapped[str | None] = mapped_column(String(80))
    restricted_to: Mapped[str | None] = mapped_column(String(20), index=True)
    # The processing lease (`workflow.work_lease`): which worker holds the document and until
    # when; renewed by its heartbeat, taken over once it has run out.
    lease_owner: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Runs that took the lease and never gave it back (their worker died): a document that
    # kills every worker that tries it is failed after a few, not redelivered for ever.
    lease_runs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What judged and read it (`workflow.published`): the policies' version and the versions
    # of the published models in use when it was last processed.
    versions: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    page_rows: Mapped[list["PageRow"]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="PageRow.number"
    )
    field_rows: Mapped[list["FieldRow"]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )


class PageRow(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    width: Mapped[float] = mapped_column(Float)
    height: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text, default="")
    words: Mapped[list[Any] | None] = mapped_column(JSON)  # [[text, x0, y0, x1, y1, conf], ...]
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    ocr_engine: Mapped[str | None] = mapped_column(String(30))
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    # degrees OCR turned the page image to read it (a page lying on its head: 180); its
    # words are on the turned page, and the page image is shown turned the same way
    turned: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    document: Mapped["Document"] = relationship(back_populates="page_rows")


class FieldRow(Base):
    __tablename__ = "fields"
    __table_args__ = (UniqueConstraint("document_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    value: Mapped[Any] = mapped_column(JSON)
    normalized: Mapped[Any] = mapped_column(JSON)
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    page: Mapped[int | None] = mapped_column(Integer)
    bbox: Mapped[list[Any] | None] = mapped_column(JSON)
    # "ranker:<pattern>" runs past 40 characters; SQLite never checked the length, PostgreSQL
    # refused the whole document (21 of the DEV corpus' contracts)
    source: Mapped[str] = mapped_column(String(200), default="rule")
    corrected: Mapped[bool] = mapped_column(Boolean, default=False)
    corrected_by: Mapped[str | None] = mapped_column(String(80))
    corrected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    original: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the machine's value
    note: Mapped[str | None] = mapped_column(Text)  # why a person changed or cleared it

    document: Mapped["Document"] = relationship(back_populates="field_rows")


class StatusEvent(Base):
    __tablename__ = "status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(80), default="system")
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DocumentRead(Base):
    """One reading of a document's original (ingest, OCR included), recorded as soon as it
    is done: how often a document was read (and OCR'd) tells duplicated work apart."""

    __tablename__ = "document_reads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str | None] = mapped_column(String(120))  # the lease owner, when leased
    pages: Mapped[int] = mapped_column(Integer, default=0)
    ocr_pages: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PublishedFile(Base):
    """A version of a file every node uses: `policies.toml` or a model (`records.published`).
    The newest row of a name is the current version; its version is the content's sha256."""

    __tablename__ = "published_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    manifest: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # a model's manifest
    published_by: Mapped[str] = mapped_column(String(80), default="system")
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DocumentStage(Base):
    """A stage of processing done outside the storing transaction (search indexing), so a
    redelivered task sees what is still missing (`workflow.work_lease`)."""

    __tablename__ = "document_stages"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ViolationRow(Base):
    __tablename__ = "violations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    rule: Mapped[str] = mapped_column(String(80), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    policy_version: Mapped[str] = mapped_column(String(20))
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="open")  # workflow.FindingStatus
    resolved_by: Mapped[str | None] = mapped_column(String(80))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)  # the resolver's reason
    resolution: Mapped[str | None] = mapped_column(String(20))  # workflow.Resolution
    # the compliance work queue: who works on it, since when it is open
    assigned_to: Mapped[str | None] = mapped_column(String(80), index=True)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=utcnow)


class FindingComment(Base):
    """One message in a finding's comment thread. Append-only."""

    __tablename__ = "finding_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    violation_id: Mapped[int] = mapped_column(
        ForeignKey("violations.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PurchaseOrderLine(Base):
    """One line of a purchase order (imported by CSV or the API) for the three-way match."""

    __tablename__ = "purchase_order_lines"
    __table_args__ = (UniqueConstraint("po_key", "line"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    po_number: Mapped[str] = mapped_column(String(120))
    # policies.keys.normalize_invoice_number of it: invoices quote PO numbers loosely
    po_key: Mapped[str] = mapped_column(String(120), index=True)
    line: Mapped[int] = mapped_column(Integer, default=1)
    vendor_name: Mapped[str] = mapped_column(String(300))
    vendor_key: Mapped[str | None] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[str] = mapped_column(String(40))
    unit_price: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str | None] = mapped_column(String(3))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GoodsReceipt(Base):
    """Goods received against a purchase order line (line None: the order's lines in turn)."""

    __tablename__ = "goods_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    po_number: Mapped[str] = mapped_column(String(120))
    po_key: Mapped[str] = mapped_column(String(120), index=True)
    line: Mapped[int | None] = mapped_column(Integer)
    quantity: Mapped[str] = mapped_column(String(40))
    received_on: Mapped[str | None] = mapped_column(String(10))
    receipt_number: Mapped[str | None] = mapped_column(String(120))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewTask(Base):
    """An item in the review queue (low confidence) or the exception queue (violations)."""

    __tablename__ = "review_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    queue: Mapped[str] = mapped_column(String(20), index=True)  # review|exception
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    doc_type: Mapped[str | None] = mapped_column(String(30))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(80))
    # review-queue lease (workflow.leases): one reviewer per item until it runs out
    leased_by: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class QaReview(Base):
    """A blind second look at one document (`workflow.qa`): a random QA sample of an
    auto-approved document (first reading: the machine) or a human-reviewed one sent to a
    second reviewer (first reading: its reviewer). `first_values` is what the first reading
    said when it was sampled; the second reviewer never sees it."""

    __tablename__ = "qa_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # workflow.qa.QaKind
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    doc_type: Mapped[str | None] = mapped_column(String(30))
    first_by: Mapped[str] = mapped_column(String(80))  # "machine" or the first reviewer
    first_values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sampled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewer: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(20))  # agreed | disagreed
    finding_id: Mapped[int | None] = mapped_column(Integer)  # the qa.error_found it raised


class QaFieldCheck(Base):
    """One field of a QA review: the first reading, the blind second one, and whether
    they agree (after normalisation). Agreement and kappa are counted from these rows."""

    __tablename__ = "qa_field_checks"
    __table_args__ = (UniqueConstraint("review_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("qa_reviews.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    first_value: Mapped[str | None] = mapped_column(Text)
    second_value: Mapped[str | None] = mapped_column(Text)
    agree: Mapped[bool] = mapped_column(Boolean)


class ClauseRow(Base):
    __tablename__ = "clauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    index: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    page: Mapped[int] = mapped_column(Integer, default=1)
    start: Mapped[int] = mapped_column(Integer, default=0)
    end: Mapped[int] = mapped_column(Integer, default=0)
    labels: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    corrected: Mapped[bool] = mapped_column(Boolean, default=False)


class Vendor(Base):
    """Vendor master: invoices are matched to it; new vendors are created on approval."""

    __tablename__ = "vendors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    tax_id: Mapped[str | None] = mapped_column(String(60))
    ibans: Mapped[list[Any]] = mapped_column(JSON, default=list)
    hints: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # learned extraction hints
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# A vendor's invoice number is booked (approved or paid) at most once: the database
# refuses a second booking whatever code path tries it (partial unique index, SQLite and
# PostgreSQL alike).
BOOKED_STATUSES_SQL = "status IN ('approved', 'paid')"


# PostgreSQL's WHERE is added by `add_dialect_options` once a PostgreSQL engine is made:
# naming a dialect's option here loads that dialect, in every process, SQLite ones too
# (sqlalchemy.dialects.postgresql: ~20 ms of each command's start).
_BOOKED_INVOICE = Index("uq_ledger_booked_invoice", "vendor_key", "invoice_key", unique=True,
                        sqlite_where=text(BOOKED_STATUSES_SQL))


def add_dialect_options(dialect_name: str) -> None:
    """The schema's options for `dialect_name` that SQLite does not need (idempotent; called
    by `records.db.get_engine` for each engine it makes)."""
    if dialect_name == "postgresql":
        _BOOKED_INVOICE.dialect_kwargs["postgresql_where"] = text(BOOKED_STATUSES_SQL)


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (_BOOKED_INVOICE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), unique=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"))
    vendor_key: Mapped[str | None] = mapped_column(String(200), index=True)
    vendor_name: Mapped[str | None] = mapped_column(String(300))
    doc_type: Mapped[str] = mapped_column(String(20), default="invoice")
    invoice_number: Mapped[str | None] = mapped_column(String(120), index=True)
    # policies.keys.normalize_invoice_number of it: the form duplicates are matched on.
    invoice_key: Mapped[str | None] = mapped_column(String(120))
    invoice_date: Mapped[str | None] = mapped_column(String(10))
    due_date: Mapped[str | None] = mapped_column(String(10))
    po_number: Mapped[str | None] = mapped_column(String(120))
    currency: Mapped[str | None] = mapped_column(String(3))
    subtotal: Mapped[str | None] = mapped_column(String(40))
    tax_amount: Mapped[str | None] = mapped_column(String(40))
    total_amount: Mapped[str | None] = mapped_column(String(40))
    iban: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="pending_review", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class TypeFeedback(Base):
    """A reviewer's confirmation or correction of a document type: training data."""

    __tablename__ = "type_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    doc_type: Mapped[str] = mapped_column(String(30))
    subtype: Mapped[str | None] = mapped_column(String(40))
    predicted_type: Mapped[str | None] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    roles: Mapped[list[Any]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SavedSearch(Base):
    """A user's named search (the search page and its filters), to run again in one click."""

    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("username", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))  # text | clauses
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditLog(Base):
    """Every change, by whom, before and after. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)


class DecisionRow(Base):
    """One entry of the decision log: a rule evaluation or a human decision.

    Append-only (database triggers refuse UPDATE and DELETE) and hash-chained: `row_hash`
    is the sha256 of the row's canonical JSON, which includes `prev_hash`, the hash of the
    row before it (`records.decisions`). `payload` is stored as that canonical JSON text,
    so the hash covers exactly the stored bytes.
    """

    __tablename__ = "decision_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(10))  # "policy" | "human"
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    document_id: Mapped[str | None] = mapped_column(String(40), index=True)
    subject: Mapped[str | None] = mapped_column(String(200))
    rule: Mapped[str | None] = mapped_column(String(80))
    policy_version: Mapped[str | None] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))
    evaluation_id: Mapped[str | None] = mapped_column(String(40), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64), unique=True)


class DecisionHead(Base):
    """The decision log's head (one row, id 1): the last sequence number and hash.

    Appenders lock this row to take the next place in the chain, and `audit verify`
    compares it with the last row, so a removed last row is detected too."""

    __tablename__ = "decision_log_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    row_hash: Mapped[str] = mapped_column(String(64))


class AuthSession(Base):
    """A signed-in browser session. The cookie carries only a random id; this row (keyed by
    the id's sha256, so a copy of the database signs nobody in) decides whether it is still
    good: deleting or revoking it ends the session even for a cookie captured earlier."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    client: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginFailures(Base):
    """Failed sign-ins counted per key (`user:<name>` or `addr:<client address>`) for the
    login throttle; `locked_until` is when the next password check is allowed."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ChannelState(Base):
    """The health of one way in that runs on its own (a watched folder, a mailbox): the admin
    page shows whether it runs and its last error, so a failure nobody watches is seen."""

    __tablename__ = "intake_channels"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20), default="running")
    detail: Mapped[str | None] = mapped_column(Text)
    received: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Webhook(Base):
    """An endpoint told about document events (HMAC-signed JSON). HR documents' events go
    only to endpoints marked `hr` (set by an admin), and never carry field values."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(128))
    events: Mapped[list[Any]] = mapped_column(JSON, default=list)  # empty: every event
    hr: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebhookDelivery(Base):
    """One event for one endpoint: written in the same transaction as the change it tells
    of (an outbox), sent and retried with back-off by `workflow.webhooks`."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id"), index=True)
    event: Mapped[str] = mapped_column(String(60))
    document_id: Mapped[str | None] = mapped_column(String(40), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Mailbox(Base):
    """An IMAP mailbox whose mails become documents (`api.mail`). The password is stored
    encrypted with the service's secret key and never shown again."""

    __tablename__ = "mailboxes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    host: Mapped[str] = mapped_column(String(300))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(20), default="ssl")  # ssl | starttls | plain
    username: Mapped[str] = mapped_column(String(300))
    password_sealed: Mapped[str] = mapped_column(Text)
    folder: Mapped[str] = mapped_column(String(300), default="INBOX")
    from_contains: Mapped[str | None] = mapped_column(String(300))
    subject_contains: Mapped[str | None] = mapped_column(String(300))
    after: Mapped[str] = mapped_column(String(300), default="seen")  # seen | move:<folder>
    hr: Mapped[bool] = mapped_column(Boolean, default=False)
    interval_s: Mapped[int] = mapped_column(Integer, default=300)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
class Employee(Base):
    """One person's HR record, built from their documents by `workflow.employees` (the only
    writer). Identity is never stored beyond the last four digits of the SSN. `sources`
    says, per field, which document (or which person's correction) gave its value."""

    __tablename__ = "employees"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default="active")
    merged_into: Mapped[str | None] = mapped_column(ForeignKey("employees.id"))
    employee_number: Mapped[str | None] = mapped_column(String(80), index=True)
    name: Mapped[str | None] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(300), index=True)
    phone: Mapped[str | None] = mapped_column(String(60))
    address: Mapped[str | None] = mapped_column(Text)
    date_of_birth: Mapped[str | None] = mapped_column(String(10))
    job_title: Mapped[str | None] = mapped_column(String(300))
    department: Mapped[str | None] = mapped_column(String(200), index=True)
    manager: Mapped[str | None] = mapped_column(String(300))
    start_date: Mapped[str | None] = mapped_column(String(10))
    end_date: Mapped[str | None] = mapped_column(String(10))
    pay_rate: Mapped[str | None] = mapped_column(String(40))
    pay_basis: Mapped[str | None] = mapped_column(String(20))  # annual | hourly
    filing_status: Mapped[str | None] = mapped_column(String(60))
    i9_section2_date: Mapped[str | None] = mapped_column(String(10))
    i9_documents: Mapped[list[Any] | None] = mapped_column(JSON)
    ssn_last4: Mapped[str | None] = mapped_column(String(4))
    sources: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class EmployeeDocument(Base):
    """A document that is part of an employee's file, and how it was matched."""

    __tablename__ = "employee_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    employee_id: Mapped[str] = mapped_column(ForeignKey("employees.id"), index=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    matched_by: Mapped[str] = mapped_column(String(40))
    linked_by: Mapped[str] = mapped_column(String(80))
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
