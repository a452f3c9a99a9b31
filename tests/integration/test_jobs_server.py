"""Long work on the real server. Jobs: killed (-9) with a job half done, restarted over the same data folder,
the finished results are still there, unchanged, and the job resumes where it stopped. Ingests: a client that
drops its upload stops the ingest, and SIGTERM stops a long one; neither commits anything."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration.conftest import DEMO, serving

pytestmark = pytest.mark.integration


def ingest_demo(client: httpx.Client) -> None:
    for path in sorted((DEMO / "docs").iterdir()):
        with path.open("rb") as handle:
            response = client.post("/v1/documents", files={"file": (path.name, handle)})
        assert response.status_code == 200, response.text


def job(client: httpx.Client, job_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/jobs/{job_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def results(client: httpx.Client, job_id: str) -> dict[int, dict[str, Any]]:
    text = client.get(f"/v1/jobs/{job_id}/results").text
    return {line["line"]: line for line in map(json.loads, text.splitlines())}


def test_a_killed_server_keeps_finished_results_and_resumes_the_job(cli_home: Path, tmp_path: Path) -> None:
    claims = [json.loads(line) for line in (DEMO / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
    upload = "\n".join(json.dumps({"id": f"{c['id']}-{n}", "claim": c["claim"]})
                       for n in range(4) for c in claims) + "\n{broken\n"
    log = tmp_path / "server.log"

    with serving(cli_home, log) as first:
        ingest_demo(first.client)
        submitted = first.client.post("/v1/jobs", content=upload.encode(),
                                      headers={"Content-Type": "application/jsonl"})
        assert submitted.status_code == 202, submitted.text
        job_id = submitted.json()["id"]
        deadline = time.monotonic() + 300
        while job(first.client, job_id)["checked"] < 5:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        first.process.kill()  # SIGKILL: no shutdown of any kind
        first.process.wait(timeout=30)
    with sqlite3.connect(cli_home / "jobs.sqlite3") as db:  # what the killed server had committed
        committed = dict(db.execute("SELECT line, result FROM lines WHERE job = ? AND result IS NOT NULL",
                                    (job_id,)).fetchall())
    with serving(cli_home, log) as restarted:
        second = restarted.client
        deadline = time.monotonic() + 600
        while job(second, job_id)["state"] != "done":
            assert time.monotonic() < deadline, job(second, job_id)
            time.sleep(0.2)
        final = job(second, job_id)
        finished = results(second, job_id)

    assert final["lines"] == 4 * len(claims) + 1
    assert (final["checked"], final["failed"]) == (4 * len(claims), 1)
    assert final["errors"][0]["line"] == final["lines"] and final["errors"][0]["error"] == "invalid_line"
    assert sorted(finished) == list(range(1, final["lines"] + 1))
    assert 5 <= len(committed) < 4 * len(claims), "the kill did not land half-way through the job"
    for number, result in committed.items():  # exactly what was there before: not checked again (timings differ)
        assert finished[number]["result"] == json.loads(result)
    by_claim: dict[str, set[str]] = {}
    for line in finished.values():
        if "result" in line:
            by_claim.setdefault(line["claim"], set()).add(line["result"]["verdict"])
    assert all(len(verdicts) == 1 for verdicts in by_claim.values())  # before and after the kill alike


def long_text(paragraphs: int) -> str:
    """Distinct sentences in short paragraphs: minutes of embedding on these cores."""
    return "\n\n".join(
        f"Paragraph {p} notes that plant {p % 97} shipped {p * 13 % 1000} units in week {p % 52}. "
        f"Its output rose by {p % 31} percent against the same week a year before. "
        f"Managers at site {p % 211} expect {p * 7 % 500} more units next quarter." for p in range(paragraphs))


def log_says(log: Path, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return True
        time.sleep(0.2)
    return False


def test_a_dropped_upload_stops_its_ingest_and_sigterm_stops_a_long_one(cli_home: Path, tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    big = {"doc_id": "big.md", "text": long_text(12_000)}
    with serving(cli_home, log, env={"VERICLAIM_SERVER__SHUTDOWN_SECONDS": "2"}) as served:
        ingest_demo(served.client)
        before = served.client.get("/v1/documents").json()

        with pytest.raises(httpx.ReadTimeout):  # the client gives up and closes its connection
            served.client.post("/v1/documents", json=big, timeout=httpx.Timeout(60, read=3))
        assert log_says(log, "ingest stopped before its commit", timeout=120), "the ingest went on"
        small = served.client.post("/v1/documents", json={"doc_id": "small.md", "text": "Plant 7 shipped 40 units."})
        assert small.status_code == 200  # the write lock was let go

        def post_big() -> None:
            with contextlib.suppress(httpx.TransportError):  # the server goes away, as asked
                served.client.post("/v1/documents", json=big, timeout=600)

        writer = threading.Thread(target=post_big)
        writer.start()
        time.sleep(3)
        stopping = time.monotonic()
        served.process.send_signal(signal.SIGTERM)
        served.process.wait(timeout=120)  # without the stop it would embed for minutes
        took = time.monotonic() - stopping
        writer.join(timeout=30)

    with serving(cli_home, log) as restarted:
        after = restarted.client.get("/v1/documents").json()
        assert restarted.client.get("/v1/ready").json()["status"] == "ready"
    ids = sorted(d["doc_id"] for d in after["documents"])
    assert ids == sorted([*(d["doc_id"] for d in before["documents"]), "small.md"])  # big.md never committed
    print(f"SIGTERM during a long ingest: exited after {took:.1f} s")
