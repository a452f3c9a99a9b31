"""What an operator sees of a running server: Prometheus metrics, a request id on every response, and one JSON
log line per request.

`Observability` is an ASGI middleware. Each request gets an id (the client's `X-Request-ID` when it is a
short token, else a new one), echoed in the response's `X-Request-ID` and written in that request's log line
(`{"ts", "level", "logger", "message", "request_id", "method", "route", "status", "ms"}`). Its metrics live in
the app's own registry, served at `/metrics`:

    vericlaim_requests_total{method, route, status}   requests answered
    vericlaim_request_seconds{route}                  latency histogram
    vericlaim_queue_depth                             model calls in flight or waiting (the bounded queue)
    vericlaim_verdicts_total{label}                   verdicts returned, by label (jobs' included)
    vericlaim_jobs{state}                             jobs queued, running, done, cancelled
    vericlaim_job_lines_total{outcome}                job lines checked, or failed
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from service.domain import Verdict

log = logging.getLogger("vericlaim.requests")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self, queue_depth: Callable[[], float]) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("vericlaim_requests", "Requests answered.", ["method", "route", "status"],
                                registry=self.registry)
        self.latency = Histogram("vericlaim_request_seconds", "Time to answer a request.", ["route"],
                                 buckets=_BUCKETS, registry=self.registry)
        self.queue = Gauge("vericlaim_queue_depth", "Model calls in flight or waiting.", registry=self.registry)
        self.queue.set_function(queue_depth)
        self.verdicts = Counter("vericlaim_verdicts", "Verdicts returned, by label.", ["label"],
                                registry=self.registry)

        self.job_lines = Counter("vericlaim_job_lines", "Job lines checked, or failed.", ["outcome"],
                                 registry=self.registry)

    def watch_jobs(self, counts: Callable[[], dict[str, int]]) -> None:
        """Reports `counts()` (jobs by state) at every scrape."""
        self.registry.register(_JobStates(counts))

    def count_job_line(self, outcome: str) -> None:
        self.job_lines.labels(outcome).inc()

    def count(self, verdicts: Iterable[Verdict]) -> None:
        for verdict in verdicts:
            self.verdicts.labels(verdict.label.value).inc()


class _JobStates(Collector):
    def __init__(self, counts: Callable[[], dict[str, int]]) -> None:
        self._counts = counts

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily("vericlaim_jobs", "Jobs by state.", labels=["state"])
        try:
            counts = self._counts()
        except Exception:  # an unreadable jobs file must not take the other metrics down with it
            log.exception("metrics: cannot count the jobs")
            counts = {}
        for state, count in counts.items():
            family.add_metric([state], count)
        yield family


class Observability:
    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode("latin-1")))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or (  # the template, never raw ids
                "/static" if scope["path"].startswith("/static/") else "unmatched")
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(route).observe(seconds)
            log.info("%s %s %s", scope["method"], route, status, extra={
                "request_id": request_id, "method": scope["method"], "route": route, "status": status,
                "ms": round(seconds * 1000, 1)})


class JsonFormatter(logging.Formatter):
    """One JSON object a line; a request's fields (`extra=`) are carried over."""

    FIELDS = ("request_id", "method", "route", "status", "ms", "error_id")

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                                "level": record.levelname.lower(), "logger": record.name,
                                "message": record.getMessage()}
        line.update({key: getattr(record, key) for key in self.FIELDS if hasattr(record, key)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def log_config(level: str = "info") -> dict[str, Any]:
    """uvicorn's `log_config`: every server and vericlaim log line as JSON on stderr; uvicorn's own access
    log is off (the request lines above carry the request id instead)."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "vericlaim": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "service": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "index": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
        },
    }
