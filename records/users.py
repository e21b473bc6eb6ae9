"""Users, roles and password hashes.

Passwords are stored as argon2 hashes (pwdlib's recommended hasher), never in clear
and never in the audit log, and must meet `records.passwords`' policy. Roles are a small
fixed vocabulary so that access rules in `api.web.access` can be checked by reading one
table. A password change, a role change or deactivation ends the user's sessions.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from records.audit import audit
from records.auth_sessions import revoke_user_sessions
from records.models import User
from records.passwords import WeakPassword, check_password
from records.roles import ROLES

_USERNAME_OK = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")


class UserError(ValueError):
    """A user could not be created or changed (bad name, unknown role, duplicate)."""


@lru_cache(maxsize=1)
def _hasher() -> Any:
    from pwdlib import PasswordHash

    return PasswordHash.recommended()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so timing does not reveal names."""
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bool(_hasher().verify(password, password_hash))
    except Exception:  # noqa: BLE001 - a malformed hash is a failed login, not a crash
        return False


def _check_password(password: str, username: str) -> None:
    try:
        check_password(password, username)
    except WeakPassword as exc:
        raise UserError(str(exc)) from None


def check_roles(roles: Iterable[str]) -> list[str]:
    out = sorted({r.strip().lower() for r in roles if r and r.strip()})
    unknown = [r for r in out if r not in ROLES]
    if unknown:
        raise UserError(f"unknown role(s) {', '.join(unknown)}; known: {', '.join(ROLES)}")
    return out


def user_json(user: User) -> dict[str, Any]:
    """What may be shown or audited about a user: never the hash."""
    return {"username": user.username, "roles": list(user.roles or []), "active": user.active}


def get_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def create_user(
    session: Session,
    username: str,
    password: str,
    roles: Iterable[str],
    actor: str = "system",
) -> User:
    name = username.strip().lower()
    if not name or len(name) > 80 or not set(name) <= _USERNAME_OK:
        raise UserError("username must be 1-80 characters of a-z, 0-9, '.', '_', '-', '@'")
    if get_user(session, name) is not None:
        raise UserError(f"user {name!r} already exists")
    _check_password(password, name)
    role_list = check_roles(roles)
    if not role_list:
        raise UserError("a user needs at least one role")
    user = User(username=name, password_hash=hash_password(password), roles=role_list,
                active=True)
    session.add(user)
    session.flush()
    audit(session, actor, "user.create", "user", name, None, user_json(user))
    return user


def set_password(session: Session, username: str, password: str, actor: str) -> None:
    user = get_user(session, username)
    if user is None:
        raise UserError(f"no user {username!r}")
    _check_password(password, user.username)
    user.password_hash = hash_password(password)
    ended = revoke_user_sessions(session, user.username)
    audit(session, actor, "user.password", "user", user.username, None,
          {"sessions_ended": ended})


def set_roles(session: Session, username: str, roles: Iterable[str], actor: str) -> None:
    user = get_user(session, username)
    if user is None:
        raise UserError(f"no user {username!r}")
    role_list = check_roles(roles)
    if not role_list:
        raise UserError("a user needs at least one role")
    before = user_json(user)
    user.roles = role_list
    revoke_user_sessions(session, user.username)
    audit(session, actor, "user.update", "user", user.username, before, user_json(user))


def set_active(session: Session, username: str, active: bool, actor: str) -> None:
    user = get_user(session, username)
    if user is None:
        raise UserError(f"no user {username!r}")
    before = user_json(user)
    user.active = active
    if not active:
        revoke_user_sessions(session, user.username)
    audit(session, actor, "user.update", "user", user.username, before, user_json(user))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with that password, or None; same cost whether or not the name exists."""
    user = get_user(session, username or "")
    if user is None or not user.active:
        verify_password(password, _dummy_hash())
        return None
    return user if verify_password(password, user.password_hash) else None


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def ensure_admin(session: Session, password: str | None = None) -> str | None:
    """On a fresh install create `admin`; returns the generated password (None if not made).

    The caller prints it once: it is not stored anywhere else.
    """
    if session.scalar(select(func.count(User.id))):
        return None
    pw = password or secrets.token_urlsafe(12)
    create_user(session, "admin", pw, ["admin"], actor="system")
    return pw
