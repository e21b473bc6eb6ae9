"""Every AP control, each tried the way a person would try to get round it: through the
JSON API, the pages, or the workflow itself. Each test fails if its control is removed.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from records.db import session_scope
from records.models import AuditLog, Document, LedgerEntry, Vendor, ViolationRow
from tests.api.test_web_support import INVOICE_FIELDS, add_user, login, seed_document

OTHER_IBAN = ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", 0.95)


def _api(client: TestClient, token: str, method: str, path: str, **body: Any) -> Any:
    return client.request(method, path, json=body, headers={"X-CSRF-Token": token})


def _finding(app: FastAPI, doc_id: str, rule: str) -> ViolationRow:
    with session_scope(app.state.sessions) as s:
        v = s.scalar(select(ViolationRow).where(ViolationRow.document_id == doc_id,
                                                ViolationRow.rule == rule))
        assert v is not None, f"{doc_id} has no {rule} finding"
        s.expunge(v)
        return v


def _status(app: FastAPI, doc_id: str) -> tuple[str, str | None]:
    with session_scope(app.state.sessions) as s:
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == doc_id))
        return s.get(Document, doc_id).status, entry.status if entry else None


def _uploaded_by(app: FastAPI, doc_id: str, who: str) -> None:
    with session_scope(app.state.sessions) as s:
        s.get(Document, doc_id).uploaded_by = who


def _login(client: TestClient, who: str) -> str:
    client.cookies.clear()
    return login(client, who)


def _duplicates(app: FastAPI) -> tuple[str, str]:
    first = seed_document(app, "invoice", INVOICE_FIELDS)
    second = seed_document(app, "invoice", INVOICE_FIELDS)
    _finding(app, second, "ap.duplicate_invoice")
    return first, second


# ------------------------------------------------------------------ blocking findings
def test_clerk_cannot_resolve_a_blocking_finding(app: FastAPI, client: TestClient) -> None:
    add_user(app, "pat", "ap")
    _, second = _duplicates(app)
    v = _finding(app, second, "ap.duplicate_invoice")
    token = login(client, "pat")
    r = _api(client, token, "POST", f"/api/violations/{v.id}", action="resolve",
             resolution="false_positive", reason="looks different to me")
    assert r.status_code == 403
    assert "blocking finding: only an approver or a compliance officer" in r.json()["detail"]
    page = client.post(f"/violations/{v.id}", data={
        "action": "resolve", "resolution": "false_positive", "note": "mine",
        "csrf_token": token})
    assert "Not done: ap.duplicate_invoice is a blocking finding" in page.text
    assert _finding(app, second, "ap.duplicate_invoice").status == "open"


def test_approving_never_resolves_a_blocking_finding(app: FastAPI, client: TestClient) -> None:
    add_user(app, "ann", "approver")
    _, second = _duplicates(app)
    token = login(client, "ann")
    r = _api(client, token, "POST", f"/api/documents/{second}/decision", decision="approve",
             note="looks fine")
    assert r.status_code == 409
    assert "blocking finding(s) open (ap.duplicate_invoice" in r.json()["detail"]
    page = client.post(f"/documents/{second}/decision",
                       data={"decision": "approve", "csrf_token": token})
    assert "Not done: cannot be approved: 1 blocking finding(s) open" in page.text
    assert _finding(app, second, "ap.duplicate_invoice").status == "open"
    assert _status(app, second) == ("needs_review", "pending_review")


def test_resolution_needs_a_kind_and_a_reason(app: FastAPI, client: TestClient) -> None:
    add_user(app, "ann", "approver")
    _, second = _duplicates(app)
    v = _finding(app, second, "ap.duplicate_invoice")
    token = login(client, "ann")
    r = _api(client, token, "POST", f"/api/violations/{v.id}", action="resolve",
             resolution="false_positive", reason="  ")
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    r = _api(client, token, "POST", f"/api/violations/{v.id}", action="resolve",
             resolution="waive", reason="fine")
    assert r.status_code == 422
    assert "fixed, false_positive, accepted_risk" in r.json()["detail"]
    assert _finding(app, second, "ap.duplicate_invoice").status == "open"
    r = _api(client, token, "POST", f"/api/violations/{v.id}", action="resolve",
             resolution="false_positive", reason="credit note reuses the number")
    assert r.status_code == 200 and r.json()["resolution"] == "false_positive"
    got = _finding(app, second, "ap.duplicate_invoice")
    assert (got.status, got.resolution, got.resolved_by, got.note) == (
        "resolved", "false_positive", "ann", "credit note reuses the number")
    with session_scope(app.state.sessions) as s:
        log = s.scalars(select(AuditLog).where(AuditLog.action == "violation.resolve")).all()
    assert [(a.actor, a.before["status"], a.after["status"]) for a in log] == [
        ("ann", "open", "resolved")]


def test_each_blocking_finding_is_resolved_one_by_one(app: FastAPI, client: TestClient) -> None:
    add_user(app, "ann", "approver")
    add_user(app, "cora", "compliance")
    seed_document(app, "invoice", INVOICE_FIELDS)
    wrong_sum = dict(INVOICE_FIELDS, subtotal=("1,000.00", "1000.00", 0.95),
                     tax_amount=("100.00", "100.00", 0.95))
    doc = seed_document(app, "invoice", wrong_sum)
    dup = _finding(app, doc, "ap.duplicate_invoice")
    arith = _finding(app, doc, "ap.arithmetic_total")
    token = login(client, "cora")
    assert _api(client, token, "POST", f"/api/violations/{dup.id}", action="resolve",
                resolution="false_positive", reason="different order").status_code == 200
    token = _login(client, "ann")
    r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="approve")
    assert r.status_code == 409 and "ap.arithmetic_total" in r.json()["detail"]
    # "fixed" while the rule still finds it is refused: nothing was fixed.
    r = _api(client, token, "POST", f"/api/violations/{arith.id}", action="resolve",
             resolution="fixed", reason="looks right to me")
    assert r.status_code == 409 and "still applies" in r.json()["detail"]
    assert _api(client, token, "POST", f"/api/violations/{arith.id}", action="resolve",
                resolution="accepted_risk", reason="vendor confirmed the total by phone"
                ).status_code == 200
    r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="approve")
    assert r.status_code == 200 and r.json()["status"] == "approved"


def test_blocking_rules_are_the_documented_ones() -> None:
    from workflow.controls import BLOCKING_RULES

    assert BLOCKING_RULES == {"ap.duplicate_invoice", "ap.possible_duplicate",
                              "ap.bank_details_changed", "ap.invalid_iban",
                              "ap.arithmetic_total", "ap.approval_required",
                              "ap.einvoice_mismatch",
                              "ap.fuzzy_duplicate", "ap.split_invoice",
                              "ap.recent_bank_change", "vendor.self_invoicing",
                              "ap.po_over_invoiced", "ap.goods_not_received",
                              "qa.error_found"}


# ------------------------------------------------------------------ four eyes
def test_uploader_cannot_approve(app: FastAPI, client: TestClient) -> None:
    add_user(app, "ann", "approver")
    doc = seed_document(app, "invoice", INVOICE_FIELDS)
    _uploaded_by(app, doc, "ann")
    token = login(client, "ann")
    r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="approve")
    assert r.status_code == 403
    assert "four eyes: you uploaded it, so someone else must approve" in r.json()["detail"]
    assert _status(app, doc) == ("needs_review", "pending_review")
    add_user(app, "bob", "approver")
    token = _login(client, "bob")
    r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="approve")
    assert r.status_code == 200


@pytest.mark.parametrize("how", ["correct", "clear", "confirm"])
def test_who_changed_a_field_cannot_approve(app: FastAPI, client: TestClient, how: str) -> None:
    add_user(app, "ann", "approver")
    doc = seed_document(app, "invoice", dict(INVOICE_FIELDS, po_number=("60311", "60311", 0.99)))
    token = login(client, "ann")
    if how == "clear":
        r = _api(client, token, "DELETE", f"/api/documents/{doc}/fields/po_number",
                 reason="that is the postal code")
    else:  # confirming the machine's 1190.00 vouches for it as much as changing it does
        r = _api(client, token, "PATCH", f"/api/documents/{doc}/fields/total_amount",
                 value="1290.00" if how == "correct" else "1190.00")
    assert r.status_code == 200
    r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="approve")
    done = "you confirmed its fields" if how == "confirm" else "you corrected its fields"
    assert r.status_code == 403 and done in r.json()["detail"]
    # A later correction by someone else does not wash the first one out.
    add_user(app, "bob", "approver")
    add_user(app, "pat", "ap")
    token = _login(client, "pat")
    assert _api(client, token, "PATCH", f"/api/documents/{doc}/fields/currency",
                value="EUR").status_code == 200
    token = _login(client, "ann")
    r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="approve")
    assert r.status_code == 403
    token = _login(client, "bob")
    assert _api(client, token, "POST", f"/api/documents/{doc}/decision",
                decision="approve").status_code == 200


def test_who_changed_the_vendors_bank_details_cannot_approve(app: FastAPI,
                                                             client: TestClient) -> None:
    add_user(app, "ann", "approver")
    add_user(app, "bob", "approver")
    with session_scope(app.state.sessions) as s:
        s.add(Vendor(key="northwind traders", name="Northwind Traders GmbH",
                     ibans=["DE89370400440532013000"]))
    doc = seed_document(app, "invoice", dict(INVOICE_FIELDS, iban=OTHER_IBAN))
    bank = _finding(app, doc, "ap.bank_details_changed")
    token = login(client, "ann")
    assert _api(client, token, "POST", f"/api/violations/{bank.id}", action="resolve",
                resolution="accepted_risk", reason="called the vendor on the known number"
                ).status_code == 200
    r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="approve")
    assert r.status_code == 403
    assert "you accepted the vendor's new bank details" in r.json()["detail"]
    token = _login(client, "bob")
    assert _api(client, token, "POST", f"/api/documents/{doc}/decision",
                decision="approve").status_code == 200
    with session_scope(app.state.sessions) as s:
        vendor = s.scalar(select(Vendor))
        assert vendor.ibans == ["DE89370400440532013000", "GB82WEST12345698765432"]
        change = s.scalar(select(AuditLog).where(AuditLog.action == "vendor.bank_details"))
        assert change.actor == "ann" and change.after["added"] == "GB82WEST12345698765432"
    # The next invoice paying to those details: ann changed them, so ann may not approve.
    nxt = seed_document(app, "invoice", dict(INVOICE_FIELDS, iban=OTHER_IBAN,
                                             invoice_number=("INV-2024-0200", "INV-2024-0200",
                                                             0.95),
                                             total_amount=("77.00", "77.00", 0.95)))
    # the details changed today: that finding blocks until someone settles it
    recent = _finding(app, nxt, "ap.recent_bank_change")
    assert _api(client, token, "POST", f"/api/violations/{recent.id}", action="resolve",
                resolution="accepted_risk", reason="change confirmed on the known number"
                ).status_code == 200
    token = _login(client, "ann")
    r = _api(client, token, "POST", f"/api/documents/{nxt}/decision", decision="approve")
    assert r.status_code == 403 and "changed the vendor's bank details" in r.json()["detail"]


# ------------------------------------------------------------------ limits
def test_approver_limit_comes_from_policies_toml(data_dir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.api.test_web_support import make_app, make_client

    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "policies.toml").write_text('[approval_limits]\napprover = "1000.00"\n')
    gen = make_app(data_dir, monkeypatch)
    app = next(gen)
    try:
        client = next(make_client(app))
        add_user(app, "ann", "approver")
        add_user(app, "cora", "compliance")
        doc = seed_document(app, "invoice", INVOICE_FIELDS)  # total 1190.00 < ap limit
        token = login(client, "ann")
        r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="approve")
        assert r.status_code == 403
        assert "above your approval limit 1000.00" in r.json()["detail"]
        token = _login(client, "cora")  # compliance has no approval limit of its own
        r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="approve")
        assert r.status_code == 403 or r.status_code == 404
        assert _status(app, doc) == ("needs_review", "pending_review")
    finally:
        app.state.jobs.shutdown()


# ------------------------------------------------------------------ the ledger
def test_ledger_actions_never_approve(app: FastAPI, client: TestClient) -> None:
    add_user(app, "ann", "approver")
    _, second = _duplicates(app)
    with session_scope(app.state.sessions) as s:
        entry_id = s.scalar(select(LedgerEntry.id).where(LedgerEntry.document_id == second))
    token = login(client, "ann")
    for status in ("approved", "paid"):
        r = _api(client, token, "POST", f"/api/ledger/{entry_id}/status", status=status)
        assert r.status_code == 409, status
    assert "approve or reject the document" in _api(
        client, token, "POST", f"/api/ledger/{entry_id}/status", status="approved"
    ).json()["detail"]
    page = client.post(f"/ledger/{entry_id}/status", data={"status": "paid",
                                                           "csrf_token": token})
    assert "Not changed: the document is needs review; only an approved invoice" in page.text
    assert _status(app, second) == ("needs_review", "pending_review")
    # A rejected document stays rejected, whatever asks.
    assert _api(client, token, "POST", f"/api/documents/{second}/decision",
                decision="reject", note="duplicate").status_code == 200
    assert _api(client, token, "POST", f"/api/ledger/{entry_id}/status",
                status="approved").status_code == 409
    r = _api(client, token, "POST", f"/api/documents/{second}/decision", decision="approve")
    assert r.status_code == 409 and "rejected" in r.json()["detail"]
    assert _status(app, second) == ("rejected", "rejected")


def test_ledger_transitions_are_the_documented_ones() -> None:
    from workflow.states import LEDGER_ACTIONS, LEDGER_TRANSITIONS, LedgerStatus

    assert LEDGER_ACTIONS == (LedgerStatus.PAID,)
    assert LEDGER_TRANSITIONS[LedgerStatus.REJECTED] == ()
    assert LEDGER_TRANSITIONS[LedgerStatus.PAID] == ()
    assert LedgerStatus.PAID not in LEDGER_TRANSITIONS[LedgerStatus.PENDING_REVIEW]


def test_paying_needs_an_approved_document(app: FastAPI, client: TestClient) -> None:
    add_user(app, "ann", "approver")
    doc = seed_document(app, "invoice", INVOICE_FIELDS)
    with session_scope(app.state.sessions) as s:
        entry_id = s.scalar(select(LedgerEntry.id).where(LedgerEntry.document_id == doc))
    token = login(client, "ann")
    assert _api(client, token, "POST", f"/api/ledger/{entry_id}/status",
                status="paid").status_code == 409
    assert _api(client, token, "POST", f"/api/documents/{doc}/decision",
                decision="approve").status_code == 200
    r = _api(client, token, "POST", f"/api/ledger/{entry_id}/status", status="paid")
    assert r.status_code == 200 and r.json()["status"] == "paid"
    r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="reject",
             note="changed my mind")
    assert r.status_code == 409 and "paid" in r.json()["detail"]
    # A paid invoice's data no longer changes.
    r = _api(client, token, "PATCH", f"/api/documents/{doc}/fields/total_amount", value="1.00")
    assert r.status_code == 409 and "paid" in r.json()["detail"]


def test_same_invoice_is_never_approved_twice_even_without_the_rules(
        app: FastAPI, client: TestClient) -> None:
    """With the duplicate rules switched off in policies.toml, the workflow's own check
    and, below it, the database still refuse a second booking."""
    app.state.policy_config.disabled_rules = ["ap.duplicate_invoice", "ap.possible_duplicate",
                                              "ap.fuzzy_duplicate"]
    add_user(app, "ann", "approver")
    first = seed_document(app, "invoice", INVOICE_FIELDS)
    second = seed_document(app, "invoice", dict(
        INVOICE_FIELDS, invoice_number=("inv 2024-113", "inv 2024-113", 0.95)))
    token = login(client, "ann")
    assert _api(client, token, "POST", f"/api/documents/{first}/decision",
                decision="approve").status_code == 200
    r = _api(client, token, "POST", f"/api/documents/{second}/decision", decision="approve")
    assert r.status_code == 409 and "already approved in the AP ledger" in r.json()["detail"]
    assert _status(app, second) == ("needs_review", "pending_review")


def test_database_refuses_a_second_booking(app: FastAPI, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The workflow's check removed, the partial unique index still holds."""
    from sqlalchemy.exc import IntegrityError

    from workflow import books, decide
    from workflow.errors import Conflict

    first = seed_document(app, "invoice", INVOICE_FIELDS)
    second = seed_document(app, "invoice", INVOICE_FIELDS)
    config = app.state.policy_config
    with session_scope(app.state.sessions) as s:
        for v in s.scalars(select(ViolationRow)):
            v.status = "resolved"  # as if every finding had been settled
    monkeypatch.setattr(books, "already_booked", lambda *a: None)
    with session_scope(app.state.sessions) as s:
        decide.decide(s, first, "approve", "ann", {"approver"}, config)
    with session_scope(app.state.sessions) as s, pytest.raises(Conflict, match="already booked"):
        decide.decide(s, second, "approve", "bob", {"approver"}, config)
    # Below the workflow: a raw write is refused by the database itself.
    with session_scope(app.state.sessions) as s:
        entry = s.scalar(select(LedgerEntry).where(LedgerEntry.document_id == second))
        entry.status = "approved"
        with pytest.raises(IntegrityError):
            s.flush()
        s.rollback()
    assert _status(app, second)[1] == "pending_review"


