"""What the routes share: the components, the bounded queue and the metrics from `app.state` (as `Depends`),
the API-token guards, and the error responses every route documents."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from service.access import require_read_token, require_write_token
from service.bootstrap import Components
from service.errors import BusyError, UnsupportedMediaTypeError
from service.observability import Metrics
from service.schemas import ErrorResponse

T = TypeVar("T")
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description} for status, description in (
        (400, "The input cannot be used (e.g. an unsupported file type)."),
        (401, "The route needs the API token (Authorization: Bearer), and it was missing or wrong."),
        (404, "No such collection or document."),
        (409, "The collection changed since the version this request read, and the store no longer keeps that "
              "version (PostgreSQL); send the request again."),
        (413, "The request body or the uploaded file is over its size limit."),
        (415, "The uploaded file's type is not supported (.txt .md .html .pdf .jsonl), or a body that must be JSON "
              "was sent as something else."),
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


def media_type(request: Request) -> str:
    """The request's Content-Type without its parameters, lower-cased ("" when it sends none)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def require_json(request: Request) -> None:
    """A POST to a JSON route must say it is JSON: a form or text body needs no CORS preflight, so another site's
    page could send one (415 `unsupported_media_type` otherwise)."""
    if request.method == "POST" and not is_json(media := media_type(request)):
        raise UnsupportedMediaTypeError(f"send the request as JSON (Content-Type: application/json), not as "
                                        f"{media or 'a body without a Content-Type'}")


Reader = Depends(require_read_token)
Writer = Depends(require_write_token)
JsonOnly = Depends(require_json)
