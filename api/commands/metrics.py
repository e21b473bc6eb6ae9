"""`backoffice metrics [--format text|json]`: the straight-through figures of the
dashboard (`workflow.metrics`) over every document, for reports and cron jobs."""

from __future__ import annotations

import argparse
import json
import sys

NAME = "metrics"
HELP = "straight-through figures: automation rate, exceptions, time in queue"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--data-dir", default=None, help="data dir (default: BACKOFFICE_DATA_DIR)")


def run(args: argparse.Namespace) -> int:
    from records.db import init_db, session_scope
    from workflow import metrics
    from workflow.settings import Settings

    settings = Settings.from_env(args.data_dir)
    settings.ensure_dirs()
    with session_scope(init_db(settings.database_url)) as s:
        m = metrics.compute(s)
        if args.format == "json":
            sys.stdout.write(json.dumps(m.to_json(), indent=2) + "\n")
            return 0
        out = [f"documents processed: {m.documents}",
               f"automation rate: {m.automation_rate * 100:.1f} % ({m.automated} auto-approved)",
               f"fields corrected per document: {m.corrections_per_document:.2f}",
               "automation by type:"]
        out += [f"  {r.key:<12} {r.rate * 100:5.1f} % of {r.documents}" for r in m.by_type]
        out.append("exceptions by rule (open / all):")
        out += [f"  {rule:<36} {o} / {t}" for rule, o, t in m.exceptions_by_rule]
        out.append("exceptions by severity (open / all):")
        out += [f"  {sev:<8} {o} / {t}" for sev, o, t in m.exceptions_by_severity]
        for q in m.queue_times:
            out.append(f"time in {q.queue} queue: median {q.median_hours} h, "
                       f"p90 {q.p90_hours} h ({q.closed} closed)")
        sys.stdout.write("\n".join(out) + "\n")
    return 0
