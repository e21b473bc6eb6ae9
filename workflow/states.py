"""Every status a document, its ledger entry and its findings can have, defined once,
with the moves between them. Pages, API, CLI, queues and storage read these names;
nothing else spells a status.
"""

from __future__ import annotations

from enum import StrEnum


class DocumentStatus(StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    NEEDS_REVIEW = "needs_review"
    AUTO_APPROVED = "auto_approved"
    APPROVED = "approved"
    REJECTED = "rejected"
    FAILED = "failed"


class LedgerStatus(StrEnum):
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"


class FindingStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Resolution(StrEnum):
    """How a person settled a finding; each comes with a reason."""

    FIXED = "fixed"  # the data was wrong and has been corrected
    FALSE_POSITIVE = "false_positive"  # the rule was wrong about this document
    ACCEPTED_RISK = "accepted_risk"  # the rule is right; the business accepts it


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    ESCALATE = "escalate"  # stays in review, flagged for someone with a higher limit


# Statuses after processing ended (a result exists and is served as is).
FINAL_STATES = frozenset({
    DocumentStatus.AUTO_APPROVED, DocumentStatus.NEEDS_REVIEW, DocumentStatus.FAILED,
    DocumentStatus.APPROVED, DocumentStatus.REJECTED,
})
# Statuses in which a person may still correct or decide the document.
DECIDABLE = frozenset({
    DocumentStatus.NEEDS_REVIEW, DocumentStatus.AUTO_APPROVED, DocumentStatus.APPROVED,
})
# Which decision leads from which document status to which.
DECISIONS: dict[Decision, dict[DocumentStatus, DocumentStatus]] = {
    Decision.APPROVE: {
        DocumentStatus.NEEDS_REVIEW: DocumentStatus.APPROVED,
        DocumentStatus.AUTO_APPROVED: DocumentStatus.APPROVED,
    },
    Decision.REJECT: {
        DocumentStatus.NEEDS_REVIEW: DocumentStatus.REJECTED,
        DocumentStatus.AUTO_APPROVED: DocumentStatus.REJECTED,
        DocumentStatus.APPROVED: DocumentStatus.REJECTED,
    },
    Decision.ESCALATE: {
        DocumentStatus.NEEDS_REVIEW: DocumentStatus.NEEDS_REVIEW,
        DocumentStatus.AUTO_APPROVED: DocumentStatus.NEEDS_REVIEW,
    },
}

# The AP ledger's documented moves. Only `paid` is a ledger action of its own; every
# other move follows the document (its decision, or a correction that reopens it).
LEDGER_TRANSITIONS: dict[LedgerStatus, tuple[LedgerStatus, ...]] = {
    LedgerStatus.PENDING_REVIEW: (LedgerStatus.APPROVED, LedgerStatus.REJECTED),
    LedgerStatus.APPROVED: (LedgerStatus.PAID, LedgerStatus.REJECTED,
                            LedgerStatus.PENDING_REVIEW),
    LedgerStatus.REJECTED: (),
    LedgerStatus.PAID: (),
}
LEDGER_ACTIONS: tuple[LedgerStatus, ...] = (LedgerStatus.PAID,)
# The ledger status a document status files its entry under.
LEDGER_OF: dict[DocumentStatus, LedgerStatus] = {
    DocumentStatus.NEEDS_REVIEW: LedgerStatus.PENDING_REVIEW,
    DocumentStatus.AUTO_APPROVED: LedgerStatus.APPROVED,
    DocumentStatus.APPROVED: LedgerStatus.APPROVED,
    DocumentStatus.REJECTED: LedgerStatus.REJECTED,
}
# Ledger statuses that count as "this invoice is booked": one per vendor and number.
BOOKED = (LedgerStatus.APPROVED, LedgerStatus.PAID)
AP_TYPES = ("invoice", "receipt")
