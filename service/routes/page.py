"""The page at `/` (service/web/index.html: plain HTML, CSS and JavaScript over the same API) and its script,
style and icon at `/static/` (service/web/static/; the page itself is served only at `/`, with its policy), and the
API docs at `/docs` (Swagger UI, its files served from `/docs-assets/`).
Not part of the API's schema. The page holds no data, so it never needs the token; the calls it makes do,
with the token the user gives it."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

WEB = Path(__file__).resolve().parents[1] / "web"
# Scripts, styles, images and calls from this server only; documents are untrusted text and the page sets it as
# text, and this policy is the second line.
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
HEADERS = {"Content-Security-Policy": POLICY, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

# The API docs: Swagger UI from the swagger-ui-bundle package, served from here (no CDN: it works offline). Its
# page starts the UI with an inline script, so its policy admits that script and nothing from elsewhere.
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")

page = APIRouter(include_in_schema=False)


@page.get("/")
async def index() -> FileResponse:
    return FileResponse(WEB / "index.html", media_type="text/html; charset=utf-8", headers=HEADERS)


@page.get("/docs")
async def docs() -> HTMLResponse:
    html = get_swagger_ui_html(openapi_url="/openapi.json", title="vericlaim API",
                               swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                               swagger_css_url="/docs-assets/swagger-ui.css",
                               swagger_favicon_url="/static/favicon.svg")
    html.headers["Content-Security-Policy"] = DOCS_POLICY
    return html


static = StaticFiles(directory=WEB / "static")


def docs_assets() -> StaticFiles:
    import swagger_ui_bundle

    return StaticFiles(directory=swagger_ui_bundle.swagger_ui_path)
