"""Cross-site writes and DNS rebinding (issue 28, item 1): other sites' pages cannot write, other host names are
not served, JSON routes take JSON only; same-origin pages and non-browser clients still work."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.site_guard import allowed_host_names, host_name
from tests.unit.service.test_api import ACME_TEXT, assert_error, components_at, doc_ids, local_client

pytestmark = pytest.mark.unit

DOCUMENT = {"doc_id": "acme.txt", "text": ACME_TEXT}


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return local_client(create_app(components_at(tmp_path)))


@pytest.mark.parametrize("headers", [
    {"Origin": "http://attacker.example"},
    {"Origin": "http://localhost:3000"},  # another local app: another origin
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost"},
])
def test_a_write_from_another_site_is_403_and_stores_nothing(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/v1/documents", json=DOCUMENT, headers=headers)

    assert_error(response, 403, "cross_site_request")
    assert doc_ids(client) == []
    created = client.post("/v1/documents", json=DOCUMENT)
    assert created.status_code == 200
    assert_error(client.delete("/v1/documents/acme.txt", headers=headers), 403, "cross_site_request")
    assert_error(client.post("/v1/jobs", content=b'{"claim": "Acme grew."}\n', headers=headers | {
        "Content-Type": "application/jsonl"}), 403, "cross_site_request")
    assert doc_ids(client) == ["acme.txt"]


def test_the_same_origin_and_clients_that_are_not_browsers_may_write(client: TestClient) -> None:
    same_origin = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}

    assert client.post("/v1/documents", json=DOCUMENT, headers=same_origin).status_code == 200
    assert client.delete("/v1/documents/acme.txt", headers={"Sec-Fetch-Site": "none"}).status_code == 200
    # reads from another site are not refused here (a browser keeps their answers from the page: no CORS)
    assert client.get("/v1/documents", headers={"Origin": "http://attacker.example"}).status_code == 200


@pytest.mark.parametrize("host", ["attacker-rebind.example", "evil.localhost.example:8000", "10.0.0.5"])
def test_a_host_name_the_server_does_not_answer_to_is_refused(tmp_path: Path, host: str) -> None:
    client = local_client(create_app(components_at(tmp_path)))

    assert_error(client.get("/v1/health", headers={"Host": host}), 400, "invalid_host")
    assert_error(client.post("/v1/documents", json=DOCUMENT, headers={"Host": host}), 400, "invalid_host")
    assert doc_ids(client) == []


def test_configured_host_names_and_the_bound_address_are_served(tmp_path: Path) -> None:
    app = create_app(components_at(tmp_path, server={"allowed_hosts": ["vericlaim.newsroom.example"],
                                                     "host": "192.168.1.20"}))

    for host in ("vericlaim.newsroom.example", "VERICLAIM.newsroom.example:8443", "192.168.1.20:8000"):
        assert TestClient(app, base_url=f"http://{host}").get("/v1/health").status_code == 200
    assert_error(TestClient(app, base_url="http://localhost").get("/v1/health"), 400, "invalid_host")
    assert TestClient(create_app(components_at(tmp_path / "any", server={"allowed_hosts": ["*"]})),
                      base_url="http://anything.example").get("/v1/health").status_code == 200


def test_host_names_are_read_without_their_port() -> None:
    assert host_name("[::1]:8000") == "::1" and host_name("::1") == "::1" and host_name("LocalHost:80") == "localhost"
    assert allowed_host_names(["localhost"], "0.0.0.0") == {"localhost"}
    assert allowed_host_names(["localhost"], "10.1.2.3") == {"localhost", "10.1.2.3"}


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_document_sent_as_anything_but_json_or_an_upload_is_415(client: TestClient, content_type: str) -> None:
    body = b'{"doc_id": "acme.txt", "text": "Acme grew."}'

    response = client.post("/v1/documents", content=body, headers={"Content-Type": content_type} if content_type
                           else {})

    assert_error(response, 415, "unsupported_media_type")
    assert doc_ids(client) == []


@pytest.mark.parametrize("content_type", ["text/plain", "", "text/plain; charset=utf-8"])
def test_a_job_sent_as_text_is_415(client: TestClient, content_type: str) -> None:
    response = client.post("/v1/jobs", content=b'{"claim": "Acme grew."}\n',
                           headers={"Content-Type": content_type} if content_type else {})

    assert_error(response, 415, "unsupported_media_type")
    assert client.get("/v1/jobs").json()["jobs"] == []


@pytest.mark.parametrize("path", ["/v1/check", "/v1/check/batch", "/v1/check/text", "/v1/ask", "/v1/search"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_json_route_refuses_a_body_sent_as_text_or_a_form(client: TestClient, path: str, content_type: str) -> None:
    """Issue 28, item 1: a no-preflight body is 415 on every JSON route, not only on writes."""
    response = client.post(path, content=b'{"claim": "Acme grew.", "query": "Acme", "question": "Who grew?"}',
                           headers={"Content-Type": content_type} if content_type else {})

    assert_error(response, 415, "unsupported_media_type")


def test_a_json_route_takes_json_with_a_charset(client: TestClient) -> None:
    response = client.post("/v1/search", content=b'{"query": "Acme"}',
                           headers={"Content-Type": "application/json; charset=utf-8"})

    assert response.status_code != 415


# ---- what a stored document may be called (issue 28, item 7) ------------------------------------------------

@pytest.mark.parametrize("document", [
    {"doc_id": "nl\nid", "text": ACME_TEXT},
    {"doc_id": "nul\u0000id", "text": ACME_TEXT},
    {"doc_id": "line\u2028separator", "text": ACME_TEXT},
    {"doc_id": "acme.txt", "text": ACME_TEXT, "title": "t" * 1_001},
    {"doc_id": "acme.txt", "text": ACME_TEXT, "url": "https://example.org/" + "u" * 2_048},
])
def test_ids_with_control_characters_and_over_long_titles_are_refused(client: TestClient,
                                                                     document: dict[str, str]) -> None:
    assert_error(client.post("/v1/documents", json=document), 422, "invalid_request")
    assert doc_ids(client) == []


def test_an_upload_named_with_a_control_character_is_refused(client: TestClient) -> None:
    response = client.post("/v1/documents", files={"file": ("acme.txt", ACME_TEXT.encode(), "text/plain")},
                           data={"doc_id": "bad\u0007id"})

    body = assert_error(response, 400, "bad_input")
    assert "control characters" in body["detail"]
    assert doc_ids(client) == []
