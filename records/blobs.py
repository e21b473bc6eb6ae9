"""Content-addressed store for originals: nothing a user uploads is ever lost.

Files are written to a temporary name in the same directory, fsync'ed and
renamed into place, so a crash leaves either the whole file or nothing. With a `Sealer`
(the service always has one, `records.sealing`) every original is sealed with AES-GCM
before it is written and opened on read; the file name stays the clear content's sha256.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from records.atomic import atomic_write
from records.sealing import Sealer

__all__ = ["BlobStore", "atomic_write", "sha256_bytes"]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """`originals/ab/cd/<sha256>` under the data dir; the extension is kept in the DB."""

    def __init__(self, root: Path, sealer: Sealer | None = None) -> None:
        self.root = root
        self.sealer = sealer

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes, sha256: str | None = None) -> tuple[str, Path]:
        digest = sha256 or sha256_bytes(data)
        path = self.path_for(digest)
        if not path.exists():
            atomic_write(path, self.sealer.seal(data) if self.sealer else data)
        return digest, path

    def put_stream(self, src: BinaryIO, sha256: str) -> Path:
        """Keep a file too large to load (already hashed) without holding it in memory."""
        path = self.path_for(sha256)
        if path.exists():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                if self.sealer is not None:
                    self.sealer.seal_stream(src, fh)
                else:
                    for chunk in iter(lambda: src.read(1 << 20), b""):
                        fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)  # a full disk leaves no partial copy
            raise
        return path

    def get(self, sha256: str) -> bytes:
        data = self.path_for(sha256).read_bytes()
        return self.sealer.open(data) if self.sealer else data
