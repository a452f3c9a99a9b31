"""An ASGI middleware that bounds every request body (`server.max_body_bytes`): a declared Content-Length over
the limit is answered 413 before anything is read, and a body that grows past it while it is read (chunked, or
a lying Content-Length) stops the route with `BodyTooLargeError`, also 413. Nothing of it reaches a store."""

from __future__ import annotations

import json
from typing import Any

from service.errors import BodyTooLargeError

Scope = dict[str, Any]
Message = dict[str, Any]


class BodyLimit:
    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message: Message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLargeError(self._detail())
            return message

        await self.app(scope, counted, send)

    def _detail(self) -> str:
        return f"request body larger than {self.limit} bytes (VERICLAIM_SERVER__MAX_BODY_BYTES)"

    async def _refuse(self, send: Any) -> None:
        body = json.dumps({"error": BodyTooLargeError.code, "detail": self._detail()}).encode("utf-8")
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
