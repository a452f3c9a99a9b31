"""What guards the HTTP API (issue 17's probe findings): the API token, strict request bodies, unknown
collections, body limits, readiness, and the bounded queue for searches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.access import is_loopback, open_writes_refused
from service.api import create_app
from service.config import Settings
from tests.unit.service.test_api import ACME_TEXT, CLAIM, assert_error, components_at, doc_ids, local_client
from vericlaim.cli import app as cli

pytestmark = pytest.mark.unit

TOKEN = "s3cret-token-for-tests"
DOCUMENT = {"doc_id": "acme.txt", "text": ACME_TEXT}


def client_at(home: Path, **settings: Any) -> TestClient:
    return local_client(create_app(components_at(home, **settings)))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ---- the API token --------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, bearer("wrong"), {"Authorization": TOKEN},
                                     {"Authorization": f"Basic {TOKEN}"}])
def test_writes_without_the_token_are_401_and_store_nothing(tmp_path: Path, headers: dict[str, str]) -> None:
    client = client_at(tmp_path, api_token=TOKEN)

    response = client.post("/v1/documents", json=DOCUMENT, headers=headers)

    body = assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert TOKEN not in response.text and TOKEN not in str(body)
    assert not (tmp_path / "collections").exists() or doc_ids(client) == []


def test_writes_with_the_token_go_through_and_reads_stay_open(tmp_path: Path) -> None:
    client = client_at(tmp_path, api_token=TOKEN)

    assert client.post("/v1/documents", json=DOCUMENT, headers=bearer(TOKEN)).status_code == 200
    assert_error(client.delete("/v1/documents/acme.txt"), 401, "unauthorized")
    assert doc_ids(client) == ["acme.txt"]
    assert client.post("/v1/check", json={"claim": CLAIM}).status_code == 200
    assert client.delete("/v1/documents/acme.txt", headers=bearer(TOKEN)).status_code == 200


def test_reads_can_need_the_token_too_but_probes_never_do(tmp_path: Path) -> None:
    client = client_at(tmp_path, api_token=TOKEN, server={"token_for_reads": True})
    client.post("/v1/documents", json=DOCUMENT, headers=bearer(TOKEN))

    for path, payload in (("/v1/check", {"claim": CLAIM}), ("/v1/search", {"query": "Acme"}),
                          ("/v1/ask", {"question": "What was Acme's revenue?"})):
        assert_error(client.post(path, json=payload), 401, "unauthorized")
        assert client.post(path, json=payload, headers=bearer(TOKEN)).status_code == 200
    assert_error(client.get("/v1/documents"), 401, "unauthorized")
    assert client.get("/v1/health").status_code == 200
    assert client.get("/v1/ready").status_code == 200


def test_without_a_token_only_a_loopback_address_is_served(tmp_path: Path) -> None:
    open_settings = Settings(home=tmp_path)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")
    assert open_writes_refused(open_settings, "127.0.0.1", False) is None
    assert "VERICLAIM_API_TOKEN" in str(open_writes_refused(open_settings, "0.0.0.0", False))
    assert open_writes_refused(open_settings, "0.0.0.0", True) is None
    assert open_writes_refused(Settings(home=tmp_path, server={"allow_open_writes": True}), "0.0.0.0", False) is None
    assert open_writes_refused(Settings(home=tmp_path, api_token=TOKEN), "0.0.0.0", False) is None


def test_serve_on_an_open_address_without_a_token_is_one_line_and_exit_2(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERICLAIM_HOME", str(tmp_path))
    monkeypatch.delenv("VERICLAIM_API_TOKEN", raising=False)

    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])

    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1 and "--allow-open-writes" in result.stderr
    assert not any(tmp_path.iterdir())  # refused before any model loaded


# ---- strict bodies and unknown collections -------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    {"claim": CLAIM, "top_kk": 3},          # a misspelled field is not silently ignored
    {"claim": CLAIM, "explain": "yes"},     # nor is a string read as a boolean
    {"claim": CLAIM, "since": 0},           # nor a number as seconds since 1970
])
def test_a_check_body_that_would_be_misread_is_422(tmp_path: Path, payload: dict[str, Any]) -> None:
    client = client_at(tmp_path)
    client.post("/v1/documents", json=DOCUMENT)

    assert_error(client.post("/v1/check", json=payload), 422, "invalid_request")


def test_a_document_with_an_unreadable_date_is_refused_and_not_stored(tmp_path: Path) -> None:
    client = client_at(tmp_path)
    client.post("/v1/documents", json=DOCUMENT)

    for date in ("not-a-date", "2024-13"):
        response = client.post("/v1/documents", json={"doc_id": "dated.txt", "text": "Acme grew.", "date": date})
        assert_error(response, 400, "bad_input")
    assert client.post("/v1/documents", json={**DOCUMENT, "extra": 1}).status_code == 422
    assert doc_ids(client) == ["acme.txt"]
    dated = {"doc_id": "dated.txt", "text": "Acme grew.", "date": "2024-03-05T10:00:00Z"}
    assert client.post("/v1/documents", json=dated).status_code == 200


def test_an_unknown_collection_is_404_not_a_verdict(tmp_path: Path) -> None:
    client = client_at(tmp_path)
    client.post("/v1/documents", json=DOCUMENT)

    for path, payload in (("/v1/check", {"claim": CLAIM}), ("/v1/search", {"query": "Acme"}),
                          ("/v1/ask", {"question": "What was Acme's revenue?"}),
                          ("/v1/check/text", {"text": CLAIM + "."})):
        body = assert_error(client.post(path, json={**payload, "collection": "defualt"}), 404,
                            "collection_not_found")
        assert "'defualt'" in body["detail"] and "default" in body["detail"]
    assert_error(client.get("/v1/documents", params={"collection": "defualt"}), 404, "collection_not_found")
    assert not (tmp_path / "collections" / "defualt").exists()


# ---- limits, readiness, the queue ----------------------------------------------------------------------

def test_a_body_over_the_limit_is_413_whether_declared_or_streamed(tmp_path: Path) -> None:
    client = client_at(tmp_path, server={"max_body_bytes": 2_000})
    big = {"doc_id": "big.txt", "text": "A sentence. " * 400}

    assert_error(client.post("/v1/documents", json=big), 413, "body_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted as the body arrives
        yield b'{"doc_id": "big.txt", "text": "'
        for _ in range(100):
            yield b"A sentence. " * 10
        yield b'"}'

    response = client.post("/v1/documents", content=chunks(), headers={"Content-Type": "application/json"})
    assert_error(response, 413, "body_too_large")
    assert client.post("/v1/documents", json=DOCUMENT).status_code == 200
    assert doc_ids(client) == ["acme.txt"]


def test_ready_says_which_collection_cannot_be_read_while_health_stays_alive(tmp_path: Path) -> None:
    client = client_at(tmp_path)
    assert client.get("/v1/ready").json() == {"status": "ready", "unreadable_collections": [], "detail": None}
    client.post("/v1/documents", json=DOCUMENT)
    client.post("/v1/documents", json={**DOCUMENT, "collection": "other"})
    folder = tmp_path / "collections" / "other"
    (folder / "CURRENT").write_text("a-generation-that-is-gone", encoding="utf-8")

    response = client.get("/v1/ready")

    assert response.status_code == 503
    assert response.json() == {"status": "not_ready", "unreadable_collections": ["other"], "detail": None}
    assert str(tmp_path) not in response.text
    assert client.get("/v1/health").status_code == 200


def test_a_missing_current_makes_ready_503_and_names_the_collection_only_to_readers(tmp_path: Path) -> None:
    """Issue 28, items 2 and 10: a collection whose CURRENT was deleted is not ready (never read as new); with
    TOKEN_FOR_READS a probe without the token learns that, not the collection's name."""
    client = client_at(tmp_path, api_token=TOKEN, server={"token_for_reads": True})
    client.post("/v1/documents", json={**DOCUMENT, "collection": "private-notes"}, headers=bearer(TOKEN))
    (tmp_path / "collections" / "private-notes" / "CURRENT").unlink()

    probe, reader = client.get("/v1/ready"), client.get("/v1/ready", headers=bearer(TOKEN))

    assert probe.status_code == reader.status_code == 503
    assert probe.json()["unreadable_collections"] == [] and "private-notes" not in probe.text
    assert "1 collection(s) cannot be read" in probe.json()["detail"]
    assert reader.json()["unreadable_collections"] == ["private-notes"]


