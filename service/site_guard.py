"""An ASGI middleware against requests that a web page in the user's browser can make without the user's say.

With no API token (the default, on loopback) any page the user opens could otherwise write to the service: a
cross-site `fetch(…, {mode: "no-cors"})` or form post needs no CORS preflight, and a DNS-rebinding page reaches
127.0.0.1 under its own host name. So:
- a request whose `Host` is not a name the server answers to (`server.allowed_hosts`, loopback by default, plus
  the address it was told to serve) is refused: 400 `invalid_host`;
- a state-changing request (POST, PUT, PATCH, DELETE) that the browser marks as coming from another site
  (`Sec-Fetch-Site: cross-site` or `same-site`), or whose `Origin` is not this server's own, is refused:
  403 `cross_site_request`. Clients that are not browsers (curl, scripts) send neither header and are let
  through; the page served at `/` is same-origin.
The routes themselves refuse a JSON body sent as a form or as text (415), which a page could send without a
preflight (service/routes/documents.py, service/routes/jobs.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
_WILDCARD_BINDS = {"0.0.0.0", "::", ""}
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

Scope = dict[str, Any]


def host_name(host: str) -> str:
    """The name in a Host header or netloc, without its port: "[::1]:8000" → "::1", "Example.org:80" →
    "example.org"."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host[1:]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def allowed_host_names(configured: Iterable[str], bind: str) -> frozenset[str]:
    """The host names served: the configured ones ("*": any) and the bind address when it is a specific one."""
    names = {host_name(name) if name != "*" else "*" for name in configured}
    if host_name(bind) not in _WILDCARD_BINDS:
        names.add(host_name(bind))
    return frozenset(names)


class SiteGuard:
    def __init__(self, app: Any, allowed_hosts: frozenset[str]) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
        host = headers.get("host", "")
        if "*" not in self.allowed_hosts and host_name(host) not in self.allowed_hosts:
            await _refuse(send, 400, "invalid_host",
                          f"this server does not answer to the host name {host_name(host)!r}; add it to "
                          "VERICLAIM_SERVER__ALLOWED_HOSTS if it should")
            return
        if scope["method"] in _UNSAFE and _cross_site(headers, host):
            await _refuse(send, 403, "cross_site_request",
                          "a request from another site may not change this server's documents or jobs")
            return
        await self.app(scope, receive, send)


def _cross_site(headers: dict[str, str], host: str) -> bool:
    if headers.get("sec-fetch-site", "same-origin").lower() not in {"same-origin", "none"}:
        return True
    origin = headers.get("origin")
    if origin is None:
        return False
    if origin == "null":  # a sandboxed frame, a file: page or a redirect across sites
        return True
    return urlsplit(origin).netloc.lower() != host.strip().lower()


async def _refuse(send: Any, status: int, code: str, detail: str) -> None:
    body = json.dumps({"error": code, "detail": detail}).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
