"""`backoffice metrics [--format text|json]`: the straight-through figures of the
dashboard (`workflow.metrics`) over every document, for reports and cron jobs."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

NAME = "metrics"
HELP = "straight-through figures: automation rate, exceptions, time in queue, QA agreement"


def _pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f} %"


def _qa_lines(qa: Any) -> list[str]:
    """QA error rate among auto-approved documents and reviewer agreement per field."""
    out = [f"QA error rate among auto-approved: {_pct(qa.error_rate)} of "
           f"{qa.sample.reviewed} reviewed ({qa.sample.open} open); fields wrong: "
           f"{_pct(qa.field_error_rate)} of {qa.sample.fields_compared}"]
    for title, fig in (("machine vs QA reviewer", qa.sample),
                       ("reviewer vs second reviewer", qa.second)):
        out.append(f"agreement, {title}: {_pct(fig.field_agreement)} of "
                   f"{fig.fields_compared} fields in {fig.reviewed} documents")
        out += [f"  {f.name:<16} {_pct(f.rate):>7} of {f.pairs}"
                + (f", kappa {f.kappa:.2f}" if f.kappa is not None else "")
                for f in fig.by_field]
    return out


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
        out += _qa_lines(m.qa)
        sys.stdout.write("\n".join(out) + "\n")
    return 0
