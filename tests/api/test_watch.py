"""The watched folder: settled files become documents, sub-folders carry type and channel,
files are put away by outcome, failures are counted on the channel, and the loop wakes on
inotify (or polls) by itself."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.cli import main
from api.watch import AfterConsume, FolderWatcher, WatchError
from records.db import session_scope
from records.models import ChannelState, Document
from tests.api.test_web_support import ADMIN_PASSWORD, add_user, login
from tests.conftest import INVOICE_LINES, pdf_bytes
from workflow.settings import Settings

W4_LINES = [
    "Form W-4 Employee's Withholding Certificate 2024",
    "Department of the Treasury Internal Revenue Service",
    "Step 1: Enter Personal Information",
    "First name and middle initial: Jordan   Last name: Avery",
    "Social security number: 521-44-7890",
    "Filing status: Single or Married filing separately",
    "Employee's signature   Date 2024-02-01",
]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _settings(data_dir: Path, folder: Path, after: str = "move") -> Settings:
    settings = Settings.from_env(data_dir)
    settings.consume_dir, settings.consume_after, settings.consume_settle_s = folder, after, 2.0
    return settings


def _documents(watcher: FolderWatcher) -> list[Document]:
    with session_scope(watcher.pipeline.sessions) as s:
        docs = list(s.scalars(select(Document).order_by(Document.created_at)))
        s.expunge_all()
        return docs


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "scans"
    d.mkdir()
    return d


def test_settled_file_becomes_a_document_and_moves_to_done(data_dir: Path, folder: Path) -> None:
    clock = Clock()
    watcher = FolderWatcher(_settings(data_dir, folder), clock=clock)
    (folder / "northwind.pdf").write_bytes(pdf_bytes(INVOICE_LINES))
    assert watcher.poll_once() == []  # first sighting: it may still be written
    clock.now += 1.0
    assert watcher.poll_once() == []  # not settled yet
    clock.now += 1.5
    [done] = watcher.poll_once()
    assert done.status in ("needs_review", "auto_approved", "processed")
    assert done.moved_to == folder / "done" / "northwind.pdf" and done.moved_to.exists()
    assert not (folder / "northwind.pdf").exists()
    [doc] = _documents(watcher)
    assert doc.id == done.document_id and doc.doc_type == "invoice"
    assert doc.uploaded_by == "consume" and doc.restricted_to is None
    fields = (doc.result or {})["fields"]
    assert fields["invoice_number"]["value"] == "INV-2024-0113"
    with session_scope(watcher.pipeline.sessions) as s:
        row = s.get(ChannelState, watcher.name)
        assert (row.received, row.failed, row.last_error) == (1, 0, None)


def test_file_still_growing_is_not_taken(data_dir: Path, folder: Path) -> None:
    clock = Clock()
    watcher = FolderWatcher(_settings(data_dir, folder), clock=clock)
    path = folder / "big.pdf"
    data = pdf_bytes(INVOICE_LINES)
    path.write_bytes(data[:100])
    for size in (400, 900, len(data)):  # the scanner keeps writing
        watcher.poll_once()
        clock.now += 1.5
        path.write_bytes(data[:size])
        assert watcher.poll_once() == [] and path.exists()
    clock.now += 2.5
    [done] = watcher.poll_once()
    assert done.status != "failed", done.error


def test_work_in_progress_names_and_put_away_folders_are_skipped(data_dir: Path,
                                                                  folder: Path) -> None:
    clock = Clock()
    watcher = FolderWatcher(_settings(data_dir, folder), clock=clock)
    for name in (".hidden.pdf", "scan.pdf.part", "scan.tmp", "scan.pdf~"):
        (folder / name).write_bytes(b"%PDF-1.4 half")
    (folder / "done").mkdir()
    (folder / "done" / "old.pdf").write_bytes(pdf_bytes(INVOICE_LINES))
    watcher.poll_once()
    clock.now += 10
    assert watcher.poll_once() == [] and _documents(watcher) == []


def test_hr_folder_is_confidential_from_intake_and_typed(
        data_dir: Path, folder: Path, app: FastAPI, client: TestClient) -> None:
    clock = Clock()
    watcher = FolderWatcher(_settings(data_dir, folder), clock=clock)
    (folder / "hr").mkdir()
    (folder / "hr" / "w4-avery.pdf").write_bytes(pdf_bytes(W4_LINES))
    (folder / "invoices").mkdir()
    # A bare letter the classifier would not call an invoice: the folder says it is one.
    (folder / "invoices" / "note.pdf").write_bytes(pdf_bytes(["Thank you for your order.",
                                                              "Kind regards, Northwind"]))
    watcher.poll_once()
    clock.now += 3
    outcomes = {c.path.name: c for c in watcher.poll_once()}
    assert set(outcomes) == {"w4-avery.pdf", "note.pdf"}
    docs = {d.filename: d for d in _documents(watcher)}
    assert docs["w4-avery.pdf"].restricted_to == "hr" and docs["w4-avery.pdf"].doc_type == "hr"
    note = docs["note.pdf"]
    assert note.doc_type == "invoice" and note.type_confidence == 1.0
    assert (note.type_reasons or [])[0] == "folder:invoices"
    assert (folder / "done" / "hr" / "w4-avery.pdf").exists()

    add_user(app, "pat", "ap")
    login(client, "pat")
    hr_id = docs["w4-avery.pdf"].id
    assert client.get(f"/documents/{hr_id}").status_code == 404
    assert client.get(f"/api/documents/{hr_id}").status_code == 404
    assert "w4-avery.pdf" not in client.get("/documents").text


def test_unreadable_file_goes_to_failed_and_is_counted(data_dir: Path, folder: Path) -> None:
    clock = Clock()
    watcher = FolderWatcher(_settings(data_dir, folder), clock=clock)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n this is not a pdf at all")
    watcher.poll_once()
    clock.now += 3
    [failed] = watcher.poll_once()
    assert failed.status == "failed" and failed.error
    assert failed.moved_to == folder / "failed" / "broken.pdf" and failed.moved_to.exists()
    [doc] = _documents(watcher)  # the original is kept and the failure is visible
    assert doc.status == "failed" and doc.error_code
    with session_scope(watcher.pipeline.sessions) as s:
        row = s.get(ChannelState, watcher.name)
        assert (row.received, row.failed) == (1, 1)
        assert row.last_error.startswith("broken.pdf: ")


def test_same_bytes_dropped_twice_is_one_document(data_dir: Path, folder: Path) -> None:
    clock = Clock()
    watcher = FolderWatcher(_settings(data_dir, folder), clock=clock)
    data = pdf_bytes(INVOICE_LINES)
    (folder / "a.pdf").write_bytes(data)
    (folder / "b.pdf").write_bytes(data)
    (folder / "done").mkdir()
    (folder / "done" / "a.pdf").write_bytes(b"an older a.pdf")  # name taken in done/
    watcher.poll_once()
    clock.now += 3
    first, second = watcher.poll_once()
    assert first.document_id == second.document_id
    assert len(_documents(watcher)) == 1
    assert first.moved_to == folder / "done" / "a-1.pdf"
    assert (folder / "done" / "a.pdf").read_bytes() == b"an older a.pdf"


@pytest.mark.parametrize("after", ["keep", "delete"])
def test_keep_and_delete(data_dir: Path, folder: Path, after: str) -> None:
    clock = Clock()
    watcher = FolderWatcher(_settings(data_dir, folder, after), clock=clock)
    assert watcher.after is AfterConsume(after)
    path = folder / "northwind.pdf"
    path.write_bytes(pdf_bytes(INVOICE_LINES))
    watcher.poll_once()
    clock.now += 3
    [done] = watcher.poll_once()
    assert done.moved_to is None and path.exists() == (after == "keep")
    clock.now += 10
    assert watcher.poll_once() == [] and watcher.poll_once() == []  # not taken again
    assert not (folder / "done").exists()


def test_bad_settings_are_refused_with_a_reason(data_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(WatchError, match="does not exist"):
        FolderWatcher(_settings(data_dir, tmp_path / "missing"))
    with pytest.raises(WatchError, match="move, keep or delete"):
        FolderWatcher(_settings(data_dir, tmp_path, after="shred"))


@pytest.mark.parametrize("polling", [False, True])
def test_loop_wakes_on_a_new_file(data_dir: Path, folder: Path, polling: bool) -> None:
    settings = _settings(data_dir, folder)
    settings.consume_settle_s, settings.consume_polling = 0.3, polling
    watcher = FolderWatcher(settings)
    stop = threading.Event()
    seen: list[str] = []
    thread = threading.Thread(target=watcher.run, args=(stop,),
                              kwargs={"on_consumed": lambda c: seen.append(c.path.name)})
    thread.start()
    try:
        time.sleep(0.5)
        tmp = folder / "northwind.pdf.part"  # written under a temporary name, then renamed
        tmp.write_bytes(pdf_bytes(INVOICE_LINES))
        os.replace(tmp, folder / "northwind.pdf")
        deadline = time.monotonic() + 60
        while not seen and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert seen == ["northwind.pdf"]
    assert (folder / "done" / "northwind.pdf").exists()
    with session_scope(watcher.pipeline.sessions) as s:
        assert s.get(ChannelState, watcher.name).state == "stopped"


def test_cli_once_and_admin_page(data_dir: Path, folder: Path, app: FastAPI, client: TestClient,
                                 monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "northwind.pdf").write_bytes(pdf_bytes(INVOICE_LINES))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7 garbage")
    monkeypatch.setenv("BACKOFFICE_CONSUME_SETTLE", "0.2")
    assert main(["watch", "--folder", str(folder), "--once", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr()
    assert "FAILED  broken.pdf" in out.out and "northwind.pdf (doc" in out.out
    assert "took 2 file(s), 1 failed" in out.err
    with session_scope(app.state.sessions) as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 2

    login(client, "admin", ADMIN_PASSWORD)
    page = client.get("/channels").text
    assert f"folder:{folder}" in page and "broken.pdf: " in page
    add_user(app, "pat", "ap")
    client.cookies.clear()
    login(client, "pat")
    assert client.get("/channels").status_code in (403, 404)


def test_cli_refuses_a_missing_folder(data_dir: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "--folder", str(tmp_path / "nope"), "--once"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_serve_watches_the_folder_when_configured(data_dir: Path, folder: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.api.test_web_support import make_app, make_client

    monkeypatch.setenv("BACKOFFICE_CONSUME_DIR", str(folder))
    monkeypatch.setenv("BACKOFFICE_CONSUME_SETTLE", "0.2")
    for application in make_app(data_dir, monkeypatch):
        for _client in make_client(application):  # the lifespan starts the watcher
            (folder / "northwind.pdf").write_bytes(pdf_bytes(INVOICE_LINES))
            deadline = time.monotonic() + 60
            while not (folder / "done" / "northwind.pdf").exists() \
                    and time.monotonic() < deadline:
                time.sleep(0.1)
            with session_scope(application.state.sessions) as s:
                names = list(s.scalars(select(Document.filename)))
            assert names == ["northwind.pdf"]
