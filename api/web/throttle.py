"""Login throttling: failed sign-ins are counted per user name and per client address, and
past a few free tries each further failure doubles the wait before the next password check.

While a key is locked the password is not even looked at (429 with `Retry-After`), so the
right password after a run of wrong ones does not work until the wait is over. Counts are
kept in the database (`records.auth_sessions`), shared by every server process, and are
forgotten after `FORGET_AFTER_S` without failures or on a successful sign-in (user key only:
one good account must not reset an address that is guessing at others).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from records.auth_sessions import (
    aware,
    clear_login_failures,
    login_failures,
    purge_login_failures,
    record_login_failure,
)


@dataclass(frozen=True, slots=True)
class Budget:
    """How many failures a key gets free, and the back-off after that."""

    free_failures: int
    base_delay_s: float = 1.0
    max_delay_s: float = 900.0


USER_BUDGET = Budget(free_failures=5)
ADDRESS_BUDGET = Budget(free_failures=20)
FORGET_AFTER_S = 3600


class LoginThrottled(Exception):
    """Too many failed sign-ins for this user or address; try again after `retry_after` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {retry_after} s")
        self.retry_after = retry_after


def now() -> datetime:
    """The throttle's clock (tests move it forward instead of sleeping)."""
    return datetime.now(UTC)


def _keys(username: str, address: str | None) -> dict[str, Budget]:
    keys = {f"user:{(username or '').strip().lower()[:80]}": USER_BUDGET}
    if address:
        keys[f"addr:{address[:100]}"] = ADDRESS_BUDGET
    return keys


def delay_s(budget: Budget, failures: int) -> float:
    """The wait after the `failures`-th failure: none within the free tries, then 1, 2, 4 s..."""
    over = failures - budget.free_failures
    if over <= 0:
        return 0.0
    return min(budget.max_delay_s, budget.base_delay_s * 2 ** min(over - 1, 62))


def check(session: Session, username: str, address: str | None) -> None:
    """Raise `LoginThrottled` while the user or the address must wait."""
    t = now()
    wait = 0.0
    for row in login_failures(session, list(_keys(username, address))):
        until = aware(row.locked_until)
        if until is not None and until > t:
            wait = max(wait, (until - t).total_seconds())
    if wait > 0:
        raise LoginThrottled(max(1, math.ceil(wait)))


def failed(session: Session, username: str, address: str | None) -> None:
    t = now()
    keys = _keys(username, address)
    rows = {row.key: row for row in login_failures(session, list(keys))}
    for key, budget in keys.items():
        row = rows.get(key)
        count = 1
        if row is not None:
            last = aware(row.last_failure_at) or t
            fresh = (t - last).total_seconds() < FORGET_AFTER_S
            count = row.failures + 1 if fresh else 1
        wait = delay_s(budget, count)
        record_login_failure(session, key, count, t,
                             t + timedelta(seconds=wait) if wait else None)


def succeeded(session: Session, username: str) -> None:
    clear_login_failures(session, list(_keys(username, None)))
    purge_login_failures(session, now() - timedelta(seconds=FORGET_AFTER_S))
