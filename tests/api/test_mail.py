"""E-mail in, against a real IMAP server (Dovecot, from Debian's dovecot-imapd, started by
the test on 127.0.0.1): mails that pass the rules become documents with their attachments
linked, are marked seen or moved, are not taken twice, an HR mailbox's documents are HR's,
and a wrong password is shown on the channel instead of raised."""

from __future__ import annotations

import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import mail
from api.cli import main
from api.web.security import load_secret_key
from records.db import session_scope
from records.models import ChannelState, Document, Mailbox
from tests.api.test_web_support import ADMIN_PASSWORD, login
from tests.conftest import INVOICE_LINES, pdf_bytes
from workflow.errors import Invalid
from workflow.process import Pipeline
from workflow.settings import Settings

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot"
                                      if os.path.exists("/usr/sbin/dovecot") else None)
USER, PASSWORD = "scanner", "mail-pass-123"

pytestmark = pytest.mark.skipif(
    DOVECOT is None or os.geteuid() != 0,
    reason="needs Dovecot (Debian dovecot-imapd; scripts/install.sh --dev installs it) run as root")

CONF = """protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/run/state
instance_name = bo-test-{port}
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:{d}/mail/%u
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {d}/passwd
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={d}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def imap_server() -> Iterator[int]:
    # Not under pytest's 0700 tmp_path: Dovecot's auth and mail processes run as its own
    # users and must reach the password file and the maildir.
    d = Path(tempfile.mkdtemp(prefix="bo-dovecot-"))
    d.chmod(0o755)
    (d / "run").mkdir(parents=True)
    (d / "mail").mkdir()
    shutil.chown(d / "mail", "dovecot", "dovecot")
    (d / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:::::\n")
    port = _free_port()
    (d / "dovecot.conf").write_text(CONF.format(d=d, port=port))
    proc = subprocess.Popen([DOVECOT, "-F", "-c", str(d / "dovecot.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"dovecot did not listen: {(d / 'dovecot.log').read_text()[-500:]}")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(d, ignore_errors=True)


def _deliver(port: int, msg: EmailMessage, folder: str = "INBOX") -> None:
    conn = imaplib.IMAP4("127.0.0.1", port)
    conn.login(USER, PASSWORD)
    conn.append(folder, None, None, msg.as_bytes())
    conn.logout()


def _mail(sender: str, subject: str, body: str, attachment: bytes | None = None,
          name: str = "invoice.pdf") -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "ap@example.com", subject
    msg.set_content(body)
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="pdf", filename=name)
    return msg


def _flags(port: int, folder: str = "INBOX") -> list[str]:
    conn = imaplib.IMAP4("127.0.0.1", port)
    conn.login(USER, PASSWORD)
    _, count = conn.select(folder)
    if int(count[0]) == 0:
        conn.logout()
        return []
    _, data = conn.fetch("1:*", "(FLAGS)")
    conn.logout()
    return [d.decode() for d in data if d]


def _box(data_dir: Path, port: int, **kw: object) -> tuple[Pipeline, str, int]:
    settings = Settings.from_env(data_dir)
    pipe = Pipeline(settings)
    secret = load_secret_key(settings)
    with session_scope(pipe.sessions) as s:
        box = mail.add_mailbox(s, secret, "admin", name=str(kw.pop("name", "ap")),
                               host="127.0.0.1", port=port, username=USER,
                               password=str(kw.pop("password", PASSWORD)), security="plain",
                               **kw)  # type: ignore[arg-type]
        return pipe, secret, box.id


def test_mail_with_attachment_becomes_linked_documents(data_dir: Path, imap_server: int) -> None:
    _deliver(imap_server, _mail("billing@northwind.example", "Invoice INV-2024-0113",
                                "Please find our invoice attached.", pdf_bytes(INVOICE_LINES)))
    _deliver(imap_server, _mail("friend@example.org", "Lunch?", "Lunch on Friday?"))
    pipe, secret, box_id = _box(data_dir, imap_server, from_contains="northwind")
    outcomes = mail.poll_mailbox(pipe.sessions, pipe.settings, secret, box_id, pipe)
    assert [(o.subject, o.attachments) for o in outcomes] == [("Invoice INV-2024-0113", 1)]
    with session_scope(pipe.sessions) as s:
        docs = {d.filename: d for d in s.scalars(select(Document))}
        assert set(docs) == {"Invoice INV-2024-0113.eml", "invoice.pdf"}
        child = docs["invoice.pdf"]
        assert child.parent_id == docs["Invoice INV-2024-0113.eml"].id
        assert child.doc_type == "invoice"
        assert child.result["fields"]["invoice_number"]["value"] == "INV-2024-0113"
        state = s.get(ChannelState, "mail:ap")
        assert (state.received, state.failed, state.last_error) == (1, 0, None)
    flags = _flags(imap_server)
    assert "\\Seen" in flags[0] and "\\Seen" not in flags[1]  # the lunch mail stays unread
    assert mail.poll_mailbox(pipe.sessions, pipe.settings, secret, box_id, pipe) == []


def test_move_after_and_hr_mailbox(data_dir: Path, imap_server: int) -> None:
    conn = imaplib.IMAP4("127.0.0.1", imap_server)
    conn.login(USER, PASSWORD)
    conn.create("Processed")
    conn.logout()
    _deliver(imap_server, _mail("hr@example.com", "Payslip March", "Payslip attached",
                                pdf_bytes(["Payslip March 2024", "Employee: Jordan Avery",
                                           "Gross pay 4,000.00", "Net pay 3,100.00"]),
                                name="payslip.pdf"))
    pipe, secret, box_id = _box(data_dir, imap_server, name="hrbox", hr=True,
                                after="move:Processed")
    [outcome] = mail.poll_mailbox(pipe.sessions, pipe.settings, secret, box_id, pipe)
    assert outcome.status != "failed"
    with session_scope(pipe.sessions) as s:
        assert {d.restricted_to for d in s.scalars(select(Document))} == {"hr"}
    assert _flags(imap_server) == [] and len(_flags(imap_server, "Processed")) == 1


def test_wrong_password_is_reported_on_the_channel(data_dir: Path, imap_server: int,
                                                   app: FastAPI, client: TestClient) -> None:
    pipe, secret, box_id = _box(data_dir, imap_server, password="wrong-password")
    assert mail.poll_mailbox(pipe.sessions, pipe.settings, secret, box_id, pipe) == []
    with session_scope(pipe.sessions) as s:
        state = s.get(ChannelState, "mail:ap")
        assert state.state == "error" and "refused the login" in state.last_error
        sealed = s.scalar(select(Mailbox.password_sealed))
        assert "wrong-password" not in sealed
    login(client, "admin", ADMIN_PASSWORD)
    page = client.get("/channels").text
    assert "refused the login" in page and "wrong-password" not in page


def test_cli_add_and_poll(data_dir: Path, imap_server: int, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    import io

    _deliver(imap_server, _mail("billing@northwind.example", "Invoice", "see attachment",
                                pdf_bytes(INVOICE_LINES)))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["mail", "add", "ap", "--host", "127.0.0.1", "--port", str(imap_server),
                 "--security", "plain", "--user", USER, "--password-stdin"]) == 0
    assert main(["mail", "poll"]) == 0
    assert "1 attachment(s)" in capsys.readouterr().out


def test_plain_imap_only_to_loopback(data_dir: Path) -> None:
    settings = Settings.from_env(data_dir)
    with session_scope(Pipeline(settings).sessions) as s, pytest.raises(Invalid, match="loopback"):
        mail.add_mailbox(s, "k", "admin", name="x", host="imap.example.com", port=143,
                         username="u", password="p", security="plain")