def test_searches_wait_in_the_bounded_queue_like_checks(tmp_path: Path) -> None:
    app = create_app(components_at(tmp_path, server={"queue_size": 1}))
    client = local_client(app)
    client.post("/v1/documents", json=DOCUMENT)
    app.state.admission._in_flight = 1  # one model call already waiting

    response = client.post("/v1/search", json={"query": "Acme revenue"})

    assert_error(response, 503, "busy")
    assert response.headers["Retry-After"] == "5"


# ---- no server paths in error details ------------------------------------------------------------------

def test_an_unreadable_upload_is_named_by_its_upload_name_not_a_server_path(tmp_path: Path) -> None:
    client = client_at(tmp_path)

    response = client.post("/v1/documents", files={"file": ("report.pdf", b"%PDF-1.4 not really", "application/pdf")})

    body = assert_error(response, 422, "unreadable_document")
    assert "upload:report.pdf" in body["detail"]
    assert "/tmp" not in response.text and str(tmp_path) not in response.text


def test_an_uploaded_pdf_that_takes_too_long_to_read_is_422_and_stores_nothing(tmp_path: Path) -> None:
    """Issue 28, item 4: a few kilobytes of PDF that keep pypdf busy are stopped at the upload's deadline."""
    from tests.unit.index.test_loaders import one_page_bomb

    client = client_at(tmp_path, server={"max_extract_seconds": 0.05})
    response = client.post("/v1/documents", files={"file": ("bomb.pdf", one_page_bomb(100_000), "application/pdf")})

    body = assert_error(response, 422, "unreadable_document")
    assert "took longer than 0.05 s" in body["detail"] and "MAX_EXTRACT_SECONDS" in body["detail"]
    assert client.get("/v1/documents").status_code == 404  # the collection was never created


