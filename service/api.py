"""HTTP front door: the app assembled from its routes (service/routes/). Routes only translate HTTP ⇄ core;
model work runs in the thread pool.

The components (models, library, pipeline) are built once by the caller and kept in `app.state`; routes get
them through `Depends`. Errors are JSON `{"error": code, "detail": ...}` (`ErrorResponse`) with the status of
the `VericlaimError` subclass; an unexpected error is a 500 that carries only an error id, and the exception
goes to the log under that id. A bounded number of model calls may wait at once; past that the server answers
503 with `Retry-After`. Jobs (service/jobs/) run in one background thread while the app runs: started at
start-up, stopped after the line in progress at shutdown (an ingest still running when uvicorn cancels its
request stops before its commit: service/routes/documents.py). Middleware, outermost first: request ids,
metrics and log lines (service/observability.py), the host and cross-site checks (service/site_guard.py), the
token for routes that need it before any body is read (service/access.py), then the body limit
(service/body_limit.py).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from service import __version__
from service.access import TokenBeforeBody
from service.body_limit import BodyLimit
from service.bootstrap import Components, job_runner
from service.errors import BusyError, UnauthorizedError, VericlaimError
from service.observability import Metrics, Observability
from service.routes.checks import checks, operations, probes
from service.routes.deps import Admission
from service.routes.documents import documents
from service.routes.jobs import jobs
from service.routes.page import docs_assets, page, static
from service.security_headers import API_HEADERS, SecurityHeaders
from service.site_guard import SiteGuard, allowed_host_names

__all__ = ["Admission", "create_app", "error_response"]
log = logging.getLogger(__name__)


def create_app(components: Components) -> FastAPI:
    """The HTTP app over already-built components (models loaded by the caller, once)."""
    settings = components.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.jobs.start()
        yield
        await run_in_threadpool(app.state.jobs.stop, settings.server.shutdown_seconds)

    app = FastAPI(title="vericlaim", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.components = components
    admission = app.state.admission = Admission(settings.server.queue_size)
    app.state.metrics = Metrics(lambda: app.state.admission.in_flight)
    app.state.jobs = job_runner(components, lambda: admission.in_flight > 0, app.state.metrics)
    app.state.metrics.watch_jobs(app.state.jobs.store.counts)
    app.add_middleware(BodyLimit, limit=settings.server.max_body_bytes, timeout=settings.server.body_timeout_seconds)
    app.add_middleware(TokenBeforeBody, settings=settings)
    app.add_middleware(SiteGuard, allowed_hosts=allowed_host_names(settings.server.allowed_hosts,
                                                                   settings.server.host))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(Observability, metrics=app.state.metrics)  # outermost: every answer gets a request id
    _add_error_handlers(app)
    app.include_router(probes)
    app.include_router(operations)
    app.include_router(checks)
    app.include_router(documents)
    app.include_router(jobs)
    app.include_router(page)
    app.mount("/static", static, name="static")
    app.mount("/docs-assets", docs_assets(), name="docs-assets")
    return app


def error_response(status: int, code: str, detail: object, headers: Mapping[str, str] | None = None) -> JSONResponse:
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
        cause = exc.__cause__  # FastAPI turns any failure while it reads a JSON body into a bare 400
        if isinstance(cause, VericlaimError):  # the body limit, hit while the body was read (chunked)
            return await _core_error(request, cause)
        if exc.status_code == 400 and isinstance(cause, UnicodeDecodeError | RecursionError | ValueError):
            return error_response(422, "invalid_request", "the body is not valid JSON: UTF-8 text, not nested "
                                  "too deep")
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        headers = {"Allow": _allowed(request)} if exc.status_code == 405 else exc.headers
        return error_response(exc.status_code, code, exc.detail, headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        error_id = uuid.uuid4().hex[:12]
        request_id = str(getattr(request.state, "request_id", ""))
        log.error("error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc,
                  extra={"error_id": error_id, "request_id": request_id})
        # answered outside the middleware (by Starlette's outermost error layer), so the id and the security
        # headers are added here
        headers = {**API_HEADERS, **({"X-Request-ID": request_id} if request_id else {})}
        return error_response(500, "internal_error", f"unexpected error {error_id} (see the server log)", headers)


def _allowed(request: Request) -> str:
    """Every method the API serves at this path, read from its OpenAPI paths (Starlette's 405 names only the
    first route that matched the path); GET implies HEAD. A parameter is one path segment, unless no path
    matches so (a document id may hold slashes)."""
    paths: dict[str, dict[str, Any]] = request.app.openapi()["paths"]
    methods: set[str] = set()
    for segment in ("[^/]+", ".+"):
        for template, served in paths.items():
            pattern = segment.join(re.escape(part) for part in re.split(r"\{[^}]+\}", template))
            if re.fullmatch(pattern, request.url.path):
                methods |= {method.upper() for method in served}
        if methods:
            break
    return ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))
