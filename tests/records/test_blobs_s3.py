"""The blob store's S3 backend against a local S3 server (moto on 127.0.0.1, started by the
`s3_blob_url` fixture): the same behaviour as the data dir, sealed the same way."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from records.blobs import BlobMissing, open_blobs
from records.objects import (
    BlobStoreConfigError,
    LocalObjects,
    S3Objects,
    open_objects,
    parse_blob_url,
)
from records.sealing import MAGIC, Sealer, new_key_text, parse_key, rotate


def _sealer() -> Sealer:
    return Sealer(parse_key(new_key_text(), "test"))


def test_blob_url_is_parsed_and_a_bad_one_refused() -> None:
    assert parse_blob_url("s3://bucket/a/b/").bucket == "bucket"
    assert parse_blob_url("s3://bucket/a/b/").prefix == "a/b/"
    assert parse_blob_url("s3://bucket").prefix == ""
    for bad in ("file:///tmp/x", "s3:///nobucket", "bucket/prefix"):
        with pytest.raises(BlobStoreConfigError, match="s3://bucket/prefix"):
            parse_blob_url(bad)


def test_default_is_the_data_dir(tmp_path: Path) -> None:
    store = open_objects(tmp_path, None)
    assert isinstance(store, LocalObjects) and store.root == tmp_path
    blobs = open_blobs(tmp_path, _sealer(), None)
    sha, _ = blobs.originals.put(b"kept locally")
    assert blobs.originals.path_for(sha).is_relative_to(tmp_path / "originals")


def test_originals_and_pages_in_s3_are_sealed_and_shared(s3_blob_url: str,
                                                         tmp_path: Path) -> None:
    sealer = _sealer()
    one = open_blobs(tmp_path / "node1", sealer, s3_blob_url)
    two = open_blobs(tmp_path / "node2", sealer, s3_blob_url)  # another machine's disk
    assert isinstance(one.store, S3Objects)
    sha, key = one.originals.put(b"%PDF-1.7 salary 85000")
    assert one.originals.exists(sha) and key.endswith(sha)
    assert two.originals.get(sha) == b"%PDF-1.7 salary 85000"
    raw = one.originals.objects.read(one.originals.key_for(sha))
    assert raw.startswith(MAGIC) and b"85000" not in raw  # sealed at rest in the bucket
    one.pages.put(sha, 1, b"\x89PNG page one")
    assert two.pages.get(sha, 1) == b"\x89PNG page one"
    assert two.pages.get(sha, 2) is None
    assert not (tmp_path / "node1").exists() and not (tmp_path / "node2").exists()
    with pytest.raises(BlobMissing):
        two.originals.get("0" * 64)
    with pytest.raises(FileNotFoundError):  # what callers caught before S3 existed
        two.originals.get("1" * 64)
    one.originals.delete(sha)
    assert not two.originals.exists(sha)


def test_large_original_is_streamed_to_s3(s3_blob_url: str, tmp_path: Path) -> None:
    sealer = _sealer()
    blobs = open_blobs(tmp_path, sealer, s3_blob_url)
    data = bytes(range(256)) * (40 * 1024)  # 10 MiB: a multipart upload
    key = blobs.originals.put_stream(io.BytesIO(data), "f" * 64)
    assert key == blobs.originals.key_for("f" * 64)
    assert blobs.originals.get("f" * 64) == data


def test_key_rotation_reseals_the_bucket(s3_blob_url: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = new_key_text(), new_key_text()
    monkeypatch.setenv("BACKOFFICE_HR_KEY", old)
    blobs = open_blobs(tmp_path, Sealer(parse_key(old, "old")), s3_blob_url)
    sha, _ = blobs.originals.put(b"contract text")
    blobs.pages.put(sha, 1, b"png")
    monkeypatch.setenv("BACKOFFICE_HR_NEW_KEY", new)
    done = rotate(tmp_path, list(blobs.roots))
    assert (done.resealed, done.already) == (2, 0)
    after = open_blobs(tmp_path, Sealer(parse_key(new, "new")), s3_blob_url)
    assert after.originals.get(sha) == b"contract text" and after.pages.get(sha, 1) == b"png"
