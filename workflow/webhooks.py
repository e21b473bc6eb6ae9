"""Sending the webhook outbox (`workflow.events` writes it): each delivery is POSTed as JSON,
signed with the endpoint's secret, and retried with back-off until it is answered 2xx or
`RETRY_DELAYS_S` runs out (then `failed`, shown in the admin page's delivery log).

Delivery is at least once: a receiver de-duplicates by the `X-Backoffice-Delivery` id. The
signature header is `X-Backoffice-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of
"<t>.<body>" with the secret>`; a receiver checks it and refuses a `t` far from its clock
(replays). Endpoints are managed by admins (`backoffice webhooks`, the admin page).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.audit import audit
from records.db import session_scope
from records.models import Webhook, WebhookDelivery, utcnow
from workflow.errors import Invalid
from workflow.events import Event

log = logging.getLogger(__name__)

# seconds before attempt 2, 3, ...; after the last, the delivery is `failed`
RETRY_DELAYS_S = (10, 30, 120, 600, 1800, 3600)
TIMEOUT_S = 10.0
BATCH = 50
POLL_S = 2.0
CLAIM_S = 60  # a claimed delivery is skipped by other senders this long
USER_AGENT = "Backoffice-Webhooks/1"
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
ALLOWED_SCHEMES = ("http", "https")


@dataclass(frozen=True, slots=True)
class Answer:
    """What the receiver said: a status code, or why there was none."""

    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


Post = Callable[[str, bytes, dict[str, str]], Answer]


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: float | None = None,
           tolerance_s: int = 300) -> bool:
    """What a receiver does with the signature header (also used by the tests)."""
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), header)


def http_post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            return Answer(response.status)
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Answer(None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"[:500])


# ------------------------------------------------------------------ endpoints
def add_webhook(session: Session, url: str, events: list[str], actor: str,
                hr: bool = False) -> Webhook:
    """A new endpoint with a fresh secret (shown to the admin once, on creation)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ALLOWED_SCHEMES or not parts.netloc:
        raise Invalid(f"a webhook URL must be http(s)://host/..., not {url!r}")
    known = {e.value for e in Event}
    unknown = sorted(set(events) - known)
    if unknown:
        raise Invalid(f"unknown event(s) {', '.join(unknown)}; one of {', '.join(sorted(known))}")
    hook = Webhook(url=url.strip(), secret=secrets.token_hex(32), events=sorted(set(events)),
                   hr=hr, active=True, created_by=actor)
    session.add(hook)
    session.flush()
    audit(session, actor, "webhook.create", "webhook", str(hook.id), None,
          {"url": hook.url, "events": hook.events, "hr": hr})
    return hook


def set_active(session: Session, webhook_id: int, active: bool, actor: str) -> Webhook:
    hook = session.get(Webhook, webhook_id)
    if hook is None:
        raise Invalid(f"no webhook {webhook_id}")
    before = {"active": hook.active}
    hook.active = active
    audit(session, actor, "webhook.active", "webhook", str(hook.id), before, {"active": active})
    return hook


def recent_deliveries(session: Session, limit: int = 100) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery)
                                .order_by(WebhookDelivery.created_at.desc()).limit(limit)))


# ------------------------------------------------------------------ sending
def _due(session: Session, now: datetime) -> list[WebhookDelivery]:
    query = (select(WebhookDelivery)
             .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now)
             .order_by(WebhookDelivery.next_attempt_at).limit(BATCH))
    if session.get_bind().dialect.name == "postgresql":  # several nodes send side by side
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


@dataclass(frozen=True, slots=True)
class _Claimed:
    id: str
    event: str
    payload: dict[str, Any]
    url: str | None  # None: the endpoint is gone or disabled
    secret: str


def _claim(sessions: Any, now: datetime) -> list[_Claimed]:
    """Take the due deliveries for `CLAIM_S` (another sender skips them meanwhile), in a
    short transaction: no database lock is held while a receiver answers."""
    with session_scope(sessions) as s:
        out = []
        for d in _due(s, now):
            hook = s.get(Webhook, d.webhook_id)
            d.next_attempt_at = now + timedelta(seconds=CLAIM_S)
            live = hook is not None and hook.active
            out.append(_Claimed(d.id, d.event, dict(d.payload), hook.url if live else None,
                                hook.secret if live else ""))
        return out


def _attempt(c: _Claimed, post: Post, clock: Callable[[], float]) -> Answer:
    assert c.url is not None
    body = json.dumps({"id": c.id, **c.payload}, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Backoffice-Event": c.event,
        "X-Backoffice-Delivery": c.id,
        "X-Backoffice-Signature": sign(c.secret, int(clock()), body),
    }
    return post(c.url, body, headers)


def _record(sessions: Any, c: _Claimed, answer: Answer | None, now: datetime) -> None:
    with session_scope(sessions) as s:
        d = s.get(WebhookDelivery, c.id)
        if d is None:
            return
        if answer is None:
            d.status, d.last_error = FAILED, "endpoint removed or disabled"
            return
        d.attempts += 1
        d.last_status_code = answer.status
        if answer.ok:
            d.status, d.delivered_at, d.last_error = DELIVERED, now, None
            return
        d.last_error = answer.error or f"HTTP {answer.status}"
        if d.attempts > len(RETRY_DELAYS_S):
            d.status = FAILED
            log.warning("webhook delivery %s failed for good: %s", d.id, d.last_error)
        else:
            d.next_attempt_at = now + timedelta(seconds=RETRY_DELAYS_S[d.attempts - 1])


def deliver_due(sessions: Any, post: Post = http_post, now: datetime | None = None,
                clock: Callable[[], float] = time.time) -> int:
    """Send what is due; returns how many were answered 2xx."""
    now = now or utcnow()
    sent = 0
    for claimed in _claim(sessions, now):
        answer = _attempt(claimed, post, clock) if claimed.url is not None else None
        _record(sessions, claimed, answer, now)
        sent += bool(answer and answer.ok)
    return sent


def run(sessions: Any, stop: threading.Event, post: Post = http_post) -> None:
    """Until `stop`: send due deliveries every `POLL_S` seconds."""
    while not stop.is_set():
        try:
            deliver_due(sessions, post)
        except Exception:  # noqa: BLE001 - a bad round must not end the sender
            log.exception("webhook delivery round failed")
        stop.wait(POLL_S)


def start_in_background(sessions: Any) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=run, args=(sessions, stop), name="backoffice-webhooks",
                              daemon=True)
    thread.start()
    return stop, thread
