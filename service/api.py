"""HTTP front door. Routes only translate HTTP ⇄ core; model work runs in the thread pool.

The components (models, library, pipeline) are built once by the caller and kept in `app.state`; routes get
them through `Depends`. Errors are JSON `{"error": code, "detail": ...}` (`ErrorResponse`) with the status of
the `VericlaimError` subclass; an unexpected error is a 500 that carries only an error id, and the exception
goes to the log under that id. A bounded number of model calls may wait at once; past that the server answers
503 with `Retry-After`.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi import Query as QueryParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.loaders import load_upload, make_document
from service import __version__
from service.access import require_read_token, require_write_token
from service.body_limit import BodyLimit
from service.bootstrap import Components
from service.domain import Document
from service.errors import (
    BodyTooLargeError,
    BusyError,
    IndexCorruptError,
    InputError,
    UnauthorizedError,
    VericlaimError,
)
from service.observability import Metrics, Observability
from service.requests import AskRequest, CheckRequest, DocumentRequest, SearchRequest, TextCheckRequest
from service.schemas import (
    AskResponse,
    ChangeResponse,
    CheckResponse,
    DocumentListResponse,
    DocumentOut,
    ErrorResponse,
    HealthResponse,
    PassageOut,
    ReadyResponse,
    SearchResponse,
    TextCheckResponse,
)

T = TypeVar("T")
log = logging.getLogger(__name__)
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description} for status, description in (
        (400, "The input cannot be used (e.g. an unsupported file type)."),
        (401, "The route needs the API token (Authorization: Bearer), and it was missing or wrong."),
        (404, "No such collection or document."),
        (413, "The request body or the uploaded file is over its size limit."),
        (415, "The uploaded file's type is not supported (.txt .md .html .pdf .jsonl)."),
        (422, "The request is malformed or a value is out of range."),
        (500, "An unexpected error; the detail holds an error id to find it in the server log."),
        (503, "Too many checks are waiting for the model (see Retry-After), or a model is unavailable."),
    )
}


class Admission:
    """Counts model calls in flight; refuses new ones past `limit` instead of queueing without bound."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._in_flight = 0
        self._lock = threading.Lock()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def run(self, work: Callable[[], T]) -> T:
        with self._lock:
            if self._in_flight >= self.limit:
                raise BusyError(f"{self._in_flight} checks are already waiting for the model; retry shortly")
            self._in_flight += 1
        try:
            return await run_in_threadpool(work)
        finally:
            with self._lock:
                self._in_flight -= 1


def _components(request: Request) -> Components:
    components: Components = request.app.state.components
    return components


def _admission(request: Request) -> Admission:
    admission: Admission = request.app.state.admission
    return admission


def _metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


Built = Annotated[Components, Depends(_components)]
Admitted = Annotated[Admission, Depends(_admission)]
Measured = Annotated[Metrics, Depends(_metrics)]
Reader = Depends(require_read_token)
Writer = Depends(require_write_token)
probes = APIRouter(prefix="/v1", responses={500: ERRORS[500]})
operations = APIRouter(responses={401: ERRORS[401]}, dependencies=[Reader])
checks = APIRouter(prefix="/v1", responses=ERRORS, dependencies=[Reader])
documents = APIRouter(prefix="/v1/documents", responses=ERRORS)


def create_app(components: Components) -> FastAPI:
    """The HTTP app over already-built components (models loaded by the caller, once)."""
    app = FastAPI(title="vericlaim", version=__version__)
    app.state.components = components
    app.state.admission = Admission(components.settings.server.queue_size)
    app.state.metrics = Metrics(lambda: app.state.admission.in_flight)
    app.add_middleware(BodyLimit, limit=components.settings.server.max_body_bytes)
    app.add_middleware(Observability, metrics=app.state.metrics)  # outermost: every answer gets a request id
    _add_error_handlers(app)
    app.include_router(probes)
    app.include_router(operations)
    app.include_router(checks)
    app.include_router(documents)
    return app