def test_work_run_while_wanted_is_told_to_stop_when_the_client_leaves() -> None:
    """The upload's PDF is read in a thread that is told to stop when the client disconnects (the stop flag
    `pdf_to_text` checks at every operator)."""
    import asyncio
    import threading

    from service.routes.documents import _while_wanted

    class GoneClient:
        async def is_disconnected(self) -> bool:
            return True

    def work(stop: threading.Event) -> bool:
        return stop.wait(10)  # True as soon as the flag is set

    assert asyncio.run(_while_wanted(GoneClient(), work)) is True  # type: ignore[arg-type]


def test_a_corrupt_index_is_reported_without_server_paths(tmp_path: Path) -> None:
    client = client_at(tmp_path)
    client.post("/v1/documents", json=DOCUMENT)
    folder = tmp_path / "collections" / "default"
    generation = folder / (folder / "CURRENT").read_text(encoding="utf-8").split()[0]
    (generation / "manifest.json").write_text("{not json", encoding="utf-8")

    response = client_at(tmp_path).post("/v1/check", json={"claim": CLAIM})  # a process that reads it afresh

    body = assert_error(response, 500, "index_corrupt")
    assert "collection 'default'" in body["detail"]
    assert str(tmp_path) not in response.text


# ---- found by fuzzing the schema (schemathesis) --------------------------------------------------------

