"""`backoffice bench`: documents/s and pages/s for born-digital and scanned input.

By default it generates its inputs (see `evaluation.bench`): 20 born-digital
invoices/contracts and 6 scanned 300-dpi pages, each set run with 1 and 2 workers,
which stays within a few minutes on a 2-core box. `--docs DIR` benchmarks a folder
instead.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path

NAME = "bench"
HELP = "measure pipeline throughput (docs/s, pages/s, stage times, peak RSS)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--docs", type=Path, default=None, metavar="DIR",
                   help="benchmark the files of this folder instead of generated inputs")
    p.add_argument("--born-digital", type=int, default=20, metavar="N",
                   help="generated born-digital PDFs (default 20; 0 skips)")
    p.add_argument("--pages", type=int, default=6, metavar="N",
                   help="generated scanned pages (default 6; 0 skips)")
    p.add_argument("--workers", default="1,2",
                   help="comma-separated worker counts to compare (default 1,2)")
    p.add_argument("--out", type=Path, default=None, help="folder to write bench.json into")
    p.add_argument("--no-search", action="store_true", help="skip search indexing")
    p.add_argument("--in-process", action="store_true",
                   help="run in this interpreter (faster start; RSS then mixes runs)")


def run(args: argparse.Namespace) -> int:
    from api.commands.process import walk
    from evaluation.bench import (
        make_born_digital,
        make_scanned,
        render_table,
        run_config,
        table_rows,
    )

    try:
        workers = [int(w) for w in str(args.workers).split(",") if w.strip()]
    except ValueError:
        print(f"backoffice bench: bad --workers {args.workers!r}", file=sys.stderr)
        return 2
    if not workers or min(workers) < 1:
        print("backoffice bench: --workers needs positive integers", file=sys.stderr)
        return 2

    rows = []
    with tempfile.TemporaryDirectory(prefix="backoffice-bench-in-") as tmp:
        sets: list[tuple[str, list[Path]]] = []
        if args.docs is not None:
            if not args.docs.exists():
                print(f"backoffice bench: no such folder: {args.docs}", file=sys.stderr)
                return 2
            files = walk([args.docs])
            if files:
                sets.append((args.docs.name or "docs", files))
        else:
            print("generating inputs ...", file=sys.stderr)
            if args.born_digital > 0:
                sets.append(("born-digital",
                             make_born_digital(Path(tmp) / "digital", args.born_digital)))
            if args.pages > 0:
                sets.append(("scanned", make_scanned(Path(tmp) / "scanned", args.pages)))
        if not sets:
            print("backoffice bench: nothing to benchmark", file=sys.stderr)
            return 2
        for name, paths in sets:
            for w in workers:
                print(f"running {name} ({len(paths)} files) with {w} worker(s) ...",
                      file=sys.stderr)
                rows.append(run_config(name, paths, w, search=not args.no_search,
                                       isolate=not args.in_process))

    table = render_table(rows)
    sys.stdout.write(table)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        out = args.out / "bench.json"
        out.write_text(json.dumps({
            "started": datetime.now().astimezone().isoformat(timespec="seconds"),
            "table": table_rows(rows),
            "runs": [r.to_json() for r in rows],
        }, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    for r in rows:
        for f in r.failures[:5]:
            print(f"failed in {r.input_set}/{r.workers}: {f['file']}: {f['code']}",
                  file=sys.stderr)
    return 0
