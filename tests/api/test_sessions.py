"""Sessions that end, throttled sign-ins, the password policy, cookie flags and the API
description behind login (issue: a cookie captured before logout kept working for 12 h,
30 wrong passwords then the right one worked, `password` was accepted, no `Secure` flag,
/openapi.json open to anyone)."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.cli import main
from api.web import throttle
from records.db import session_scope
from records.passwords import MIN_LENGTH, WeakPassword, check_password
from records.users import UserError, create_user, set_password, set_roles
from tests.api.test_web_support import (
    ADMIN_PASSWORD,
    BASE_URL,
    PASSWORD,
    add_user,
    csrf_of,
    fast_hashes,
    login,
    make_app,
)


class Clock:
    """The throttle's clock, moved by hand."""

    def __init__(self) -> None:
        self.t = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += timedelta(seconds=seconds)


@pytest.fixture()
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(throttle, "now", c)
    return c


def _post_login(client: TestClient, name: str, password: str) -> object:
    token = csrf_of(client)
    return client.post("/login", data={"username": name, "password": password,
                                       "csrf_token": token, "next": "/documents"},
                       follow_redirects=False)


# ------------------------------------------------------------------ sessions end
def test_cookie_captured_before_logout_is_worthless_after(app: FastAPI,
                                                          client: TestClient) -> None:
    add_user(app, "pat", "ap")
    token = login(client, "pat")
    captured = dict(client.cookies)
    assert client.get("/api/documents").status_code == 200
    assert client.post("/logout", data={"csrf_token": token},
                       follow_redirects=False).status_code == 303
    replay = TestClient(app, base_url=BASE_URL, cookies=captured)
    assert replay.get("/api/documents").status_code == 401
    assert replay.get("/documents", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("change", ["password", "roles", "disable"])
def test_password_role_change_and_disable_end_sessions(app: FastAPI, client: TestClient,
                                                       change: str) -> None:
    add_user(app, "pat", "ap")
    login(client, "pat")
    other = TestClient(app, base_url=BASE_URL)
    login(other, "pat")
    assert client.get("/api/documents").status_code == 200
    with session_scope(app.state.sessions) as s:
        if change == "password":
            set_password(s, "pat", "a-new-long-passphrase", actor="test")
        elif change == "roles":
            set_roles(s, "pat", ["ap", "approver"], actor="test")
        else:
            from records.users import set_active

            set_active(s, "pat", False, actor="test")
    assert client.get("/api/documents").status_code == 401
    assert other.get("/api/documents").status_code == 401
    if change != "disable":  # a fresh sign-in works again
        login(client, "pat", "a-new-long-passphrase" if change == "password" else PASSWORD)
        assert client.get("/api/documents").status_code == 200


def test_cli_passwd_and_roles_end_sessions(app: FastAPI, client: TestClient,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    add_user(app, "pat", "ap")
    login(client, "pat")
    assert main(["users", "roles", "pat", "--role", "legal"]) == 0
    assert client.get("/api/documents").status_code == 401
    login(client, "pat")
    monkeypatch.setattr("sys.stdin", io.StringIO("another-long-passphrase\n"))
    assert main(["users", "passwd", "pat", "--password-stdin"]) == 0
    assert client.get("/api/documents").status_code == 401


# ------------------------------------------------------------------ throttling
def test_right_password_after_30_wrong_waits_then_works(app: FastAPI, client: TestClient,
                                                        clock: Clock) -> None:
    add_user(app, "pat", "ap")
    codes = []
    for _ in range(30):
        r = _post_login(client, "pat", "wrong-password-x")
        codes.append(r.status_code)
        if r.status_code == 429:
            clock.advance(int(r.headers["retry-after"]))  # an attacker who waits each time
    assert set(codes) <= {401, 429} and codes[:5] == [401] * 5
    r = _post_login(client, "pat", PASSWORD)
    assert r.status_code == 429, "the right password must not work at once"
    wait = int(r.headers["retry-after"])
    assert 60 <= wait <= throttle.USER_BUDGET.max_delay_s
    clock.advance(wait - 2)
    assert _post_login(client, "pat", PASSWORD).status_code == 429
    clock.advance(2)
    r = _post_login(client, "pat", PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/documents"
    # Success forgets the user's failures: one typo later is an ordinary 401.
    client.cookies.clear()
    assert _post_login(client, "pat", "wrong-password-x").status_code == 401


def test_back_off_doubles_after_free_tries() -> None:
    b = throttle.USER_BUDGET
    waits = [throttle.delay_s(b, n) for n in range(1, b.free_failures + 5)]
    assert waits[:b.free_failures] == [0.0] * b.free_failures
    assert waits[b.free_failures:] == [1.0, 2.0, 4.0, 8.0]
    assert throttle.delay_s(b, 10_000) == b.max_delay_s


def test_address_throttled_across_user_names(app: FastAPI, client: TestClient,
                                             clock: Clock) -> None:
    add_user(app, "pat", "ap")
    for i in range(throttle.ADDRESS_BUDGET.free_failures):
        assert _post_login(client, f"guess{i}", "wrong-password-x").status_code == 401
        clock.advance(1)
    r = _post_login(client, "someone-new", "wrong-password-x")
    assert r.status_code == 401  # the failure that starts the address's back-off
    r = _post_login(client, "pat", PASSWORD)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    clock.advance(int(r.headers["retry-after"]))
    assert _post_login(client, "pat", PASSWORD).status_code == 303


def test_basic_auth_is_throttled_too(app: FastAPI, client: TestClient, clock: Clock) -> None:
    add_user(app, "pat", "ap")

    def basic(pw: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"pat:{pw}".encode()).decode()}

    for _ in range(throttle.USER_BUDGET.free_failures + 1):
        assert client.get("/api/documents", headers=basic("wrong-password-x")).status_code == 401
    r = client.get("/api/documents", headers=basic(PASSWORD))
    assert r.status_code == 429 and r.headers["retry-after"] == "1"
    clock.advance(1)
    assert client.get("/api/documents", headers=basic(PASSWORD)).status_code == 200


# ------------------------------------------------------------------ password policy
@pytest.mark.parametrize("weak", ["password", "12345678", "short-pass1", "password1234",
                                  "Password2026!", "QWERTYUIOP12", "correcthorsebatterystaple"])
def test_weak_passwords_refused(weak: str) -> None:
    with pytest.raises(WeakPassword):
        check_password(weak)


def test_policy_applies_to_accounts_web_and_cli(app: FastAPI, client: TestClient,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    check_password("x" * (MIN_LENGTH - 2) + "yz")  # long enough and not common: accepted
    with session_scope(app.state.sessions) as s, pytest.raises(UserError, match="common"):
        create_user(s, "pat", "password1234", ["ap"])
    with session_scope(app.state.sessions) as s, pytest.raises(UserError, match="user name"):
        create_user(s, "averylongname", "AVERYLONGNAME", ["ap"])
    token = login(client, "admin", ADMIN_PASSWORD)
    assert f'minlength="{MIN_LENGTH}"' in client.get("/users").text
    r = client.post("/users", data={"username": "lee", "password": "12345678",
                                    "roles": ["legal"], "csrf_token": token})
    assert r.status_code == 200 and "Not created" in r.text and "at least 12" in r.text
    monkeypatch.setattr("sys.stdin", io.StringIO("password\n"))
    assert main(["users", "add", "bob", "--role", "ap", "--password-stdin"]) == 1
    assert "at least 12 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("iloveyou1234\n"))
    assert main(["users", "add", "bob", "--role", "ap", "--password-stdin"]) == 1
    assert "too common" in capsys.readouterr().err


# ------------------------------------------------------------------ cookie flags
def _session_cookie(r: object) -> str:
    cookies = [v for k, v in r.headers.multi_items() if k == "set-cookie"]  # type: ignore[attr-defined]
    found = [c for c in cookies if c.startswith("backoffice_session=")]
    assert found, cookies
    return found[-1].lower()


def test_cookie_secure_unless_localhost(app: FastAPI) -> None:
    with TestClient(app, base_url="https://backoffice.example.com") as remote:
        cookie = _session_cookie(remote.get("/login"))
        assert "; secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    for local in ("http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000"):
        with TestClient(app, base_url=local) as c:
            assert "; secure" not in _session_cookie(c.get("/login")), local
    with TestClient(app, base_url="https://localhost") as c:  # TLS, e.g. via a local proxy
        assert "; secure" in _session_cookie(c.get("/login"))


@pytest.mark.parametrize(("setting", "secure"), [("1", True), ("0", False)])
def test_cookie_secure_setting_overrides(data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                         setting: str, secure: bool) -> None:
    monkeypatch.setenv("BACKOFFICE_COOKIE_SECURE", setting)
    for app in make_app(data_dir, monkeypatch):
        for base in ("http://localhost", "https://backoffice.example.com"):
            with TestClient(app, base_url=base) as c:
                assert ("; secure" in _session_cookie(c.get("/login"))) is secure


# ------------------------------------------------------------------ API description
def test_openapi_needs_login_and_docs_are_off(app: FastAPI, client: TestClient) -> None:
    assert client.get("/openapi.json").status_code == 401
    assert client.get("/docs").status_code == 404
    login(client, "admin", ADMIN_PASSWORD)
    r = client.get("/openapi.json")
    assert r.status_code == 200 and "/api/documents" in r.json()["paths"]
    assert client.get("/docs").status_code == 404


def test_openapi_off_by_configuration(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKOFFICE_OPENAPI", "0")
    fast_hashes(monkeypatch)
    for app in make_app(data_dir, monkeypatch):
        with TestClient(app, base_url=BASE_URL) as c:
            login(c, "admin", ADMIN_PASSWORD)
            assert c.get("/openapi.json").status_code == 404


def test_stale_counters_and_expired_sessions_are_purged(app: FastAPI, client: TestClient,
                                                        clock: Clock) -> None:
    from datetime import timedelta as td

    from records.auth_sessions import create_session
    from records.models import AuthSession, LoginFailures

    add_user(app, "pat", "ap")
    _post_login(client, "nobody", "wrong-password-x")
    with session_scope(app.state.sessions) as s:
        create_session(s, "pat", 60, now=datetime.now(UTC) - td(hours=1))  # long expired
        assert s.query(LoginFailures).count() == 2 and s.query(AuthSession).count() == 1
    clock.advance(throttle.FORGET_AFTER_S + 1)
    login(client, "pat")
    with session_scope(app.state.sessions) as s:
        assert s.query(LoginFailures).count() == 0  # the address counter went stale
        assert [r.username for r in s.query(AuthSession)] == ["pat"]  # only the new one


def test_weak_first_admin_password_is_refused_clearly(data_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from api.app import AdminPasswordRefused, create_app
    from workflow.settings import Settings

    fast_hashes(monkeypatch)
    monkeypatch.setenv("BACKOFFICE_ADMIN_PASSWORD", "admin123")
    with pytest.raises(AdminPasswordRefused, match="at least 12 characters"):
        create_app(Settings.from_env(data_dir))


def test_concurrent_failures_for_a_new_name_never_500(app: FastAPI, clock: Clock) -> None:
    """Many wrong passwords at once (threads, one fresh user name): each is 401 or 429."""
    from concurrent.futures import ThreadPoolExecutor

    cred = base64.b64encode(b"victim:wrong-password-x").decode()

    def attempt(_i: int) -> int:
        c = TestClient(app, base_url=BASE_URL)  # no lifespan: the app is already started
        return c.get("/api/documents", headers={"Authorization": f"Basic {cred}"}).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(attempt, range(24)))
    assert set(codes) <= {401, 429}, codes


def test_burst_of_simultaneous_guesses_meets_the_lock(app: FastAPI, clock: Clock,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """16 guesses at once while each password check takes 0.3 s (argon2's real cost): the
    free tries and the one that starts the wait reach a password check, the rest wait (429),
    as in a sequence. Counting a failure only after the check let 14-16 through."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    import api.web.deps
    from records.users import authenticate as real

    def slow(*args: object) -> object:
        time.sleep(0.3)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(api.web.deps, "authenticate", slow)
    add_user(app, "pat", "ap")
    cred = base64.b64encode(b"pat:wrong-password-x").decode()

    def attempt(_i: int) -> int:
        c = TestClient(app, base_url=BASE_URL)
        return c.get("/api/documents", headers={"Authorization": f"Basic {cred}"}).status_code

    with ThreadPoolExecutor(16) as pool:
        codes = list(pool.map(attempt, range(16)))
    assert set(codes) <= {401, 429}
    assert codes.count(401) == throttle.USER_BUDGET.free_failures + 1, codes
