"""Jobs: a JSONL upload checked in the background, persisted in SQLite (service/jobs/), over the API with the
shipped fakes, and the runner on its own (resume, cancel, yielding to interactive requests)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.jobs.runner import JobRunner
from service.jobs.store import JobStore, LineError
from service.requests import JobClaim
from tests.unit.service.test_api import ACME_TEXT, CLAIM, assert_error, components_at, local_client

pytestmark = pytest.mark.unit
TOKEN = "s3cret-token-for-tests"
JSONL = {"Content-Type": "application/jsonl"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with local_client(create_app(components_at(tmp_path, max_claim_chars=200))) as client:  # runs the job thread
        assert client.post("/v1/documents", json={"doc_id": "acme.txt", "text": ACME_TEXT}).status_code == 200
        yield client


def jsonl(*lines: object) -> bytes:
    return "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines).encode()


def finished(client: TestClient, job_id: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/v1/jobs/{job_id}").json()
        if job["state"] not in {"queued", "running"}:
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.02)


def results(client: TestClient, job_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/v1/jobs/{job_id}/results")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/jsonl")
    return [json.loads(line) for line in response.text.splitlines()]


def test_a_job_checks_every_good_line_and_lists_the_bad_ones_by_number(client: TestClient) -> None:
    upload = jsonl({"id": "a", "claim": CLAIM, "label": "SUPPORTED"},  # an eval file's extra fields are ignored
                   "{not json",
                   "",  # blank lines are skipped, but still counted as lines
                   {"id": 4, "text": "no claim field"},
                   {"claim": "   "},
                   {"claim": "Acme employs 200,000 people", "collection": "nowhere"},
                   {"id": "b", "claim": "Acme employs 200,000 people"})

    response = client.post("/v1/jobs", content=upload, headers={"Content-Type": "application/jsonl"})

    assert response.status_code == 202, response.text
    submitted = response.json()
    assert response.headers["Location"] == f"/v1/jobs/{submitted['id']}"
    assert submitted["lines"] == 6
    job = finished(client, submitted["id"])
    assert job["state"] == "done" and job["progress"] == 1.0
    assert (job["checked"], job["failed"]) == (2, 4)
    assert [(e["line"], e["error"]) for e in job["errors"]] == [
        (2, "invalid_line"), (4, "invalid_line"), (5, "empty_claim"), (6, "collection_not_found")]
    assert "not JSON" in job["errors"][0]["detail"] and "claim" in job["errors"][1]["detail"]

    lines = results(client, submitted["id"])
    assert [line["line"] for line in lines] == [1, 2, 4, 5, 6, 7]
    first, last = lines[0], lines[-1]
    assert (first["id"], first["claim"]) == ("a", CLAIM)
    assert first["result"]["verdict"] == "SUPPORTED"
    assert first["result"] == client.post("/v1/check", json={"claim": CLAIM}).json() | {
        "timings": first["result"]["timings"]}  # the same answer /v1/check gives
    assert last["id"] == "b" and last["result"]["claim"] == "Acme employs 200,000 people"
    assert lines[3] == {"line": 5, "id": None, "claim": "   ", "error": "empty_claim",
                        "detail": lines[3]["detail"]}


def test_results_page_with_after_and_limit(client: TestClient) -> None:
    upload = jsonl(*[{"id": n, "claim": f"{CLAIM} ({n})"} for n in range(5)])
    job_id = client.post("/v1/jobs", content=upload, headers=JSONL).json()["id"]
    finished(client, job_id)

    def lines(**params: int) -> list[int]:
        response = client.get(f"/v1/jobs/{job_id}/results", params=params)
        assert response.status_code == 200
        return [json.loads(line)["line"] for line in response.text.splitlines()]

    assert lines() == [1, 2, 3, 4, 5]
    assert lines(after=2) == [3, 4, 5]
    assert lines(after=1, limit=2) == [2, 3]
    assert lines(after=5) == []
    assert_error(client.get(f"/v1/jobs/{job_id}/results", params={"limit": 0}), 422, "invalid_request")


def test_jobs_are_listed_newest_first_and_counted_in_metrics(client: TestClient) -> None:
    ids = [client.post("/v1/jobs", content=jsonl({"claim": CLAIM}), headers=JSONL).json()["id"] for _ in range(2)]
    for job_id in ids:
        finished(client, job_id)

    listed = client.get("/v1/jobs").json()["jobs"]

    assert [job["id"] for job in listed] == ids[::-1]
    metrics = client.get("/metrics").text
    assert 'vericlaim_jobs{state="done"} 2.0' in metrics
    assert 'vericlaim_job_lines_total{outcome="checked"} 2.0' in metrics


@pytest.mark.parametrize("upload, found", [
    (b"", "no lines"),
    (b"\n\n", "no lines"),
    (jsonl("[1, 2]", {"claim": ""}), "line 1: not a JSON object; line 2:"),
    (b"\xff\xfe\n", "line 1: not UTF-8 text"),
])
def test_an_upload_with_nothing_to_check_is_422_and_makes_no_job(client: TestClient, upload: bytes,
                                                                 found: str) -> None:
    body = assert_error(client.post("/v1/jobs", content=upload, headers=JSONL), 422, "invalid_job")

    assert found in body["detail"]
    assert client.get("/v1/jobs").json()["jobs"] == []


def test_more_lines_than_the_limit_is_422(tmp_path: Path) -> None:
    client = local_client(create_app(components_at(tmp_path, server={"max_job_claims": 2})))

    body = assert_error(client.post("/v1/jobs", content=jsonl(*[{"claim": CLAIM}] * 3),
                                    headers=JSONL), 422, "invalid_job")

    assert "VERICLAIM_SERVER__MAX_JOB_CLAIMS" in body["detail"]


def test_a_form_upload_is_415_and_an_unknown_job_collection_is_404(client: TestClient) -> None:
    form = client.post("/v1/jobs", files={"file": ("claims.jsonl", jsonl({"claim": CLAIM}))})
    unknown = client.post("/v1/jobs", params={"collection": "nowhere"}, content=jsonl({"claim": CLAIM}),
                          headers=JSONL)

    assert_error(form, 415, "unsupported_file_type")
    assert_error(unknown, 404, "collection_not_found")
    assert client.get("/v1/jobs").json()["jobs"] == []


def test_an_unknown_job_is_404_job_not_found(client: TestClient) -> None:
    for response in (client.get("/v1/jobs/nope"), client.get("/v1/jobs/nope/results"),
                     client.delete("/v1/jobs/nope")):
        assert_error(response, 404, "job_not_found")


def test_submitting_and_cancelling_need_the_token_and_reading_does_not(tmp_path: Path) -> None:
    client = local_client(create_app(components_at(tmp_path, api_token=TOKEN)))
    client.post("/v1/documents", json={"doc_id": "acme.txt", "text": ACME_TEXT},
                headers={"Authorization": f"Bearer {TOKEN}"})

    assert_error(client.post("/v1/jobs", content=jsonl({"claim": CLAIM}), headers=JSONL), 401, "unauthorized")
    assert_error(client.post("/v1/jobs", content=jsonl({"claim": CLAIM}),
                             headers={"Authorization": "Bearer wrong-token-wrong-token"}), 401, "unauthorized")
    job = client.post("/v1/jobs", content=jsonl({"claim": CLAIM}),
                      headers=JSONL | {"Authorization": f"Bearer {TOKEN}"})
    assert job.status_code == 202
    assert client.get(f"/v1/jobs/{job.json()['id']}").status_code == 200
    assert_error(client.delete(f"/v1/jobs/{job.json()['id']}"), 401, "unauthorized")


# ---- the runner and the store on their own ----------------------------------------------------------------

def claim_line(text: str) -> str:
    return json.dumps({"claim": text})


def wait_for(condition: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_new_runner_resumes_where_the_last_one_stopped_and_keeps_finished_results(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.create([(n, claim_line(f"claim {n}")) for n in range(1, 6)], [(LineError(6, "invalid_line", "x"), "{")],
                       None, False)
    gate, checked = threading.Event(), []

    def check(claim: JobClaim, _job: Any) -> dict[str, Any]:
        checked.append(claim.claim)
        if len(checked) == 3:
            gate.wait(10)  # the third line is in progress when the runner is stopped
        return {"checked": claim.claim, "run": 1 if len(checked) <= 3 else 2}

    first = JobRunner(JobStore(store.path), check, lambda: False)
    first.start()
    wait_for(lambda: len(checked) == 3)
    threading.Timer(0.1, gate.set).start()
    first.stop(timeout=10)  # finishes the line in progress, then stops
    assert store.get(job.id).state == "running" and store.get(job.id).checked == 3

    second = JobRunner(JobStore(store.path), check, lambda: False)  # as after a restart
    second.start()
    wait_for(lambda: store.get(job.id).state == "done")
    second.stop()

    assert checked == [f"claim {n}" for n in (1, 2, 3, 4, 5)]  # no line checked twice
    lines = list(store.results(job.id))
    assert [line.get("result", {}).get("run") for line in lines] == [1, 1, 1, 2, 2, None]
    assert lines[-1]["error"] == "invalid_line"


def test_a_cancelled_job_stops_after_the_line_in_progress(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.create([(n, claim_line(f"claim {n}")) for n in range(1, 4)], [], None, False)
    started, gate = threading.Event(), threading.Event()

    def check(claim: JobClaim, _job: Any) -> dict[str, Any]:
        started.set()
        gate.wait(10)
        return {}

    runner = JobRunner(store, check, lambda: False)
    runner.start()
    assert started.wait(10)
    assert store.cancel(job.id).state == "cancelled"
    gate.set()
    runner.stop(timeout=10)

    assert store.get(job.id).checked == 1
    assert store.get(job.id).state == "cancelled"
    assert store.cancel(job.id).state == "cancelled"  # cancelling again changes nothing


def test_the_runner_waits_while_interactive_requests_hold_the_queue(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.create([(1, claim_line("claim"))], [], None, False)
    busy = threading.Event()
    busy.set()
    runner = JobRunner(store, lambda claim, _job: {}, busy.is_set, poll_seconds=0.01)
    runner.start()

    time.sleep(0.3)
    assert store.get(job.id).checked == 0
    busy.clear()
    wait_for(lambda: store.get(job.id).state == "done")
    runner.stop()


def test_a_failing_check_is_that_lines_error_and_the_job_goes_on(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.create([(1, claim_line("boom")), (2, claim_line("fine"))], [], None, False)

    def check(claim: JobClaim, _job: Any) -> dict[str, Any]:
        if claim.claim == "boom":
            raise RuntimeError("/secret/server/path")
        return {"ok": True}

    runner = JobRunner(store, check, lambda: False)
    runner.start()
    wait_for(lambda: store.get(job.id).state == "done")
    runner.stop()

    first, second = store.results(job.id)
    assert first["error"] == "internal_error" and "/secret" not in first["detail"]
    assert second["result"] == {"ok": True}


def test_of_two_servers_on_one_folder_one_runs_the_jobs_and_the_other_takes_over(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    ran: list[str] = []
    first = JobRunner(JobStore(store.path), lambda claim, _job: ran.append("first") or {}, lambda: False,
                      takeover_seconds=0.05)
    second = JobRunner(JobStore(store.path), lambda claim, _job: ran.append("second") or {}, lambda: False,
                       takeover_seconds=0.05)
    first.start()
    time.sleep(0.2)  # the first holds the folder's jobs
    second.start()
    job = store.create([(n, claim_line(f"claim {n}")) for n in range(1, 4)], [], None, False)
    wait_for(lambda: store.get(job.id).state == "done")
    assert ran == ["first"] * 3

    first.stop(timeout=10)
    later = store.create([(1, claim_line("after"))], [], None, False)
    wait_for(lambda: store.get(later.id).state == "done")
    second.stop(timeout=10)
    assert ran == ["first"] * 3 + ["second"]


def test_a_failing_service_leaves_the_line_pending_and_retries_it(tmp_path: Path) -> None:
    from service.errors import DependencyUnavailableError

    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.create([(1, claim_line("claim"))], [], None, False)
    attempts: list[int] = []

    def check(claim: JobClaim, _job: Any) -> dict[str, Any]:
        attempts.append(1)
        if len(attempts) < 3:
            raise DependencyUnavailableError("the store did not answer")
        return {"ok": True}

    runner = JobRunner(store, check, lambda: False, retry_seconds=0.01, stalled_seconds=60)
    runner.start()
    wait_for(lambda: store.get(job.id).state == "done")
    runner.stop()

    assert len(attempts) == 3
    assert [line.get("result") for line in store.results(job.id)] == [{"ok": True}]


def test_a_service_fault_no_retry_can_help_keeps_the_line_pending_for_the_long_pause(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from service.errors import IndexCorruptError

    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.create([(1, claim_line("claim")), (2, claim_line("next"))], [], None, False)
    attempts: list[str] = []

    def check(claim: JobClaim, _job: Any) -> dict[str, Any]:
        attempts.append(claim.claim)
        raise IndexCorruptError("run vericlaim repair")

    runner = JobRunner(store, check, lambda: False, retry_seconds=0.01, stalled_seconds=60)
    with caplog.at_level(logging.ERROR, logger="service.jobs.runner"):
        runner.start()
        wait_for(lambda: bool(attempts))
        time.sleep(0.3)  # many short retries would have happened by now
        runner.stop(timeout=10)

    assert attempts == ["claim"]  # not tried again within the short pause, and the next line not started
    assert store.get(job.id).state == "running" and store.get(job.id).errors == ()  # not blamed on the line
    assert [pending.line for pending in store.pending(job.id)] == [1, 2]
    assert any("index_corrupt" in record.getMessage() for record in caplog.records)


def test_results_are_read_a_page_at_a_time_and_none_is_lost_between_pages(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.create([(n, claim_line(f"claim {n}")) for n in range(1, 8)], [], None, False)
    for n in range(1, 8):
        store.record(job.id, n, result=json.dumps({"n": n}))

    assert [row["result"]["n"] for row in store.results(job.id, page=3)] == list(range(1, 8))
    assert [row["line"] for row in store.results(job.id, after=3, page=2)] == [4, 5, 6, 7]


@pytest.mark.parametrize("query", ["after=99999999999999999999999", "limit=99999999999999999999999",
                                   "after=-1", "limit=0", "after=2147483648"])
def test_out_of_range_after_and_limit_are_422_before_any_result_is_sent(client: TestClient, query: str) -> None:
    job_id = client.post("/v1/jobs", content=jsonl({"claim": CLAIM}), headers=JSONL).json()["id"]
    finished(client, job_id)

    assert_error(client.get(f"/v1/jobs/{job_id}/results?{query}"), 422, "invalid_request")
    assert len(results(client, job_id)) == 1


def test_an_upload_refuses_a_line_for_its_own_fault_but_not_for_the_services() -> None:
    from service.errors import CollectionNotFoundError, DependencyUnavailableError
    from service.jobs.upload import read_upload

    def accept(claim: JobClaim) -> None:
        if claim.collection == "nowhere":
            raise CollectionNotFoundError("no collection 'nowhere'")
        if claim.collection == "pg":
            raise DependencyUnavailableError("the PostgreSQL store is unavailable")

    upload = read_upload(jsonl({"claim": "a"}, {"claim": "b", "collection": "nowhere"}), accept, max_lines=10)
    assert [line for line, _ in upload.claims] == [1]
    assert [(error.line, error.error) for error, _ in upload.refused] == [(2, "collection_not_found")]
    with pytest.raises(DependencyUnavailableError):  # not blamed on the line: the submission fails (503)
        read_upload(jsonl({"claim": "a"}, {"claim": "b", "collection": "pg"}), accept, max_lines=10)
