"""The session cookie, marked `Secure` whenever the service is not reached on localhost.

`BACKOFFICE_COOKIE_SECURE`: `auto` (default) decides per request from the host the browser
asked for: a loopback name or address (`localhost`, `127.0.0.1`, `[::1]`, `*.localhost`)
reached over plain http gets a plain cookie so the local install works, any other host a
`Secure` one (so an exposed service needs TLS, normally a proxy in front), and so does any
request that came over https, directly or per the local proxy's X-Forwarded-Proto (a proxy
may pass its upstream address as the Host). `1` always marks it, `0` never.
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class CookieSecure(StrEnum):
    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"

    @classmethod
    def parse(cls, raw: str | None) -> CookieSecure:
        value = (raw or "").strip().lower()
        if value in ("1", "true", "yes", "on", "always"):
            return cls.ALWAYS
        if value in ("0", "false", "no", "off", "never"):
            return cls.NEVER
        return cls.AUTO


def is_loopback_host(host_header: str) -> bool:
    """`localhost:8000`, `127.0.0.1`, `[::1]:8000`... (the Host header's name part)."""
    host = host_header.strip().lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host(scope: Scope) -> str:
    for key, value in scope.get("headers", []):
        if key == b"host":
            return value.decode("latin-1")
    server = scope.get("server")
    return str(server[0]) if server else ""


class SessionCookies(SessionMiddleware):
    """Starlette's signed session cookie plus the per-request `Secure` decision."""

    def __init__(self, app: ASGIApp, *, secure: CookieSecure, **kwargs: object) -> None:
        super().__init__(app, https_only=secure is CookieSecure.ALWAYS, **kwargs)  # type: ignore[arg-type]
        self.secure = secure
        self._prefix = f"{self.session_cookie}=".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or self.secure is not CookieSecure.AUTO
                or (scope.get("scheme") == "http" and is_loopback_host(_host(scope)))):
            await super().__call__(scope, receive, send)
            return

        async def secure_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (k, v + b"; secure" if k.lower() == b"set-cookie" and v.startswith(self._prefix)
                     else v)
                    for k, v in message.get("headers", [])
                ]
            await send(message)

        await super().__call__(scope, receive, secure_send)
