"""vericlaim in a Python process: the same pipeline, requests and answers as the HTTP API, without a server.

    from vericlaim import Vericlaim

    vc = Vericlaim.open(home="~/vericlaim-data")          # models load here, once (seconds)
    vc.ingest(["reports/"], collection="ai")
    result = vc.check("Northwind spent over $500M on compute", collection="ai")
    result.verdict, result.confidence, [c.quote for c in result.citations]

Every method takes the arguments the matching HTTP request body takes (`service.requests`: the same validation,
the same errors from `service.errors`) and returns the model the route returns (`service.schemas`): `check` →
`CheckResponse`, `check_text` → `TextCheckResponse`, `search` → `SearchResponse`, `ask` → `AskResponse`,
`ingest`/`add`/`delete` → `ChangeResponse`, `documents` → `DocumentListResponse`, `document` →
`DocumentTextOut`. The MCP server (service/mcp_server.py) is built on it. One `Vericlaim` holds the models: use
one per process, from one thread at a time (the LLM is not thread-safe; the HTTP server queues for it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from index.loaders import make_document
from service.bootstrap import Components, build
from service.config import Settings
from service.errors import DocumentNotFoundError, InputError
from service.requests import AskRequest, CheckRequest, SearchRequest, TextCheckRequest
from service.schemas import (
    AskResponse,
    ChangeResponse,
    CheckResponse,
    DocumentListResponse,
    DocumentOut,
    DocumentTextOut,
    PassageOut,
    SearchResponse,
    TextCheckResponse,
)

DateArg = str | date | None
R = TypeVar("R", bound=BaseModel)


class Vericlaim:
    """The pipeline over one data folder (`Settings.home`), with its models loaded."""

    def __init__(self, components: Components) -> None:
        self.components = components

    @classmethod
    def open(cls, home: str | Path | None = None, *, settings: Settings | None = None, **overrides: Any) -> Vericlaim:
        """Load the configured models over `home` (default: VERICLAIM_HOME or the user data folder). `overrides`
        are settings fields (`collection="ai"`, `models={"verifier": "nli-minilm"}`); environment variables
        (VERICLAIM_…) apply as for the CLI."""
        if settings is None:
            fields: dict[str, Any] = {"home": Path(home).expanduser()} if home is not None else {}
            settings = Settings(**fields, **overrides)
        return cls(build(settings))

    @property
    def settings(self) -> Settings:
        return self.components.settings

    # ---- documents --------------------------------------------------------------------------------------------

    def ingest(self, paths: Sequence[str | Path], collection: str | None = None) -> ChangeResponse:
        """Read files and folders (.txt .md .html .pdf .jsonl) into a collection, as `vericlaim ingest` does."""
        library = self.components.library
        summary = library.ingest_files([Path(p).expanduser() for p in paths], collection)
        return ChangeResponse.of(library.collection_name(collection), summary)

    def add(self, doc_id: str, text: str, *, title: str | None = None, url: str | None = None,
            date: str | None = None, collection: str | None = None) -> ChangeResponse:
        """Add (or update) one document given as text, as `POST /v1/documents` with JSON does."""
        library = self.components.library
        document = make_document(doc_id, text, source="python", title=title, url=url, date=date)
        return ChangeResponse.of(library.collection_name(collection), library.ingest([document], collection))

    def delete(self, doc_ids: Sequence[str], collection: str | None = None) -> ChangeResponse:
        library = self.components.library
        return ChangeResponse.of(library.collection_name(collection), library.delete(list(doc_ids), collection))

    def documents(self, collection: str | None = None) -> DocumentListResponse:
        library = self.components.library
        snapshot = library.snapshot(collection)
        listed = [DocumentOut(doc_id=d.doc_id, title=d.title, url=d.url, date=d.date, source=d.source,
                              chars=len(d.text), sha256=d.sha256) for d in snapshot.documents.values()]
        return DocumentListResponse(collection=library.collection_name(collection), index_version=snapshot.version,
                                    documents=listed)

    def document(self, doc_id: str, collection: str | None = None) -> DocumentTextOut:
        """One document with its whole text: a citation's `start:end` index into `text`."""
        library = self.components.library
        document = library.snapshot(collection).documents.get(doc_id)
        if document is None:
            raise DocumentNotFoundError(f"no document {doc_id!r} in collection {library.collection_name(collection)!r}")
        return DocumentTextOut(doc_id=document.doc_id, title=document.title, url=document.url, date=document.date,
                               source=document.source, chars=len(document.text), sha256=document.sha256,
                               text=document.text)

    # ---- checking ---------------------------------------------------------------------------------------------

    def check(self, claim: str, *, collection: str | None = None, top_k: int | None = None,
              doc_ids: Sequence[str] | None = None, since: DateArg = None, until: DateArg = None,
              explain: bool = False) -> CheckResponse:
        """The verdict on `claim` with verified citations, as `POST /v1/check` answers it."""
        request = _request(CheckRequest, claim=claim, explain=explain,
                           **_scope(collection, top_k, doc_ids, since, until))
        return CheckResponse.of(self.components.pipeline.check(request.to_query(), explain=explain))

    def check_text(self, text: str, *, collection: str | None = None, top_k: int | None = None,
                   doc_ids: Sequence[str] | None = None, since: DateArg = None,
                   until: DateArg = None) -> TextCheckResponse:
        """Every checkable sentence of `text` checked, the others listed with the reason."""
        request = _request(TextCheckRequest, text=text, **_scope(collection, top_k, doc_ids, since, until))
        return TextCheckResponse.of(self.components.pipeline.check_text(request.to_query()))

    def search(self, query: str, *, collection: str | None = None, top_k: int | None = None,
               doc_ids: Sequence[str] | None = None, since: DateArg = None, until: DateArg = None) -> SearchResponse:
        """The evidence passages a check would read for `query`, best first."""
        request = _request(SearchRequest, query=query, **_scope(collection, top_k, doc_ids, since, until))
        passages, snapshot = self.components.pipeline.finder.search(request.to_query())
        return SearchResponse(query=query, index_version=snapshot.version,
                              passages=[PassageOut.of(p) for p in passages])

    def ask(self, question: str, *, collection: str | None = None, top_k: int | None = None,
            doc_ids: Sequence[str] | None = None, since: DateArg = None, until: DateArg = None,
            phrase: bool = False) -> AskResponse:
        """The sentence that answers `question`, quoted, with its figure or date."""
        request = _request(AskRequest, question=question, phrase=phrase,
                           **_scope(collection, top_k, doc_ids, since, until))
        return AskResponse.of(self.components.pipeline.ask(request.to_query(), phrase=phrase))


def _request(model: type[R], **fields: Any) -> R:
    """The request model for these fields; what it refuses is `InputError` with its first complaint, as the CLI
    says it (a claim that is empty or too long is refused later by the pipeline with its own error)."""
    try:
        return model(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(f"{where}: {first['msg']}" if where else str(first["msg"])) from None


def _scope(collection: str | None, top_k: int | None, doc_ids: Sequence[str] | None, since: DateArg,
           until: DateArg) -> dict[str, Any]:
    """The request fields every check, search and question shares; dates as the HTTP API takes them."""
    return {"collection": collection, "top_k": top_k, "doc_ids": list(doc_ids) if doc_ids is not None else None,
            "since": since.isoformat() if isinstance(since, date) else since,
            "until": until.isoformat() if isinstance(until, date) else until}
