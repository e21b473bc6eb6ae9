"""Workflow refusals as HTTP answers: the JSON API returns the status with the reason as
`detail`; the pages show the same reason as a flash message."""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy.orm import Session

from workflow.errors import Conflict, Invalid, NotAllowed, WorkflowError

STATUS_OF: dict[type[WorkflowError], int] = {Invalid: 422, NotAllowed: 403, Conflict: 409}


class Refusal(HTTPException):
    """The workflow refused the step: pages show `detail` as a flash message on the same
    page; access refusals (404, a role the user lacks) stay plain HTTP errors."""


def flashed(exc: HTTPException) -> bool:
    return isinstance(exc, Refusal) or exc.status_code == 422


def refused(session: Session, exc: WorkflowError) -> Refusal:
    """Roll the half-done change back and say why it was refused."""
    session.rollback()
    status = next((code for kind, code in STATUS_OF.items() if isinstance(exc, kind)), 422)
    return Refusal(status, str(exc))
