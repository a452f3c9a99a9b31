"""The page at `/` (service/web/index.html: plain HTML, CSS and JavaScript over the same API) and its script,
style and icon at `/static/` (service/web/static/; the page itself is served only at `/`, with its policy).
Not part of the API's schema. The page holds no data, so it never needs the token; the calls it makes do,
with the token the user gives it."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

WEB = Path(__file__).resolve().parents[1] / "web"
# Scripts, styles, images and calls from this server only; documents are untrusted text and the page sets it as
# text, and this policy is the second line.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
HEADERS = {"Content-Security-Policy": POLICY, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

page = APIRouter(include_in_schema=False)


@page.get("/")
async def index() -> FileResponse:
    return FileResponse(WEB / "index.html", media_type="text/html; charset=utf-8", headers=HEADERS)


static = StaticFiles(directory=WEB / "static")