def test_a_405_lists_every_method_the_path_serves(tmp_path: Path) -> None:
    response = client_at(tmp_path).request("TRACE", "/v1/documents")

    assert_error(response, 405, "method_not_allowed")
    assert {"GET", "POST"} <= set(response.headers["Allow"].split(", "))


def test_text_with_a_lone_surrogate_is_422_and_nothing_is_stored(tmp_path: Path) -> None:
    client = client_at(tmp_path)
    client.post("/v1/documents", json=DOCUMENT)
    body = '{"doc_id": "odd.txt", "text": "Acme \\udc8e grew."}'

    response = client.post("/v1/documents", content=body, headers={"Content-Type": "application/json"})

    assert_error(response, 422, "invalid_request")
    assert_error(client.post("/v1/check", content='{"claim": "Acme \\ud800"}',
                             headers={"Content-Type": "application/json"}), 422, "invalid_request")
    assert doc_ids(client) == ["acme.txt"]


def test_an_empty_token_is_no_token_and_a_short_one_is_refused(tmp_path: Path) -> None:
    assert Settings(home=tmp_path, api_token="").api_token is None
    with pytest.raises(ValueError, match="at least 16 characters"):
        Settings(home=tmp_path, api_token="short")
    client = client_at(tmp_path, api_token="")
    assert client.post("/v1/documents", json=DOCUMENT, headers={"Authorization": "Bearer "}).status_code == 200


@pytest.mark.parametrize(("token", "message"), [(" " * 20, "only whitespace"), ("\t\n" * 10, "only whitespace"),
                                                ("two words of a token", "without spaces"),
                                                ("kéy-with-accents-0123", "printable ASCII")])
