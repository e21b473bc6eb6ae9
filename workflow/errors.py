"""What the workflow refuses, each with a message for the person who tried.

The web layer maps them to HTTP: `Invalid` 422, `NotAllowed` 403, `Conflict` 409.
"""

from __future__ import annotations


class WorkflowError(ValueError):
    """Base: the request cannot be carried out; the message says why."""


class Invalid(WorkflowError):
    """The input is not valid for this document (a bad value, an unknown field)."""


class NotAllowed(WorkflowError, PermissionError):
    """This person may not take this step (role, four eyes, approval limit)."""


class Conflict(WorkflowError):
    """The document's state does not allow the step (open findings, wrong status,
    already booked)."""
