"""`backoffice eval DIR`: run the pipeline over a labelled corpus and score it.

A fresh temporary data dir is used unless `--data-dir` is given, because the pipeline
is idempotent on content hashes: against an old data dir it would return cached
results and the run would measure nothing. Scoring rules: `evaluation.scoring`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

NAME = "eval"
HELP = "evaluate the pipeline on a labelled corpus (per-field P/R/F1, types, calibration)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("corpus", type=Path, metavar="DIR",
                   help="corpus folder: documents beside <stem>.truth.json files")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder for report.json/report.md "
                        "(default ./reports/eval-<timestamp>/)")
    p.add_argument("--workers", type=int, default=1, help="documents processed in parallel")
    p.add_argument("--limit-per-source", type=int, default=None, metavar="N",
                   help="only the first N documents of each source")
    p.add_argument("--sources", default=None, help="comma-separated sources to evaluate")
    p.add_argument("--data-dir", type=Path, default=None,
                   help="reuse this data dir (default: a fresh temporary one, removed after)")
    p.add_argument("--no-search", action="store_true",
                   help="skip search indexing (faster; it does not affect the scores)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--quiet", action="store_true", help="do not print the summary on stdout")
    p.add_argument("--rescore", type=Path, default=None, metavar="REPORT_JSON",
                   help="do not run the pipeline: re-score the results stored in an earlier "
                        "report.json against DIR's truth files (current scoring rules)")


def _failed(path: Path, code: str, message: str) -> dict[str, Any]:
    return {
        "file": path.name, "sha256": None, "document_id": None, "status": "failed",
        "error": {"code": code, "message": message[:500]}, "doc_type": "other",
        "subtype": None, "type_confidence": 0.0, "pages": 0, "ocr_pages": 0, "fields": {},
        "review": {"needed": False, "reasons": []}, "violations": [], "timings_ms": {},
    }


@contextlib.contextmanager
def _environ(overrides: dict[str, str | None]) -> Iterator[None]:
    """Set (or, for None, remove) environment variables for the duration of a run;
    pool workers read their Settings from the environment."""
    old = {k: os.environ.get(k) for k in overrides}
    try:
        for k, v in overrides.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_pipeline(
    paths: list[Path], data_dir: Path, workers: int, progress: bool = True
) -> tuple[list[dict[str, Any]], float]:
    """Results in input order and the wall time. Whatever a stage does, every path gets
    a result: a crashed batch marks the rest `failed` with code `harness_error`."""
    from tqdm import tqdm

    from workflow.process import process_many
    from workflow.settings import Settings

    settings = Settings.from_env(data_dir)
    settings.ensure_dirs()
    results: list[dict[str, Any]] = []
    bar = tqdm(total=len(paths), unit="doc", file=sys.stderr, dynamic_ncols=True,
               disable=not progress or not paths)
    t0 = time.perf_counter()
    try:
        for r in process_many(paths, settings, workers=max(1, min(workers, len(paths) or 1))):
            results.append(r)
            bar.update(1)
            if r.get("status") == "failed":
                bar.set_postfix(failed=sum(1 for x in results if x.get("status") == "failed"),
                                refresh=False)
    except Exception as exc:  # noqa: BLE001 - report what we have, never lose the run
        msg = f"{type(exc).__name__}: {exc}"
        print(f"backoffice eval: batch aborted after {len(results)} documents: {msg}",
              file=sys.stderr)
        results += [_failed(p, "harness_error", msg) for p in paths[len(results):]]
    wall = time.perf_counter() - t0
    bar.close()
    return results, wall


def run(args: argparse.Namespace) -> int:
    from evaluation.corpus import find_documents
    from evaluation.report import build_report, render_markdown, write_report

    if not args.corpus.is_dir():
        print(f"backoffice eval: no such folder: {args.corpus}", file=sys.stderr)
        return 2
    sources = [s.strip() for s in args.sources.split(",") if s.strip()] if args.sources else None
    docs = find_documents(args.corpus, sources=sources, limit_per_source=args.limit_per_source)
    if not docs:
        print(f"backoffice eval: no documents with truth files under {args.corpus}",
              file=sys.stderr)
        return 2
    started = datetime.now().astimezone()
    out_dir = args.out or Path("reports") / f"eval-{started:%Y%m%d-%H%M%S}"
    if args.rescore is not None:
        return _rescore(args, docs, out_dir)
    env: dict[str, str | None] = {}
    if args.no_search:
        env["BACKOFFICE_SEARCH"] = "0"  # read by every worker's Settings
    if args.data_dir is None:
        env["DATABASE_URL"] = None  # a fresh run needs a fresh (SQLite) database too
    pipe_log = logging.getLogger("workflow.process")
    old_level = pipe_log.level
    if not getattr(args, "verbose", False):
        # failures are listed in the report; per-document tracebacks only with -v
        pipe_log.setLevel(logging.CRITICAL)

    tmp: str | None = None
    data_dir = args.data_dir
    if data_dir is None:
        tmp = tempfile.mkdtemp(prefix="backoffice-eval-")
        data_dir = Path(tmp)
    try:
        with _environ(env):
            results, wall = run_pipeline([d.path for d in docs], data_dir, args.workers,
                                         progress=not args.no_progress)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        pipe_log.setLevel(old_level)

    report = build_report(docs, results, wall, meta={
        "corpus": str(args.corpus),
        "started": started.isoformat(timespec="seconds"),
        "workers": args.workers,
        "sources": sorted({d.source for d in docs}),
        "limit_per_source": args.limit_per_source,
        "search": not args.no_search,
    })
    jp, mp = write_report(report, out_dir)
    if not args.quiet:
        sys.stdout.write(render_markdown(report))
        sys.stdout.flush()
    print(f"wrote {jp} and {mp}", file=sys.stderr)
    return 0


def _rescore(args: argparse.Namespace, docs: list[Any], out_dir: Path) -> int:
    """Rebuild a report from stored results: scoring work without a 20-minute rerun."""
    import json

    from evaluation.report import (
        build_report,
        render_markdown,
        results_from_report,
        write_report,
    )

    try:
        old = json.loads(args.rescore.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"backoffice eval: cannot read {args.rescore}: {exc}", file=sys.stderr)
        return 2
    by_path = {str(d.path.resolve()): d for d in docs}
    kept_docs, kept_results = [], []
    for file, result in results_from_report(old):
        d = by_path.get(str(Path(file).resolve()))
        if d is not None:
            kept_docs.append(d)
            kept_results.append(result)
    if not kept_docs:
        print("backoffice eval: no stored result matches a document of DIR", file=sys.stderr)
        return 2
    meta = {**old.get("meta", {}), "rescored_from": str(args.rescore)}
    meta.pop("scoring_version", None)
    report = build_report(kept_docs, kept_results,
                          float(old.get("throughput", {}).get("wall_s") or 0.0), meta=meta)
    jp, mp = write_report(report, out_dir)
    if not args.quiet:
        sys.stdout.write(render_markdown(report))
    print(f"re-scored {len(kept_docs)} documents; wrote {jp} and {mp}", file=sys.stderr)
    return 0
