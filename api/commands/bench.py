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
from typing import Any

NAME = "bench"
HELP = "measure pipeline throughput (docs/s, pages/s, stage times, peak RSS)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--docs", type=Path, default=None, metavar="DIR",
                   help="benchmark the files of this folder instead of generated inputs")
    p.add_argument("--born-digital", type=int, default=20, metavar="N",
                   help="generated born-digital PDFs (default 20; 0 skips)")
    p.add_argument("--pages", type=int, default=6, metavar="N",
                   help="generated scanned pages (default 6; 0 skips)")
    p.add_argument("--receipts", type=int, default=10, metavar="N",
                   help="generated receipt photos (default 10; 0 skips)")
    p.add_argument("--receipts-dir", type=Path, default=None, metavar="DIR",
                   help="receipt photos to use instead (its first --receipts images)")
    p.add_argument("--no-limits", action="store_true",
                   help="skip the library limits (pdfium, tesseract, OCRmyPDF) and start-up")
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
        render_limits,
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
            if args.receipts > 0:
                sets.append(("receipts", _receipts(args, Path(tmp) / "receipts")))
        if not sets:
            print("backoffice bench: nothing to benchmark", file=sys.stderr)
            return 2
        for name, paths in sets:
            for w in workers:
                print(f"running {name} ({len(paths)} files) with {w} worker(s) ...",
                      file=sys.stderr)
                rows.append(run_config(name, paths, w, search=not args.no_search,
                                       isolate=not args.in_process))

        # a --docs folder of PDFs is compared with pdfium as the born-digital set is
        digital = sets[0][0] if args.docs is not None else "born-digital"
        limits = [] if args.no_limits else _limits(rows, dict(sets), Path(tmp), digital)

    table = render_table(rows)
    sys.stdout.write(table)
    if limits:
        sys.stdout.write("\nSide by side with the libraries alone (same inputs, same run):\n\n")
        sys.stdout.write(render_limits(limits))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        out = args.out / "bench.json"
        out.write_text(json.dumps({
            "started": datetime.now().astimezone().isoformat(timespec="seconds"),
            "table": table_rows(rows),
            "limits": [{"measure": r.measure, "ours": r.ours, "reference": r.reference,
                        "value": r.value, "ratio": r.ratio, "note": r.note} for r in limits],
            "runs": [r.to_json() for r in rows],
        }, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {out}", file=sys.stderr)
    for r in rows:
        for f in r.failures[:5]:
            print(f"failed in {r.input_set}/{r.workers}: {f['file']}: {f['code']}",
                  file=sys.stderr)
    return 0


def _receipts(args: argparse.Namespace, folder: Path) -> list[Path]:
    from evaluation.bench import make_receipt_photos

    if args.receipts_dir is not None:
        photos = sorted(p for p in args.receipts_dir.iterdir()
                        if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
        return photos[: args.receipts]  # read where they are, never copied
    return make_receipt_photos(folder, args.receipts)


def _limits(rows: list[Any], sets: dict[str, list[Path]], tmp: Path,
            digital: str = "born-digital") -> list[Any]:
    """The libraries alone on the same inputs, and the one-file start-up, in this run;
    pdfium alone on the PDFs of the set named `digital`."""
    from evaluation.bench import (
        limit_rows,
        ocrmypdf_pace,
        pdfium_pace,
        scanned_page_images,
        startup_seconds,
        tesseract_pace,
    )

    print("measuring the libraries alone ...", file=sys.stderr)
    pdfs = [p for p in sets.get(digital, []) if p.suffix.lower() == ".pdf"]
    pdfium = pdfium_pace(pdfs) if pdfs else None
    tesseract_s = ocrmypdf_s = None
    missing = False
    if sets.get("scanned"):
        tesseract_s = tesseract_pace(scanned_page_images(sets["scanned"], tmp / "png"))
        ocrmypdf_s = ocrmypdf_pace(sets["scanned"], tmp / "ocrmypdf")
        missing = ocrmypdf_s is None
    text = tmp / "one-file.txt"
    text.write_text(_ONE_FILE, encoding="utf-8")
    command = [sys.executable, "-m", "api.cli", "process", "--no-progress"]
    startup = startup_seconds(command, text)
    startup_existing = startup_seconds(command, text, existing=True)
    python = startup_seconds([sys.executable, "-c", "pass", "--"], text)
    return limit_rows(rows, digital=digital, pdfium=pdfium, tesseract_s=tesseract_s,
                      ocrmypdf_s=ocrmypdf_s,
                      ocrmypdf_missing=missing, startup_s=startup, python_s=python,
                      startup_existing_s=startup_existing)


# A small text document for the start-up figure (an invoice, so classify and extract run).
_ONE_FILE = """INVOICE
Northwind Traders GmbH
Invoice number: INV-2024-0042
Invoice date: 2024-03-05
Total: 1,234.50 EUR
"""
