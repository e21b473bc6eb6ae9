"""Login throttling: failed sign-ins are counted per user name and per client address, and
past a few free tries each further failure doubles the wait before the next password check.

While a key is locked the password is not even looked at (429 with `Retry-After`), so the
right password after a run of wrong ones does not work until the wait is over. Every attempt
is counted as a failure *before* its password is checked (and the caller commits that), so
a burst of simultaneous guesses meets the lock as a sequence would; a success takes its
count back. Counts are
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
    bump_login_failures,
    clear_login_failures,
    lock_login,
    login_failures,
    purge_login_failures,
    refund_login_failure,
)
from records.models import aware


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


def _wait_s(session: Session, keys: list[str]) -> float:
    t = now()
    wait = 0.0
    for row in login_failures(session, keys):
        until = aware(row.locked_until)
        if until is not None and until > t:
            wait = max(wait, (until - t).total_seconds())
    return wait


def attempt(session: Session, username: str, address: str | None) -> None:
    """Before a password check: count this attempt as a failure in advance and start the
    next wait where the count calls for one; the caller commits that before checking the
    password. While the user or the address must still wait, raise `LoginThrottled`
    instead, and the caller rolls the count back (a refused attempt costs nothing more).

    The count is written first: that write serialises simultaneous attempts on the same
    keys (SQLite's write lock, PostgreSQL's row lock), so each sees the lock the one
    before it set, and a burst of guesses gets no more password checks than a sequence.
    """
    t = now()
    keys = _keys(username, address)
    counts = {key: bump_login_failures(session, key, t, t - timedelta(seconds=FORGET_AFTER_S))
              for key in keys}
    wait = _wait_s(session, list(keys))
    if wait > 0:
        raise LoginThrottled(max(1, math.ceil(wait)))
    for key, budget in keys.items():
        pause = delay_s(budget, counts[key])
        if pause:
            lock_login(session, key, t + timedelta(seconds=pause))


def succeeded(session: Session, username: str, address: str | None) -> None:
    """The password was right: forget the user's failures, give the address back the
    attempt counted in advance (lifting the wait that attempt alone started)."""
    keys = _keys(username, address)
    user_key = next(iter(keys))
    clear_login_failures(session, [user_key])
    for key, budget in keys.items():
        if key == user_key:
            continue
        left = refund_login_failure(session, key)
        if left == 0:
            clear_login_failures(session, [key])
        elif not delay_s(budget, left):
            lock_login(session, key, None)
    purge_login_failures(session, now() - timedelta(seconds=FORGET_AFTER_S))
