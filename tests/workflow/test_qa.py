"""Random QA sampling and blind second reviews (`workflow.qa`): the draw is reproducible
and near its rate, the reviewer never sees the first reading, every field comparison is
stored, a found error raises a blocking finding and reopens the document, four eyes
hold, HR items stay with hr and admin, and the agreement figures reach the dashboard,
`GET /api/metrics` and `backoffice metrics`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sklearn.metrics import cohen_kappa_score
from sqlalchemy import select

from api.cli import main as cli
from policies.config import PolicyConfig, load_config
from records.db import session_scope
from records.models import (
    AuditLog,
    Document,
    LedgerEntry,
    QaFieldCheck,
    QaReview,
    ReviewTask,
    ViolationRow,
)
from records.rows import field_rows, fields_from_rows
from tests.api.test_web_support import (
    HR_FIELDS,
    INVOICE_FIELDS,
    add_user,
    login,
    seed_document,
)
from workflow import books, qa
from workflow.errors import Invalid
from workflow.states import DocumentStatus

SURE_INVOICE = {**INVOICE_FIELDS, "total_amount": ("1,190.00", "1190.00", 0.95)}
# What the page prints, typed the way a person would (other spacing and separators).
TRUE_READING = {"vendor_name": "Northwind Traders GmbH", "invoice_number": "INV 2024-0113",
                "invoice_date": "5 March 2024", "due_date": "", "currency": "eur",
                "tax_amount": "", "total_amount": "1.190,00 EUR",
                "iban": "DE89370400440532013000"}


def _api(client: TestClient, token: str, method: str, path: str, body: Any = None) -> Any:
    return client.request(method, path, json=body, headers={"X-CSRF-Token": token})


def _sha(i: int) -> str:
    return hashlib.sha256(str(i).encode()).hexdigest()


def _auto_approved(app: FastAPI, fields: dict[str, tuple[Any, Any, float]] | None = None,
                   doc_type: str = "invoice") -> str:
    """A seeded document that processing would auto-approve, ended the way
    `Pipeline._store` ends one (status, ledger entry, then the QA draw)."""
    doc_id = seed_document(app, doc_type, fields or SURE_INVOICE)
    with session_scope(app.state.sessions) as s:
        doc = s.get(Document, doc_id)
        assert not doc.review_needed, doc.review_reasons
        doc.status = DocumentStatus.AUTO_APPROVED
        books.file_entry(s, doc, fields_from_rows(field_rows(s, doc_id)), "system")
        qa.sample_after_processing(s, doc, app.state.policy_config, "system")
    return doc_id


def _review_of(app: FastAPI, doc_id: str, kind: qa.QaKind = qa.QaKind.SAMPLE) -> int:
    with session_scope(app.state.sessions) as s:
        return s.scalar(select(QaReview.id).where(QaReview.document_id == doc_id,
                                                  QaReview.kind == kind))


@pytest.fixture()
def sampled(app: FastAPI) -> FastAPI:
    """Every auto-approved and every human-reviewed document is drawn."""
    app.state.policy_config.qa.rate = 1.0
    app.state.policy_config.qa.second_review_rate = 1.0
    return app


# ------------------------------------------------------------------ the draw
def test_the_draw_is_reproducible_and_near_its_rate() -> None:
    config = PolicyConfig()
    shas = [_sha(i) for i in range(4000)]
    drawn = [s for s in shas if qa.is_sampled(config, qa.QaKind.SAMPLE, "invoice", s)]
    assert drawn == [s for s in shas if qa.is_sampled(config, qa.QaKind.SAMPLE, "invoice", s)]
    assert 0.04 < len(drawn) / len(shas) < 0.06  # default rate 0.05
    config.qa.seed = "another seed"
    other = [s for s in shas if qa.is_sampled(config, qa.QaKind.SAMPLE, "invoice", s)]
    assert other != drawn and 0.04 < len(other) / len(shas) < 0.06
    config.qa.rates = {"receipt": 0.5}
    receipts = [s for s in shas if qa.is_sampled(config, qa.QaKind.SAMPLE, "receipt", s)]
    assert 0.46 < len(receipts) / len(shas) < 0.54
    config.qa.rate = 0.0
    assert not any(qa.is_sampled(config, qa.QaKind.SAMPLE, "invoice", s) for s in shas)


def test_qa_table_in_policies_toml(tmp_path: Path) -> None:
    (tmp_path / "policies.toml").write_text(
        "[qa]\nrate = 0.2\nsecond_review_rate = 0.1\nrates = { receipt = 0.5 }\n"
        'fields = { receipt = ["total_amount"] }\n', encoding="utf-8")
    config = load_config(tmp_path)
    assert config.qa.rate == 0.2 and config.qa.rate_for("receipt") == 0.5
    assert config.qa.fields["receipt"] == ["total_amount"] and "invoice" in config.qa.fields
    (tmp_path / "policies.toml").write_text("[qa]\nrate = 5\n", encoding="utf-8")
    with pytest.raises(ValueError, match="from 0 to 1"):
        load_config(tmp_path)
    (tmp_path / "policies.toml").write_text("[qa]\nrat = 0.1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown qa setting"):
        load_config(tmp_path)


def test_values_are_compared_after_normalisation() -> None:
    assert qa.canonical("total_amount", "1.190,00 EUR") == qa.canonical("total_amount",
                                                                         "1190.00")
    assert qa.canonical("invoice_date", "5 March 2024") == "2024-03-05"
    assert qa.canonical("invoice_number", "INV 2024-0113") == qa.canonical(
        "invoice_number", "inv-2024-0113")
    assert qa.canonical("vendor_name", " Northwind  Traders GmbH. ") == "northwind traders gmbh"
    assert qa.canonical("total_amount", "1190.00") != qa.canonical("total_amount", "1109.00")
    assert qa.canonical("due_date", "") is None
    with pytest.raises(Invalid):
        qa.canonical("invoice_date", "not a date")


def test_cohens_kappa() -> None:
    # p_o = 3/4, p_e = 1/2 * 1/4 + 1/2 * 3/4 = 1/2: kappa = (0.75 - 0.5) / 0.5
    assert qa.kappa(["EUR", "EUR", "USD", "USD"], ["EUR", "USD", "USD", "USD"]) == 0.5
    assert qa.kappa(["EUR", "USD", None], ["EUR", "USD", None]) == 1.0
    assert qa.kappa(["EUR", "EUR"], ["EUR", "EUR"]) is None  # one value: undefined
    a = ["EUR", "USD", None, "GBP", "EUR", "EUR", "USD", None, "CHF", "EUR"]
    b = ["EUR", "EUR", None, "GBP", "USD", "EUR", "USD", "EUR", "CHF", None]
    expected = cohen_kappa_score([x or "-" for x in a], [x or "-" for x in b])
    assert qa.kappa(a, b) == round(float(expected), 4)


# ------------------------------------------------------------------ blind review
def test_auto_approved_document_is_drawn_without_being_held(sampled: FastAPI) -> None:
    doc = _auto_approved(sampled)
    with session_scope(sampled.state.sessions) as s:
        review = s.get(QaReview, _review_of(sampled, doc))
        assert review.first_by == qa.MACHINE and review.status == "open"
        assert review.first_values["total_amount"] == "1190.00"
        assert review.first_values["due_date"] is None
        assert s.get(Document, doc).status == "auto_approved"
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == doc))
        assert entry.status == "approved"  # payable as before
    sampled.state.policy_config.qa.rate = 0.0
    not_drawn = _auto_approved(sampled, {**SURE_INVOICE, "invoice_number": (
        "INV-2024-0999", "INV-2024-0999", 0.95), "total_amount": ("77.00", "77.00", 0.95)})
    assert _review_of(sampled, not_drawn) is None


def test_reviewer_sees_no_values_and_agreeing_readings_change_nothing(
        sampled: FastAPI, client: TestClient) -> None:
    doc = _auto_approved(sampled)
    review = _review_of(sampled, doc)
    add_user(sampled, "cora", "compliance")
    token = login(client, "cora")
    items = client.get("/api/qa").json()["items"]
    assert [i["review_id"] for i in items] == [review]
    blind = client.get(f"/api/qa/{review}").json()
    assert blind["fields"] == list(TRUE_READING)
    page = client.get(f"/qa/{review}")
    for value in ("Northwind", "1190.00", "1,190.00", "INV-2024-0113", "DE89"):
        assert value not in json.dumps(blind) and value not in page.text
    assert 'name="f_total_amount" value=""' in page.text
    r = _api(client, token, "POST", f"/api/qa/{review}", {"values": TRUE_READING})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["outcome"] == "agreed" and got["finding_id"] is None
    assert all(f["agree"] for f in got["fields"])
    with session_scope(sampled.state.sessions) as s:
        assert s.get(Document, doc).status == "auto_approved"
        checks = s.scalars(select(QaFieldCheck).where(QaFieldCheck.review_id == review)).all()
        assert {c.name for c in checks} == set(TRUE_READING) and all(c.agree for c in checks)
        assert s.scalar(select(AuditLog).where(AuditLog.action == "qa.review",
                                               AuditLog.entity_id == doc)) is not None
    again = _api(client, token, "POST", f"/api/qa/{review}", {"values": TRUE_READING})
    assert again.status_code == 409  # one blind reading per item
    m = client.get("/api/metrics").json()["qa"]
    assert m["error_rate_auto_approved"] == 0.0 and m["qa_sample"]["reviewed"] == 1
    assert m["qa_sample"]["field_agreement"] == 1.0
    after = client.get(f"/qa/{review}").text  # revealed once the reading is saved
    assert "Readings agree" in after and "northwind traders gmbh" in after and "1190.00" in after


def test_a_found_error_raises_a_blocking_finding_and_reopens(sampled: FastAPI,
                                                             client: TestClient,
                                                             data_dir: Path,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    doc = _auto_approved(sampled)
    review = _review_of(sampled, doc)
    add_user(sampled, "cora", "compliance")
    add_user(sampled, "paula", "approver")
    token = login(client, "cora")
    r = _api(client, token, "POST", f"/api/qa/{review}",
             {"values": {**TRUE_READING, "total_amount": "1109.00", "invoice_date": "nope"}})
    assert r.status_code == 422 and "invoice_date" in r.json()["detail"]
    r = _api(client, token, "POST", f"/api/qa/{review}",
             {"values": {**TRUE_READING, "total_amount": "1109.00"}})
    got = r.json()
    assert got["outcome"] == "disagreed" and got["reopened"] is True
    assert [f["field"] for f in got["fields"] if not f["agree"]] == ["total_amount"]
    with session_scope(sampled.state.sessions) as s:
        d = s.get(Document, doc)
        assert d.status == "needs_review" and qa.QA_REASON in d.review_reasons
        [v] = s.scalars(select(ViolationRow).where(ViolationRow.document_id == doc,
                                                   ViolationRow.rule == "qa.error_found"))
        assert v.id == got["finding_id"] and v.status == "open"
        assert v.evidence["fields"] == {"total_amount": {"first": "1190.00", "qa": "1109.00"}}
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == doc))
        assert entry.status == "pending_review"
        task = s.scalar(select(ReviewTask).where(ReviewTask.document_id == doc,
                                                 ReviewTask.queue == "review",
                                                 ReviewTask.status == "open"))
        assert task is not None and qa.QA_REASON in task.reasons
        actions = set(s.scalars(select(AuditLog.action).where(AuditLog.entity_id == doc)))
        assert {"qa.review", "violation.raise", "document.reopen"} <= actions
    # a correction re-runs the rules: the person-raised finding stays open
    client.cookies.clear()
    ptoken = login(client, "paula")
    r = _api(client, ptoken, "PATCH", f"/api/documents/{doc}/fields/due_date",
             {"value": "2024-04-04"})
    assert r.status_code == 200, r.text
    r = _api(client, ptoken, "POST", f"/api/documents/{doc}/decision",
             {"decision": "approve", "note": "ok"})
    assert r.status_code == 409 and "qa.error_found" in r.json()["detail"]
    client.cookies.clear()
    login(client, "cora")
    m = client.get("/api/metrics").json()["qa"]
    assert m["error_rate_auto_approved"] == 1.0
    assert m["field_error_rate_auto_approved"] == round(1 / len(TRUE_READING), 4)
    total = next(f for f in m["qa_sample"]["by_field"] if f["field"] == "total_amount")
    assert total == {"field": "total_amount", "pairs": 1, "agreed": 0, "rate": 0.0,
                     "kappa": None}
    dash = client.get("/dashboard").text
    assert "QA error rate among auto-approved" in dash and "100.0 %" in dash
    sampled.state.jobs.shutdown()
    assert cli(["metrics", "--format", "json", "--data-dir", str(data_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["qa"]["error_rate_auto_approved"] == 1.0
    assert cli(["metrics", "--data-dir", str(data_dir)]) == 0
    assert "QA error rate among auto-approved: 100.0 % of 1 reviewed" in capsys.readouterr().out


def test_four_eyes_and_roles(sampled: FastAPI, client: TestClient) -> None:
    add_user(sampled, "clara", "ap")
    add_user(sampled, "paula", "approver")
    add_user(sampled, "cora", "compliance")
    doc = seed_document(sampled, "invoice", INVOICE_FIELDS)  # total unsure: in review
    token = login(client, "clara")
    assert client.get("/api/qa").status_code == 403  # AP clerks do no QA
    _api(client, token, "PATCH", f"/api/documents/{doc}/fields/total_amount",
         {"value": "1190.00"})
    client.cookies.clear()
    token = login(client, "paula")
    r = _api(client, token, "POST", f"/api/documents/{doc}/decision",
             {"decision": "approve", "note": "checked"})
    assert r.status_code == 200, r.text
    review = _review_of(sampled, doc, qa.QaKind.SECOND)
    with session_scope(sampled.state.sessions) as s:
        row = s.get(QaReview, review)
        assert row.first_by == "paula" and row.first_values["total_amount"] == "1190.00"
    r = _api(client, token, "POST", f"/api/qa/{review}", {"values": TRUE_READING})
    assert r.status_code == 403 and "four eyes" in r.json()["detail"]
    client.cookies.clear()
    token = login(client, "cora")
    r = _api(client, token, "POST", f"/api/qa/{review}",
             {"values": {**TRUE_READING, "currency": "USD"}})
    assert r.status_code == 200 and r.json()["outcome"] == "disagreed"
    second = client.get("/api/metrics").json()["qa"]["second_review"]
    assert second["reviewed"] == 1 and second["disagreed"] == 1
    currency = next(f for f in second["by_field"] if f["field"] == "currency")
    assert currency["rate"] == 0.0 and currency["kappa"] is None  # one pair: undefined
    with session_scope(sampled.state.sessions) as s:
        assert s.get(Document, doc).status == "needs_review"  # approved, now reopened


def test_hr_qa_items_stay_with_hr_and_admin(sampled: FastAPI, client: TestClient) -> None:
    sure = {k: (v[0], v[1], 0.95) for k, v in HR_FIELDS.items()}
    doc = _auto_approved(sampled, sure, "hr")
    review = _review_of(sampled, doc)
    assert review is not None
    add_user(sampled, "cora", "compliance")
    add_user(sampled, "hana", "hr")
    login(client, "cora")
    assert client.get("/api/qa").json()["items"] == []
    assert client.get(f"/api/qa/{review}").status_code == 404
    assert client.get(f"/qa/{review}").status_code == 404
    assert client.get("/api/metrics").json()["qa"]["qa_sample"]["open"] == 0
    client.cookies.clear()
    token = login(client, "hana")
    assert [i["review_id"] for i in client.get("/api/qa").json()["items"]] == [review]
    fields = client.get(f"/api/qa/{review}").json()["fields"]
    r = _api(client, token, "POST", f"/api/qa/{review}",
             {"values": {f: ("Jordan Example" if f == "employee_name" else "")
                         for f in fields}})
    assert r.status_code == 200 and r.json()["outcome"] == "agreed"


def test_processing_draws_an_auto_approved_document(data_dir: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The draw happens where processing ends (`Pipeline._store`), and only there."""
    import policies
    from policies.types import Review
    from tests.conftest import INVOICE_LINES, make_pdf
    from workflow.process import Pipeline
    from workflow.settings import Settings

    monkeypatch.setattr(policies, "route", lambda *a, **k: Review(needed=False))
    pipe = Pipeline(Settings.from_env())
    pipe.policy_config.qa.rate = 1.0
    got = pipe.process_path(make_pdf(tmp_path / "a.pdf", INVOICE_LINES))
    assert got["status"] == "auto_approved"
    with session_scope(pipe.sessions) as s:
        [review] = s.scalars(select(QaReview).where(QaReview.document_id == got["document_id"]))
        assert review.kind == "qa_sample" and review.first_by == qa.MACHINE
        assert review.first_values["total_amount"] is not None


