"""Compliance figures over a processed corpus: automation rate per type, exceptions by
rule and severity, and how often the fields of auto-approved documents are wrong
against the truth files.

    python -m evaluation.compliance DATA_DIR CORPUS_DIR [--rejudge] [--json]

DATA_DIR holds a corpus already processed (`backoffice process CORPUS... --data-dir
DATA_DIR`). `--rejudge` first judges every stored document again under the current
rules, in the order they were processed, as processing would have: the ledger and the
vendor master are rebuilt one document at a time, so a duplicate is found on the later
copy only. Work on a copy of the data dir: it rewrites findings, queues, statuses and
the ledger.

A field of an auto-approved document is an error when the scorer (`evaluation.scoring`,
the rules of `backoffice eval`) finds its value wrong; fields the truth does not label
are not counted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from evaluation.corpus import find_documents
from evaluation.scoring import labelled_fields, score_document
from policies.config import PolicyConfig, load_config
from records.db import init_db, session_scope
from records.models import (
    Document,
    LedgerEntry,
    ReviewTask,
    StatusEvent,
    Vendor,
    ViolationRow,
)
from records.rows import field_rows, fields_from_rows
from workflow import books, controls, judge, metrics
from workflow.errors import Conflict
from workflow.settings import Settings
from workflow.states import DocumentStatus

ACTOR = "evaluation"
JUDGED = (DocumentStatus.AUTO_APPROVED, DocumentStatus.NEEDS_REVIEW,
          DocumentStatus.APPROVED, DocumentStatus.REJECTED)


@dataclass(slots=True)
class FieldErrors:
    """Scored fields with a prediction, and the wrong ones, per document type."""

    checked: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)
    wrong_fields: Counter[str] = field(default_factory=Counter)

    def rate(self, key: str | None = None) -> float | None:
        n = sum(self.checked.values()) if key is None else self.checked[key]
        w = sum(self.wrong.values()) if key is None else self.wrong[key]
        return round(w / n, 4) if n else None


def rejudge_all(session: Session, config: PolicyConfig) -> int:
    """Judge every processed document again under the current rules, oldest first, with
    the ledger, vendor master, findings and queues rebuilt as it goes."""
    docs = list(session.scalars(
        select(Document).where(Document.deleted_at.is_(None),
                               Document.status.in_([s.value for s in JUDGED]))
        .order_by(Document.created_at, Document.id)))
    ids = [d.id for d in docs]
    session.execute(delete(LedgerEntry))
    session.execute(delete(Vendor))
    session.execute(delete(ViolationRow))
    session.execute(delete(ReviewTask))
    session.execute(delete(StatusEvent).where(StatusEvent.document_id.in_(ids)))
    session.flush()
    for doc in docs:
        doc.status = DocumentStatus.NEEDS_REVIEW
        violations, review = judge.evaluate(session, doc, config)
        reasons = judge.file_findings(session, doc, violations, review, ACTOR)
        blocking = [f"violation:{v.rule}" for v in controls.blocking_open(session, doc.id)]
        if blocking and not reasons:
            reasons = doc.review_reasons = blocking
            doc.review_needed = True
        doc.status = DocumentStatus.NEEDS_REVIEW if reasons else DocumentStatus.AUTO_APPROVED
        fields = fields_from_rows(field_rows(session, doc.id))
        try:
            books.file_entry(session, doc, fields, ACTOR)
        except Conflict:  # the same invoice already booked: a person must look
            doc.status = DocumentStatus.NEEDS_REVIEW
            books.file_entry(session, doc, fields, ACTOR)
        session.add(StatusEvent(document_id=doc.id, status=doc.status, actor=ACTOR))
        doc.result = judge.result_json(session, doc)
        session.flush()
    return len(docs)


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def truths_by_content(corpus: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The corpus documents by the sha256 of their file (how a processed document is
    matched to its truth), and each source's labelled fields (what is scored there)."""
    docs = find_documents(corpus)
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for d in docs:
        by_source[d.source].append(d.truth)
    labelled = {src: labelled_fields(truths) for src, truths in by_source.items()}
    return {_sha(d.path): d for d in docs}, labelled


