"""The confidential intake channel of a document, fixed when it is first received.

A file uploaded by someone in HR is an HR record until proven otherwise, and even
then: the classifier may be wrong, processing may fail, and until it finishes nobody
knows what the file is. So the channel is recorded on the document at intake, from
the uploader's roles, and never loosened afterwards (a re-upload can only tighten it).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from records.models import Document
from records.users import get_user

HR = "hr"
# role -> the channel its members' uploads are restricted to
CHANNEL_OF_ROLE: dict[str, str] = {"hr": HR}


def is_hr(doc: Document) -> bool:
    """An HR record: typed HR, or come in through the HR channel (whatever it was typed)."""
    return doc.doc_type == HR or doc.restricted_to == HR


def channel_for(session: Session, username: str) -> str | None:
    """The channel uploads by `username` go into; None for an ordinary upload (also for
    `system` and unknown actors, whose documents are visible to admins only until typed)."""
    user = get_user(session, username)
    roles = set(user.roles or []) if user is not None else set()
    return next((CHANNEL_OF_ROLE[r] for r in sorted(roles) if r in CHANNEL_OF_ROLE), None)


def stamp_intake(session: Session, doc: Document, username: str,
                 parent: Document | None = None, channel: str | None = None) -> None:
    """Record who brought `doc` in and its channel. An attachment inherits its parent's
    uploader and channel: a payslip inside an HR mailbox export is as confidential as
    the mail around it. `channel` names the way in when it is confidential by itself (a
    scanner's `hr` folder), whoever the actor is. An existing restriction is kept whoever
    uploads it again."""
    if parent is not None:
        doc.uploaded_by = parent.uploaded_by
        channel = parent.restricted_to or channel
    else:
        doc.uploaded_by = username
        channel = channel or channel_for(session, username)
    doc.restricted_to = doc.restricted_to or channel