def test_finding_card_outlines_the_evidence_on_the_page(sampled: FastAPI,
                                                        client: TestClient) -> None:
    """The QA finding's card draws the boxes of the fields it disagrees on; a rule's
    finding the boxes its table names (a fuzzy duplicate: number, total, date)."""
    doc = _auto_approved(sampled)
    review = _review_of(sampled, doc)
    add_user(sampled, "cora", "compliance")
    token = login(client, "cora")
    got = _api(client, token, "POST", f"/api/qa/{review}",
               {"values": {**TRUE_READING, "total_amount": "1109.00"}}).json()
    card = client.get(f"/exceptions/{got['finding_id']}").text
    assert 'id="evidence-page"' in card and f"/documents/{doc}/pages/1.png" in card
    assert card.count('class="box box-evidence"') == 1
    assert 'data-field="total_amount"' in card
    assert "total_amount: first 1190.00, qa 1109.00" in card and "{&#39;" not in card
    second = seed_document(sampled, "invoice", {
        **INVOICE_FIELDS, "invoice_number": ("INV-2024-0118", "INV-2024-0118", 0.95)})
    with session_scope(sampled.state.sessions) as s:
        fuzzy = s.scalar(select(ViolationRow.id).where(ViolationRow.document_id == second,
                                                       ViolationRow.rule == "ap.fuzzy_duplicate"))
    card = client.get(f"/exceptions/{fuzzy}").text
    assert all(f'data-field="{n}"' in card
               for n in ("invoice_number", "total_amount", "invoice_date"))
    assert card.count('class="box box-evidence"') == 3


def test_policies_page_lists_the_qa_settings(app: FastAPI, client: TestClient) -> None:
    add_user(app, "paula", "approver")
    login(client, "paula")
    page = client.get("/policies").text
    assert "<code>qa.rate</code></th><td>0.05</td>" in page
    assert "<code>qa.second_review_rate</code>" in page and "qa.fields" in page
