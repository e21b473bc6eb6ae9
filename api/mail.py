"""E-mail in: IMAP mailboxes an admin configures are polled, and each new mail that passes
the mailbox's rules (sender contains, subject contains) becomes a document: the mail itself
(its body is classified like any text, so an invoice written in the mail is an invoice) and
each attachment as a document linked to it (`ingest` reads the .eml; attachments inherit
the mail's uploader and channel). Afterwards the mail is marked seen or moved to a folder.

Why each rule:
- the mail is fetched with BODY.PEEK, so a crash before it is processed leaves it unseen
  and the next poll takes it again; the same bytes give the same document (content hash),
  so taking it twice never makes two;
- a mail over BACKOFFICE_MAX_BYTES is not fetched, it is reported on the channel;
- passwords are sealed (Fernet) with a key derived from the service's secret key and
  never shown again; `plain` (no TLS) is refused except to a loopback host;
- every poll and failure is counted on the channel's row ("Ways in" page).
"""

from __future__ import annotations

import base64
import hashlib
import imaplib
import ipaddress
import logging
import re
import ssl
import threading
from dataclasses import dataclass
from datetime import timedelta
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from enum import StrEnum
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select
from sqlalchemy.orm import Session

from records.audit import audit
from records.channel_state import ChannelReport, report
from records.channels import HR
from records.db import session_scope
from records.models import Mailbox, aware, utcnow
from workflow.errors import Invalid
from workflow.intake import IntakeHint
from workflow.process import Pipeline
from workflow.settings import Settings

log = logging.getLogger(__name__)

TIMEOUT_S = 30.0
LOOP_S = 30.0  # how often the service looks for mailboxes that are due
MIN_INTERVAL_S = 30
MAX_PER_POLL = 200  # mails taken per mailbox and poll; the rest wait for the next one
MOVE_PREFIX = "move:"


class Security(StrEnum):
    SSL = "ssl"  # implicit TLS (port 993)
    STARTTLS = "starttls"  # port 143 upgraded to TLS
    PLAIN = "plain"  # no TLS: loopback test servers only


class MailError(RuntimeError):
    """A mailbox could not be read; the message says what to check."""


@dataclass(frozen=True, slots=True)
class MailboxSpec:
    """A mailbox's settings with its password opened, for one poll."""

    id: int
    name: str
    host: str
    port: int
    security: Security
    username: str
    password: str
    folder: str
    from_contains: str | None
    subject_contains: str | None
    after: str
    hr: bool


@dataclass(frozen=True, slots=True)
class MailOutcome:
    uid: str
    subject: str
    status: str  # the mail document's status, or "failed" / "skipped"
    document_id: str | None
    attachments: int = 0
    error: str | None = None


# ------------------------------------------------------------------ sealed passwords
def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"backoffice-mailbox-password:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(secret_key: str, password: str) -> str:
    return _fernet(secret_key).encrypt(password.encode()).decode()


def unseal(secret_key: str, sealed: str) -> str:
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise MailError("the mailbox password cannot be opened: the service's secret key "
                        "changed since it was stored; set the password again") from None


# ------------------------------------------------------------------ configuration
def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def add_mailbox(session: Session, secret_key: str, actor: str, *, name: str, host: str,
                port: int, username: str, password: str, security: str = "ssl",
                folder: str = "INBOX", from_contains: str | None = None,
                subject_contains: str | None = None, after: str = "seen", hr: bool = False,
                interval_s: int = 300) -> Mailbox:
    try:
        how = Security(security)
    except ValueError:
        raise Invalid(f"security must be ssl, starttls or plain, not {security!r}") from None
    if how is Security.PLAIN and not _is_loopback(host):
        raise Invalid("plain IMAP (no TLS) sends the password in clear: only allowed to a "
                      "loopback host; use ssl or starttls")
    if not (0 < port < 65536):
        raise Invalid(f"port {port} is not a TCP port")
    if after != "seen" and not (after.startswith(MOVE_PREFIX) and after[len(MOVE_PREFIX):]):
        raise Invalid("after must be 'seen' or 'move:<folder>'")
    if not re.fullmatch(r"[\w.-]{1,80}", name):
        raise Invalid("a mailbox name is 1-80 letters, digits, '.', '_' or '-'")
    if session.scalar(select(Mailbox).where(Mailbox.name == name)) is not None:
        raise Invalid(f"a mailbox named {name} exists already")
    box = Mailbox(name=name, host=host, port=port, security=how.value, username=username,
                  password_sealed=seal(secret_key, password), folder=folder or "INBOX",
                  from_contains=from_contains or None, subject_contains=subject_contains or None,
                  after=after, hr=hr, interval_s=max(MIN_INTERVAL_S, interval_s), active=True,
                  created_by=actor)
    session.add(box)
    session.flush()
    audit(session, actor, "mailbox.create", "mailbox", str(box.id), None,
          {"name": name, "host": host, "port": port, "security": how.value, "folder": folder,
           "from_contains": from_contains, "subject_contains": subject_contains, "after": after,
           "hr": hr})
    return box


