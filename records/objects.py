"""Where stored bytes live: a folder on this machine, or an S3-compatible bucket.

Two backends behind one small interface (`ObjectStore`): `LocalObjects` (a folder of the
data dir, the embedded default) and `S3Objects` (`BACKOFFICE_BLOB_URL=s3://bucket/prefix`,
through boto3), so several machines read the originals and page images one of them kept.
Keys are `/`-separated relative names (`ab/cd/<sha256>`). Both write whole or not at all:
the folder through a temporary file renamed into place, S3 because an object appears
only when its upload completes. Sealing is the caller's business (`records.blobs`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import urlparse

from records.atomic import atomic_write

S3_SCHEME = "s3"
BLOB_URL_ENV = "BACKOFFICE_BLOB_URL"
S3_ENDPOINT_ENV = "BACKOFFICE_S3_ENDPOINT"
TMP_PREFIX = ".tmp-"


class BlobMissing(FileNotFoundError):
    """No object under this key (a FileNotFoundError, as a missing file always was)."""


class BlobStoreConfigError(ValueError):
    """`BACKOFFICE_BLOB_URL` is not a usable store (unknown scheme, no bucket, no boto3)."""


class ObjectStore(Protocol):
    def read(self, key: str) -> bytes: ...

    def write(self, key: str, data: bytes) -> None: ...

    def write_with(self, key: str, produce: Callable[[BinaryIO], None]) -> None: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def keys(self) -> Iterator[str]: ...

    def child(self, prefix: str) -> ObjectStore: ...

    def describe(self) -> str: ...


class LocalObjects:
    """Files under `root`; the key is the relative path."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key

    def read(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(f"{self.path(key)}: no such stored file") from None

    def write(self, key: str, data: bytes) -> None:
        atomic_write(self.path(key), data)

    def write_with(self, key: str, produce: Callable[[BinaryIO], None]) -> None:
        """`produce` writes the content (too large to hold in memory) into a file handle;
        it lands under `key` whole or not at all."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as out:
                produce(out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)  # a full disk leaves no partial copy
            raise

    def exists(self, key: str) -> bool:
        return self.path(key).exists()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for p in sorted(self.root.rglob("*")):
            if p.is_file() and not p.name.startswith(TMP_PREFIX):
                yield p.relative_to(self.root).as_posix()

    def child(self, prefix: str) -> LocalObjects:
        return LocalObjects(self.root / prefix)

    def describe(self) -> str:
        return str(self.root)


@dataclass(frozen=True, slots=True)
class S3Location:
    bucket: str
    prefix: str  # "" or ending with "/"


def parse_blob_url(url: str) -> S3Location:
    """`s3://bucket/some/prefix` -> bucket and key prefix."""
    parsed = urlparse(url)
    if parsed.scheme != S3_SCHEME or not parsed.netloc:
        raise BlobStoreConfigError(f"{BLOB_URL_ENV}={url!r}: expected s3://bucket/prefix")
    prefix = parsed.path.strip("/")
    return S3Location(parsed.netloc, f"{prefix}/" if prefix else "")


def s3_client(endpoint_url: str | None = None) -> Any:
    """A boto3 S3 client; endpoint and credentials from `BACKOFFICE_S3_ENDPOINT` or the
    usual AWS variables (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_DEFAULT_REGION...)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise BlobStoreConfigError(f"{BLOB_URL_ENV} is an S3 store but boto3 is not installed "
                                   "(pip install backoffice[scale])") from None
    endpoint = endpoint_url or os.environ.get(S3_ENDPOINT_ENV) or None
    return boto3.client("s3", endpoint_url=endpoint,
                        config=Config(retries={"max_attempts": 5, "mode": "standard"},
                                      s3={"addressing_style": "path"}))


class S3Objects:
    """Objects under `prefix` in an S3-compatible bucket (AWS, MinIO, Ceph...)."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.client = client if client is not None else s3_client()

    def _key(self, key: str) -> str:
        return self.prefix + key

    def _missing(self, exc: Exception) -> bool:
        code = str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))
        return code in ("NoSuchKey", "404", "NotFound")

    def read(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if self._missing(exc):
                raise BlobMissing(f"s3://{self.bucket}/{self._key(key)}: no such object") from None
            raise
        return obj["Body"].read()

    def write(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def write_with(self, key: str, produce: Callable[[BinaryIO], None]) -> None:
        with tempfile.TemporaryFile() as spool:  # then one (multipart) upload
            produce(spool)
            spool.seek(0)
            self.client.upload_fileobj(spool, self.bucket, self._key(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if self._missing(exc):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def keys(self) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for obj in page.get("Contents", []):
                yield obj["Key"][len(self.prefix):]

    def child(self, prefix: str) -> S3Objects:
        return S3Objects(self.bucket, f"{self.prefix}{prefix.strip('/')}/", self.client)

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def open_objects(data_dir: Path, blob_url: str | None) -> ObjectStore:
    """The store behind originals and page images: the data dir, or `BACKOFFICE_BLOB_URL`."""
    if not blob_url:
        return LocalObjects(data_dir)
    where = parse_blob_url(blob_url)
    return S3Objects(where.bucket, where.prefix)
