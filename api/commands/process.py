"""`backoffice process PATH... [--json]`: the batch entry point of CONTRACT.md.

JSON Lines on stdout in input order; progress and logs on stderr only. Exit 0
when every file was handled (failed files included), non-zero when the command
itself cannot run or the data dir's disk filled up (`disk_full`: those files were
not stored).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

NAME = "process"
HELP = "process files or folders into checked records (JSON Lines with --json)"

EXIT_BAD_ARGS = 2
EXIT_DATA_DIR = 3
EXIT_DISK_FULL = 4


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="file or folder")
    p.add_argument("--json", action="store_true", help="one JSON object per file on stdout")
    p.add_argument("--workers", type=int, default=None,
                   help="documents processed in parallel (default: BACKOFFICE_WORKERS or cores)")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="data dir (default: BACKOFFICE_DATA_DIR or ./data)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def walk(paths: list[Path]) -> list[Path]:
    """Files in the order given; folders recursively, sorted, hidden entries skipped."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                rel = child.relative_to(p)
                if any(part.startswith(".") for part in rel.parts):
                    continue
                if child.is_file():
                    out.append(child)
        else:
            out.append(p)
    return out


def human_line(r: dict[str, Any]) -> str:
    if r["status"] == "failed":
        return f"FAILED  {r['file']}: {r['error']['code']}: {r['error']['message']}"
    reasons = ", ".join(r["review"]["reasons"][:3])
    return (
        f"{r['status']:<13} {r['file']}: {r['doc_type']}"
        f"{'/' + r['subtype'] if r.get('subtype') else ''} ({r['type_confidence']:.2f}), "
        f"{len(r['fields'])} fields, {len(r['violations'])} violations"
        + (f" [{reasons}]" if reasons else "")
    )


class _NoProgress:
    """The progress bar's calls, doing nothing (no bar is drawn)."""

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix(self, *args: Any, **kwargs: Any) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, shown: bool) -> Any:
    """A tqdm bar on stderr for a batch; none for one file or with --no-progress (tqdm
    is then not even imported: ~20 ms of a one-file run's start)."""
    if not shown or total <= 1:
        return _NoProgress()
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True)


def run(args: argparse.Namespace) -> int:
    from workflow.warm import pause_gc, resume_gc

    # the collector stays out of the imports and model loading (`workflow.warm.pause_gc`)
    pause_gc()
    try:
        return _run(args)
    finally:
        resume_gc(more_to_come=False, exiting=_exiting(args))


def _exiting(args: argparse.Namespace) -> bool:
    """Whether the process ends after this command (`api.cli.main`'s `exiting`)."""
    return bool(getattr(args, "exiting", False))


def _run(args: argparse.Namespace) -> int:
    from workflow.settings import Settings
    from workflow.warm import resume_gc

    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"backoffice process: no such file or folder: {', '.join(missing)}",
              file=sys.stderr)
        return EXIT_BAD_ARGS
    settings = Settings.from_env(args.data_dir)
    try:
        settings.ensure_dirs()
    except OSError as exc:
        print(f"backoffice process: data dir {settings.data_dir} is not writable: {exc}",
              file=sys.stderr)
        return EXIT_DATA_DIR
    files = walk(args.paths)
    workers = min(args.workers or settings.workers, max(1, len(files)))
    if workers > 1:  # forked workers would inherit a paused collector; the pool's parent
        resume_gc(more_to_come=False)  # pauses it for its own warm-up (`workflow.warm`)

    from records.faults import DISK_FULL
    from workflow.process import process_many

    bar = _progress(len(files), shown=not args.no_progress)
    counts: dict[str, int] = {}
    disk_full = 0
    for done, r in enumerate(process_many(files, settings, workers=workers), start=1):
        # the first document loaded what the batch needs: the collector runs again
        resume_gc(more_to_come=done < len(files), exiting=_exiting(args))
        counts[r["status"]] = counts.get(r["status"], 0) + 1
        disk_full += (r.get("error") or {}).get("code") == DISK_FULL
        bar.update(1)
        bar.set_postfix(counts, refresh=False)
        if args.json:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(human_line(r) + "\n")
        sys.stdout.flush()
    bar.close()
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no files"
    print(f"processed {len(files)} file(s): {summary}", file=sys.stderr)
    if disk_full:
        print(f"backoffice process: the data dir's disk is full; {disk_full} file(s) could not "
              "be stored (error code disk_full)", file=sys.stderr)
        return EXIT_DISK_FULL
    return 0
