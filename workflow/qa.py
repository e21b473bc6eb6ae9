"""Random QA of auto-approved documents and blind second reviews, and the agreement
they measure.

Sampling (`sample_after_processing`, `sample_after_review`): a document that processing
auto-approved is drawn for QA at the `[qa]` rate of its type, and one a person approved
out of the review queue is drawn for a second review at `second_review_rate`. The draw is
a hash of the policy's seed, the kind of sample and the document's sha256, so the same
content and seed always give the same answer (reproducible, testable). Being sampled
changes nothing about the document: it stays approved and payable.

Blind review (`blind_form`, `submit`): the QA reviewer gets the page images and an empty
box for each of the type's QA fields; never the machine's values nor the first
reviewer's. What the first reading said was frozen when the document was sampled
(`QaReview.first_values`). On submit every field is compared after normalisation (the
same readers as a correction) and each comparison is stored (`QaFieldCheck`).

A found error (any field that disagrees) is acted on in the reviewer's name:
- the blocking finding `qa.error_found` is raised with both readings as evidence, so
  approval and payment stop until an approver or compliance officer resolves it
  (`fixed` after correcting the data, or `false_positive` when the QA reading was wrong);
- an approved document goes back to review (reason `qa_error`) and its ledger entry to
  pending review; a paid invoice keeps its status (the money has left: the finding is
  how compliance follows it up);
- the review, the finding and the reopening are audited and logged in the decision log.

Four eyes: the QA reviewer is an approver, compliance officer or admin (HR records: hr
or admin) who neither uploaded nor corrected the document nor gave its first review.

Agreement (`figures`): per field, the share of pairs that agree; Cohen's kappa for the
fields with a small closed set of values (`CATEGORICAL_FIELDS`), where chance agreement
is real; free-text fields (numbers, names, amounts) have no meaningful chance agreement,
so their agreement rate is the measure. The QA error rate is the share of QA-reviewed
auto-approved documents with at least one field wrong (and, per field, of fields).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from policies.config import PolicyConfig
from policies.keys import normalize_invoice_number
from policies.version import POLICY_VERSION
from records.audit import audit
from records.channels import is_hr
from records.decisions import record_human
from records.models import Document, QaFieldCheck, QaReview, ReviewTask, ViolationRow
from records.rows import field_rows, fields_from_rows
from workflow import books, controls, events
from workflow.errors import Conflict, Invalid, NotAllowed
from workflow.judge import (
    QA_RULE,
    REVIEW_QUEUE,
    jsonable,
    now,
    open_task,
    result_json,
    set_status,
    sync_exception_queue,
)
from workflow.states import DocumentStatus, FindingStatus, LedgerStatus


class QaKind(StrEnum):
    SAMPLE = "qa_sample"  # an auto-approved document; first reading: the machine
    SECOND = "second_review"  # a human-reviewed document; first reading: its reviewer


class QaStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    SUPERSEDED = "superseded"  # the document was processed again before its review


class QaOutcome(StrEnum):
    AGREED = "agreed"
    DISAGREED = "disagreed"


MACHINE = "machine"
QA_REASON = "qa_error"  # review reason of a document reopened by a QA finding
QA_REVIEWERS = frozenset({"approver", "compliance", "admin"})
HR_QA_REVIEWERS = frozenset({"hr", "admin"})
# Fields with a small closed set of values: Cohen's kappa is reported for these.
CATEGORICAL_FIELDS = frozenset({"currency", "governing_law", "signed"})
# Identifiers compared the way duplicates are matched (`policies.keys`).
NUMBER_FIELDS = frozenset({"invoice_number", "po_number", "employee_id"})
EMPTY = "(empty)"  # how an absent value counts as a category for kappa
_SPACE = re.compile(r"\s+")
_EDGE_PUNCT = re.compile(r"^[\s.,;:]+|[\s.,;:]+$")


# ------------------------------------------------------------------ sampling
def sample_score(seed: str, kind: QaKind, sha256: str) -> float:
    """A number in [0, 1) fixed by the seed, the kind and the content."""
    digest = hashlib.sha256(f"{seed}\x00{kind.value}\x00{sha256}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def is_sampled(config: PolicyConfig, kind: QaKind, doc_type: str | None, sha256: str) -> bool:
    qa = config.qa
    rate = qa.rate_for(doc_type) if kind == QaKind.SAMPLE else float(qa.second_review_rate)
    return rate > 0 and sample_score(qa.seed, kind, sha256) < rate


def qa_fields(config: PolicyConfig, doc_type: str | None) -> list[str]:
    return list(config.qa.fields.get(doc_type or "other", []))


def _text(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).casefold()
    return _EDGE_PUNCT.sub("", _SPACE.sub(" ", value)).strip()


def canonical(name: str, value: Any) -> str | None:
    """One comparable string for a field's value, whoever gave it; None when empty.
    Raises `Invalid` for a value its field's reader refuses (a date that is no date)."""
    if value is None or (isinstance(value, str) and not value.strip()) or value == []:
        return None
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    # imported here: processing imports this module for its QA draw, and the corrections'
    # grammar (with the line-item and lease code) is only read when answers are compared
    from workflow.corrections import normalize_correction

    _, normalized = normalize_correction(name, str(value))
    if isinstance(normalized, list):
        return "; ".join(sorted(_text(str(v)) for v in normalized)) or None
    if name in NUMBER_FIELDS:
        return normalize_invoice_number(str(normalized)) or _text(str(normalized))
    return _text(str(normalized)) or None


