"""The real HTTP server: `vericlaim serve` under uvicorn on 127.0.0.1, called over HTTP."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import DEMO, ROOT, serving

pytestmark = pytest.mark.integration


@pytest.fixture()
def server(cli_home: Path, tmp_path: Path) -> Iterator[httpx.Client]:
    with serving(cli_home, tmp_path / "server.log") as served:
        yield served.client


def test_http_ingest_check_list_delete(server: httpx.Client) -> None:
    assert server.get("/v1/health").json()["status"] == "ok"
    health = server.get("/v1/info").json()
    assert health["judge_model"].endswith(".gguf")
    assert health["verifier"].startswith("nli-")  # the bundled NLI verifier decides by default

    text = (DEMO / "docs" / "northwind-cluster.md").read_text(encoding="utf-8")
    added = server.post("/v1/documents", json={"doc_id": "northwind.md", "text": text})
    assert added.status_code == 200, added.text
    assert added.json()["added"] == ["northwind.md"]
    with (DEMO / "docs" / "gpu-rental-prices.txt").open("rb") as handle:
        uploaded = server.post("/v1/documents", files={"file": ("prices.txt", handle, "text/plain")})
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["added"] == ["prices.txt"]

    response = server.post("/v1/check", json={"claim": "The Kestrel cluster holds 12,288 H100 GPUs."})
    assert response.status_code == 200, response.text
    verdict = response.json()
    assert verdict["verdict"] in {"SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"}
    assert 0 <= verdict["confidence"] <= 1
    assert verdict["timings"]["total_ms"] > 0 and verdict["stamp"]["prompt_name"] == "verify_claim.v1"
    for citation in verdict["citations"]:
        assert text[citation["start"]:citation["end"]] == citation["quote"]
    assert any("12,288" in p["text"] for p in verdict["passages"])

    listed = server.get("/v1/documents").json()
    assert sorted(d["doc_id"] for d in listed["documents"]) == ["northwind.md", "prices.txt"]
    assert server.delete("/v1/documents/prices.txt").json()["deleted"] == ["prices.txt"]
    assert [d["doc_id"] for d in server.get("/v1/documents").json()["documents"]] == ["northwind.md"]


def test_http_bad_input_gets_json_errors_and_keeps_the_index(server: httpx.Client) -> None:
    server.post("/v1/documents", json={"doc_id": "a.md", "text": "The Kestrel cluster holds 12,288 GPUs."})
    before = server.get("/v1/documents").json()

    cases = [
        (server.post("/v1/check", json={"claim": "   "}), 422, "empty_claim"),
        (server.post("/v1/check", json={"claim": "x" * 5000}), 422, "claim_too_long"),
        (server.post("/v1/check", json={}), 422, "invalid_request"),
        (server.post("/v1/documents", files={"file": ("evil.exe", b"MZ", "application/octet-stream")}),
         415, "unsupported_file_type"),
        (server.post("/v1/documents", files={"file": ("latin.txt", "caf\xe9".encode("latin-1"), "text/plain")}),
         422, "unreadable_document"),
        (server.post("/v1/documents", files={"file": ("bad.pdf", b"%PDF-1.4 broken", "application/pdf")}),
         422, "unreadable_document"),
        (server.delete("/v1/documents/missing.md"), 404, "document_not_found"),
        (server.get("/v1/documents", params={"collection": "../etc"}), 422, "invalid_collection"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        assert response.json()["error"] == code
        assert response.json()["detail"]
    assert server.get("/v1/documents").json() == before


def test_http_answers_carry_request_ids_logged_as_json_and_counted_in_metrics(
        server: httpx.Client, tmp_path: Path) -> None:
    server.post("/v1/documents", json={"doc_id": "a.md", "text": "The Kestrel cluster holds 12,288 GPUs."})
    response = server.post("/v1/check", json={"claim": "The Kestrel cluster holds 12,288 GPUs."},
                           headers={"X-Request-ID": "it-trace-1"})

    assert response.status_code == 200 and response.headers["x-request-id"] == "it-trace-1"
    metrics = server.get("/metrics").text
    assert 'vericlaim_requests_total{method="POST",route="/v1/check",status="200"} 1.0' in metrics
    assert f'vericlaim_verdicts_total{{label="{response.json()["verdict"]}"}} 1.0' in metrics
    assert server.get("/v1/ready").json() == {"status": "ready", "unreadable_collections": [], "detail": None}
    lines = [json.loads(line) for line in (tmp_path / "server.log").read_text().splitlines()
             if line.startswith("{")]
    logged = [line for line in lines if line.get("request_id") == "it-trace-1"]
    assert logged and logged[0]["route"] == "/v1/check" and logged[0]["status"] == 200


def test_fuzzing_the_openapi_schema_finds_no_server_error_and_no_undocumented_answer(
        server: httpx.Client, tmp_path: Path) -> None:
    """schemathesis over /openapi.json, bounded: examples, coverage, fuzzing and stateful sequences. Every check
    but one: `positive_data_acceptance` also fails on requests no schema can rule out (`since` after `until`,
    a PNG or a PDF without text uploaded), which the API refuses with a documented 4xx on purpose."""
    command = [str(Path(sys.executable).parent / "schemathesis"), "run", f"{server.base_url}/openapi.json",
               "--max-examples", "25", "--checks", "all", "--exclude-checks", "positive_data_acceptance",
               "--seed", "1"]

    hooks = {"SCHEMATHESIS_HOOKS": "tests.integration.schemathesis_hooks", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                            env={**os.environ, **hooks})

    assert result.returncode == 0, result.stdout[-6000:]
    # warnings only: random job ids are 404s, and most random bodies are not JSONL claims (422)
    assert re.fullmatch(r"=+ (No issues found|\d+ warnings?) in [\d.]+s =+", result.stdout.splitlines()[-1])