def test_escalating_keeps_the_document_in_review_with_the_reason(app: FastAPI,
                                                                 client: TestClient) -> None:
    add_user(app, "pat", "ap")
    doc = seed_document(app, "invoice", INVOICE_FIELDS)
    token = login(client, "pat")
    r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="escalate")
    assert r.status_code == 422 and "say why" in r.json()["detail"]
    r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="escalate",
             note="vendor unknown to me; over to the controller")
    assert r.status_code == 200
    assert r.json()["status"] == "needs_review" and "escalated" in r.json()["review"]["reasons"]
    with session_scope(app.state.sessions) as s:
        log = s.scalar(select(AuditLog).where(AuditLog.action == "document.escalate"))
        assert log.actor == "pat" and log.after["note"].startswith("vendor unknown")
    assert _status(app, doc) == ("needs_review", "pending_review")


def test_changing_an_approved_invoice_reopens_it(app: FastAPI, client: TestClient) -> None:
    """The approval covered the data as it was: a later correction sends the document back
    to review (its ledger entry too), and the corrector may not approve it again."""
    add_user(app, "ann", "approver")
    add_user(app, "bob", "approver")
    doc = seed_document(app, "invoice", INVOICE_FIELDS)
    token = login(client, "ann")
    assert _api(client, token, "POST", f"/api/documents/{doc}/decision",
                decision="approve").status_code == 200
    token = _login(client, "bob")
    r = _api(client, token, "PATCH", f"/api/documents/{doc}/fields/total_amount",
             value="1290.00")
    assert r.status_code == 200 and "changed_after_approval" in r.json()["review"]["reasons"]
    assert _status(app, doc) == ("needs_review", "pending_review")
    r = _api(client, token, "POST", f"/api/documents/{doc}/decision", decision="approve")
    assert r.status_code == 403 and "you corrected its fields" in r.json()["detail"]


