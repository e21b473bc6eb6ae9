"""A full disk is `disk_full`, not a bad file: its own code, a non-zero exit where nothing
could be stored, and no partial file left behind (the issue saw `unreadable_file`, exit 0
and a 4 MB truncated model). The full disk is simulated by making the write fail with
ENOSPC after part of the data went out, as a real one does."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import BinaryIO

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from api.cli import main
from records.db import init_db, session_scope
from records.faults import is_disk_full
from records.models import Document
from tests.api.test_process import run_process
from tests.conftest import INVOICE_LINES, make_pdf
from workflow.settings import Settings

ENOSPC = OSError(errno.ENOSPC, "No space left on device")


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _documents(data_dir: Path) -> int:
    with session_scope(init_db(Settings.from_env(data_dir).database_url)) as s:
        return int(s.scalar(select(func.count(Document.id))) or 0)


def _half_write_then_full(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    """`fsync` fails with ENOSPC once the data was handed to the file: a partial temp file."""

    def full(_fd: int) -> None:
        raise ENOSPC

    monkeypatch.setattr(f"{module}.os.fsync", full)


def test_original_not_stored_exits_non_zero_without_partials(
        data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    src = make_pdf(tmp_path / "inv.pdf", INVOICE_LINES)
    _half_write_then_full(monkeypatch, "records.blobs")
    rc, [r] = run_process(capsys, str(src))
    assert rc == 4
    assert r["status"] == "failed" and r["error"]["code"] == "disk_full"
    assert r["document_id"] is None and "disk is full" in r["error"]["message"]
    assert _files(data_dir / "originals") == []  # no truncated .tmp- left
    assert _documents(data_dir) == 0


def test_database_full_while_storing_results(data_dir: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from workflow.process import Pipeline

    def full(*_a: object, **_k: object) -> None:
        raise OperationalError("INSERT ...", {}, sqlite3.OperationalError(
            "database or disk is full"))

    monkeypatch.setattr(Pipeline, "_store", full)
    src = make_pdf(tmp_path / "inv.pdf", INVOICE_LINES)
    rc, [r] = run_process(capsys, str(src))
    assert rc == 4 and r["error"]["code"] == "disk_full"
    assert "database or disk is full" in r["error"]["message"]


def test_too_large_copy_leaves_no_partial(data_dir: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from records.sealing import Sealer

    monkeypatch.setenv("BACKOFFICE_MAX_BYTES", "100")
    src = make_pdf(tmp_path / "big.pdf", INVOICE_LINES)

    def copy_half(self: Sealer, src: BinaryIO, dst: BinaryIO) -> None:
        dst.write(src.read()[:50])
        raise ENOSPC

    monkeypatch.setattr(Sealer, "seal_stream", copy_half)
    rc, [r] = run_process(capsys, str(src))
    assert rc == 4 and r["error"]["code"] == "disk_full"
    assert _files(data_dir / "originals") == []


def test_train_on_full_disk_keeps_previous_model(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys) -> None:
    import modelfile
    from training import classifier as trainer

    out = tmp_path / "models"
    out.mkdir()
    (out / "classifier.joblib").write_bytes(b"previous model")

    def write_half(path: Path, _data: bytes) -> None:
        Path(path).write_bytes(b"x" * 4096)
        raise ENOSPC

    def fake_train(out_dir: Path, **_k: object) -> dict[str, object]:
        from classifiers.model import Bundle

        trainer.save_bundle(Bundle(version="t", featurizer=None, doctype=None), out_dir)  # type: ignore[arg-type]
        return {}

    monkeypatch.setattr(modelfile, "write_bytes", write_half)
    monkeypatch.setattr(trainer, "train", fake_train)
    assert main(["train", "--out", str(out), "--no-feedback"]) == 4
    assert "disk_full" in capsys.readouterr().err
    assert [p.name for p in _files(out)] == ["classifier.joblib"]
    assert (out / "classifier.joblib").read_bytes() == b"previous model"


def test_upload_on_full_disk_is_507(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    from tests.api.test_web_support import ADMIN_PASSWORD, BASE_URL, login, make_app
    from tests.conftest import pdf_bytes

    for app in make_app(data_dir, monkeypatch):
        with TestClient(app, base_url=BASE_URL) as c:
            token = login(c, "admin", ADMIN_PASSWORD)
            _half_write_then_full(monkeypatch, "records.blobs")
            r = c.post("/api/documents", headers={"X-CSRF-Token": token},
                       files=[("files", ("a.pdf", pdf_bytes(INVOICE_LINES), "application/pdf"))])
            assert r.status_code == 507 and r.json()["detail"].startswith("disk_full")
        assert _files(data_dir / "originals") == []


def test_disk_full_recognised_through_wrappers() -> None:
    wrapped = RuntimeError("stage failed")
    wrapped.__cause__ = ENOSPC
    assert is_disk_full(wrapped)
    assert not is_disk_full(OSError(errno.EACCES, "denied"))
    assert not is_disk_full(ValueError("bad file"))
