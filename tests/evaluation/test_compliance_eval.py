"""`python -m evaluation.compliance`: re-judging a processed corpus in processing order
finds a duplicate on the later copy only, and the error rate of auto-approved fields is
counted against the truth files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from evaluation.compliance import main
from records.db import init_db, session_scope
from records.models import Document, ViolationRow
from tests.conftest import INVOICE_LINES, make_pdf
from workflow.settings import Settings


def _truth(path: Path, number: str, total: str) -> None:
    path.with_name(path.stem + ".truth.json").write_text(json.dumps({
        "doc_type": "invoice",
        "fields": {"invoice_number": number, "total_amount": total},
        "normalized": {"invoice_number": number, "total_amount": total}}), encoding="utf-8")


@pytest.mark.slow
def test_rejudge_and_auto_approved_error_rate(data_dir: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture) -> None:
    from workflow.process import Pipeline

    corpus = tmp_path / "corpus" / "mini"
    corpus.mkdir(parents=True)
    first = make_pdf(corpus / "a.pdf", INVOICE_LINES)
    again = [x.replace("INV-2024-0113", "INV-2024-0118") for x in INVOICE_LINES]
    second = make_pdf(corpus / "b.pdf", again)
    _truth(first, "INV-2024-0113", "1190.00")
    _truth(second, "INV-2024-0118", "999.00")  # the truth disagrees with the total read
    pipe = Pipeline(Settings.from_env())
    pipe.policy_config.disabled_rules = ["ap.fuzzy_duplicate"]  # an older rule set
    a = pipe.process_path(first)
    b = pipe.process_path(second)
    sessions = init_db(Settings.from_env().database_url)
    with session_scope(sessions) as s:
        assert not s.scalars(select(ViolationRow).where(
            ViolationRow.rule == "ap.fuzzy_duplicate")).all()
    assert main([str(data_dir), str(tmp_path / "corpus"), "--rejudge", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["documents"] == 2
    fuzzy = [e for e in got["exceptions_by_rule"] if e["rule"] == "ap.fuzzy_duplicate"]
    assert fuzzy == [{"rule": "ap.fuzzy_duplicate", "open": 1, "total": 1}]
    with session_scope(sessions) as s:
        found = s.scalars(select(ViolationRow.document_id).where(
            ViolationRow.rule == "ap.fuzzy_duplicate")).all()
        assert found == [b["document_id"]]  # the later copy only
        for doc_id in (a["document_id"], b["document_id"]):
            s.get(Document, doc_id).status = "auto_approved"
    assert main([str(data_dir), str(tmp_path / "corpus"), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["auto_approved_with_truth"] == 2
    assert got["auto_approved_fields_checked"] == 4
    assert got["auto_approved_fields_wrong"] == 1
    assert got["wrong_fields"] == {"invoice.total_amount": 1}
