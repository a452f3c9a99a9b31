"""An ASGI middleware that bounds every request body (`server.max_body_bytes`): a declared Content-Length over
the limit is answered 413 before anything is read, and a body that grows past it while it is read (chunked, or
a lying Content-Length) stops the route with `BodyTooLargeError`, also 413. Nothing of it reaches a store.
A body that stops arriving for `server.body_timeout_seconds` (a slow or stalled client holding a worker) stops
the route with `RequestTimeoutError`, 408. Once the body is complete, waiting for the client is unbounded again
(a streamed answer listens for its disconnect)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from service.errors import BodyTooLargeError, RequestTimeoutError

Scope = dict[str, Any]
Message = dict[str, Any]


class BodyLimit:
    def __init__(self, app: Any, limit: int, timeout: float = 30.0) -> None:
        self.app = app
        self.limit = limit
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0
        complete = False

        async def counted() -> Message:
            nonlocal seen, complete
            if complete:
                message: Message = await receive()
                return message
            try:
                message = await asyncio.wait_for(receive(), self.timeout)
            except TimeoutError:
                raise RequestTimeoutError(f"the request body stopped arriving for {self.timeout:g} s "
                                          "(VERICLAIM_SERVER__BODY_TIMEOUT_SECONDS)") from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLargeError(self._detail())
                complete = not message.get("more_body", False)
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
