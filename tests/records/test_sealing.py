"""Sealing at rest (records/sealing.py): AES-GCM round trips, refusals, the key file and
`backoffice hr rotate-key`."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from api.cli import main
from records.blobs import BlobStore
from records.sealing import (
    KEY_FILE,
    NEXT_KEY_FILE,
    Sealer,
    SealingError,
    load_sealer,
    new_key_text,
    parse_key,
)

DATA = b"%PDF-1.4 SSN 521-44-7890 " * 100


@pytest.fixture(autouse=True)
def no_env_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BACKOFFICE_HR_KEY", "BACKOFFICE_HR_NEW_KEY", "BACKOFFICE_HR_KEY_PREVIOUS"):
        monkeypatch.delenv(name, raising=False)


def test_round_trip_and_refusals(tmp_path: Path) -> None:
    sealer = load_sealer(tmp_path)
    assert not (tmp_path / KEY_FILE).exists()  # created when first used
    blob = sealer.seal(DATA)
    assert b"521-44-7890" not in blob and sealer.open(blob) == DATA
    assert stat.S_IMODE(os.stat(tmp_path / KEY_FILE).st_mode) == 0o600
    assert load_sealer(tmp_path).open(blob) == DATA  # the same key next time
    other = Sealer(parse_key(new_key_text(), "test"))
    with pytest.raises(SealingError, match="key this service does not have"):
        other.open(blob)
    tampered = bytearray(blob)
    tampered[-20] ^= 1
    with pytest.raises(SealingError, match="authentication"):
        sealer.open(bytes(tampered))
    assert sealer.open(b"plain old file") == b"plain old file"  # from before sealing


def test_stream_sealing_opens_like_the_rest(tmp_path: Path) -> None:
    sealer = load_sealer(tmp_path)
    out = io.BytesIO()
    sealer.seal_stream(io.BytesIO(DATA * 5000), out)
    assert sealer.open(out.getvalue()) == DATA * 5000


def test_env_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = new_key_text()
    monkeypatch.setenv("BACKOFFICE_HR_KEY", key)
    blob = load_sealer(tmp_path).seal(DATA)
    assert not (tmp_path / KEY_FILE).exists()
    assert Sealer(parse_key(key, "k")).open(blob) == DATA
    monkeypatch.setenv("BACKOFFICE_HR_KEY", "too-short")
    with pytest.raises(SealingError, match="32-byte key"):
        load_sealer(tmp_path)


def _store(data_dir: Path) -> tuple[BlobStore, list[str]]:
    blobs = BlobStore(data_dir / "originals", load_sealer(data_dir))
    shas = [blobs.put(DATA + bytes([i]))[0] for i in range(3)]
    return blobs, shas


def test_rotate_key_reseals_everything_and_retires_the_old_key(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("BACKOFFICE_SEARCH", "0")
    blobs, shas = _store(data_dir)
    legacy = data_dir / "originals" / "legacy"
    legacy.write_bytes(b"stored before sealing existed")
    old_key = (data_dir / KEY_FILE).read_text()
    old_blob = blobs.path_for(shas[0]).read_bytes()
    assert main(["hr", "rotate-key"]) == 0
    assert "re-sealed 4 file(s)" in capsys.readouterr().out
    assert (data_dir / KEY_FILE).read_text() != old_key
    assert not (data_dir / NEXT_KEY_FILE).exists()
    fresh = BlobStore(data_dir / "originals", load_sealer(data_dir))
    assert [fresh.get(s) for s in shas] == [DATA + bytes([i]) for i in range(3)]
    assert legacy.read_bytes().startswith(b"BOSEAL1")
    with pytest.raises(SealingError):  # the old key no longer opens anything
        Sealer(parse_key(old_key, "old")).open(fresh.path_for(shas[0]).read_bytes())
    assert Sealer(parse_key(old_key, "old")).open(old_blob) == DATA + bytes([0])
    assert stat.S_IMODE(os.stat(data_dir / KEY_FILE).st_mode) == 0o600


def test_interrupted_rotation_is_finished_by_running_it_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import records.objects

    data_dir = tmp_path / "data"
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(data_dir))
    blobs, shas = _store(data_dir)
    real = records.objects.atomic_write
    calls = []

    def crash_after_one(path: Path, data: bytes) -> None:
        if calls:
            raise KeyboardInterrupt
        calls.append(path)
        real(path, data)

    monkeypatch.setattr(records.objects, "atomic_write", crash_after_one)
    with pytest.raises(KeyboardInterrupt):
        main(["hr", "rotate-key"])
    # half re-sealed: every original still opens (current key + the next one)
    mid = BlobStore(data_dir / "originals", load_sealer(data_dir))
    assert [mid.get(s) for s in shas] == [DATA + bytes([i]) for i in range(3)]
    monkeypatch.setattr(records.objects, "atomic_write", real)
    assert main(["hr", "rotate-key"]) == 0
    assert "re-sealed 2 file(s) (1 already under the new key)" in capsys.readouterr().out
    done = BlobStore(data_dir / "originals", load_sealer(data_dir))
    assert [done.get(s) for s in shas] == [DATA + bytes([i]) for i in range(3)]


def test_rotation_with_an_environment_key_needs_the_new_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("BACKOFFICE_HR_KEY", new_key_text())
    _, shas = _store(data_dir)
    assert main(["hr", "rotate-key"]) == 1
    assert "BACKOFFICE_HR_NEW_KEY" in capsys.readouterr().err
    new = new_key_text()
    monkeypatch.setenv("BACKOFFICE_HR_NEW_KEY", new)
    assert main(["hr", "rotate-key"]) == 0
    monkeypatch.setenv("BACKOFFICE_HR_KEY", new)
    monkeypatch.delenv("BACKOFFICE_HR_NEW_KEY")
    store = BlobStore(data_dir / "originals", load_sealer(data_dir))
    assert [store.get(s) for s in shas] == [DATA + bytes([i]) for i in range(3)]
