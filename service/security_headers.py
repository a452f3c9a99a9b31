"""An ASGI middleware that puts the browser-facing security headers on every response, not only the page's:
`X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and, unless the route set its own (the page at
`/`, the API docs at `/docs`), a Content-Security-Policy that lets nothing run and no one frame the answer. An API
answer opened in a browser tab is then inert even if a stored document's text looked like HTML."""

from __future__ import annotations

from typing import Any

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
_ALWAYS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
# the same headers for a response answered outside this middleware (Starlette's outermost error layer: a 500)
API_HEADERS = {**{name.decode(): value.decode() for name, value in _ALWAYS}, "content-security-policy": API_POLICY}


class SecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _ALWAYS if name not in present]
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", API_POLICY.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