def test_a_blank_or_unsendable_token_is_refused_at_start(tmp_path: Path, token: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings(home=tmp_path, api_token=token)


def test_whitespace_around_the_token_is_not_part_of_it(tmp_path: Path) -> None:
    client = client_at(tmp_path, api_token=f"  {TOKEN}\n")  # an env file's trailing newline

    assert client.post("/v1/documents", json=DOCUMENT, headers=bearer(TOKEN)).status_code == 200
    assert_error(client.post("/v1/documents", json=DOCUMENT), 401, "unauthorized")


def test_the_page_is_served_at_the_root_with_a_strict_content_policy_and_stays_out_of_the_schema(
        tmp_path: Path) -> None:
    client = client_at(tmp_path, api_token=TOKEN, server={"token_for_reads": True})

    page = client.get("/")  # the page holds no data: no token needed to load it

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<script src="/static/app.js"' in page.text
    for asset, kind in (("/static/app.js", "javascript"), ("/static/style.css", "text/css")):
        response = client.get(asset)
        assert response.status_code == 200 and kind in response.headers["content-type"]
    assert client.get("/static/missing.js").status_code == 404
    assert client.get("/static/index.html").status_code == 404  # the page only where its policy comes with it
    assert not {path for path in client.get("/openapi.json").json()["paths"] if not path.startswith("/v1/")} - {
        "/metrics"}


# ---- status codes of bodies FastAPI cannot read (issue 28, item 8) ----------------------------------------

def test_a_chunked_body_past_the_limit_on_a_check_is_413(tmp_path: Path) -> None:
    client = client_at(tmp_path, server={"max_body_bytes": 1_000})

    def chunks() -> Iterator[bytes]:
        yield b'{"claim": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}'

    assert_error(client.post("/v1/check", content=chunks(), headers={"Content-Type": "application/json"}), 413,
                 "body_too_large")


@pytest.mark.parametrize("body", [b'{"claim": "caf\xe9"}', b'{"claim": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"])
def test_a_check_body_that_is_not_utf8_or_nested_too_deep_is_422(tmp_path: Path, body: bytes) -> None:
    response = client_at(tmp_path).post("/v1/check", content=body, headers={"Content-Type": "application/json"})

    assert_error(response, 422, "invalid_request")


# ---- the token before the body, health as liveness only (issue 28, item 10) -------------------------------

def test_a_body_without_the_token_is_refused_before_it_is_read(tmp_path: Path) -> None:
    client = client_at(tmp_path, api_token=TOKEN, server={"token_for_reads": True})
    read = 0

    def body() -> Iterator[bytes]:
        nonlocal read
        for _ in range(200):
            read += 1
            yield b" " * 100_000

    response = client.post("/v1/check", content=body(), headers={"Content-Type": "application/json"})

    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert read <= 2  # answered before the 20 MB were sent
    assert_error(client.post("/v1/documents", json=DOCUMENT), 401, "unauthorized")
    assert client.post("/v1/documents", json=DOCUMENT, headers=bearer(TOKEN)).status_code == 200


def test_health_names_no_collection_and_info_needs_the_token_when_reads_do(tmp_path: Path) -> None:
    client = client_at(tmp_path, api_token=TOKEN, server={"token_for_reads": True})
    client.post("/v1/documents", json={**DOCUMENT, "collection": "secret-investigation"}, headers=bearer(TOKEN))

    health = client.get("/v1/health")

    assert health.status_code == 200 and "secret-investigation" not in health.text
    assert_error(client.get("/v1/info"), 401, "unauthorized")
    assert "secret-investigation" in client.get("/v1/info", headers=bearer(TOKEN)).json()["collections"]


# ---- headers on every answer, the docs offline (issue 28, item 12) ----------------------------------------

def test_every_answer_carries_the_security_headers(tmp_path: Path) -> None:
    client = client_at(tmp_path, api_token=TOKEN, server={"max_body_bytes": 100})
    answers = [client.get("/v1/health"), client.get("/v1/documents/missing"), client.get("/openapi.json"),
               client.post("/v1/documents", json=DOCUMENT),  # 401
               client.post("/v1/check", content=b"x" * 200, headers={"Content-Type": "application/json"}),  # 413
               client.get("/v1/health", headers={"Host": "elsewhere.example"}), client.get("/"), client.get("/docs")]

    for response in answers:
        assert response.headers["X-Content-Type-Options"] == "nosniff", response.url
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], response.url
    assert [r.status_code for r in answers] == [200, 404, 200, 401, 413, 400, 200, 200]
    assert answers[1].headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_the_api_docs_load_their_files_from_this_server(tmp_path: Path) -> None:
    client = client_at(tmp_path)

    docs = client.get("/docs").text

    assert "cdn" not in docs.lower() and "/docs-assets/swagger-ui-bundle.js" in docs
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css"):
        assert client.get(asset).status_code == 200


# ---- a stalled body (issue 28, item 13) ---------------------------------------------------------------------

def test_a_body_that_stops_arriving_is_408_and_stores_nothing(tmp_path: Path) -> None:
    import asyncio
    import json

    app = create_app(components_at(tmp_path, server={"body_timeout_seconds": 0.3}))
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if not sent:
            sent.append({})
            return {"type": "http.request", "body": b'{"doc_id": "a.txt", "text": "Ac', "more_body": True}
        await asyncio.sleep(3600)  # the rest never comes
        raise AssertionError("unreachable")

    answer: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        answer.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "path": "/v1/documents", "raw_path": b"/v1/documents", "query_string": b"", "root_path": "",
             "scheme": "http", "server": ("localhost", 80), "client": ("127.0.0.1", 5000),
             "headers": [(b"host", b"localhost"), (b"content-type", b"application/json"),
                         (b"content-length", b"100")]}

    asyncio.run(asyncio.wait_for(app(scope, receive, send), 10))

    assert answer[0]["status"] == 408
    assert json.loads(answer[1]["body"])["error"] == "request_timeout"
    assert doc_ids(local_client(app)) == []
