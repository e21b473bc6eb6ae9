"""What random QA would find on a processed corpus if the QA reviewer read every document
right: the truth files play the blind second reader of the auto-approved documents.

    python -m evaluation.qa_check DATA_DIR CORPUS_DIR [--json]

For every auto-approved document with a truth file, each QA field of its type
(`[qa] fields`) that the truth labels is compared the way a QA review compares it
(`workflow.qa.canonical`). Reported: the QA error rate among auto-approved documents and
per field, how many of them the `[qa]` rate would draw, and how often the QA comparison
and the scorer of `backoffice eval` (`evaluation.scoring`) call the same field wrong, so
the comparison rules are checked against the project's scorer.

DATA_DIR is opened through the migrations: work on a copy of another run's data dir.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from evaluation.compliance import truths_by_content
from evaluation.scoring import UNSCORABLE, score_document, truth_values
from policies.config import load_config
from records.db import init_db, session_scope
from records.models import Document
from records.rows import field_rows
from workflow import judge, qa
from workflow.errors import Invalid
from workflow.settings import Settings
from workflow.states import DocumentStatus


@dataclass(slots=True)
class QaCheck:
    documents: int = 0  # auto-approved with a truth file
    drawn: int = 0  # of those, drawn at the configured rate
    with_error: int = 0  # with at least one compared field wrong
    pairs: Counter[str] = field(default_factory=Counter)
    wrong: Counter[str] = field(default_factory=Counter)
    unreadable_truth: int = 0
    scorer_agrees: int = 0  # the QA comparison and the scorer give the same verdict
    scorer_compared: int = 0

    def to_json(self) -> dict[str, Any]:
        fields = sorted(self.pairs)
        pairs = sum(self.pairs.values())
        return {
            "auto_approved_with_truth": self.documents, "drawn_at_rate": self.drawn,
            "documents_with_error": self.with_error,
            "qa_error_rate": round(self.with_error / self.documents, 4)
            if self.documents else None,
            "fields_compared": pairs, "fields_wrong": sum(self.wrong.values()),
            "field_error_rate": round(sum(self.wrong.values()) / pairs, 4) if pairs else None,
            "by_field": [{"field": f, "pairs": self.pairs[f], "wrong": self.wrong[f]}
                         for f in fields],
            "unreadable_truth_values": self.unreadable_truth,
            "scorer_verdict_agreement": round(self.scorer_agrees / self.scorer_compared, 4)
            if self.scorer_compared else None,
            "scorer_compared": self.scorer_compared,
        }


def check(data_dir: Path, corpus: Path) -> QaCheck:
    settings = Settings.from_env(data_dir)
    config = load_config(settings.data_dir)
    truth_of, labelled = truths_by_content(corpus)
    out = QaCheck()
    with session_scope(init_db(settings.database_url)) as s:
        for doc in s.scalars(select(Document).where(
                Document.status == DocumentStatus.AUTO_APPROVED,
                Document.deleted_at.is_(None))):
            cd = truth_of.get(doc.sha256)
            if cd is None:
                continue
            out.documents += 1
            out.drawn += qa.is_sampled(config, qa.QaKind.SAMPLE, doc.doc_type, doc.sha256)
            machine = qa.first_values(s, doc, config)
            truth = truth_values(cd.truth)
            verdicts = {sc.field: sc.correct for sc in score_document(
                cd.truth, judge.result_json(s, doc), labelled[cd.source])}
            rows = {r.name for r in field_rows(s, doc.id)}
            wrong_here = False
            for name in machine:
                if name not in labelled[cd.source] or truth.get(name) is UNSCORABLE:
                    continue
                try:
                    expected = qa.canonical(name, truth.get(name))
                except Invalid:
                    out.unreadable_truth += 1
                    continue
                agree = machine[name] == expected
                out.pairs[name] += 1
                out.wrong[name] += not agree
                wrong_here |= not agree
                if verdicts.get(name) is not None and name in rows:
                    out.scorer_compared += 1
                    out.scorer_agrees += agree == verdicts[name]
            out.with_error += wrong_here
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("data_dir", type=Path)
    p.add_argument("corpus", type=Path)
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    got = check(args.data_dir, args.corpus).to_json()
    if args.json:
        sys.stdout.write(json.dumps(got, indent=2) + "\n")
        return 0
    lines = [f"auto-approved with a truth file: {got['auto_approved_with_truth']} "
             f"({got['drawn_at_rate']} drawn at the [qa] rate)",
             f"QA error rate (a field wrong): {got['qa_error_rate']} "
             f"({got['documents_with_error']} documents)",
             f"fields wrong: {got['fields_wrong']} of {got['fields_compared']} "
             f"({got['field_error_rate']})"]
    lines += [f"  {f['field']:<16} {f['wrong']} wrong of {f['pairs']}" for f in got["by_field"]]
    lines.append(f"QA comparison and scorer give the same verdict: "
                 f"{got['scorer_verdict_agreement']} of {got['scorer_compared']} fields")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
