"""POST /v1/check/batch: several claims answered inline, in order, as /v1/check answers each."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from tests.unit.service.test_api import ACME_TEXT, CLAIM, NOTES_MD, assert_error, components_at, local_client

pytestmark = pytest.mark.unit

CLAIMS = [CLAIM, "The penguin exhibit opens in June 2025.", "Acme employs 900,000 people worldwide."]


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    client = local_client(create_app(components_at(tmp_path, server={"max_batch_claims": 4})))
    client.post("/v1/documents", json={"doc_id": "acme.txt", "text": ACME_TEXT})
    client.post("/v1/documents", json={"doc_id": "notes.md", "text": NOTES_MD})
    return client


def test_a_batch_answers_each_claim_in_order_as_a_single_check_would(client: TestClient) -> None:
    response = client.post("/v1/check/batch", json={"claims": CLAIMS, "top_k": 3})

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [result["claim"] for result in results] == CLAIMS
    for claim, result in zip(CLAIMS, results, strict=True):
        single = client.post("/v1/check", json={"claim": claim, "top_k": 3}).json()
        assert (result["verdict"], result["confidence"], result["citations"]) == \
            (single["verdict"], single["confidence"], single["citations"])


@pytest.mark.parametrize(("payload", "status", "code", "named"), [
    ({"claims": []}, 422, "invalid_request", None),
    ({"claims": CLAIMS + CLAIMS}, 400, "bad_input", "at most 4"),
    ({"claims": [CLAIM, "   "]}, 422, "empty_claim", "claims[1]"),
    ({"claims": [CLAIM], "collection": "nope"}, 404, "collection_not_found", "'nope'"),
    ({"claims": [CLAIM], "top_kk": 2}, 422, "invalid_request", None),
])
def test_a_bad_batch_is_refused_whole_naming_what_is_wrong(
        client: TestClient, payload: dict[str, object], status: int, code: str, named: str | None) -> None:
    body = assert_error(client.post("/v1/check/batch", json=payload), status, code)
    if named:
        assert named in body["detail"]


def test_a_batch_takes_one_place_in_the_bounded_queue(tmp_path: Path) -> None:
    app = create_app(components_at(tmp_path, server={"queue_size": 1}))
    client = local_client(app)
    client.post("/v1/documents", json={"doc_id": "acme.txt", "text": ACME_TEXT})
    app.state.admission._in_flight = 1

    response = client.post("/v1/check/batch", json={"claims": [CLAIM]})

    assert_error(response, 503, "busy")