def spec_of(box: Mailbox, secret_key: str) -> MailboxSpec:
    return MailboxSpec(box.id, box.name, box.host, box.port, Security(box.security),
                       box.username, unseal(secret_key, box.password_sealed), box.folder,
                       box.from_contains, box.subject_contains, box.after, box.hr)


# ------------------------------------------------------------------ reading
def _quote(text: str) -> str:
    if not text.isascii() or any(ch in text for ch in "\r\n"):
        raise MailError(f"a rule text must be plain ASCII on one line: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _connect(spec: MailboxSpec) -> imaplib.IMAP4:
    try:
        if spec.security is Security.SSL:
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(spec.host, spec.port,
                                                    ssl_context=ssl.create_default_context(),
                                                    timeout=TIMEOUT_S)
        else:
            conn = imaplib.IMAP4(spec.host, spec.port, timeout=TIMEOUT_S)
            if spec.security is Security.STARTTLS:
                conn.starttls(ssl.create_default_context())
        conn.login(spec.username, spec.password)
    except (OSError, ssl.SSLError) as exc:  # TimeoutError is an OSError
        raise MailError(f"cannot reach {spec.host}:{spec.port} ({exc})") from exc
    except imaplib.IMAP4.error as exc:
        raise MailError(f"{spec.host} refused the login of {spec.username}: {exc}") from exc
    return conn


def _ok(answer: tuple[str, Any], what: str) -> Any:
    typ, data = answer
    if typ != "OK":
        raise MailError(f"{what} failed: {data!r}")
    return data


def _subject(raw: bytes) -> str:
    header = BytesHeaderParser().parsebytes(raw).get("Subject", "")
    try:
        return str(make_header(decode_header(header))).strip()
    except (UnicodeError, LookupError, ValueError):
        return str(header).strip()


def _filename(subject: str, uid: str) -> str:
    stem = re.sub(r"[^\w .-]+", "", subject)[:80].strip() or f"mail-{uid}"
    return f"{stem}.eml"


def _put_away(conn: imaplib.IMAP4, spec: MailboxSpec, uid: str) -> None:
    if spec.after.startswith(MOVE_PREFIX):
        target = _quote(spec.after[len(MOVE_PREFIX):])
        caps = {c.upper() for c in getattr(conn, "capabilities", ())}
        if "MOVE" in caps:
            _ok(conn.uid("MOVE", uid, target), f"moving mail {uid}")
            return
        _ok(conn.uid("COPY", uid, target), f"copying mail {uid}")
        _ok(conn.uid("STORE", uid, "+FLAGS", r"(\Deleted)"), f"deleting mail {uid}")
        conn.expunge()
        return
    _ok(conn.uid("STORE", uid, "+FLAGS", r"(\Seen)"), f"marking mail {uid} seen")


def poll(spec: MailboxSpec, pipeline: Pipeline) -> list[MailOutcome]:
    """Take the mailbox's new mails that pass its rules; raises MailError when the mailbox
    cannot be read at all (a single bad mail is an outcome, not an error)."""
    conn = _connect(spec)
    outcomes: list[MailOutcome] = []
    try:
        _ok(conn.select(_quote(spec.folder)), f"opening folder {spec.folder}")
        criteria = ["UNSEEN"]
        if spec.from_contains:
            criteria += ["FROM", _quote(spec.from_contains)]
        if spec.subject_contains:
            criteria += ["SUBJECT", _quote(spec.subject_contains)]
        data = _ok(conn.uid("SEARCH", None, *criteria), "searching the folder")
        uids = (data[0] or b"").decode().split()[:MAX_PER_POLL]
        hint = IntakeHint(channel=HR, source=f"mail:{spec.name}") if spec.hr else None
        for uid in uids:
            outcomes.append(_take(conn, spec, uid, pipeline, hint))
    finally:
        try:
            conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return outcomes


def _take(conn: imaplib.IMAP4, spec: MailboxSpec, uid: str, pipeline: Pipeline,
          hint: IntakeHint | None) -> MailOutcome:
    sized = _ok(conn.uid("FETCH", uid, "(RFC822.SIZE)"), f"sizing mail {uid}")
    m = re.search(rb"RFC822\.SIZE (\d+)", sized[0] if isinstance(sized[0], bytes) else b"")
    if m and int(m.group(1)) > pipeline.settings.max_bytes:
        return MailOutcome(uid, "", "skipped", None, error=f"mail {uid} is {int(m.group(1))} "
                           "bytes, over BACKOFFICE_MAX_BYTES; left in the mailbox")
    fetched = _ok(conn.uid("FETCH", uid, "(BODY.PEEK[])"), f"fetching mail {uid}")
    raw = next((part[1] for part in fetched if isinstance(part, tuple)), None)
    if not raw:
        return MailOutcome(uid, "", "skipped", None, error=f"mail {uid} came back empty")
    subject = _subject(raw)
    try:
        r = pipeline.process_bytes(_filename(subject, uid), raw, actor=f"mail:{spec.name}",
                                   hint=hint)
    except Exception as exc:  # noqa: BLE001 - left unseen; the next poll tries again
        log.exception("mail %s of %s could not be processed", uid, spec.name)
        return MailOutcome(uid, subject, "failed", None, error=f"{type(exc).__name__}: {exc}")
    _put_away(conn, spec, uid)
    error = r.get("error") or {}
    return MailOutcome(uid, subject, r.get("status") or "failed", r.get("document_id"),
                       len(r.get("attachments") or []),
                       f"{error.get('code')}: {error.get('message')}" if error else None)


# ------------------------------------------------------------------ scheduling
def poll_mailbox(sessions: Any, settings: Settings, secret_key: str, box_id: int,
                 pipeline: Pipeline | None = None) -> list[MailOutcome]:
    """One poll of one mailbox, reported on its channel row (never raises MailError)."""
    with session_scope(sessions) as s:
        box = s.get(Mailbox, box_id)
        if box is None:
            return []
        name = f"mail:{box.name}"
        box.last_polled_at = utcnow()
        try:
            spec = spec_of(box, secret_key)
        except MailError as exc:
            report(s, ChannelReport(name, "mail", "error", error=str(exc)))
            return []
    try:
        outcomes = poll(spec, pipeline or Pipeline(settings))
    except MailError as exc:
        log.warning("mailbox %s: %s", spec.name, exc)
        with session_scope(sessions) as s:
            report(s, ChannelReport(name, "mail", "error", error=str(exc)))
        return []
    failed = [o for o in outcomes if o.status in ("failed", "skipped")]
    with session_scope(sessions) as s:
        report(s, ChannelReport(
            name, "mail", "running", f"{spec.username}@{spec.host}:{spec.port}/{spec.folder}",
            received=len(outcomes), failed=len(failed),
            error=failed[-1].error if failed else None))
    return outcomes


def poll_due(sessions: Any, settings: Settings, secret_key: str) -> int:
    """Poll every active mailbox whose interval has passed; returns mails taken."""
    now = utcnow()
    with session_scope(sessions) as s:
        due = [b.id for b in s.scalars(select(Mailbox).where(Mailbox.active.is_(True)))
               if b.last_polled_at is None
               or aware(b.last_polled_at) + timedelta(seconds=b.interval_s) <= now]
    return sum(len(poll_mailbox(sessions, settings, secret_key, i)) for i in due)


def start_in_background(sessions: Any, settings: Settings, secret_key: str
                        ) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                poll_due(sessions, settings, secret_key)
            except Exception:  # noqa: BLE001 - a bad round must not end the poller
                log.exception("mail polling round failed")
            stop.wait(LOOP_S)

    thread = threading.Thread(target=loop, name="backoffice-mail", daemon=True)
    thread.start()
    return stop, thread