def test_fixed_is_accepted_once_the_cause_is_gone(app: FastAPI, client: TestClient) -> None:
    from tests.api.test_web_support import ADMIN_PASSWORD

    add_user(app, "ann", "approver")
    first, second = _duplicates(app)
    dup = _finding(app, second, "ap.duplicate_invoice")
    token = login(client, "admin", ADMIN_PASSWORD)
    assert client.delete(f"/api/documents/{first}",
                         headers={"X-CSRF-Token": token}).status_code == 200
    token = _login(client, "ann")
    r = _api(client, token, "POST", f"/api/violations/{dup.id}", action="resolve",
             resolution="fixed", reason="the first upload was a test file, deleted")
    assert r.status_code == 200 and r.json()["resolution"] == "fixed"


def test_a_script_finds_and_resolves_a_finding_through_the_api_alone(
        app: FastAPI, client: TestClient) -> None:
    add_user(app, "ann", "approver")
    _, second = _duplicates(app)
    token = login(client, "ann")
    got = client.get(f"/api/documents/{second}").json()["findings"]
    dup = next(f for f in got if f["rule"] == "ap.duplicate_invoice")
    assert dup["status"] == "open" and dup["blocking"] is True
    r = _api(client, token, "POST", f"/api/violations/{dup['id']}", action="resolve",
             resolution="accepted_risk", reason="second copy filed on purpose")
    assert r.status_code == 200
    after = client.get(f"/api/documents/{second}").json()["findings"]
    assert next(f for f in after if f["id"] == dup["id"])["resolution"] == "accepted_risk"
