"""Storage faults with their own codes: a full disk is not a bad file, a busy database
is not a bug.

`ENOSPC` (or a quota, `EDQUOT`) from a file write and SQLite's "database or disk is full"
both mean nothing more can be stored; callers report `disk_full` instead of blaming the
input, and the CLI exits non-zero.
"""

from __future__ import annotations

import errno

from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

DISK_FULL = "disk_full"
DATABASE_BUSY = "database_busy"  # no pooled connection or lock within the timeouts
_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_SQLITE_FULL = 13  # SQLITE_FULL: "database or disk is full"


class DiskFull(OSError):
    """Nothing more could be written to the data dir."""

    code = DISK_FULL

    def __init__(self, message: str) -> None:
        super().__init__(errno.ENOSPC, message)
        self.message = message

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def is_disk_full(exc: BaseException | None) -> bool:
    """True for a full disk however it surfaced: OSError, sqlite3 or SQLAlchemy's wrapper,
    directly or as the cause/context of another exception."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS:
            return True
        if getattr(exc, "sqlite_errorcode", None) == _SQLITE_FULL:
            return True
        if "database or disk is full" in str(exc):
            return True
        orig = getattr(exc, "orig", None)  # sqlalchemy.exc.DBAPIError
        exc = orig if isinstance(orig, BaseException) else (exc.__cause__ or exc.__context__)
        seen += 1
    return False


def disk_full_message(exc: BaseException) -> str:
    return f"the data dir's disk is full; nothing more could be stored ({exc})"[:500]


def is_database_busy(exc: BaseException | None) -> bool:
    """The pool had no connection within its timeout, or SQLite stayed locked past its
    busy timeout: load, not a fault of the request or the document."""
    if isinstance(exc, PoolTimeout):
        return True
    return isinstance(exc, OperationalError) and "locked" in str(exc).lower()
