"""Routes that read: claims, batches, texts, questions and searches (each a place in the bounded queue), and
the probes and metrics an operator scrapes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from service import __version__
from service.access import may_read
from service.errors import DependencyUnavailableError, IndexCorruptError, InputError
from service.requests import AskRequest, BatchCheckRequest, CheckRequest, SearchRequest, TextCheckRequest
from service.routes.deps import ERRORS, Admitted, Built, JsonOnly, Measured, Reader
from service.schemas import (
    AskResponse,
    BatchCheckResponse,
    CheckResponse,
    HealthResponse,
    InfoResponse,
    PassageOut,
    ReadyResponse,
    SearchResponse,
    TextCheckResponse,
)

probes = APIRouter(prefix="/v1", responses={500: ERRORS[500]})
operations = APIRouter(responses={401: ERRORS[401]}, dependencies=[Reader])
checks = APIRouter(prefix="/v1", responses=ERRORS, dependencies=[Reader, JsonOnly])


@probes.get("/health")
async def health() -> HealthResponse:
    """Liveness: the process answers (and says nothing else: probes need no token). Whether it can check claims
    is `/v1/ready`; its models and collections are `/v1/info`."""
    return HealthResponse(status="ok", version=__version__)


@checks.get("/info")
async def info(built: Built) -> InfoResponse:
    """The models this server checks with and its collections (a read: it needs the token when reads do)."""
    pipeline, library = built.pipeline, built.library
    try:  # a shared store is a network call away: off the event loop, and its outage is not this process's
        collections = await run_in_threadpool(library.collections)
    except DependencyUnavailableError:
        collections = []
    return InfoResponse(
        version=__version__,
        judge_model=pipeline.judge.model_name,
        embedding_model=library.embedder.name,
        verifier=pipeline.verifier.name if pipeline.verifier else None,
        collections=collections,
    )


@probes.get("/ready", response_model=ReadyResponse,
            responses={503: {"model": ReadyResponse, "description": "A collection's index cannot be read."}})
async def ready(built: Built, request: Request) -> JSONResponse:
    """Readiness: the models are loaded (before the app exists), the store answers and every collection's
    index reads. 503 with the collections that do not read (names only, and only to a caller who may read: with
    `server.token_for_reads`, a probe without the token learns how many, not which), or why the store does not
    answer."""
    library = built.library
    try:
        names = await run_in_threadpool(library.collections)
    except DependencyUnavailableError as exc:  # the store cannot be reached
        body = ReadyResponse(status="not_ready", unreadable_collections=[], detail=exc.detail)
        return JSONResponse(body.model_dump(), status_code=503)
    unreadable = []
    for name in names:
        try:
            await run_in_threadpool(library.snapshot, name)
        except IndexCorruptError:
            unreadable.append(name)
    shown, detail = unreadable, None
    if unreadable and not may_read(request):
        shown, detail = [], f"{len(unreadable)} collection(s) cannot be read (their names need the API token)"
    body = ReadyResponse(status="not_ready" if unreadable else "ready", unreadable_collections=shown, detail=detail)
    return JSONResponse(body.model_dump(), status_code=503 if unreadable else 200)


@operations.get("/metrics", response_class=PlainTextResponse)
async def metrics(measured: Measured) -> PlainTextResponse:
    """Prometheus metrics (text exposition format): requests, latency, queue depth, verdicts by label."""
    text = await run_in_threadpool(generate_latest, measured.registry)  # job counts read SQLite
    return PlainTextResponse(text, media_type=CONTENT_TYPE_LATEST)


@checks.post("/check")
async def check(body: CheckRequest, built: Built, admission: Admitted, measured: Measured) -> CheckResponse:
    query = body.to_query()
    verdict = await admission.run(lambda: built.pipeline.check(query, explain=body.explain))
    measured.count([verdict])
    return CheckResponse.of(verdict)


@checks.post("/check/batch")
async def check_batch(body: BatchCheckRequest, built: Built, admission: Admitted,
                      measured: Measured) -> BatchCheckResponse:
    """Several claims answered inline, in order: every claim is validated first (one bad claim refuses the
    request, naming it), then they are checked one after another as one place in the queue."""
    limit = built.settings.server.max_batch_claims
    if len(body.claims) > limit:
        raise InputError(f"{len(body.claims)} claims in one batch; at most {limit} "
                         f"(VERICLAIM_SERVER__MAX_BATCH_CLAIMS)")
    queries = body.queries()
    for number, query in enumerate(queries):
        try:
            built.pipeline.finder.validate(query.text)
        except InputError as exc:
            raise type(exc)(f"claims[{number}]: {exc.detail}") from None
    verdicts = await admission.run(lambda: [built.pipeline.check(q, explain=body.explain) for q in queries])
    measured.count(verdicts)
    return BatchCheckResponse(results=[CheckResponse.of(verdict) for verdict in verdicts])


@checks.post("/ask")
async def ask(body: AskRequest, built: Built, admission: Admitted) -> AskResponse:
    query = body.to_query()
    return AskResponse.of(await admission.run(lambda: built.pipeline.ask(query, phrase=body.phrase)))


@checks.post("/check/text")
async def check_text(body: TextCheckRequest, built: Built, admission: Admitted,
                     measured: Measured) -> TextCheckResponse:
    query = body.to_query()
    report = await admission.run(lambda: built.pipeline.check_text(query))
    measured.count(checked.verdict for checked in report.claims)
    return TextCheckResponse.of(report)


@checks.post("/search")
async def search(body: SearchRequest, built: Built, admission: Admitted) -> SearchResponse:
    query = body.to_query()
    # a search embeds its query: it waits in the same bounded queue as the checks
    passages, snapshot = await admission.run(lambda: built.pipeline.finder.search(query))
    return SearchResponse(query=body.query, index_version=snapshot.version,
                          passages=[PassageOut.of(p) for p in passages])
