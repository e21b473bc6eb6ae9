"""`python -m evaluation.qa_check`: the truth file as a perfect blind QA reader of the
auto-approved documents of a processed corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI

from evaluation.qa_check import check, main
from records.db import session_scope
from records.models import Document
from tests.api.conftest import app  # noqa: F401  (pytest fixture, used by name)
from tests.workflow.test_qa import _auto_approved


def test_truth_as_qa_reader_finds_the_wrong_field(app: FastAPI, data_dir: Path,  # noqa: F811
                                                  tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    doc_id = _auto_approved(app)
    with session_scope(app.state.sessions) as s:
        sha = s.get(Document, doc_id).sha256
    app.state.jobs.shutdown()
    corpus = tmp_path / "corpus" / "src"
    corpus.mkdir(parents=True)
    (corpus / "a.pdf").write_bytes(app.state.blobs.get(sha))
    (corpus / "a.truth.json").write_text(json.dumps({
        "doc_type": "invoice",
        "fields": {"vendor_name": "Northwind Traders GmbH", "total_amount": "1,109.00",
                   "invoice_date": "2024-03-05"},
        "normalized": {"vendor_name": "Northwind Traders GmbH", "total_amount": "1109.00",
                       "invoice_date": "2024-03-05"}}), encoding="utf-8")
    got = check(data_dir, tmp_path / "corpus").to_json()
    assert got["auto_approved_with_truth"] == 1 and got["documents_with_error"] == 1
    assert got["fields_compared"] == 3 and got["fields_wrong"] == 1
    assert {f["field"]: f["wrong"] for f in got["by_field"]} == {
        "invoice_date": 0, "total_amount": 1, "vendor_name": 0}
    assert got["scorer_compared"] == 3 and got["scorer_verdict_agreement"] == 1.0
    assert main([str(data_dir), str(tmp_path / "corpus")]) == 0
    assert "fields wrong: 1 of 3" in capsys.readouterr().out