def _machine_canonical(name: str, normalized: Any, value: Any) -> str | None:
    for candidate in (normalized, value):
        try:
            return canonical(name, candidate)
        except Invalid:
            continue
    return _text(str(value)) if value is not None else None


def first_values(session: Session, doc: Document, config: PolicyConfig) -> dict[str, str | None]:
    """The document's QA fields as they stand now, in comparable form."""
    rows = {r.name: r for r in field_rows(session, doc.id)}
    out: dict[str, str | None] = {}
    for name in qa_fields(config, doc.doc_type):
        row = rows.get(name)
        out[name] = None if row is None else _machine_canonical(name, row.normalized, row.value)
    return out


def supersede_open(session: Session, document_id: str, kinds: Iterable[QaKind] = tuple(QaKind)
                   ) -> None:
    for review in session.scalars(select(QaReview).where(
            QaReview.document_id == document_id, QaReview.status == QaStatus.OPEN,
            QaReview.kind.in_([k.value for k in kinds]))):
        review.status = QaStatus.SUPERSEDED


def _sample(session: Session, doc: Document, kind: QaKind, first_by: str,
            config: PolicyConfig, actor: str) -> QaReview | None:
    if not qa_fields(config, doc.doc_type) or not is_sampled(config, kind, doc.doc_type,
                                                              doc.sha256):
        return None
    supersede_open(session, doc.id, (kind,))
    review = QaReview(document_id=doc.id, kind=kind, status=QaStatus.OPEN,
                      doc_type=doc.doc_type, first_by=first_by,
                      first_values=first_values(session, doc, config))
    session.add(review)
    session.flush()
    audit(session, actor, "qa.sampled", "document", doc.id, None,
          {"qa_review": review.id, "kind": kind.value, "first_by": first_by})
    return review


def sample_after_processing(session: Session, doc: Document, config: PolicyConfig,
                            actor: str) -> QaReview | None:
    """Processing ended: a new reading replaces any open QA item of the document; an
    auto-approved one is drawn for QA at its type's rate."""
    supersede_open(session, doc.id)
    if doc.status != DocumentStatus.AUTO_APPROVED:
        return None
    return _sample(session, doc, QaKind.SAMPLE, MACHINE, config, actor)


def sample_after_review(session: Session, doc: Document, reviewer: str, config: PolicyConfig
                        ) -> QaReview | None:
    """A person approved the document out of review: drawn for a blind second review."""
    return _sample(session, doc, QaKind.SECOND, reviewer, config, reviewer)


# ------------------------------------------------------------------ review
def reviewers_for(doc: Document) -> frozenset[str]:
    return HR_QA_REVIEWERS if is_hr(doc) else QA_REVIEWERS


