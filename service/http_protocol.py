"""uvicorn's h11 HTTP protocol with a deadline for a request's headers (issue 28, item 13).

uvicorn times a keep-alive connection out only once a response is done, so a client that opens a connection
and sends half a request line, or half its headers, holds it for good; a few hundred of them fill
`limit_concurrency`, and every other client is answered 503 (slowloris). Here a connection whose next request's
headers are not complete within `header_timeout` seconds of its first byte (or of the connection opening) is
closed, and so is one that, answered before its body was read (a 405, a 413), trickles the rest of it past the
same deadline. A body the app reads has its own deadline (`BodyLimit`). A server open to the internet still
belongs behind a reverse proxy that buffers requests; this bounds what a slow client can hold on its own.

    uvicorn.run(app, http=with_header_timeout(10.0))
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


class HeaderDeadlineH11(H11Protocol):
    """`H11Protocol` that closes a connection whose request headers take longer than `header_timeout`."""

    header_timeout = 10.0
    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._header_deadline is None and self._waiting_on_client():
            self._arm()  # the first bytes of another request, or of a body nobody reads, on a kept-alive connection
        super().data_received(data)
        if not self._waiting_on_client():  # the request line and headers are in, and the app has the body
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self._waiting_on_client() and self._header_deadline is None:
            self._arm()  # answered before its body was read (a 405, a 413): the rest of it gets the same deadline

    def _waiting_on_client(self) -> bool:
        """Whether the connection waits on the client for what no one else times: the next request's line and
        headers, or, once the answer is sent, the rest of a body the app never read."""
        their, ours = self.conn.their_state, self.conn.our_state
        return their is h11.IDLE or (ours is h11.DONE and their is h11.SEND_BODY)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing() and self._waiting_on_client():
            self.transport.close()


def with_header_timeout(seconds: float) -> type[HeaderDeadlineH11]:
    """The protocol class for `uvicorn.run(http=…)`, with its deadline."""
    return type("HeaderDeadlineH11", (HeaderDeadlineH11,), {"header_timeout": seconds})
