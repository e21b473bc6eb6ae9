"""Working the exception queue: assign a finding to oneself or a colleague, discuss it in
its comment thread, and resolve or reopen many at once. Resolving and reopening go
through `workflow.decide` one finding at a time, so every control (blocking findings:
approvers and compliance only, a reason each time) holds in bulk too. Audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from policies.config import PolicyConfig
from records.audit import audit
from records.channels import is_hr
from records.models import Document, FindingComment, ViolationRow
from records.users import get_user
from workflow import decide
from workflow.errors import Invalid, NotAllowed, WorkflowError

# Who works the queue, and who may be handed a finding.
QUEUE_WORKERS = frozenset({"compliance", "admin"})
ASSIGNEES = frozenset({"compliance", "admin", "approver"})
HR_READERS = frozenset({"hr", "admin"})
MAX_COMMENT = 4000


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """What a bulk action did to each finding: done, or refused and why."""

    done: list[int]
    refused: dict[int, str]


def _finding(session: Session, violation_id: int) -> ViolationRow:
    v = session.get(ViolationRow, violation_id)
    if v is None:
        raise Invalid(f"no finding {violation_id}")
    return v


def _require_worker(roles: Iterable[str]) -> None:
    if not set(roles) & QUEUE_WORKERS:
        raise NotAllowed("only compliance officers and admins work the exception queue")


def assign(session: Session, violation_id: int, assignee: str | None, actor: str,
           roles: Iterable[str]) -> ViolationRow:
    """Hand a finding to `assignee` (None: back to the pool). The assignee must be an
    active compliance officer, approver or admin, and able to read the document."""
    _require_worker(roles)
    v = _finding(session, violation_id)
    name = (assignee or "").strip() or None
    if name is not None:
        user = get_user(session, name)
        if user is None or not user.active:
            raise Invalid(f"no active user {name}")
        held = set(user.roles or [])
        if not held & ASSIGNEES:
            raise Invalid(f"{name} cannot work findings (needs compliance, approver or admin)")
        doc = session.get(Document, v.document_id)
        hr_bound = doc is not None and is_hr(doc)
        if hr_bound and not held & HR_READERS:
            raise Invalid(f"{name} may not read this document")
    if v.assigned_to == name:
        return v
    before = {"assigned_to": v.assigned_to}
    v.assigned_to = name
    audit(session, actor, "violation.assign", "document", v.document_id,
          {**before, "finding": v.id}, {"assigned_to": name, "finding": v.id})
    session.flush()
    return v


def comment(session: Session, violation_id: int, body: str, actor: str,
            roles: Iterable[str]) -> FindingComment:
    _require_worker(roles)
    v = _finding(session, violation_id)
    text = (body or "").strip()
    if not text:
        raise Invalid("write something to comment")
    if len(text) > MAX_COMMENT:
        raise Invalid(f"a comment is at most {MAX_COMMENT} characters")
    row = FindingComment(violation_id=v.id, author=actor, body=text)
    session.add(row)
    session.flush()
    audit(session, actor, "violation.comment", "document", v.document_id, None,
          {"finding": v.id, "comment": row.id, "body": text})
    return row


def comments(session: Session, violation_id: int) -> list[FindingComment]:
    return list(session.scalars(select(FindingComment).where(
        FindingComment.violation_id == violation_id).order_by(FindingComment.id)))


def bulk(session: Session, violation_ids: Iterable[int], action: str, actor: str,
         roles: frozenset[str], config: PolicyConfig, *, resolution: str = "",
         reason: str = "", assignee: str | None = None,
         can_edit: dict[int, bool] | None = None) -> BulkOutcome:
    """`assign`, `resolve` or `reopen` each finding; one refusal does not stop the rest
    (each runs in its own savepoint, so a refused one changes nothing)."""
    _require_worker(roles)
    if action not in ("assign", "resolve", "reopen"):
        raise Invalid("the bulk action is assign, resolve or reopen")
    done: list[int] = []
    refused: dict[int, str] = {}
    for vid in dict.fromkeys(violation_ids):
        editable = bool((can_edit or {}).get(vid, False))
        try:
            with session.begin_nested():
                if action == "assign":
                    assign(session, vid, assignee, actor, roles)
                elif action == "resolve":
                    decide.resolve_finding(session, vid, resolution, reason, actor, roles,
                                           editable, config)
                else:
                    decide.reopen_finding(session, vid, actor, roles, editable, reason)
            done.append(vid)
        except WorkflowError as exc:
            refused[vid] = str(exc)
    return BulkOutcome(done, refused)