@dataclass(frozen=True, slots=True)
class BlindForm:
    """What the QA reviewer is shown: the document's pages and the names to fill."""

    review_id: int
    document_id: str
    kind: QaKind
    fields: list[str]
    pages: int

    def to_json(self) -> dict[str, Any]:
        return {"review_id": self.review_id, "document_id": self.document_id,
                "kind": self.kind.value, "fields": self.fields, "pages": self.pages,
                "page_images": [f"/documents/{self.document_id}/pages/{n}.png"
                                for n in range(1, self.pages + 1)]}


@dataclass(frozen=True, slots=True)
class Comparison:
    name: str
    first: str | None
    second: str | None
    agree: bool

    def to_json(self) -> dict[str, Any]:
        return {"field": self.name, "first": self.first, "qa": self.second,
                "agree": self.agree}


@dataclass(frozen=True, slots=True)
class QaResult:
    review_id: int
    document_id: str
    kind: QaKind
    first_by: str
    reviewer: str
    outcome: QaOutcome
    comparisons: list[Comparison]
    finding_id: int | None
    reopened: bool

    def to_json(self) -> dict[str, Any]:
        return {"review_id": self.review_id, "document_id": self.document_id,
                "kind": self.kind.value, "first_by": self.first_by, "reviewer": self.reviewer,
                "outcome": self.outcome.value,
                "fields": [c.to_json() for c in self.comparisons],
                "finding_id": self.finding_id, "reopened": self.reopened}


def _review(session: Session, review_id: int) -> QaReview:
    review = session.get(QaReview, review_id)
    if review is None:
        raise Invalid(f"no QA review {review_id}")
    return review


def _document(session: Session, review: QaReview) -> Document:
    doc = session.get(Document, review.document_id)
    if doc is None or doc.deleted_at is not None:
        raise Invalid("the document was deleted")
    return doc


def require_may_review(session: Session, review: QaReview, doc: Document, actor: str,
                       roles: set[str] | frozenset[str]) -> None:
    allowed = reviewers_for(doc)
    if not roles & allowed:
        raise NotAllowed("QA reviews are done by " + ", ".join(sorted(allowed)))
    mine = [p.how for p in controls.parties(session, doc, books.entry_of(session, doc.id))
            if p.who == actor]
    if review.first_by == actor:
        mine.append("gave its first review")
    if mine:
        raise NotAllowed(f"four eyes: you {' and '.join(dict.fromkeys(mine))}, so someone "
                         "else must do its QA review")


def blind_form(session: Session, review_id: int) -> BlindForm:
    review = _review(session, review_id)
    doc = _document(session, review)
    return BlindForm(review.id, doc.id, QaKind(review.kind), list(review.first_values),
                     max(doc.pages or 0, 1))


def result_of(session: Session, review_id: int) -> QaResult:
    review = _review(session, review_id)
    if review.status != QaStatus.DONE:
        raise Conflict("the QA review is not done yet")
    checks = session.scalars(select(QaFieldCheck).where(QaFieldCheck.review_id == review.id)
                             .order_by(QaFieldCheck.id)).all()
    reopened = review.outcome == QaOutcome.DISAGREED and review.finding_id is not None and \
        QA_REASON in (_document(session, review).review_reasons or [])
    return QaResult(review.id, review.document_id, QaKind(review.kind), review.first_by,
                    review.reviewer or "", QaOutcome(review.outcome or QaOutcome.AGREED),
                    [Comparison(c.name, c.first_value, c.second_value, c.agree) for c in checks],
                    review.finding_id, reopened)


