"""`backoffice ledger [--status S] [--format csv|json]`: export the AP ledger.

The same CSV as the web page's export, for accounting imports and cron jobs.
"""

from __future__ import annotations

import argparse
import json
import sys

NAME = "ledger"
HELP = "export the AP ledger as CSV or JSON Lines"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from workflow.states import LedgerStatus

    p.add_argument("--status", choices=[s.value for s in LedgerStatus], default=None, help="only entries in this status")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--data-dir", default=None, help="data dir (default: BACKOFFICE_DATA_DIR)")


def run(args: argparse.Namespace) -> int:
    from records import ledger
    from records.db import init_db, session_scope
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    settings.ensure_dirs()
    with session_scope(init_db(settings.database_url)) as s:
        entries = ledger.list_entries(s, args.status)
        if args.format == "csv":
            sys.stdout.write(ledger.entries_csv(entries))
        else:
            for e in entries:
                sys.stdout.write(json.dumps(ledger.entry_json(e)) + "\n")
    return 0
