"""Webhooks: events are written with the change (outbox), sent signed to a receiver this
test runs on 127.0.0.1, retried with back-off, given up after the last retry, kept from
HR documents unless the endpoint is marked HR, and shown to admins only."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.cli import main
from records.db import session_scope
from records.models import WebhookDelivery, utcnow
from tests.api.test_web_support import ADMIN_PASSWORD, add_user, login
from tests.conftest import INVOICE_LINES, pdf_bytes
from workflow import webhooks
from workflow.errors import Invalid
from workflow.process import Pipeline
from workflow.settings import Settings

SECRET_HEADER = "X-Backoffice-Signature"


class Receiver:
    """An HTTP endpoint on 127.0.0.1 that records what it gets; `fail_next` answers 500."""

    def __init__(self) -> None:
        self.got: list[tuple[dict[str, str], bytes]] = []
        self.fail_next = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.fail_next:
                    receiver.fail_next -= 1
                    self.send_response(500)
                else:
                    receiver.got.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[str]:
        return [json.loads(body)["event"] for _, body in self.got]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture()
def pipe(data_dir: Path) -> Pipeline:
    return Pipeline(Settings.from_env(data_dir))


def _add(pipe: Pipeline, url: str, events: list[str] | None = None, hr: bool = False) -> str:
    with session_scope(pipe.sessions) as s:
        return webhooks.add_webhook(s, url, events or [], "admin", hr=hr).secret


def test_processed_invoice_is_told_signed(pipe: Pipeline, receiver: Receiver) -> None:
    secret = _add(pipe, receiver.url)
    r = pipe.process_bytes("northwind.pdf", pdf_bytes(INVOICE_LINES))
    assert webhooks.deliver_due(pipe.sessions) >= 2
    events = receiver.events()
    assert "document.processed" in events and f"document.{r['status']}" in events
    for headers, body in receiver.got:
        assert webhooks.verify(secret, headers[SECRET_HEADER], body)
        assert not webhooks.verify("another-secret", headers[SECRET_HEADER], body)
        payload = json.loads(body)
        assert payload["document_id"] == r["document_id"] and payload["id"] == headers[
            "X-Backoffice-Delivery"]
        assert "fields" not in payload  # ids and status only
    assert webhooks.deliver_due(pipe.sessions) == 0  # nothing sent twice


def test_finding_raised_and_resolved_are_told(pipe: Pipeline, receiver: Receiver) -> None:
    from workflow.decide import resolve_finding

    _add(pipe, receiver.url, ["finding.raised", "finding.resolved"])
    data = pdf_bytes(INVOICE_LINES)
    pipe.process_bytes("a.pdf", data)
    r = pipe.process_bytes("b.pdf", data + b"\n% copy")  # same invoice again: a duplicate
    webhooks.deliver_due(pipe.sessions)
    raised = [json.loads(b) for _, b in receiver.got if json.loads(b)["event"] == "finding.raised"]
    assert any(p["rule"] == "ap.duplicate_invoice" and p["document_id"] == r["document_id"]
               for p in raised)
    with session_scope(pipe.sessions) as s:
        from records.models import ViolationRow

        v = s.scalar(select(ViolationRow).where(ViolationRow.document_id == r["document_id"],
                                                ViolationRow.rule == "ap.duplicate_invoice"))
        resolve_finding(s, v.id, "false_positive", "a credit note", "abe", {"approver"}, False,
                        pipe.policy_config)
    webhooks.deliver_due(pipe.sessions)
    assert receiver.events()[-1] == "finding.resolved"
    assert "document.processed" not in receiver.events()  # not subscribed


def test_failed_answers_are_retried_with_backoff_then_given_up(pipe: Pipeline,
                                                                receiver: Receiver) -> None:
    _add(pipe, receiver.url, ["document.processed"])
    pipe.process_bytes("northwind.pdf", pdf_bytes(INVOICE_LINES))
    receiver.fail_next = 2
    now = utcnow()
    assert webhooks.deliver_due(pipe.sessions, now=now) == 0
    assert webhooks.deliver_due(pipe.sessions, now=now + timedelta(seconds=5)) == 0  # not due
    assert webhooks.deliver_due(pipe.sessions, now=now + timedelta(seconds=11)) == 0  # 500 again
    assert webhooks.deliver_due(pipe.sessions, now=now + timedelta(seconds=50)) == 1
    with session_scope(pipe.sessions) as s:
        d = s.scalar(select(WebhookDelivery))
        assert (d.status, d.attempts, d.last_status_code) == ("delivered", 3, 204)
    assert receiver.events() == ["document.processed"]

    _add(pipe, "http://127.0.0.1:9/nobody-listens", ["document.processed"])
    pipe.process_bytes("other.pdf", pdf_bytes([*INVOICE_LINES, "Note: second"]))
    t = utcnow()
    for _ in range(len(webhooks.RETRY_DELAYS_S) + 1):
        webhooks.deliver_due(pipe.sessions, now=t)
        t += timedelta(hours=2)
    with session_scope(pipe.sessions) as s:
        dead = [d for d in s.scalars(select(WebhookDelivery)) if d.status == "failed"]
        assert len(dead) == 1 and dead[0].attempts == len(webhooks.RETRY_DELAYS_S) + 1
        assert dead[0].last_error


def test_hr_documents_are_told_only_to_hr_endpoints(pipe: Pipeline, receiver: Receiver) -> None:
    other = Receiver()
    try:
        _add(pipe, receiver.url)
        _add(pipe, other.url, hr=True)
        from workflow.intake import IntakeHint

        pipe.process_bytes("payslip.pdf", pdf_bytes(["Payslip", "Employee: Jordan Avery",
                                                     "Net pay 2,000.00"]),
                           hint=IntakeHint(doc_type="hr", channel="hr", source="test"))
        webhooks.deliver_due(pipe.sessions)
        assert receiver.got == []
        assert other.events() and all("filename" not in json.loads(b) for _, b in other.got)
    finally:
        other.close()


def test_bad_endpoints_are_refused(pipe: Pipeline) -> None:
    with session_scope(pipe.sessions) as s:
        with pytest.raises(Invalid, match="http"):
            webhooks.add_webhook(s, "file:///etc/passwd", [], "admin")
        with pytest.raises(Invalid, match="unknown event"):
            webhooks.add_webhook(s, "https://example.org/x", ["document.exploded"], "admin")


def test_rolled_back_change_sends_nothing(pipe: Pipeline, receiver: Receiver) -> None:
    from records.models import Document
    from workflow import events

    _add(pipe, receiver.url)
    r = pipe.process_bytes("northwind.pdf", pdf_bytes(INVOICE_LINES))
    webhooks.deliver_due(pipe.sessions)
    before = len(receiver.got)
    with pytest.raises(RuntimeError), session_scope(pipe.sessions) as s:
        doc = s.get(Document, r["document_id"])
        events.emit(s, events.Event.APPROVED, doc)
        raise RuntimeError("the approval failed")
    webhooks.deliver_due(pipe.sessions)
    assert len(receiver.got) == before


def test_admin_page_and_cli(app: FastAPI, client: TestClient, data_dir: Path,
                            receiver: Receiver, capsys: pytest.CaptureFixture[str]) -> None:
    login(client, "admin", ADMIN_PASSWORD)
    page = client.get("/webhooks")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = client.post("/webhooks", data={"url": receiver.url, "events": ["document.processed"],
                                       "csrf_token": token})
    assert r.status_code == 200 and "signing secret, shown only now" in r.text
    assert main(["webhooks", "--data-dir", str(data_dir), "list"]) == 0
    assert receiver.url in capsys.readouterr().out
    Pipeline(Settings.from_env(data_dir)).process_bytes("n.pdf", pdf_bytes(INVOICE_LINES))
    assert main(["webhooks", "--data-dir", str(data_dir), "deliver"]) == 0
    assert "delivered 1" in capsys.readouterr().out
    assert "document.processed" in client.get("/webhooks").text
    add_user(app, "pat", "ap")
    client.cookies.clear()
    login(client, "pat")
    assert client.get("/webhooks").status_code in (403, 404)
