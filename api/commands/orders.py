"""`backoffice orders import FILE [--receipts]`: purchase orders (or goods receipts)
from CSV for the three-way match, as the Purchase orders page imports them; undecided
invoices they concern are judged again."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

NAME = "orders"
HELP = "import purchase orders or goods receipts from CSV (three-way match)"
EXIT_INVALID = 2


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=("import",))
    p.add_argument("file", type=Path, help="CSV with a header row")
    p.add_argument("--receipts", action="store_true", help="the file holds goods receipts")
    p.add_argument("--data-dir", default=None, help="data dir (default: BACKOFFICE_DATA_DIR)")


def run(args: argparse.Namespace) -> int:
    from policies.config import load_config
    from records.db import init_db, session_scope
    from workflow import orders
    from workflow.errors import WorkflowError
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    settings.ensure_dirs()
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"backoffice orders: cannot read {args.file}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    path = settings.data_dir / "policies.toml"
    config = load_config(path if path.exists() else None)
    config.type_threshold = settings.type_threshold
    try:
        with session_scope(init_db(settings.database_url)) as s:
            if args.receipts:
                result = orders.import_receipts(s, orders.parse_receipts_csv(text), "cli", config)
            else:
                result = orders.import_orders(s, orders.parse_orders_csv(text), "cli", config)
    except WorkflowError as exc:
        print(f"backoffice orders: {exc}", file=sys.stderr)
        return EXIT_INVALID
    sys.stdout.write(json.dumps(result.to_json()) + "\n")
    return 0
