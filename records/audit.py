"""Append-only audit trail: every change to a record says who, what, before, after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from records.models import AuditLog


def audit(
    session: Session,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    before: Any = None,
    after: Any = None,
) -> None:
    session.add(
        AuditLog(
            actor=actor,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            before=before,
            after=after,
        )
    )
