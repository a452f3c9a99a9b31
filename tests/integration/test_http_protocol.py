"""A request whose headers never finish does not hold a connection (issue 28, item 13): uvicorn on 127.0.0.1
with the protocol `vericlaim serve` uses (service/http_protocol.py), a trivial app, and raw sockets."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from service.http_protocol import with_header_timeout

pytestmark = pytest.mark.integration

DEADLINE = 0.5


async def hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def serve(protocol: Any) -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(hello, host="127.0.0.1", port=port, http=protocol, log_level="error",
                                           timeout_keep_alive=30, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield port
    server.should_exit = True
    thread.join(5)


@pytest.fixture
def port() -> Iterator[int]:
    yield from serve(with_header_timeout(DEADLINE))


@pytest.fixture
def plain_port() -> Iterator[int]:
    yield from serve("h11")


def closed_within(connection: socket.socket, seconds: float) -> bool:
    """Whether the server closes the connection (recv gives b"") within `seconds`."""
    connection.settimeout(seconds)
    try:
        while data := connection.recv(1024):
            if b"\r\n\r\n" not in data:  # a response may come first; the close is what counts
                continue
        return True
    except TimeoutError:
        return False


def test_half_sent_headers_are_cut_off_at_the_deadline(port: int, plain_port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as slow, \
            socket.create_connection(("127.0.0.1", plain_port)) as held:
        for connection in (slow, held):
            connection.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        assert closed_within(slow, DEADLINE + 2)
        assert not closed_within(held, DEADLINE + 1)  # plain uvicorn keeps it open: what the protocol is for


def test_a_connection_that_never_speaks_is_cut_off(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as silent:
        assert closed_within(silent, DEADLINE + 2)


def test_headers_in_pieces_within_the_deadline_are_served_and_the_next_request_is_timed_too(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\n")
        time.sleep(DEADLINE / 3)
        connection.sendall(b"Host: localhost\r\n\r\n")
        connection.settimeout(2)
        assert connection.recv(1024).startswith(b"HTTP/1.1 200")
        connection.sendall(b"GET / HTTP/1.1\r\nHost: loc")  # a second, kept-alive request that stalls
        assert closed_within(connection, DEADLINE + 2)


def test_the_rest_of_a_body_the_app_never_read_gets_the_same_deadline(port: int) -> None:
    """The app answers without reading the body (as a 405 or a 413 does); the client then trickles the rest."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\nxx")
        connection.settimeout(2)
        assert connection.recv(1024).startswith(b"HTTP/1.1 200")
        for _ in range(3):  # a byte now and then, each within uvicorn's own keep-alive timeout
            time.sleep(DEADLINE / 2)
            try:
                connection.sendall(b"x")
            except OSError:
                break
        assert closed_within(connection, DEADLINE + 2)
