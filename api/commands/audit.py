"""`backoffice audit verify`: check that the decision log is the one that was written.

Walks the hash chain of every rule evaluation and human decision; exit status 0 with the
row count and head hash when it is intact, 1 naming the first broken row when not.
Writing down the printed head (`SEQ:HASH`) somewhere else and passing it later with
`--anchor` also catches a log rewritten and re-hashed from the start.
"""

from __future__ import annotations

import argparse
import json
import sys

NAME = "audit"
HELP = "check the decision log's hash chain (verify)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=None, help="data dir (default: BACKOFFICE_DATA_DIR)")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    v = sub.add_parser("verify", help="walk the decision log's hash chain")
    v.add_argument("--anchor", action="append", default=[], metavar="SEQ:HASH",
                   help="a head printed earlier: row SEQ must still have this hash; repeatable")
    v.add_argument("--json", action="store_true", help="print the report as JSON")


def _anchor(text: str) -> tuple[int, str]:
    seq, sep, digest = text.partition(":")
    if not sep or not seq.isdigit() or len(digest) != 64:
        raise ValueError(f"an anchor is SEQ:HASH (64 hex digits), not {text!r}")
    return int(seq), digest.lower()


def run(args: argparse.Namespace) -> int:
    from records import decisions
    from records.db import init_db, session_scope
    from workflow.settings import Settings

    try:
        anchors = [_anchor(a) for a in args.anchor]
    except ValueError as exc:
        print(f"backoffice audit: {exc}", file=sys.stderr)
        return 2
    settings = Settings.from_env(args.data_dir)
    settings.ensure_dirs()
    with session_scope(init_db(settings.database_url)) as s:
        report = decisions.verify(s, dict(anchors))
    broken = report.broken
    if args.json:
        print(json.dumps({"intact": broken is None, "rows": report.rows,
                          "head": f"{report.head_seq}:{report.head_hash}",
                          "broken_row": broken.seq if broken else None,
                          "problem": broken.problem if broken else None}))
    if broken is not None:
        print(f"decision log BROKEN at row {broken.seq}: {broken.problem}", file=sys.stderr)
        return 1
    if not args.json:
        print(f"decision log intact: {report.rows} rows; head "
              f"{report.head_seq}:{report.head_hash}")
    return 0
