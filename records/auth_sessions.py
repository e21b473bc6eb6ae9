"""Storage for sign-in state: server-side browser sessions and failed-login counters.

A session cookie carries only a random id; the row keyed by its sha256 says whose it is
and whether it still holds, so logout, a password change, a role change or deactivation
ends it on the server (a captured cookie is worthless afterwards). The throttle's policy
(how many failures, how long a wait) lives in `api.web.throttle`; this module only keeps
the counts.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, select, update
from sqlalchemy.orm import Session

from records.models import AuthSession, LoginFailures, aware, utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()



def create_session(session: Session, username: str, lifetime_s: int,
                   client: str | None = None, now: datetime | None = None) -> str:
    """A new session for `username`; returns the id to put in the cookie (shown once)."""
    token = secrets.token_urlsafe(32)
    start = now or utcnow()
    session.add(AuthSession(token_hash=_digest(token), username=username,
                            client=(client or "")[:64] or None, created_at=start,
                            expires_at=start + timedelta(seconds=lifetime_s)))
    session.flush()
    return token


def session_user(session: Session, token: str, now: datetime | None = None) -> str | None:
    """The user name of a live session (not revoked, not expired), else None."""
    if not token:
        return None
    row = session.scalar(select(AuthSession).where(AuthSession.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    if (aware(row.expires_at) or utcnow()) <= (now or utcnow()):
        return None
    return row.username


def revoke_session(session: Session, token: str) -> None:
    session.execute(update(AuthSession)
                    .where(AuthSession.token_hash == _digest(token),
                           AuthSession.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))


def revoke_user_sessions(session: Session, username: str) -> int:
    """End every live session of a user; returns how many were ended."""
    result = session.execute(update(AuthSession)
                             .where(AuthSession.username == username,
                                    AuthSession.revoked_at.is_(None))
                             .values(revoked_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def purge_sessions(session: Session, now: datetime | None = None) -> None:
    """Drop rows of sessions that can no longer be used (expired)."""
    session.execute(delete(AuthSession).where(AuthSession.expires_at < (now or utcnow())))


def login_failures(session: Session, keys: list[str]) -> list[LoginFailures]:
    return list(session.scalars(select(LoginFailures).where(LoginFailures.key.in_(keys))))


def _upsert(session: Session) -> Any:
    """The dialect's INSERT .. ON CONFLICT, imported with it (the PostgreSQL dialect costs
    every command ~20 ms of its start if imported with this module)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(LoginFailures)


def bump_login_failures(session: Session, key: str, at: datetime, stale_before: datetime) -> int:
    """Count one more failure for `key` in one statement (a counter whose last failure is
    older than `stale_before` starts again at 1); returns the new count. Simultaneous
    attempts each get their own number instead of colliding on the key."""
    stmt = _upsert(session).values(key=key, failures=1, last_failure_at=at, locked_until=None)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[LoginFailures.key],
        set_={"failures": case((LoginFailures.last_failure_at < stale_before, 1),
                               else_=LoginFailures.failures + 1),
              "last_failure_at": at}))
    return int(session.scalar(select(LoginFailures.failures)
                              .where(LoginFailures.key == key)) or 1)


def lock_login(session: Session, key: str, until: datetime | None) -> None:
    session.execute(update(LoginFailures).where(LoginFailures.key == key)
                    .values(locked_until=until))


def refund_login_failure(session: Session, key: str) -> int:
    """Take back one counted failure (the attempt succeeded); returns the remaining count."""
    session.execute(update(LoginFailures)
                    .where(LoginFailures.key == key, LoginFailures.failures > 0)
                    .values(failures=LoginFailures.failures - 1))
    return int(session.scalar(select(LoginFailures.failures)
                              .where(LoginFailures.key == key)) or 0)


def clear_login_failures(session: Session, keys: list[str]) -> None:
    session.execute(delete(LoginFailures).where(LoginFailures.key.in_(keys)))


def purge_login_failures(session: Session, before: datetime) -> None:
    """Forget counters whose last failure is older than `before` and that lock nothing."""
    session.execute(delete(LoginFailures).where(
        LoginFailures.last_failure_at < before,
        (LoginFailures.locked_until.is_(None)) | (LoginFailures.locked_until < before)))