def error_response(status: int, code: str, detail: object, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(VericlaimError)
    async def _core_error(request: Request, exc: VericlaimError) -> JSONResponse:
        headers = {"Retry-After": "5"} if isinstance(exc, BusyError) else None
        if isinstance(exc, UnauthorizedError):
            headers = {"WWW-Authenticate": "Bearer"}
        return error_response(exc.http_status, exc.code, exc.detail, headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        return error_response(422, "invalid_request", detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, exc.detail)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        error_id = uuid.uuid4().hex[:12]
        log.error("error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc,
                  extra={"error_id": error_id, "request_id": request.state.request_id})
        return error_response(500, "internal_error", f"unexpected error {error_id} (see the server log)")


@probes.get("/health")
async def health(built: Built) -> HealthResponse:
    """Liveness: the process answers. Whether it can check claims is `/v1/ready`."""
    pipeline, library = built.pipeline, built.library
    return HealthResponse(
        status="ok",
        version=__version__,
        judge_model=pipeline.judge.model_name,
        embedding_model=library.embedder.name,
        verifier=pipeline.verifier.name if pipeline.verifier else None,
        collections=library.collections(),
    )


@probes.get("/ready", response_model=ReadyResponse,
            responses={503: {"model": ReadyResponse, "description": "A collection's index cannot be read."}})
async def ready(built: Built) -> JSONResponse:
    """Readiness: the models are loaded (before the app exists) and every collection's index reads. 503 with
    the collections that do not read (names only) until then."""
    library = built.library
    unreadable = []
    for name in library.collections():
        try:
            await run_in_threadpool(library.snapshot, name)
        except IndexCorruptError:
            unreadable.append(name)
    body = ReadyResponse(status="not_ready" if unreadable else "ready", unreadable_collections=unreadable)
    return JSONResponse(body.model_dump(), status_code=503 if unreadable else 200)


@operations.get("/metrics", response_class=PlainTextResponse)
async def metrics(measured: Measured) -> PlainTextResponse:
    """Prometheus metrics (text exposition format): requests, latency, queue depth, verdicts by label."""
    return PlainTextResponse(generate_latest(measured.registry), media_type=CONTENT_TYPE_LATEST)


@checks.post("/check")
async def check(body: CheckRequest, built: Built, admission: Admitted, measured: Measured) -> CheckResponse:
    query = body.to_query()
    verdict = await admission.run(lambda: built.pipeline.check(query, explain=body.explain))
    measured.verdicts.labels(verdict.label.value).inc()
    return CheckResponse.of(verdict)


@checks.post("/ask")
async def ask(body: AskRequest, built: Built, admission: Admitted) -> AskResponse:
    query = body.to_query()
    return AskResponse.of(await admission.run(lambda: built.pipeline.ask(query, phrase=body.phrase)))


@checks.post("/check/text")
async def check_text(body: TextCheckRequest, built: Built, admission: Admitted,
                     measured: Measured) -> TextCheckResponse:
    query = body.to_query()
    report = await admission.run(lambda: built.pipeline.check_text(query))
    for checked in report.claims:
        measured.verdicts.labels(checked.verdict.label.value).inc()
    return TextCheckResponse.of(report)


@checks.post("/search")
async def search(body: SearchRequest, built: Built, admission: Admitted) -> SearchResponse:
    query = body.to_query()  # embeds the query: it waits in the same bounded queue as the checks
    passages, snapshot = await admission.run(lambda: built.pipeline.finder.search(query))
    return SearchResponse(query=body.query, index_version=snapshot.version,
                          passages=[PassageOut.of(p) for p in passages])


@documents.post("", dependencies=[Writer])
async def add_document(request: Request, built: Built) -> ChangeResponse:
    """JSON `{doc_id, text, title?, url?, date?, collection?}` or a multipart upload (`file`, optional `doc_id`
    and `collection` fields)."""
    library = built.library
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        documents_in, collection = await _uploaded(request, built.settings.server.max_upload_bytes)
    else:
        body = await _json_body(request)
        documents_in = [make_document(body.doc_id, body.text, source="api", title=body.title, url=body.url,
                                      date=body.date)]
        collection = body.collection
    summary = await run_in_threadpool(library.ingest, documents_in, collection)
    return ChangeResponse.of(library.store(collection).name, summary)


@documents.get("", dependencies=[Reader])
async def list_documents(built: Built, collection: str | None = None) -> DocumentListResponse:
    library = built.library
    snapshot = await run_in_threadpool(library.snapshot, collection)
    listed = [DocumentOut(doc_id=d.doc_id, title=d.title, url=d.url, date=d.date, source=d.source,
                          chars=len(d.text), sha256=d.sha256)
              for d in snapshot.documents.values()]
    return DocumentListResponse(collection=library.store(collection).name, index_version=snapshot.version,
                                documents=listed)


@documents.delete("/{doc_id:path}", dependencies=[Writer])
async def delete_document(doc_id: str, built: Built,
                          collection: Annotated[str | None, QueryParam()] = None) -> ChangeResponse:
    library = built.library
    summary = await run_in_threadpool(library.delete, [doc_id], collection)
    return ChangeResponse.of(library.store(collection).name, summary)


async def _json_body(request: Request) -> DocumentRequest:
    try:
        return DocumentRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


async def _uploaded(request: Request, max_bytes: int) -> tuple[list[Document], str | None]:
    """The documents of a multipart upload and the collection it names (index/loaders.py reads the file)."""
    async with request.form() as form:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InputError("multipart upload needs a 'file' field")
        data = await upload.read(max_bytes + 1)
        filename, doc_id, collection = upload.filename, form.get("doc_id"), form.get("collection")
    if len(data) > max_bytes:
        raise BodyTooLargeError(f"upload larger than {max_bytes} bytes (VERICLAIM_SERVER__MAX_UPLOAD_BYTES)")
    documents_in = await run_in_threadpool(load_upload, filename, str(doc_id) if doc_id else None, data)
    return documents_in, (str(collection) if collection else None)