def submit(session: Session, review_id: int, values: dict[str, Any], actor: str,
           roles: set[str] | frozenset[str]) -> QaResult:
    """The QA reviewer's own reading of every QA field (an empty value: not on the
    document); compared with the frozen first reading, stored, and acted on."""
    review = _review(session, review_id)
    doc = _document(session, review)
    if review.status != QaStatus.OPEN:
        raise Conflict(f"the QA review is {review.status}; it takes one blind reading")
    require_may_review(session, review, doc, actor, roles)
    names = list(review.first_values)
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise Invalid(f"not a QA field of this document: {', '.join(unknown)}")
    missing = [n for n in names if n not in values]
    if missing:
        raise Invalid(f"give a value (or leave it empty if the document has none) for: "
                      f"{', '.join(missing)}")
    comparisons = []
    for name in names:
        raw = values[name]
        try:
            second = canonical(name, raw if raw is None else str(raw))
        except Invalid as exc:
            raise Invalid(f"{name}: {exc}") from None
        first = review.first_values.get(name)
        comparisons.append(Comparison(name, first, second, first == second))
    for c in comparisons:
        session.add(QaFieldCheck(review_id=review.id, name=c.name, first_value=c.first,
                                 second_value=c.second, agree=c.agree))
    wrong = [c for c in comparisons if not c.agree]
    review.status, review.reviewer, review.reviewed_at = QaStatus.DONE, actor, now()
    review.outcome = QaOutcome.DISAGREED if wrong else QaOutcome.AGREED
    after = {"qa_review": review.id, "kind": review.kind, "outcome": review.outcome,
             "fields": {c.name: c.agree for c in comparisons}}
    audit(session, actor, "qa.review", "document", doc.id, {"status": QaStatus.OPEN}, after)
    record_human(session, actor, "qa.review", doc.id, f"qa:{review.id}",
                 {"status": QaStatus.OPEN.value}, jsonable(after), roles=sorted(roles))
    reopened = False
    if wrong:
        finding, reopened = _act_on_error(session, doc, review, wrong, actor)
        review.finding_id = finding.id
    session.flush()
    return QaResult(review.id, doc.id, QaKind(review.kind), review.first_by, actor,
                    QaOutcome(review.outcome), comparisons, review.finding_id, reopened)


def _act_on_error(session: Session, doc: Document, review: QaReview, wrong: list[Comparison],
                  actor: str) -> tuple[ViolationRow, bool]:
    """Raise the blocking finding and send an approved, unpaid document back to review."""
    who = "the machine" if review.first_by == MACHINE else review.first_by
    names = ", ".join(c.name for c in wrong)
    finding = ViolationRow(
        document_id=doc.id, rule=QA_RULE, severity="high", policy_version=POLICY_VERSION,
        message=f"QA review by {actor} disagrees with {who} on {names}",
        evidence={"qa_review_id": review.id, "kind": review.kind, "first_by": review.first_by,
                  "qa_reviewer": actor,
                  "fields": {c.name: {"first": c.first, "qa": c.second} for c in wrong}},
        status=FindingStatus.OPEN)
    session.add(finding)
    session.flush()
    events.emit(session, events.Event.FINDING_RAISED, doc, rule=QA_RULE, severity="high")
    entry = books.entry_of(session, doc.id)
    paid = entry is not None and entry.status == LedgerStatus.PAID
    reopened = False
    if not paid and doc.status in (DocumentStatus.AUTO_APPROVED, DocumentStatus.APPROVED):
        before = {"status": doc.status}
        reasons = [r for r in (doc.review_reasons or []) if r != QA_REASON]
        doc.review_reasons, doc.review_needed = [*reasons, QA_REASON], True
        set_status(session, doc, DocumentStatus.NEEDS_REVIEW, actor,
                   f"QA review found {len(wrong)} field(s) wrong: {names}")
        task = open_task(session, doc.id, REVIEW_QUEUE)
        if task is None:
            session.add(ReviewTask(document_id=doc.id, queue=REVIEW_QUEUE, reasons=[QA_REASON],
                                   doc_type=doc.doc_type))
        elif QA_REASON not in (task.reasons or []):
            task.reasons = [*(task.reasons or []), QA_REASON]
        session.flush()
        books.file_entry(session, doc, fields_from_rows(field_rows(session, doc.id)), actor)
        audit(session, actor, "document.reopen", "document", doc.id, before,
              {"status": doc.status, "reason": QA_REASON, "finding": finding.id})
        reopened = True
    audit(session, actor, "violation.raise", "document", doc.id, None,
          {"rule": QA_RULE, "finding": finding.id, "fields": [c.name for c in wrong],
           "reopened": reopened, "paid": paid})
    sync_exception_queue(session, doc, actor)
    doc.result = result_json(session, doc)
    return finding, reopened


# ------------------------------------------------------------------ agreement
@dataclass(frozen=True, slots=True)
class FieldAgreement:
    name: str
    pairs: int
    agreed: int
    kappa: float | None  # None: not a categorical field, or undefined (one value only)

    @property
    def rate(self) -> float:
        return round(self.agreed / self.pairs, 4) if self.pairs else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"field": self.name, "pairs": self.pairs, "agreed": self.agreed,
                "rate": self.rate, "kappa": self.kappa}


