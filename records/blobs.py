"""Content-addressed store for originals, and the page-image cache: nothing a user uploads
is ever lost, and every node of a multi-machine set-up reads what another one kept.

Both sit on an `records.objects.ObjectStore`: the data dir (default; `originals/ab/cd/<sha>`
and `cache/pages/ab/<sha>-<n>.png`, as always) or an S3-compatible bucket under
`BACKOFFICE_BLOB_URL` (the same keys below its prefix). A write is whole or nothing (a
temporary file renamed into place; an S3 object appears when its upload completes). With a
`Sealer` (the service always has one, `records.sealing`) every original and page image is
sealed with AES-GCM before it is written and opened on read; the key stays the clear
content's sha256.
"""

from __future__ import annotations

import hashlib
import logging
import os  # noqa: F401 - tests simulate a full disk through records.blobs.os.fsync
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from records.atomic import atomic_write
from records.objects import BlobMissing, LocalObjects, ObjectStore, open_objects
from records.sealing import Sealer, SealingError

__all__ = ["BlobMissing", "BlobStore", "Blobs", "PageCache", "atomic_write", "open_blobs",
           "sha256_bytes"]

log = logging.getLogger(__name__)
ORIGINALS = "originals"
PAGE_CACHE = "cache/pages"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """Originals by content hash (`ab/cd/<sha256>`); the extension is kept in the DB."""

    def __init__(self, store: Path | ObjectStore, sealer: Sealer | None = None) -> None:
        self.objects: ObjectStore = LocalObjects(store) if isinstance(store, Path) else store
        self.sealer = sealer

    @property
    def root(self) -> Path:
        """The folder of a local store (there is none for S3)."""
        if not isinstance(self.objects, LocalObjects):
            raise TypeError(f"{self.objects.describe()} is not a local folder")
        return self.objects.root

    @staticmethod
    def key_for(sha256: str) -> str:
        return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def path_for(self, sha256: str) -> Path:
        """The file of a local store (tests and `hr rotate-key` look at it)."""
        return self.root / self.key_for(sha256)

    def exists(self, sha256: str) -> bool:
        return self.objects.exists(self.key_for(sha256))

    def put(self, data: bytes, sha256: str | None = None) -> tuple[str, str]:
        """Keep `data` (once); returns its sha256 and key."""
        digest = sha256 or sha256_bytes(data)
        key = self.key_for(digest)
        if not self.objects.exists(key):
            self.objects.write(key, self.sealer.seal(data) if self.sealer else data)
        return digest, key

    def put_stream(self, src: BinaryIO, sha256: str) -> str:
        """Keep a file too large to load (already hashed) without holding it in memory."""
        key = self.key_for(sha256)
        if self.objects.exists(key):
            return key

        def produce(out: BinaryIO) -> None:
            if self.sealer is not None:
                self.sealer.seal_stream(src, out)
            else:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    out.write(chunk)

        self.objects.write_with(key, produce)
        return key

    def get(self, sha256: str) -> bytes:
        """The clear content; `BlobMissing` (a FileNotFoundError) when it is not kept."""
        data = self.objects.read(self.key_for(sha256))
        return self.sealer.open(data) if self.sealer else data

    def delete(self, sha256: str) -> None:
        self.objects.delete(self.key_for(sha256))


class PageCache:
    """Rendered page images (`ab/<sha>-<n>.png`), sealed like the original they show."""

    def __init__(self, store: Path | ObjectStore, sealer: Sealer) -> None:
        self.objects: ObjectStore = LocalObjects(store) if isinstance(store, Path) else store
        self.sealer = sealer

    @staticmethod
    def key_for(sha256: str, number: int) -> str:
        return f"{sha256[:2]}/{sha256}-{number}.png"

    def get(self, sha256: str, number: int) -> bytes | None:
        """The cached PNG, or None (not rendered yet, or sealed with a retired key)."""
        try:
            return self.sealer.open(self.objects.read(self.key_for(sha256, number)))
        except BlobMissing:
            return None
        except SealingError:
            log.warning("page cache %s does not open; rendering again",
                        self.key_for(sha256, number))
            return None

    def put(self, sha256: str, number: int, png: bytes) -> None:
        """Best effort: a cache that cannot be written is only slower."""
        try:
            self.objects.write(self.key_for(sha256, number), self.sealer.seal(png))
        except Exception:  # noqa: BLE001 - a full disk or an unreachable bucket: render again
            log.warning("cannot cache page render %s", self.key_for(sha256, number))


@dataclass(frozen=True, slots=True)
class Blobs:
    """The node's stored bytes: originals and page images, on one backend."""

    store: ObjectStore
    originals: BlobStore
    pages: PageCache

    @property
    def roots(self) -> list[ObjectStore]:
        """What `backoffice hr rotate-key` re-seals."""
        return [self.originals.objects, self.pages.objects]


def open_blobs(data_dir: Path, sealer: Sealer, blob_url: str | None = None) -> Blobs:
    """Originals and page cache in the data dir, or in `BACKOFFICE_BLOB_URL` (s3://...)."""
    store = open_objects(data_dir, blob_url)
    return Blobs(store, BlobStore(store.child(ORIGINALS), sealer),
                 PageCache(store.child(PAGE_CACHE), sealer))
