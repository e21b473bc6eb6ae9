"""Intake: an upload's original is kept (content-addressed) and its document row created,
or found by content hash, before any work starts, so the original is safe and visible at
once. A file uploaded again after deletion comes back. Processing follows in
`workflow.process`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from classifiers.types import DOC_TYPES, HR_SUBTYPES, Classification
from ingest.redact import mask_ids
from records.audit import audit
from records.blobs import BlobStore, sha256_bytes
from records.channels import HR as HR_CHANNEL
from records.channels import channel_for, stamp_intake
from records.db import session_scope
from records.filenames import clean_filename
from records.ids import new_id
from records.models import Document, StatusEvent
from workflow.states import DocumentStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IntakeHint:
    """What the way in already knows about a file: a scanner's `invoices/` folder says
    the type, its `hr/` folder says the file is confidential from the first byte."""

    doc_type: str | None = None  # one of classifiers.types.DOC_TYPES
    channel: str | None = None  # records.channels.HR for confidential ways in
    source: str = ""  # where it said so, kept in the type reasons (e.g. "folder:invoices")


def apply_type_hint(cls: Classification, hint: IntakeHint | None) -> Classification:
    """The way in's type wins over the classifier's, as a person's choice would: the
    model's own pick stays in `predicted_type`, its subtype only where it fits the type."""
    if hint is None or hint.doc_type is None or hint.doc_type not in DOC_TYPES:
        return cls
    if cls.doc_type == hint.doc_type and not cls.abstained:
        return cls
    subtype = cls.subtype if hint.doc_type == "hr" and cls.subtype in HR_SUBTYPES else None
    if hint.doc_type == cls.predicted_type or hint.doc_type == cls.doc_type:
        subtype = cls.subtype
    return replace(cls, doc_type=hint.doc_type, type_confidence=1.0, subtype=subtype,
                   subtype_confidence=None if subtype is None else cls.subtype_confidence,
                   abstained=False, reasons=[hint.source or "intake hint", *cls.reasons],
                   predicted_type=cls.predicted_type or cls.doc_type)


class IntakeError(RuntimeError):
    """The upload could not be recorded."""


@dataclass(slots=True)
class Intake:
    """What the uploader learns at once: the document id and whether work was queued."""

    file: str
    document_id: str
    sha256: str
    status: str
    queued: bool
    future: Any = None  # set when queued on the local pool: lets the API wait for it

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "document_id": self.document_id, "sha256": self.sha256,
                "status": self.status, "queued": self.queued}


def receive(sessions: Any, blobs: BlobStore, filename: str, data: bytes, actor: str) -> Intake:
    """Keep the original and create (or find, by content hash) its document row."""
    sha = sha256_bytes(data)
    fresh = not blobs.exists(sha)
    blobs.put(data, sha)
    try:
        return _record(sessions, sha, clean_filename(filename), len(data), actor)
    except BaseException:
        if fresh:
            _drop_unrecorded(sessions, blobs, sha)
        raise


def _drop_unrecorded(sessions: Any, blobs: BlobStore, sha: str) -> None:
    """An upload that could not be recorded leaves no stray original behind, unless a
    document (the same file uploaded at the same moment) refers to it, or the database
    cannot say: then it stays, as keeping a file beats losing one."""
    try:
        with session_scope(sessions) as s:
            if s.scalar(select(Document.id).where(Document.sha256 == sha)) is not None:
                return
    except Exception:  # noqa: BLE001 - the upload's own error is the one raised
        log.warning("could not check whether original %s is recorded; kept", sha)
        return
    blobs.delete(sha)


def _record(sessions: Any, sha: str, name: str, size: int, actor: str) -> Intake:
    """The document row for a kept original: found by content hash, or created."""
    for _ in range(2):
        try:
            with session_scope(sessions) as s:
                # national ids masked in the stored name (strictly for an HR upload)
                name = mask_ids(name, channel_for(s, actor) == HR_CHANNEL)
                row = s.scalar(select(Document).where(Document.sha256 == sha))
                if row is not None and row.deleted_at is None:
                    return Intake(name, row.id, sha, row.status, False)
                if row is not None:  # re-uploaded after deletion: bring it back
                    row.deleted_at = None
                    row.status = DocumentStatus.PROCESSING
                    stamp_intake(s, row, actor)
                    s.add(StatusEvent(document_id=row.id, status=DocumentStatus.PROCESSING, actor=actor,
                                      note="uploaded again"))
                    return Intake(name, row.id, sha, DocumentStatus.PROCESSING, True)
                row = Document(id=new_id("doc"), sha256=sha, filename=name, size=size,
                               status=DocumentStatus.PROCESSING)
                stamp_intake(s, row, actor)
                s.add(row)
                s.add(StatusEvent(document_id=row.id, status=DocumentStatus.RECEIVED, actor=actor))
                audit(s, actor, "document.create", "document", row.id, None,
                      {"filename": name, "sha256": sha})
                return Intake(name, row.id, sha, DocumentStatus.PROCESSING, True)
        except IntegrityError:  # the same file uploaded twice at once: the other one won
            continue
    raise IntakeError("could not record the upload")


