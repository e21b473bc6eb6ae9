"""Files every node must use alike (`policies.toml`, retrained models), stored once.

A node's data dir is its own: a policy file or a retrained model kept there is seen by that
node only. Published here, a file is a row of `published_files` whose version is the
sha256 of its content; the newest row of a name is the current version. Reading the current
versions is one small query (no content), so workers can check it per document.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from records.models import PublishedFile, aware


@dataclass(frozen=True, slots=True)
class Published:
    name: str
    version: str  # sha256 of the content
    content: bytes
    manifest: dict[str, Any] | None
    published_by: str
    published_at: datetime | None

    @classmethod
    def of(cls, row: PublishedFile) -> Published:
        return cls(row.name, row.version, bytes(row.content), row.manifest, row.published_by,
                   aware(row.published_at))


def content_version(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def publish(session: Session, name: str, content: bytes, actor: str,
            manifest: dict[str, Any] | None = None) -> tuple[Published, bool]:
    """Make `content` the current version of `name`; (the current version, whether it is
    new). Publishing the current content again adds nothing."""
    version = content_version(content)
    now = current(session, name)
    if now is not None and now.version == version:
        return now, False
    row = PublishedFile(name=name, version=version, content=content, manifest=manifest,
                        published_by=actor)
    session.add(row)
    session.flush()
    return Published.of(row), True


def _newest_ids() -> Any:
    return select(func.max(PublishedFile.id)).group_by(PublishedFile.name)


def current_versions(session: Session) -> dict[str, str]:
    """name -> current version, without reading any content."""
    return dict(session.execute(
        select(PublishedFile.name, PublishedFile.version)
        .where(PublishedFile.id.in_(_newest_ids()))).all())


def current(session: Session, name: str) -> Published | None:
    row = session.scalar(select(PublishedFile).where(PublishedFile.name == name)
                         .order_by(PublishedFile.id.desc()).limit(1))
    return Published.of(row) if row is not None else None


def history(session: Session, name: str | None = None) -> list[tuple[str, str, str, datetime]]:
    """(name, version, published_by, published_at), newest first."""
    q = select(PublishedFile.name, PublishedFile.version, PublishedFile.published_by,
               PublishedFile.published_at).order_by(PublishedFile.id.desc())
    if name is not None:
        q = q.where(PublishedFile.name == name)
    return [(n, v, by, aware(at)) for n, v, by, at in session.execute(q).all()]
