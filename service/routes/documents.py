"""Routes over a collection's documents: add (JSON or a multipart upload), list, delete. Writes need the API
token when one is set; listing is a read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi import Query as QueryParam
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from index.loaders import load_upload, make_document
from service.domain import Document
from service.errors import BodyTooLargeError, InputError
from service.requests import NAMED, NOT_BLANK, DocumentRequest
from service.routes.deps import ERRORS, Built, Reader, Writer
from service.schemas import ChangeResponse, DocumentListResponse, DocumentOut

documents = APIRouter(prefix="/v1/documents", responses=ERRORS)



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
async def list_documents(built: Built, collection: Collection = None) -> DocumentListResponse:
    library = built.library
    snapshot = await run_in_threadpool(library.snapshot, collection)
    listed = [DocumentOut(doc_id=d.doc_id, title=d.title, url=d.url, date=d.date, source=d.source,
                          chars=len(d.text), sha256=d.sha256)
              for d in snapshot.documents.values()]
    return DocumentListResponse(collection=library.store(collection).name, index_version=snapshot.version,
                                documents=listed)


@documents.delete("/{doc_id:path}", dependencies=[Writer])
async def delete_document(doc_id: str, built: Built,
                          collection: Collection = None) -> ChangeResponse:
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
