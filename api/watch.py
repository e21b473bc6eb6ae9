"""The watched folder: a scanner or a colleague drops files into `BACKOFFICE_CONSUME_DIR`
and they become documents, like paperless-ngx's consume folder.

Why each rule:
- a file is read only once its size and modification time have stayed the same for
  `consume_settle_s` (a scanner or an SMB copy writes for a while), and names that look like
  work in progress (hidden, `.part`, `.tmp`, `~`) are left alone;
- inotify (watchdog) wakes the loop at once; network shares do not deliver inotify events,
  so `BACKOFFICE_CONSUME_POLLING=1` polls instead; either way a periodic scan also runs, so a
  missed event delays a file, never loses it;
- a first-level sub-folder can say what the files are (`FOLDER_HINTS`): `invoices/` sets the
  type, `hr/` makes the document confidential from intake on, before anything reads it;
- after processing the file is moved to `done/` or `failed/` (or kept, or deleted; the
  original is already in the store): re-dropping the same bytes is idempotent (content hash);
- every file taken and every failure is counted on the channel's row, shown on the admin
  page with the last error.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from records.channel_state import ChannelReport, report
from records.channels import HR
from records.db import session_scope
from workflow.intake import IntakeHint
from workflow.process import Pipeline
from workflow.settings import Settings

log = logging.getLogger(__name__)

ACTOR = "consume"
DONE_DIR, FAILED_DIR = "done", "failed"
# First-level sub-folder name -> what the way in already knows about its files.
FOLDER_HINTS: dict[str, IntakeHint] = {
    **{name: IntakeHint(doc_type="invoice", source=f"folder:{name}")
       for name in ("invoice", "invoices")},
    **{name: IntakeHint(doc_type="receipt", source=f"folder:{name}")
       for name in ("receipt", "receipts")},
    **{name: IntakeHint(doc_type="contract", source=f"folder:{name}")
       for name in ("contract", "contracts")},
    "hr": IntakeHint(doc_type="hr", channel=HR, source="folder:hr"),
}
WORK_IN_PROGRESS_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial", "~")
RESCAN_S = 5.0  # the periodic scan beside inotify events
ERROR_BACKOFF_S = 30.0


class AfterConsume(StrEnum):
    MOVE = "move"  # to done/ or failed/ beside the files
    KEEP = "keep"  # left where it is; seen files are remembered by size and time
    DELETE = "delete"  # the original is in the document store already


class WatchError(RuntimeError):
    """The watched folder cannot be used (missing, not a folder, not writable)."""


@dataclass(frozen=True, slots=True)
class Consumed:
    """One file taken from the folder."""

    path: Path
    status: str  # the document's status, or "failed"
    document_id: str | None
    error: str | None = None
    moved_to: Path | None = None


@dataclass(slots=True)
class _Seen:
    size: int
    mtime_ns: int
    since: float  # when this size and time were first seen


def hint_for(folder: Path, path: Path) -> IntakeHint | None:
    rel = path.relative_to(folder)
    return FOLDER_HINTS.get(rel.parts[0].lower()) if len(rel.parts) > 1 else None


def _wanted(folder: Path, path: Path) -> bool:
    rel = path.relative_to(folder)
    if rel.parts[0] in (DONE_DIR, FAILED_DIR):
        return False
    if any(part.startswith(".") for part in rel.parts):
        return False
    return not path.name.lower().endswith(WORK_IN_PROGRESS_SUFFIXES)


def _free_name(target: Path) -> Path:
    """`target`, or `name-1.ext`, `name-2.ext`... when a file of that name is there already."""
    if not target.exists():
        return target
    for n in range(1, 10_000):
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
        if not candidate.exists():
            return candidate
    raise WatchError(f"no free name for {target.name} in {target.parent}")


class FolderWatcher:
    """Takes settled files from one folder into the pipeline, one at a time."""

    def __init__(self, settings: Settings, pipeline: Pipeline | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if settings.consume_dir is None:
            raise WatchError("no folder to watch: set BACKOFFICE_CONSUME_DIR or pass --folder")
        self.settings = settings
        self.folder = settings.consume_dir
        try:
            self.after = AfterConsume(settings.consume_after)
        except ValueError:
            raise WatchError(f"BACKOFFICE_CONSUME_AFTER must be move, keep or delete, "
                             f"not {settings.consume_after!r}") from None
        if not self.folder.is_dir():
            raise WatchError(f"the watched folder {self.folder} does not exist or is not a folder")
        self.pipeline = pipeline or Pipeline(settings)
        self.clock = clock
        self.name = f"folder:{self.folder}"
        self._seen: dict[Path, _Seen] = {}
        self._done_keys: set[tuple[Path, int, int]] = set()  # KEEP mode: handled already

    # -------------------------------------------------------------- one pass
    def ready(self) -> list[Path]:
        """Files whose size and time have not changed for the settle time, oldest first."""
        now = self.clock()
        present: set[Path] = set()
        out: list[tuple[int, Path]] = []
        for path in sorted(self.folder.rglob("*")):
            if not path.is_file() or not _wanted(self.folder, path):
                continue
            try:
                st = path.stat()
            except OSError:  # gone between listing and stat
                continue
            present.add(path)
            if (path, st.st_size, st.st_mtime_ns) in self._done_keys:
                continue
            seen = self._seen.get(path)
            if seen is None or (seen.size, seen.mtime_ns) != (st.st_size, st.st_mtime_ns):
                self._seen[path] = _Seen(st.st_size, st.st_mtime_ns, now)
                continue
            if now - seen.since >= self.settings.consume_settle_s:
                out.append((st.st_mtime_ns, path))
        for gone in set(self._seen) - present:
            del self._seen[gone]
        return [p for _, p in sorted(out)]

    def consume(self, path: Path) -> Consumed:
        """Process one settled file and put it away; failures are recorded, never raised."""
        self._seen.pop(path, None)
        try:
            st = path.stat()
        except OSError:  # taken away before we got to it: nothing to do
            return Consumed(path, "gone", None)
        try:
            r = self.pipeline.process_path(path, actor=ACTOR, hint=hint_for(self.folder, path))
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the folder
            log.exception("consuming %s failed", path)
            outcome = Consumed(path, "failed", None, f"{type(exc).__name__}: {exc}"[:500])
        else:
            error = r.get("error") or {}
            outcome = Consumed(path, r.get("status") or "failed", r.get("document_id"),
                               f"{error.get('code')}: {error.get('message')}" if error else None)
        moved = self._put_away(path, outcome, st)
        outcome = Consumed(outcome.path, outcome.status, outcome.document_id, outcome.error, moved)
        self._report(ChannelReport(self.name, "folder", received=1,
                                   failed=int(outcome.status == "failed"),
                                   error=f"{path.name}: {outcome.error}" if outcome.error else None))
        return outcome

    def _put_away(self, path: Path, outcome: Consumed, st: os.stat_result) -> Path | None:
        if self.after is AfterConsume.KEEP:
            self._done_keys.add((path, st.st_size, st.st_mtime_ns))
            return None
        if self.after is AfterConsume.DELETE and outcome.document_id is not None:
            path.unlink(missing_ok=True)
            return None
        # MOVE, and DELETE of a file that never reached the store (it stays, in failed/).
        sub = FAILED_DIR if outcome.status == "failed" else DONE_DIR
        target = _free_name(self.folder / sub / path.relative_to(self.folder))
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)
        return target

    def poll_once(self) -> list[Consumed]:
        return [self.consume(p) for p in self.ready()]

    def drain(self, timeout_s: float = 600.0) -> list[Consumed]:
        """Everything in the folder now, waiting out the settle time (`backoffice watch
        --once`): returns when no file is left to take or still settling."""
        out: list[Consumed] = []
        end = self.clock() + timeout_s
        while self.clock() < end:
            out.extend(self.poll_once())
            if not self._seen:
                break
            time.sleep(min(0.5, self.settings.consume_settle_s / 2 or 0.1))
        return out

    # -------------------------------------------------------------- the loop
    def _report(self, event: ChannelReport) -> None:
        try:
            with session_scope(self.pipeline.sessions) as s:
                report(s, event)
        except Exception:  # noqa: BLE001 - the state row must never stop the folder
            log.exception("could not record the state of %s", self.name)

    def run(self, stop: threading.Event,
            on_consumed: Callable[[Consumed], None] | None = None) -> None:
        """Until `stop` is set: wake on file events (or poll), take settled files."""
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        wake = threading.Event()

        class _Wake(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                wake.set()

        observer = (PollingObserver(timeout=1.0) if self.settings.consume_polling
                    else Observer())
        observer.schedule(_Wake(), str(self.folder), recursive=True)
        observer.start()
        mode = "polling" if self.settings.consume_polling else "inotify"
        self._report(ChannelReport(self.name, "folder", "running", f"watching ({mode}), "
                                   f"after: {self.after.value}"))
        try:
            while not stop.is_set():
                try:
                    for outcome in self.poll_once():
                        if on_consumed is not None:
                            on_consumed(outcome)
                except Exception as exc:  # noqa: BLE001 - report, wait, try again
                    log.exception("watched folder %s", self.folder)
                    self._report(ChannelReport(self.name, "folder", "error",
                                               error=f"{type(exc).__name__}: {exc}"))
                    stop.wait(ERROR_BACKOFF_S)
                    continue
                # While files settle, look again soon; otherwise wait for an event.
                wait = self.settings.consume_settle_s / 2 if self._seen else RESCAN_S
                wake.wait(max(0.1, wait))
                wake.clear()
        finally:
            observer.stop()
            observer.join(timeout=5)
            self._report(ChannelReport(self.name, "folder", "stopped"))


def start_in_background(settings: Settings) -> tuple[threading.Event, threading.Thread] | None:
    """For `backoffice serve`: the folder watched beside the web service, when configured.
    A folder that cannot be used is logged and shown on the admin page; the service starts."""
    if settings.consume_dir is None:
        return None
    try:
        watcher = FolderWatcher(settings)
    except WatchError as exc:
        log.error("watched folder not started: %s", exc)
        try:
            with session_scope(Pipeline(settings).sessions) as s:
                report(s, ChannelReport(f"folder:{settings.consume_dir}", "folder", "error",
                                        error=str(exc)))
        except Exception:  # noqa: BLE001
            log.exception("could not record the watched folder's state")
        return None
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), name="backoffice-watch",
                              daemon=True)
    thread.start()
    return stop, thread