def field_errors(session: Session, corpus: Path) -> tuple[FieldErrors, int]:
    """Errors among the scored fields of auto-approved documents; and how many
    auto-approved documents had a truth file."""
    truth_of, labelled = truths_by_content(corpus)
    out = FieldErrors()
    matched = 0
    for doc in session.scalars(select(Document).where(
            Document.status == DocumentStatus.AUTO_APPROVED, Document.deleted_at.is_(None))):
        cd = truth_of.get(doc.sha256)
        if cd is None:
            continue
        matched += 1
        result = judge.result_json(session, doc)
        for s in score_document(cd.truth, result, labelled[cd.source]):
            if s.correct is None:
                continue  # nothing predicted, or unscorable
            key = doc.doc_type or "other"
            out.checked[key] += 1
            if not s.correct:
                out.wrong[key] += 1
                out.wrong_fields[f"{key}.{s.field}"] += 1
    return out, matched


def report(session: Session, corpus: Path) -> dict[str, Any]:
    m = metrics.compute(session)
    errors, matched = field_errors(session, corpus)
    return {
        "documents": m.documents, "automated": m.automated,
        "automation_rate": m.automation_rate,
        "automation_by_type": [r.to_json() for r in m.by_type],
        "exceptions_by_rule": [{"rule": r, "open": o, "total": t}
                               for r, o, t in m.exceptions_by_rule],
        "exceptions_by_severity": [{"severity": r, "open": o, "total": t}
                                   for r, o, t in m.exceptions_by_severity],
        "auto_approved_with_truth": matched,
        "auto_approved_field_error_rate": errors.rate(),
        "auto_approved_fields_checked": sum(errors.checked.values()),
        "auto_approved_fields_wrong": sum(errors.wrong.values()),
        "auto_approved_error_rate_by_type": {
            k: {"checked": errors.checked[k], "wrong": errors.wrong[k], "rate": errors.rate(k)}
            for k in sorted(errors.checked)},
        "wrong_fields": dict(errors.wrong_fields.most_common()),
    }


def markdown(r: dict[str, Any]) -> str:
    lines = [f"documents judged: {r['documents']}, auto-approved: {r['automated']} "
             f"({r['automation_rate'] * 100:.1f} %)", "", "| type | documents | automated | rate |",
             "| --- | --- | --- | --- |"]
    lines += [f"| {t['key']} | {t['documents']} | {t['automated']} | {t['rate'] * 100:.1f} % |"
              for t in r["automation_by_type"]]
    lines += ["", "| rule | findings | open |", "| --- | --- | --- |"]
    lines += [f"| `{e['rule']}` | {e['total']} | {e['open']} |" for e in r["exceptions_by_rule"]]
    rate = r["auto_approved_field_error_rate"]
    lines += ["", f"auto-approved documents with a truth file: {r['auto_approved_with_truth']}; "
              f"scored fields {r['auto_approved_fields_checked']}, wrong "
              f"{r['auto_approved_fields_wrong']} "
              f"({'n/a' if rate is None else f'{rate * 100:.1f} %'})"]
    for k, v in r["auto_approved_error_rate_by_type"].items():
        lines.append(f"- {k}: {v['wrong']} / {v['checked']} wrong")
    if r["wrong_fields"]:
        lines.append("- wrong fields: " + ", ".join(f"{k} {n}" for k, n in
                                                    r["wrong_fields"].items()))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evaluation.compliance",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("data_dir", type=Path)
    p.add_argument("corpus", type=Path)
    p.add_argument("--rejudge", action="store_true",
                   help="judge every document again under the current rules first")
    p.add_argument("--json", action="store_true", help="JSON instead of Markdown")
    args = p.parse_args(argv)
    settings = Settings.from_env(args.data_dir)
    config = load_config(settings.data_dir)
    config.type_threshold = settings.type_threshold
    with session_scope(init_db(settings.database_url)) as s:
        if args.rejudge:
            n = rejudge_all(s, config)
            print(f"re-judged {n} documents", file=sys.stderr)
            s.flush()
        r = report(s, args.corpus)
    sys.stdout.write(json.dumps(r, indent=2) + "\n" if args.json else markdown(r))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
