"""`backoffice watch [--folder DIR] [--once]`: the watched folder on its own (`backoffice
serve` also watches it when BACKOFFICE_CONSUME_DIR is set). See `api.watch`."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

NAME = "watch"
HELP = "take files dropped into a folder (BACKOFFICE_CONSUME_DIR) into processing"

EXIT_BAD_FOLDER = 2


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--folder", type=Path, default=None,
                   help="folder to watch (default: BACKOFFICE_CONSUME_DIR)")
    p.add_argument("--after", choices=("move", "keep", "delete"), default=None,
                   help="what to do with a consumed file (default: BACKOFFICE_CONSUME_AFTER "
                        "or move to done/ and failed/)")
    p.add_argument("--polling", action="store_true",
                   help="poll instead of inotify (network shares)")
    p.add_argument("--once", action="store_true",
                   help="take what is in the folder now, then exit")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="data dir (default: BACKOFFICE_DATA_DIR or ./data)")


def _line(c: object) -> str:
    from api.watch import Consumed

    assert isinstance(c, Consumed)
    where = f" -> {c.moved_to}" if c.moved_to else ""
    if c.status == "failed":
        return f"FAILED  {c.path.name}: {c.error}{where}"
    return f"{c.status:<13} {c.path.name} ({c.document_id}){where}"


def run(args: argparse.Namespace) -> int:
    from api.watch import FolderWatcher, WatchError
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    if args.folder is not None:
        settings.consume_dir = args.folder.resolve()
    if args.after:
        settings.consume_after = args.after
    settings.consume_polling = settings.consume_polling or args.polling
    try:
        watcher = FolderWatcher(settings)
    except WatchError as exc:
        print(f"backoffice watch: {exc}", file=sys.stderr)
        return EXIT_BAD_FOLDER
    if args.once:
        done = watcher.drain()
        for c in done:
            print(_line(c), flush=True)
        failed = sum(c.status == "failed" for c in done)
        print(f"took {len(done)} file(s), {failed} failed", file=sys.stderr)
        return 0
    print(f"watching {watcher.folder} (Ctrl-C to stop)", file=sys.stderr)
    stop = threading.Event()
    try:
        watcher.run(stop, on_consumed=lambda c: print(_line(c), flush=True))
    except KeyboardInterrupt:
        stop.set()
    return 0
