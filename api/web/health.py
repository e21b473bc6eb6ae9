"""`/healthz`: is the service able to do its work? Database, disk space, workers.

Unauthenticated (load balancers and monitors call it), so it says what is wrong, never
anything about documents. 200 when every check passes, 503 otherwise.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from records.db import session_scope

# Below this much free space in the data dir the service reports itself unhealthy: an
# upload plus its page images and database rows must still fit (uploads may be 100 MB).
MIN_FREE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Check:
    ok: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class DiskCheck(Check):
    free_bytes: int = 0
    min_free_bytes: int = MIN_FREE_BYTES


@dataclass(frozen=True, slots=True)
class WorkerCheck(Check):
    mode: str = "local"
    pending: int = 0


@dataclass(frozen=True, slots=True)
class Health:
    database: Check
    disk: DiskCheck
    workers: WorkerCheck

    @property
    def ok(self) -> bool:
        return self.database.ok and self.disk.ok and self.workers.ok

    def to_json(self) -> dict[str, Any]:
        return {"status": "ok" if self.ok else "unhealthy",
                "checks": {"database": asdict(self.database), "disk": asdict(self.disk),
                           "workers": asdict(self.workers)}}


def check_database(sessions: Any) -> Check:
    try:
        with session_scope(sessions) as s:
            s.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return Check(False, f"{type(exc).__name__}")
    return Check(True)


def check_disk(data_dir: Path) -> DiskCheck:
    try:
        free = shutil.disk_usage(data_dir).free
    except OSError as exc:
        return DiskCheck(False, f"cannot read disk usage: {exc.strerror or exc}")
    if free < MIN_FREE_BYTES:
        return DiskCheck(False, "low disk space in the data dir", free, MIN_FREE_BYTES)
    return DiskCheck(True, "", free, MIN_FREE_BYTES)


def check_workers(jobs: Any) -> WorkerCheck:
    probe = getattr(jobs, "health", None)
    if probe is None:
        return WorkerCheck(True, "not observable from the web process", "external")
    return probe()


def health(state: Any) -> Health:
    return Health(check_database(state.sessions), check_disk(state.settings.data_dir),
                  check_workers(state.jobs))
