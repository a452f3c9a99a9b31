"""The HTTP server's settings (`Settings.server`, VERICLAIM_SERVER__…): limits, timeouts, host names, access."""

from __future__ import annotations

from pydantic import BaseModel, Field

API_TOKEN_MIN_CHARS = 16


class ServerSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    queue_size: int = Field(8, ge=1, description="Checks waiting for the model before HTTP 503.")
    max_upload_bytes: int = Field(20_000_000, ge=1, description="Largest uploaded file (HTTP 413 past it).")
    body_timeout_seconds: float = Field(30.0, gt=0, description=(
        "A request body that stops arriving for this long is answered 408 (a stalled client holds a worker)."))
    header_timeout_seconds: float = Field(10.0, gt=0, description=(
        "A connection whose request line and headers are not all in this long after its first byte is closed "
        "(a half-sent request cannot hold a connection for good)."))
    limit_concurrency: int = Field(256, ge=8, description=(
        "Connections and requests `vericlaim serve` takes at once; past it uvicorn answers 503 at once (many "
        "slow or half-sent requests cannot pile up without bound)."))
    max_upload_chars: int = Field(5_000_000, ge=1000, description=(
        "Most characters of text extracted from one uploaded PDF (422 past it): a few kilobytes of PDF can "
        "inflate to millions of characters."))
    max_extract_seconds: float = Field(30.0, gt=0, description=(
        "Most CPU seconds reading one uploaded PDF may take (422 past it): a crafted page can keep pypdf busy "
        "for minutes (bench/pdf_bomb.py)."))
    max_body_bytes: int = Field(25_000_000, ge=1, description=(
        "Largest request body of any kind, JSON or multipart (HTTP 413 past it)."))
    allow_open_writes: bool = Field(False, description=(
        "Serve a non-loopback address with no API token (VERICLAIM_SERVER__ALLOW_OPEN_WRITES; the serve flag "
        "--allow-open-writes): anyone who reaches the port can then add and delete documents."))
    max_batch_claims: int = Field(64, ge=1, description="Most claims one POST /v1/check/batch may carry (422).")
    max_job_claims: int = Field(10_000, ge=1, description="Most lines one POST /v1/jobs upload may hold (422).")
    shutdown_seconds: int = Field(30, ge=1, description=(
        "On SIGTERM, how long `vericlaim serve` waits for in-flight requests before it exits."))
    allowed_hosts: list[str] = Field(
        ["localhost", "127.0.0.1", "::1"], description=(
            "Host names the server answers to (VERICLAIM_SERVER__ALLOWED_HOSTS, a JSON list): a request for any other "
            "Host is refused (400), which stops DNS-rebinding pages. The address given to `serve --host` is added. "
            "'*' answers to any name; behind a reverse proxy, list the name users reach it by and pass the Host "
            "header through."))
    token_for_reads: bool = Field(False, description="Checks, searches and listings need the API token too "
                                  "(VERICLAIM_SERVER__TOKEN_FOR_READS); /v1/health and /v1/ready never do.")
