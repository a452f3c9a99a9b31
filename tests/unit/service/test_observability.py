"""Request ids, Prometheus metrics and JSON log lines (service/observability.py) through the app."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.observability import JsonFormatter, log_config
from tests.unit.service.test_api import ACME_TEXT, CLAIM, components_at, local_client

pytestmark = pytest.mark.unit


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    client = local_client(create_app(components_at(tmp_path)))
    client.post("/v1/documents", json={"doc_id": "acme.txt", "text": ACME_TEXT})
    return client


def sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format."""
    wanted = name + ("{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}" if labels else "")
    for line in metrics.splitlines():
        if line.startswith(wanted + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{wanted} not in the metrics")


def test_every_answer_carries_a_request_id_and_a_clean_given_one_is_kept(client: TestClient) -> None:
    fresh = client.post("/v1/check", json={"claim": CLAIM})
    kept = client.post("/v1/check", json={"claim": CLAIM}, headers={"X-Request-ID": "trace-42"})
    replaced = client.get("/v1/health", headers={"X-Request-ID": "bad id\twith\nstuff"})
    refused = client.post("/v1/check", json={"claim": ""})

    assert len(fresh.headers["X-Request-ID"]) == 16
    assert kept.headers["X-Request-ID"] == "trace-42"
    assert replaced.headers["X-Request-ID"] != "bad id\twith\nstuff" and len(replaced.headers["X-Request-ID"]) == 16
    assert refused.status_code == 422 and refused.headers["X-Request-ID"]


def test_metrics_count_requests_by_route_template_and_verdicts_by_label(client: TestClient) -> None:
    verdict = client.post("/v1/check", json={"claim": CLAIM}).json()["verdict"]
    client.post("/v1/check", json={"claim": ""})
    client.delete("/v1/documents/some/missing.txt")

    response = client.get("/metrics")

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert sample(text, "vericlaim_requests_total", method="POST", route="/v1/check", status="200") == 1
    assert sample(text, "vericlaim_requests_total", method="POST", route="/v1/check", status="422") == 1
    assert sample(text, "vericlaim_requests_total", method="DELETE", route="/v1/documents/{doc_id:path}",
                  status="404") == 1  # the route's template, never the id asked for
    assert sample(text, "vericlaim_request_seconds_count", route="/v1/check") == 2
    assert sample(text, "vericlaim_verdicts_total", label=verdict) == 1
    assert sample(text, "vericlaim_queue_depth") == 0


def test_metrics_need_the_token_when_reads_do(tmp_path: Path) -> None:
    components = components_at(tmp_path, api_token="t0ken-for-metrics-tests", server={"token_for_reads": True})
    client = local_client(create_app(components))

    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer t0ken-for-metrics-tests"}).status_code == 200


def test_a_request_is_logged_as_one_line_with_its_id(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="vericlaim.requests"):
        client.post("/v1/check", json={"claim": CLAIM}, headers={"X-Request-ID": "trace-7"})

    line = json.loads(JsonFormatter().format(caplog.records[-1]))
    assert line["request_id"] == "trace-7" and line["route"] == "/v1/check" and line["status"] == 200
    assert line["level"] == "info" and line["ms"] >= 0 and line["message"] == "POST /v1/check 200"


def test_the_serve_log_config_writes_json_and_silences_uvicorns_access_log() -> None:
    config = log_config()

    assert config["formatters"]["json"]["()"].endswith("JsonFormatter")
    assert config["loggers"]["uvicorn.access"]["handlers"] == []
    record = logging.LogRecord("vericlaim", logging.ERROR, __file__, 1, "boom %s", ("x",), None)
    assert json.loads(JsonFormatter().format(record))["message"] == "boom x"
