"""What the decision log costs: tracing the rules, appending and committing, verifying.

    .venv/bin/python benchmarks/decision_log.py [--evaluations 200] [--repeat 2000]

One synthetic invoice (15 applicable AP rules, one earlier invoice of the same vendor in
an in-memory context) is evaluated plainly and traced; then evaluated, logged and
committed `--evaluations` times on a fresh SQLite file; then the whole chain is verified.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from extractors.types import Field
from policies import MemoryPolicyContext, PolicyConfig, evaluate, vendor_key
from policies.logged import evaluate_logged
from policies.trace import evaluate_traced
from records import decisions
from records.db import init_db, session_scope
from records.models import DecisionRow

INVOICE = dict(
    vendor_name="Acme Widgets GmbH", vendor_tax_id="DE123456789", invoice_number="INV-0042",
    invoice_date="2026-03-10", due_date="2026-04-09", subtotal="100.00", tax_amount="19.00",
    total_amount="119.00", currency="EUR", iban="DE89370400440532013000",
)
TODAY = date(2026, 3, 16)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--evaluations", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=2000)
    args = ap.parse_args()
    fields = {k: Field(value=v, normalized=v, confidence=0.99) for k, v in INVOICE.items()}
    ctx = MemoryPolicyContext()
    ctx.add_invoice("doc_old", vendor_key(fields), "INV-0042", "119.00", "2026-03-09")
    config = PolicyConfig()

    def per_call(fn) -> float:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        for _ in range(args.repeat):
            fn("invoice", None, fields, ctx, config, document_id="doc_new", today=TODAY)
        return (time.perf_counter() - start) / args.repeat * 1e3

    print(f"evaluate        {per_call(evaluate):.3f} ms per invoice")
    print(f"evaluate_traced {per_call(evaluate_traced):.3f} ms per invoice")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "log.db"
        sessions = init_db(f"sqlite:///{db}")
        start = time.perf_counter()
        for _ in range(args.evaluations):
            with session_scope(sessions) as s:
                evaluate_logged(s, "invoice", None, fields, ctx, config,
                                document_id="doc_new", today=TODAY)
        logged = (time.perf_counter() - start) / args.evaluations * 1e3
        with session_scope(sessions) as s:
            rows = s.scalar(select(func.count()).select_from(DecisionRow))
            payload = s.scalar(select(func.sum(func.length(DecisionRow.payload))))
            start = time.perf_counter()
            report = decisions.verify(s)
            verify_s = time.perf_counter() - start
        print(f"evaluate_logged + commit (SQLite) {logged:.2f} ms per invoice, "
              f"{rows // args.evaluations} rows, {payload / args.evaluations / 1024:.1f} KiB "
              "payload per evaluation")
        print(f"verify {report.rows} rows in {verify_s:.2f} s ({report.rows / verify_s:.0f} "
              f"rows/s), intact={report.intact}")


if __name__ == "__main__":
    main()
