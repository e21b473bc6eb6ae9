"""`backoffice ledger [--status S] [--format csv|json|ubl] [--out DIR]`: export the AP ledger.

The same CSV as the web page's export, for accounting imports and cron jobs; `ubl` writes
each approved or paid invoice as a UBL 2.1 file into `--out` (see `api/ubl.py`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

NAME = "ledger"
HELP = "export the AP ledger as CSV or JSON Lines"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from workflow.states import LedgerStatus

    p.add_argument("--status", choices=[s.value for s in LedgerStatus], default=None, help="only entries in this status")
    p.add_argument("--format", choices=("csv", "json", "ubl"), default="csv",
                   help="csv, json (JSON Lines) or ubl (one UBL 2.1 file per approved invoice)")
    p.add_argument("--out", type=Path, default=None, help="folder for --format ubl")
    p.add_argument("--data-dir", default=None, help="data dir (default: BACKOFFICE_DATA_DIR)")


def run(args: argparse.Namespace) -> int:
    from records import ledger
    from records.db import init_db, session_scope
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    settings.ensure_dirs()
    with session_scope(init_db(settings.database_url)) as s:
        entries = ledger.list_entries(s, args.status)
        if args.format == "ubl":
            return _write_ubl(s, entries, args.out)
        if args.format == "csv":
            sys.stdout.write(ledger.entries_csv(entries))
        else:
            for e in entries:
                sys.stdout.write(json.dumps(ledger.entry_json(e)) + "\n")
    return 0


def _write_ubl(session: Any, entries: list[Any], out: Path | None) -> int:
    from api.ubl import EXPORTABLE, UblExportError, entry_ubl

    if out is None:
        print("backoffice ledger: --format ubl needs --out FOLDER", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    written = failed = 0
    for entry in entries:
        if entry.status not in EXPORTABLE:
            continue
        try:
            invoice = entry_ubl(session, entry)
        except UblExportError as exc:
            print(f"skipped: {exc}", file=sys.stderr)
            failed += 1
            continue
        tmp = out / f".{invoice.filename}.tmp"
        tmp.write_bytes(invoice.xml)
        tmp.replace(out / invoice.filename)  # a reader never sees half a file
        written += 1
    print(f"wrote {written} UBL invoice(s) to {out}" + (f", {failed} skipped" if failed else ""),
          file=sys.stderr)
    return 1 if failed else 0
