"""Start-up check for several machines: the keys every node must share are given.

On one machine the session secret and the sealing key are generated into the data dir
(`secret.key`, `hr.key`). Once the service runs on several nodes (a PostgreSQL
`DATABASE_URL`, a broker, or an S3 blob store), a key generated per data dir means a
login on one node is refused by the next and an original sealed by one node cannot be
opened by another: the service refuses to start instead, with `SharedKeyMissing`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import make_url

from records.sealing import KEY_ENV as SEAL_KEY_ENV
from workflow.settings import Settings

SECRET_ENV = "BACKOFFICE_SECRET_KEY"


class SharedKeyMissing(RuntimeError):
    """A multi-node setting is on and a key that all nodes must share is not given."""


@dataclass(frozen=True, slots=True)
class MultiNode:
    """Why this configuration is shared by several processes or machines (empty: it is not)."""

    reasons: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.reasons)


def multinode(settings: Settings) -> MultiNode:
    reasons = []
    if make_url(settings.database_url).get_backend_name() == "postgresql":
        reasons.append("DATABASE_URL is PostgreSQL")
    if settings.broker_url:
        reasons.append("BACKOFFICE_BROKER_URL is set")
    if settings.blob_url:
        reasons.append("BACKOFFICE_BLOB_URL is set")
    return MultiNode(tuple(reasons))


def require_shared_keys(settings: Settings) -> None:
    """Refuse to start a node of a multi-node set-up without the keys all nodes share."""
    shared = multinode(settings)
    if not shared:
        return
    why = ", ".join(shared.reasons)
    if not settings.secret_key:
        raise SharedKeyMissing(
            f"{SECRET_ENV} is not set ({why}): every node must sign sessions and tokens with "
            f"the same secret; set {SECRET_ENV} to the same random value (e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`) on all nodes")
    if settings.blob_url and not os.environ.get(SEAL_KEY_ENV):
        raise SharedKeyMissing(
            f"{SEAL_KEY_ENV} is not set (BACKOFFICE_BLOB_URL is set): originals in the shared "
            f"store are sealed, and every node must open what another sealed; set {SEAL_KEY_ENV} "
            "to the same 32-byte key (base64) on all nodes")
