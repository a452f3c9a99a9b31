"""Jobs over HTTP: submit a JSONL file of claims (202 and a job id), follow its progress, download its results
as JSONL, cancel it. Submitting and cancelling need the API token when one is set; reading is a read. The
work itself is service/jobs/; service/bootstrap.py's `job_runner` wires it to the pipeline and the server's queue."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Query as QueryParam
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from service.errors import UnsupportedFileTypeError, UnsupportedMediaTypeError
from service.jobs.runner import JobRunner
from service.jobs.store import Job
from service.jobs.upload import acceptor, read_upload
from service.requests import NAMED
from service.routes.deps import ERRORS, Built, Reader, Writer, media_type

jobs = APIRouter(prefix="/v1/jobs", responses=ERRORS)
Collection = Annotated[str | None, QueryParam(description="The claims' collection (a line may name its own).",
                                              json_schema_extra=NAMED)]
UPLOAD = {"requestBody": {"required": True, "description": "One JSON object per line: `{\"claim\": …}`, with "
          "optional `id`, `collection`, `doc_ids`, `since`, `until`, `top_k`; other fields are ignored.",
          "content": {media: {"schema": {"type": "string", "format": "binary"}}
                      for media in ("application/jsonl", "application/x-ndjson")}}}
MAX_LINE_NUMBER = 2**31 - 1  # past SQLite's and islice's reach: refused (422) before a response starts
JOB_MEDIA = ("application/jsonl", "application/x-ndjson", "application/json")
RESULTS: dict[int | str, dict[str, Any]] = {200: {
    "description": "One JSON object per finished line, in line order: `{line, id, claim, result}` (result as "
    "/v1/check answers) or `{line, id, claim, error, detail}`.",
           "content": {"application/jsonl": {"schema": {"type": "string"}}}}}
SHOWN_ERRORS = 100


class LineErrorOut(BaseModel):
    line: int
    error: str
    detail: str


class JobOut(BaseModel):
    id: str
    state: str = Field(description="queued, running, done or cancelled.")
    collection: str | None
    explain: bool
    created: str
    started: str | None
    finished: str | None
    lines: int = Field(description="Non-blank lines uploaded.")
    checked: int = Field(description="Lines checked so far.")
    failed: int = Field(description="Lines refused at upload or whose check failed.")
    progress: float = Field(description="(checked + failed) / lines.")
    errors: list[LineErrorOut] = Field(description=f"The first {SHOWN_ERRORS} refused or failed lines.")
    results: str = Field(description="Where the results are (JSONL, finished lines so far).")

    @classmethod
    def of(cls, job: Job) -> JobOut:
        done = job.checked + len(job.errors)
        return cls(id=job.id, state=job.state, collection=job.collection, explain=job.explain,
                   created=_iso(job.created), started=_iso(job.started), finished=_iso(job.finished),
                   lines=job.lines, checked=job.checked, failed=len(job.errors),
                   progress=round(done / job.lines, 4) if job.lines else 1.0,
                   errors=[LineErrorOut(**e.__dict__) for e in job.errors[:SHOWN_ERRORS]],
                   results=f"/v1/jobs/{job.id}/results")


class JobListResponse(BaseModel):
    jobs: list[JobOut] = Field(description="The most recent jobs, newest first.")


def _runner(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.jobs
    return runner


Runner = Annotated[JobRunner, Depends(_runner)]


@jobs.post("", status_code=202, dependencies=[Writer], openapi_extra=UPLOAD)
async def submit_job(request: Request, built: Built, runner: Runner, collection: Collection = None,
                     explain: bool = False) -> JSONResponse:
    """A JSONL upload of claims, checked in the background one at a time, after interactive requests. Lines
    that cannot be checked are listed in the job's `errors` with their numbers; the rest are checked."""
    library, finder = built.library, built.pipeline.finder
    media = media_type(request)
    if media.startswith(("multipart/", "application/x-www-form-urlencoded")):
        raise UnsupportedFileTypeError("a job is the JSONL itself as the request body (curl --data-binary "
                                       "@claims.jsonl -H 'content-type: application/jsonl'), not a form")
    if media not in JOB_MEDIA:  # text/plain needs no CORS preflight: refusing it keeps other sites' pages out
        raise UnsupportedMediaTypeError(f"send a job's JSONL with Content-Type application/jsonl (or "
                                        f"application/x-ndjson), not {media or 'no Content-Type'}")
    if collection is not None:
        await run_in_threadpool(library.snapshot, collection)  # the job's unknown collection refuses it (404);
        # a line's own unknown collection refuses that line only (acceptor)
    data = await request.body()
    limit = built.settings.server.max_job_claims
    upload = await run_in_threadpool(read_upload, data, acceptor(finder, collection), limit)
    job = await run_in_threadpool(runner.store.create, upload.claims, upload.refused, collection, explain)
    runner.wake()
    body = JobOut.of(job)
    return JSONResponse(body.model_dump(), status_code=202, headers={"Location": f"/v1/jobs/{job.id}"})


@jobs.get("", dependencies=[Reader])
async def list_jobs(runner: Runner, limit: Annotated[int, QueryParam(ge=1, le=500)] = 50) -> JobListResponse:
    return JobListResponse(jobs=[JobOut.of(job) for job in await run_in_threadpool(runner.store.recent, limit)])


@jobs.get("/{job_id}", dependencies=[Reader])
async def get_job(job_id: str, runner: Runner) -> JobOut:
    return JobOut.of(await run_in_threadpool(runner.store.get, job_id))


@jobs.get("/{job_id}/results", dependencies=[Reader], response_class=StreamingResponse, responses=RESULTS)
async def job_results(job_id: str, runner: Runner,
                      after: Annotated[int, QueryParam(ge=0, le=MAX_LINE_NUMBER,
                                                       description="Only lines after this one.")] = 0,
                      limit: Annotated[int | None, QueryParam(ge=1, le=MAX_LINE_NUMBER,
                                                              description="At most this many lines.")] = None,
                      ) -> StreamingResponse:
    """The finished lines so far (all of them once the job is done), as JSONL, streamed: `after` and `limit`
    page through a large job."""
    await run_in_threadpool(runner.store.get, job_id)  # 404 before the stream starts

    def lines() -> Iterator[str]:  # Starlette iterates it in the thread pool
        for row in islice(runner.store.results(job_id, after), limit):
            yield json.dumps(row, ensure_ascii=False) + "\n"

    return StreamingResponse(lines(), media_type="application/jsonl",
                             headers={"Content-Disposition": f'attachment; filename="{job_id}.jsonl"'})


@jobs.delete("/{job_id}", dependencies=[Writer])
async def cancel_job(job_id: str, runner: Runner) -> JobOut:
    """Cancels an unfinished job after the line in progress; the results so far stay. A finished job is
    answered as it is."""
    return JobOut.of(await run_in_threadpool(runner.store.cancel, job_id))


def _iso(seconds: float | None) -> str | None:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds") if seconds is not None else None
