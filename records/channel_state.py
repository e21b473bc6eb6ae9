"""Stored state of the ways in that run on their own (watched folder, mailbox).

Only stores: the runner (`api.watch`) decides what happened; this module keeps it where
the admin page, every node and a restart can see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import ChannelState, utcnow


@dataclass(frozen=True, slots=True)
class ChannelReport:
    """One event of a channel: it (still) runs, it took a file, or a file failed."""

    name: str
    kind: str
    state: str = "running"
    detail: str | None = None
    received: int = 0
    failed: int = 0
    error: str | None = None


def report(session: Session, event: ChannelReport) -> ChannelState:
    """Add an event to the channel's row (created on first report)."""
    row = session.get(ChannelState, event.name)
    if row is None:
        row = ChannelState(name=event.name, kind=event.kind, received=0, failed=0)
        session.add(row)
    now: datetime = utcnow()
    row.kind, row.state, row.last_seen_at = event.kind, event.state, now
    if event.detail is not None:
        row.detail = event.detail
    row.received = (row.received or 0) + event.received
    row.failed = (row.failed or 0) + event.failed
    if event.error:
        row.last_error, row.last_error_at = event.error[:2000], now
    return row


def all_channels(session: Session) -> list[ChannelState]:
    return list(session.scalars(select(ChannelState).order_by(ChannelState.name)))
