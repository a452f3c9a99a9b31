"""HTTP front door. Routes only translate HTTP ⇄ core; model work runs in the thread pool.

Errors are JSON `{"error": code, "detail": ...}` with the status of the `VericlaimError` subclass. A bounded
number of model calls may wait at once; past that the server answers 503 with `Retry-After`.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, TypeVar

from fastapi import FastAPI, Request
from fastapi import Query as QueryParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.loaders import discover, load_file, make_document
from service import __version__
from service.bootstrap import Components
from service.domain import Document
from service.errors import BusyError, InputError, VericlaimError
from service.pipeline import Query
from service.schemas import (
    AskRequest,
    AskResponse,
    ChangeResponse,
    CheckRequest,
    CheckResponse,
    DocumentListResponse,
    DocumentOut,
    DocumentRequest,
    HealthResponse,
    PassageOut,
    SearchRequest,
    SearchResponse,
    TextCheckRequest,
    TextCheckResponse,
)

T = TypeVar("T")


class Admission:
    """Counts model calls in flight; refuses new ones past `limit` instead of queueing without bound."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._in_flight = 0
        self._lock = threading.Lock()

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


def error_response(status: int, code: str, detail: object, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": code, "detail": detail}, status_code=status, headers=headers)


def create_app(components: Components) -> FastAPI:
    """The HTTP app over already-built components (models loaded by the caller, once)."""
    app = FastAPI(title="vericlaim", version=__version__)
    _add_error_handlers(app)
    _add_check_routes(app, components)
    _add_document_routes(app, components)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(VericlaimError)
    async def _core_error(request: Request, exc: VericlaimError) -> JSONResponse:
        headers = {"Retry-After": "5"} if isinstance(exc, BusyError) else None
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
        return error_response(500, "internal_error", f"{type(exc).__name__}: {exc}")


def _add_check_routes(app: FastAPI, components: Components) -> None:
    pipeline, library = components.pipeline, components.library
    admission = Admission(components.settings.server.queue_size)

    @app.get("/v1/health")
    async def health() -> HealthResponse:
        return HealthResponse(
            status="ok",
            version=__version__,
            judge_model=pipeline.judge.model_name,
            embedding_model=library.embedder.name,
            verifier=pipeline.verifier.name if pipeline.verifier else None,
            collections=library.collections(),
        )

    @app.post("/v1/check")
    async def check(body: CheckRequest) -> CheckResponse:
        query = Query(body.claim, body.collection, body.top_k, body.doc_ids, body.since, body.until)
        return CheckResponse.of(await admission.run(lambda: pipeline.check(query, explain=body.explain)))

    @app.post("/v1/ask")
    async def ask(body: AskRequest) -> AskResponse:
        query = Query(body.question, body.collection, body.top_k, body.doc_ids, body.since, body.until)
        return AskResponse.of(await admission.run(lambda: pipeline.ask(query, phrase=body.phrase)))

    @app.post("/v1/check/text")
    async def check_text(body: TextCheckRequest) -> TextCheckResponse:
        query = Query(body.text, body.collection, body.top_k, body.doc_ids, body.since, body.until)
        return TextCheckResponse.of(await admission.run(lambda: pipeline.check_text(query)))

    @app.post("/v1/search")
    async def search(body: SearchRequest) -> SearchResponse:
        query = Query(body.query, body.collection, body.top_k, body.doc_ids, body.since, body.until)
        passages, snapshot = await run_in_threadpool(pipeline.finder.search, query)
        return SearchResponse(query=body.query, index_version=snapshot.version,
                              passages=[PassageOut.of(p) for p in passages])


def _add_document_routes(app: FastAPI, components: Components) -> None:
    library = components.library
    max_upload = components.settings.server.max_upload_bytes

    @app.post("/v1/documents")
    async def add_document(request: Request) -> ChangeResponse:
        """JSON `{doc_id, text, title?, url?, date?, collection?}` or a multipart upload (`file`,
        optional `doc_id` and `collection` fields)."""
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            documents, collection = await _uploaded(request, max_upload)
        else:
            body = await _json_body(request, DocumentRequest)
            documents = [make_document(body.doc_id, body.text, source="api", title=body.title,
                                       url=body.url, date=body.date)]
            collection = body.collection
        summary = await run_in_threadpool(library.ingest, documents, collection)
        return ChangeResponse.of(library.store(collection).name, summary)

    @app.get("/v1/documents")
    async def list_documents(collection: str | None = None) -> DocumentListResponse:
        snapshot = await run_in_threadpool(library.snapshot, collection)
        documents = [
            DocumentOut(doc_id=d.doc_id, title=d.title, url=d.url, date=d.date, source=d.source,
                        chars=len(d.text), sha256=d.sha256)
            for d in snapshot.documents.values()
        ]
        return DocumentListResponse(collection=library.store(collection).name,
                                    index_version=snapshot.version, documents=documents)

    @app.delete("/v1/documents/{doc_id:path}")
    async def delete_document(
        doc_id: str, collection: Annotated[str | None, QueryParam()] = None
    ) -> ChangeResponse:
        summary = await run_in_threadpool(library.delete, [doc_id], collection)
        return ChangeResponse.of(library.store(collection).name, summary)


async def _json_body(request: Request, model: type[DocumentRequest]) -> DocumentRequest:
    try:
        return model.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


async def _uploaded(request: Request, max_bytes: int) -> tuple[list[Document], str | None]:
    async with request.form() as form:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InputError("multipart upload needs a 'file' field")
        data = await upload.read(max_bytes + 1)
        name = Path(upload.filename or "upload.txt").name
        doc_id = str(form.get("doc_id") or name)
        collection = form.get("collection")
    if len(data) > max_bytes:
        raise InputError(f"upload larger than {max_bytes} bytes (VERICLAIM_SERVER__MAX_UPLOAD_BYTES)")
    return await run_in_threadpool(_load_upload, name, doc_id, data), (str(collection) if collection else None)


def _load_upload(name: str, doc_id: str, data: bytes) -> list[Document]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        discover([path])  # rejects unsupported types with the same error as the CLI
        return [replace(d, source=f"upload:{name}") for d in load_file(path, doc_id)]
