"""The decision log end to end: processing and re-checks record every rule evaluation,
reviewers' corrections and decisions are recorded with who, what and why; `backoffice
audit verify` finds a changed or removed row; `backoffice policies replay` gives the
recorded outcome per rule and says when the recorded policy version is another."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from api.cli import main
from records import decisions
from records.db import session_scope
from records.models import DecisionRow, LedgerEntry, ViolationRow
from tests.api.test_web_support import INVOICE_FIELDS, add_user, login, seed_document
from tests.conftest import INVOICE_LINES, make_pdf


def _rows(app: FastAPI) -> list[DecisionRow]:
    with session_scope(app.state.sessions) as s:
        return list(s.scalars(select(DecisionRow).order_by(DecisionRow.seq)))


def _tamper(app: FastAPI, sql: str, **params: object) -> None:
    """Raw SQL by someone who dropped the append-only triggers first."""
    with session_scope(app.state.sessions) as s:
        s.execute(text("DROP TRIGGER IF EXISTS decision_log_no_update"))
        s.execute(text("DROP TRIGGER IF EXISTS decision_log_no_delete"))
        s.execute(text(sql), params)


def test_reviewers_decisions_are_logged_and_verified(app: FastAPI, client: TestClient,
                                                     capsys: pytest.CaptureFixture) -> None:
    add_user(app, "pat", "ap")
    add_user(app, "ann", "approver")
    first = seed_document(app, "invoice", INVOICE_FIELDS)
    second = seed_document(app, "invoice", INVOICE_FIELDS)  # same vendor and number
    token = login(client, "pat")
    r = client.post(f"/documents/{first}/fields",
                    data={"name": "total_amount", "value": "1.290,00", "csrf_token": token})
    assert r.status_code == 200 and "Saved total_amount" in r.text
    with session_scope(app.state.sessions) as s:
        dup = s.scalar(select(ViolationRow).where(ViolationRow.document_id == second,
                                                  ViolationRow.rule == "ap.duplicate_invoice"))
        assert dup is not None
    client.post("/logout", data={"csrf_token": token})
    token = login(client, "ann")
    r = client.post(f"/violations/{dup.id}", data={"action": "resolve",
                                                   "resolution": "accepted_risk",
                                                   "note": "credit note", "csrf_token": token})
    assert r.status_code == 200
    r = client.post(f"/documents/{second}/decision",
                    data={"decision": "reject", "note": "sent twice", "csrf_token": token})
    assert r.status_code == 200

    human = [r for r in _rows(app) if r.kind == "human"]
    said = [(r.actor, r.action, r.document_id, r.subject, r.reason) for r in human]
    assert said == [
        ("pat", "field.correct", first, "field:total_amount", None),
        ("ann", "finding.accepted_risk", second, f"finding:{dup.id}", "credit note"),
        ("ann", "document.reject", second, "status", "sent twice"),
        ("ann", "ledger.rejected", second, _ledger_subject(app, second), None),
    ]
    correction = decisions.payload_of(human[0])
    assert correction["before"]["value"] == "1,190.00"
    assert correction["after"]["normalized"] == "1290.00"
    assert decisions.payload_of(human[2])["roles"] == ["approver"]

    policy = [r for r in _rows(app) if r.kind == "policy"]
    # seeding checks each document once; the correction re-checks the first
    assert len({r.evaluation_id for r in policy}) == 3
    assert {r.policy_version for r in policy} == {"2026.1"}
    assert ("ap.duplicate_invoice", "fail") in {(r.rule, r.outcome) for r in policy
                                               if r.document_id == second}

    capsys.readouterr()
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert f"decision log intact: {len(_rows(app))} rows" in out

    capsys.readouterr()
    assert main(["policies", "replay", second]) == 0
    out = capsys.readouterr().out
    assert "ap.duplicate_invoice" in out and " NO" not in out
    assert "policy version 2026.1 (running 2026.1)" in out and "NOTE" not in out

    target = next(r for r in policy if r.document_id == second
                  and r.rule == "ap.duplicate_invoice")
    record = decisions.payload_of(target)
    record["inputs"]["context"][0]["answer"] = []  # "no earlier invoice had that number"
    _tamper(app, "UPDATE decision_log SET payload = :payload WHERE seq = :seq",
            payload=decisions.canonical_json(record), seq=target.seq)
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"BROKEN at row {target.seq}" in err and "changed" in err
    # the forged inputs no longer give the recorded outcome either
    assert main(["policies", "replay", second]) == 1
    assert "ap.duplicate_invoice     fail      pass      NO" in capsys.readouterr().out


def _ledger_subject(app: FastAPI, document_id: str) -> str:
    with session_scope(app.state.sessions) as s:
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == document_id))
        return f"ledger:{entry.id}"


def test_removed_row_is_named_and_anchor_catches_a_rewrite(
        app: FastAPI, capsys: pytest.CaptureFixture) -> None:
    seed_document(app, "invoice", INVOICE_FIELDS)
    rows = _rows(app)
    capsys.readouterr()
    assert main(["audit", "verify", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["intact"] and report["rows"] == len(rows)
    anchor = report["head"]
    assert main(["audit", "verify", "--anchor", anchor]) == 0
    assert main(["audit", "verify", "--anchor", "3:" + "0" * 64]) == 1
    assert "row 3 is not the row anchored" in capsys.readouterr().err

    _tamper(app, "DELETE FROM decision_log WHERE seq = 5")
    assert main(["audit", "verify"]) == 1
    assert "BROKEN at row 5: row 5 is missing" in capsys.readouterr().err


def test_replay_says_when_the_recorded_version_is_another(
        app: FastAPI, capsys: pytest.CaptureFixture) -> None:
    from policies.context import MemoryPolicyContext
    from policies.logged import log_evaluation
    from policies.trace import evaluate_traced
    from policies.version import POLICY_VERSION
    from records.rows import field_rows, fields_from_rows

    doc_id = seed_document(app, "invoice", INVOICE_FIELDS)
    with session_scope(app.state.sessions) as s:
        fields = fields_from_rows(field_rows(s, doc_id))
        evaluation = evaluate_traced("invoice", None, fields, MemoryPolicyContext(),
                                     app.state.policy_config, document_id=doc_id)
        for t in evaluation.traces:
            t.policy_version = "2025.4"
        old = log_evaluation(s, evaluation, doc_id, "system")
    capsys.readouterr()
    assert main(["policies", "replay", doc_id, "--evaluation", old]) == 0
    out = capsys.readouterr().out
    assert (f"NOTE: recorded under policy version 2025.4; this is version {POLICY_VERSION}"
            in out)
    assert main(["policies", "replay", doc_id, "--list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and listed[-1].startswith(old) and "version 2025.4" in listed[-1]
    assert main(["policies", "replay", "doc_nothing"]) == 2
    assert "no recorded policy evaluation" in capsys.readouterr().err


def test_pipeline_records_what_it_judged(data_dir: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture) -> None:
    from workflow.process import Pipeline
    from workflow.settings import Settings

    pipe = Pipeline(Settings.from_env())
    first = pipe.process_path(make_pdf(tmp_path / "a.pdf", INVOICE_LINES))
    lines = [x.replace("INV-2024-0113", "INV-2024-0150") for x in INVOICE_LINES]
    second = pipe.process_path(make_pdf(tmp_path / "b.pdf", lines))
    assert "ap.possible_duplicate" in {v["rule"] for v in second["violations"]}
    with session_scope(pipe.sessions) as s:
        for result in (first, second):
            ids = decisions.evaluation_ids(s, result["document_id"])
            assert len(ids) == 1
            rows = decisions.evaluation_rows(s, ids[0])
            assert {r.rule for r in rows if r.outcome == "fail"} == {
                v["rule"] for v in result["violations"]}
            assert all(r.actor == "system" for r in rows)
    capsys.readouterr()
    assert main(["policies", "replay", second["document_id"]]) == 0
    out = capsys.readouterr().out
    assert "ap.possible_duplicate    fail      fail      yes" in out
    assert main(["audit", "verify"]) == 0