@dataclass(slots=True)
class KindFigures:
    """One kind of double reading: QA of auto-approved documents (machine vs QA reviewer)
    or second reviews (reviewer vs reviewer)."""

    kind: QaKind
    open: int = 0
    reviewed: int = 0
    disagreed: int = 0  # documents with at least one field that differs
    fields_compared: int = 0
    fields_disagreed: int = 0
    by_field: list[FieldAgreement] = field(default_factory=list)

    @property
    def document_error_rate(self) -> float | None:
        return round(self.disagreed / self.reviewed, 4) if self.reviewed else None

    @property
    def field_agreement(self) -> float | None:
        if not self.fields_compared:
            return None
        return round(1 - self.fields_disagreed / self.fields_compared, 4)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "open": self.open, "reviewed": self.reviewed,
                "disagreed": self.disagreed, "document_error_rate": self.document_error_rate,
                "fields_compared": self.fields_compared,
                "fields_disagreed": self.fields_disagreed,
                "field_agreement": self.field_agreement,
                "by_field": [f.to_json() for f in self.by_field]}


@dataclass(slots=True)
class QaFigures:
    sample: KindFigures = field(default_factory=lambda: KindFigures(QaKind.SAMPLE))
    second: KindFigures = field(default_factory=lambda: KindFigures(QaKind.SECOND))

    @property
    def error_rate(self) -> float | None:
        """QA error rate among auto-approved documents: share with a field wrong."""
        return self.sample.document_error_rate

    @property
    def field_error_rate(self) -> float | None:
        agreement = self.sample.field_agreement
        return None if agreement is None else round(1 - agreement, 4)

    def to_json(self) -> dict[str, Any]:
        return {"error_rate_auto_approved": self.error_rate,
                "field_error_rate_auto_approved": self.field_error_rate,
                "qa_sample": self.sample.to_json(), "second_review": self.second.to_json()}


def kappa(first: list[str | None], second: list[str | None]) -> float | None:
    """Cohen's kappa of two readings, (p_o - p_e) / (1 - p_e); None when undefined (fewer
    than two pairs, or chance agreement is 1: a single value throughout). Written out
    rather than imported: scikit-learn would add seconds to every start of the service
    and the CLI; the test holds it to `sklearn.metrics.cohen_kappa_score`."""
    a = [EMPTY if v is None else v for v in first]
    b = [EMPTY if v is None else v for v in second]
    n = len(a)
    if n < 2 or n != len(b):
        return None
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[k] * count_b[k] for k in count_a) / (n * n)
    if expected >= 1:
        return None
    return round((observed - expected) / (1 - expected), 4)


def figures(session: Session, document_ids: set[str]) -> QaFigures:
    """Agreement over the QA reviews of these documents (the reader's visible ones)."""
    out = QaFigures()
    by_kind = {QaKind.SAMPLE: out.sample, QaKind.SECOND: out.second}
    reviews = [r for r in session.scalars(select(QaReview).where(
        QaReview.status.in_([QaStatus.OPEN.value, QaStatus.DONE.value])))
        if r.document_id in document_ids]
    done: dict[int, KindFigures] = {}
    for r in reviews:
        fig = by_kind[QaKind(r.kind)]
        if r.status == QaStatus.OPEN:
            fig.open += 1
            continue
        fig.reviewed += 1
        fig.disagreed += r.outcome == QaOutcome.DISAGREED
        done[r.id] = fig
    pairs: dict[tuple[QaKind, str], list[QaFieldCheck]] = defaultdict(list)
    if done:
        for c in session.scalars(select(QaFieldCheck).where(
                QaFieldCheck.review_id.in_(list(done)))):
            fig = done[c.review_id]
            fig.fields_compared += 1
            fig.fields_disagreed += not c.agree
            pairs[(fig.kind, c.name)].append(c)
    for (kind, name), checks in sorted(pairs.items()):
        k = kappa([c.first_value for c in checks], [c.second_value for c in checks]) \
            if name in CATEGORICAL_FIELDS else None
        by_kind[kind].by_field.append(
            FieldAgreement(name, len(checks), sum(c.agree for c in checks), k))
    return out
