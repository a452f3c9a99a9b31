"""Routes over a collection's documents: add (JSON or a multipart upload), list, read one, delete. Writes need the API
token when one is set; listing is a read."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, TypeVar

from fastapi import APIRouter, Request
from fastapi import Query as QueryParam
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from index.loaders import load_upload, make_document
from index.pdf_text import ExtractLimits
from service.domain import ChangeSummary, Document
from service.errors import (
    BodyTooLargeError,
    ClientGoneError,
    DocumentNotFoundError,
    InputError,
    UnsupportedMediaTypeError,
)
from service.ports import Progress
from service.requests import NAMED, NOT_BLANK, DocumentRequest
from service.routes.deps import ERRORS, Built, Reader, Writer, is_json, media_type
from service.schemas import ChangeResponse, DocumentListResponse, DocumentOut, DocumentTextOut

documents = APIRouter(prefix="/v1/documents", responses=ERRORS)
log = logging.getLogger(__name__)
T = TypeVar("T")



UPLOAD_TYPES = "text/plain, text/markdown, text/html, application/pdf, application/jsonl"
UPLOAD = {"type": "object", "required": ["file"], "properties": {
    "file": {"type": "string", "format": "binary", "description": ".txt .md .html .pdf .jsonl"},
    "doc_id": {"type": "string", **NOT_BLANK}, "collection": {"type": "string", **NAMED}}}
BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": DocumentRequest.model_json_schema()},
    "multipart/form-data": {"schema": UPLOAD, "encoding": {"file": {"contentType": UPLOAD_TYPES}}}}}}
Collection = Annotated[str | None, QueryParam(json_schema_extra=NAMED)]


@documents.post("", dependencies=[Writer], openapi_extra=BODY)
async def add_document(request: Request, built: Built) -> ChangeResponse:
    """JSON `{doc_id, text, title?, url?, date?, collection?}` or a multipart upload (`file`, optional `doc_id`
    and `collection` fields)."""
    library = built.library
    media = media_type(request)
    if media == "multipart/form-data":
        server = built.settings.server
        documents_in, collection = await _uploaded(request, server.max_upload_bytes, ExtractLimits(
            server.max_upload_chars, server.max_extract_seconds))
    elif not is_json(media):
        # a text/plain or form body needs no CORS preflight: refusing it keeps other sites' pages out
        raise UnsupportedMediaTypeError(f"send a document as JSON (Content-Type: application/json) or as a "
                                        f"multipart upload, not as {media or 'a body without a Content-Type'}")
    else:
        body = await _json_body(request)
        documents_in = [make_document(body.doc_id, body.text, source="api", title=body.title, url=body.url,
                                      date=body.date)]
        collection = body.collection
    summary = await _ingest_while_wanted(request, lambda progress: library.ingest(documents_in, collection, progress))
    return ChangeResponse.of(library.collection_name(collection), summary)


@documents.get("", dependencies=[Reader])
async def list_documents(built: Built, collection: Collection = None) -> DocumentListResponse:
    library = built.library
    snapshot = await run_in_threadpool(lambda: library.snapshot(collection))
    listed = [DocumentOut(doc_id=d.doc_id, title=d.title, url=d.url, date=d.date, source=d.source,
                          chars=len(d.text), sha256=d.sha256)
              for d in snapshot.documents.values()]
    return DocumentListResponse(collection=library.collection_name(collection), index_version=snapshot.version,
                                documents=listed)


@documents.get("/{doc_id:path}", dependencies=[Reader])
async def get_document(doc_id: str, built: Built, collection: Collection = None) -> DocumentTextOut:
    """One document with its whole text: a citation's `start:end` index into `text`."""
    library = built.library
    snapshot = await run_in_threadpool(lambda: library.snapshot(collection))
    document = snapshot.documents.get(doc_id)
    if document is None:
        raise DocumentNotFoundError(f"no document {doc_id!r} in collection {library.collection_name(collection)!r}")
    return DocumentTextOut(doc_id=document.doc_id, title=document.title, url=document.url, date=document.date,
                           source=document.source, chars=len(document.text), sha256=document.sha256,
                           text=document.text)


@documents.delete("/{doc_id:path}", dependencies=[Writer])
async def delete_document(doc_id: str, built: Built,
                          collection: Collection = None) -> ChangeResponse:
    library = built.library
    summary = await run_in_threadpool(library.delete, [doc_id], collection)
    return ChangeResponse.of(library.collection_name(collection), summary)


class _Abandoned(Exception):
    """The client went away or the server is stopping: the ingest stops before its commit."""


async def _while_wanted(request: Request, work: Callable[[threading.Event], T]) -> T:
    """Runs `work(stop)` in a worker thread and sets `stop` when the client disconnects, or when the request is
    cancelled (uvicorn cancels the requests still running once the shutdown timeout is over); `work` checks it
    at its own steps and gives up."""
    stop = threading.Event()
    job = asyncio.ensure_future(run_in_threadpool(work, stop))
    try:
        while not job.done():
            await asyncio.wait({job}, timeout=0.5)
            if not job.done() and await request.is_disconnected():
                stop.set()
        return job.result()
    finally:
        stop.set()  # also when this request is cancelled (shutdown): the thread stops at its next step
        if not job.done():  # cancelled: nobody awaits the thread's outcome any more, so it is collected here
            job.add_done_callback(lambda done: done.cancelled() or done.exception())


async def _ingest_while_wanted(request: Request, ingest: Callable[[Progress], ChangeSummary]) -> ChangeSummary:
    """`ingest` while the client is there: it stops at its next embedded batch (nothing is committed: the
    collection stays as it was) when the client disconnects or the server is stopping."""
    def run(stop: threading.Event) -> ChangeSummary:
        def progress(done: int, total: int) -> None:
            if stop.is_set():
                raise _Abandoned
        return ingest(progress)

    try:
        return await _while_wanted(request, run)
    except _Abandoned:
        log.info("ingest stopped before its commit: the client went away or the server is stopping")
        raise ClientGoneError("the client disconnected before the ingest finished; nothing was stored") from None


async def _json_body(request: Request) -> DocumentRequest:
    try:
        return DocumentRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None


async def _uploaded(request: Request, max_bytes: int, limits: ExtractLimits) -> tuple[list[Document], str | None]:
    """The documents of a multipart upload and the collection it names (index/loaders.py reads the file; a PDF
    within `limits`, and only while its client is there)."""
    async with request.form() as form:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InputError("multipart upload needs a 'file' field")
        data = await upload.read(max_bytes + 1)
        filename, doc_id, collection = upload.filename, form.get("doc_id"), form.get("collection")
    if len(data) > max_bytes:
        raise BodyTooLargeError(f"upload larger than {max_bytes} bytes (VERICLAIM_SERVER__MAX_UPLOAD_BYTES)")
    named = str(doc_id) if doc_id else None
    documents_in = await _while_wanted(request, lambda stop: load_upload(filename, named, data,
                                                                         replace(limits, stop=stop)))
    return documents_in, (str(collection) if collection else None)
