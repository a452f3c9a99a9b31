"""Who may call what over HTTP: the API token (`VERICLAIM_API_TOKEN`).

With a token set, adding and deleting documents need `Authorization: Bearer <token>`, and with
`server.token_for_reads` so do checks, searches and listings; `/v1/health` and `/v1/ready` never do (probes).
A missing or wrong token is 401 `unauthorized` with `WWW-Authenticate: Bearer`. The comparison takes the same
time whatever the guess, and the token is never logged or echoed. Without a token the writes are open, so
`vericlaim serve` binds only a loopback address unless told otherwise (`open_writes_refused`).
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from typing import Any

from fastapi import Request

from service.config import Settings
from service.errors import UnauthorizedError

_NEEDS_TOKEN = "this route needs 'Authorization: Bearer <token>' with the server's API token"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.components.settings
    return settings


def _check_token(request: Request) -> None:
    token = _settings(request).api_token
    if token is None:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    expected = token.get_secret_value().encode("utf-8")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode("utf-8"), expected):
        raise UnauthorizedError(_NEEDS_TOKEN)


def require_write_token(request: Request) -> None:
    """A route dependency: writes need the token whenever one is set."""
    _check_token(request)


def require_read_token(request: Request) -> None:
    """A route dependency: reads need the token when `server.token_for_reads` is on."""
    if _settings(request).server.token_for_reads:
        _check_token(request)


def may_read(request: Request) -> bool:
    """Whether the request may see what reads show (collection names): always, unless reads need the token and
    it does not carry it."""
    try:
        require_read_token(request)
    except UnauthorizedError:
        return False
    return True


_WRITE_PATHS = ("/v1/documents", "/v1/jobs")
_PROBES = {"/v1/health", "/v1/ready"}
_BODY_METHODS = {"POST", "PUT", "PATCH"}


class TokenBeforeBody:
    """An ASGI middleware: a request that carries a body to a route needing the token (writes always, reads with
    `server.token_for_reads`) is answered 401 before its body is read, so that no one without the token can make
    the server read and parse up to `server.max_body_bytes`. The routes check the token again (`Writer`,
    `Reader`); this only answers earlier."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        token = self.settings.api_token
        if scope["type"] != "http" or token is None or scope["method"] not in _BODY_METHODS \
                or not self._needs_token(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        scheme, _, given = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
        if scheme.lower() == "bearer" and secrets.compare_digest(given.strip().encode("utf-8"),
                                                                 token.get_secret_value().encode("utf-8")):
            await self.app(scope, receive, send)
            return
        body = json.dumps({"error": UnauthorizedError.code, "detail": _NEEDS_TOKEN}).encode("utf-8")
        await send({"type": "http.response.start", "status": 401, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", b"Bearer"), (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    def _needs_token(self, path: str) -> bool:
        if path.startswith(_WRITE_PATHS):
            return True
        return self.settings.server.token_for_reads and path.startswith("/v1/") and path not in _PROBES


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def open_writes_refused(settings: Settings, host: str, allow_open_writes: bool) -> str | None:
    """Why `vericlaim serve` must not bind `host`, or None when it may."""
    if settings.api_token is not None or is_loopback(host) or allow_open_writes or settings.server.allow_open_writes:
        return None
    return (f"refusing to serve on {host} with document writes open to anyone who can reach it: set "
            f"VERICLAIM_API_TOKEN, or pass --allow-open-writes (VERICLAIM_SERVER__ALLOW_OPEN_WRITES=true)")
