"""The names of the document events webhooks are told of, apart from `workflow.events`
(which writes their outbox rows and needs SQLAlchemy): `backoffice webhooks add` offers
them as argument choices, and building the command line's parser must stay light."""

from __future__ import annotations

from enum import StrEnum


class Event(StrEnum):
    PROCESSED = "document.processed"  # processing ended (any outcome)
    NEEDS_REVIEW = "document.needs_review"
    AUTO_APPROVED = "document.auto_approved"
    APPROVED = "document.approved"
    REJECTED = "document.rejected"
    FAILED = "document.failed"
    FINDING_RAISED = "finding.raised"
    FINDING_RESOLVED = "finding.resolved"
    FINDING_REOPENED = "finding.reopened"
