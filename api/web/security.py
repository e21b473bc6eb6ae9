"""Secrets, CSRF tokens and API bearer tokens.

The session cookie is signed with `BACKOFFICE_SECRET_KEY`, or with a random key kept
in `<data_dir>/secret.key` (mode 0600) so sessions survive restarts without anyone
having to configure a secret on a single-machine install. Several nodes must share
`BACKOFFICE_SECRET_KEY`: they refuse to start without it (`api.multinode`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from workflow.settings import Settings

SECRET_FILE = "secret.key"
SESSION_MAX_AGE_S = 12 * 3600  # a browser session ends 12 h after sign-in at the latest
TOKEN_MAX_AGE_S = 90 * 24 * 3600


def load_secret_key(settings: Settings) -> str:
    """The configured secret, else the persisted one, else a new one written 0600."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / SECRET_FILE
    try:
        key = path.read_text().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under a temporary name, then linked into place: two first starts at
    # once both end with the key that won, never with an empty or half-written file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return path.read_text().strip()
    finally:
        os.unlink(tmp)
    return key


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="backoffice-api-token")


def credential_stamp(password_hash: str, roles: list[str] | None) -> str:
    """What a bearer token is bound to besides the name: the user's password hash and
    roles. A password or role change makes every token issued before it stop working, as
    it ends every browser session."""
    text = password_hash + "|" + ",".join(sorted(roles or []))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def make_api_token(secret: str, username: str, stamp: str) -> str:
    """A signed bearer token for scripts (`credential_stamp` of the user at issue time);
    revoked by deactivating the user or changing their password or roles."""
    return _serializer(secret).dumps({"u": username, "s": stamp})


def read_api_token(secret: str, token: str) -> tuple[str, str] | None:
    """(user name, credential stamp) of a valid token, else None."""
    try:
        data = _serializer(secret).loads(token, max_age=TOKEN_MAX_AGE_S)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not data.get("u") or not data.get("s"):
        return None  # tokens issued before stamps existed are not honoured
    return str(data["u"]), str(data["s"])
