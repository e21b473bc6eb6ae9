"""`backoffice search "query"`: hybrid clause search from the command line.

Reads the index under the data dir (BACKOFFICE_DATA_DIR, default ./data) that processing
filled; prints one block per hit, or JSON Lines with --json.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
from pathlib import Path

NAME = "search"
HELP = "search contract clauses (hybrid semantic + keyword)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "query", nargs="?", help="free-text query, e.g. 'termination for convenience'"
    )
    p.add_argument(
        "--reindex",
        action="store_true",
        help="rebuild the index from the database (live contracts), progress on stderr",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar with --reindex")
    p.add_argument("--k", type=int, default=10, help="number of results (default 10)")
    p.add_argument("--mode", choices=("hybrid", "semantic", "keyword"), default="hybrid")
    p.add_argument("--type", dest="doc_type", help="doc_type, e.g. contract")
    p.add_argument("--subtype", help="subtype, e.g. nda")
    p.add_argument("--party", help="party name substring (case-insensitive)")
    p.add_argument("--law", help="governing law, e.g. 'New York'")
    p.add_argument("--clause", help="clause type, e.g. governing_law")
    p.add_argument("--from", dest="date_from", help="effective date from (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="effective date to (YYYY-MM-DD)")
    p.add_argument("--agreement-from", help="agreement date from (YYYY-MM-DD)")
    p.add_argument("--agreement-to", help="agreement date to (YYYY-MM-DD)")
    p.add_argument("--document", action="append", help="restrict to a document id (repeatable)")
    p.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="data dir (default: BACKOFFICE_DATA_DIR or ./data)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per hit on stdout")


def _plain(highlighted: str) -> str:
    """Terminal rendering of a hit: <mark> as [[...]], HTML unescaped."""
    text = highlighted.replace("<mark>", "[[").replace("</mark>", "]]")
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def reindex(args: argparse.Namespace) -> int:
    """Rebuild from the database named by the settings (DATABASE_URL / data dir)."""
    from records.db import init_db
    from search import SearchIndex
    from search.rebuild import reindex_from_db
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    sessions = init_db(settings.database_url)
    index = SearchIndex(settings.data_dir, settings.chroma_url,
                        database_url=settings.database_url)
    try:
        rep = reindex_from_db(index, sessions, progress=not args.no_progress)
    finally:
        index.close()
    print(
        f"reindexed {rep.documents} contracts, {rep.chunks} chunks"
        f" ({rep.reused_vectors} vectors reused), removed {rep.removed},"
        f" failed {len(rep.failed)}" + (f": {', '.join(rep.failed)}" if rep.failed else ""),
        file=sys.stderr,
    )
    return 1 if rep.failed else 0


def run(args: argparse.Namespace) -> int:
    from search import SearchFilters, SearchIndex
    from search.types import date_key

    if args.reindex:
        code = reindex(args)
        if code or not args.query:
            return code
    if not args.query:
        print("backoffice search: a query is required (or --reindex)", file=sys.stderr)
        return 2

    for name in ("date_from", "date_to", "agreement_from", "agreement_to"):
        val = getattr(args, name)
        if val and date_key(val) is None:
            print(f"bad date for --{name.replace('_', '-')}: {val!r}", file=sys.stderr)
            return 2
    data_dir = args.data_dir or Path(os.environ.get("BACKOFFICE_DATA_DIR", "./data"))
    filters = SearchFilters(
        doc_type=args.doc_type,
        subtype=args.subtype,
        party=args.party,
        governing_law=args.law,
        clause_type=args.clause,
        effective_from=args.date_from,
        effective_to=args.date_to,
        agreement_from=args.agreement_from,
        agreement_to=args.agreement_to,
        document_ids=args.document,
    )
    index = SearchIndex(data_dir)
    try:
        hits = index.search(args.query, k=args.k, filters=filters, mode=args.mode)
    finally:
        index.close()
    for i, h in enumerate(hits, start=1):
        if args.json:
            print(json.dumps(h.to_json(), ensure_ascii=False))
        else:
            kinds = f" [{', '.join(h.clause_types)}]" if h.clause_types else ""
            print(f"{i:>2}. {h.filename} p.{h.page}  score {h.score:.4f}{kinds}  {h.link}")
            print(f"    {_plain(h.highlighted)[:400]}")
    if not hits and not args.json:
        print("no results", file=sys.stderr)
    return 0
