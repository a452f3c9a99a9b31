"""vericlaim as a Model Context Protocol server: an agent calls "check this claim against my documents" and gets
the verdict with verified citations back (`vericlaim mcp`; stdio by default, streamable HTTP as an option).

Tools (inputs typed, outputs structured: the same models the HTTP API returns, `service.schemas`):
  check_claim      a claim → verdict, confidence, citations (document, offsets, the exact quote), figures compared
  check_text       a text → each checkable sentence's verdict, the others listed with the reason
  search_evidence  a query → the passages a check would read
  ask              a question → the quoted sentence that answers it
  list_documents   a collection's documents, each with its resource URI
Resources: every document's text at `vericlaim://documents/{collection}/{doc_id}` (a citation's `start:end`
index into it). Bad input (an empty or over-long claim, an unknown collection) is a tool error with the
service's one-line message, never a crash. Built on the official `mcp` SDK (`MCPServer`) over
`service.python_api.Vericlaim`; the models load once, and one call at a time reaches them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Annotated, TypeVar
from urllib.parse import quote, unquote

import anyio
from pydantic import Field

from service.errors import VericlaimError
from service.python_api import Vericlaim
from service.schemas import AskResponse, CheckResponse, DocumentListResponse, SearchResponse, TextCheckResponse

T = TypeVar("T")
INSTRUCTIONS = ("vericlaim checks claims against documents the user loaded and trusts (reports, filings, "
                "articles), on the user's machine. Use check_claim for one claim: SUPPORTED, REFUTED or "
                "NOT_ENOUGH_INFO with a calibrated confidence and citations whose quotes are verified to exist in the "
                "source; check_text for every checkable sentence of a draft; search_evidence and ask to find what "
                "the documents say. Cite the quotes, not your memory.")
DOCUMENT_URI = "vericlaim://documents/{collection}/{+doc_id}"

Collection = Annotated[str | None, Field(description="Collection to search (default: the configured one).")]
TopK = Annotated[int | None, Field(description="Evidence passages to read (1-50).", ge=1, le=50)]
Since = Annotated[str | None, Field(description="Only documents dated on or after this: YYYY, YYYY-MM or "
                                    "YYYY-MM-DD.")]
Until = Annotated[str | None, Field(description="Only documents dated on or before this: YYYY, YYYY-MM or "
                                    "YYYY-MM-DD.")]


def document_uri(collection: str, doc_id: str) -> str:
    return f"vericlaim://documents/{quote(collection, safe='')}/{quote(doc_id, safe='/')}"


def build_server(vc: Vericlaim):  # type: ignore[no-untyped-def]  # MCPServer is untyped under mypy's skip
    """The MCP server over an opened `Vericlaim`."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError

    from service import __version__

    server = MCPServer(name="vericlaim", version=__version__, instructions=INSTRUCTIONS)
    lock = threading.Lock()  # the models serve one call at a time (the LLM is not thread-safe)

    async def call(work: Callable[[], T]) -> T:
        def locked() -> T:
            with lock:
                return work()

        try:
            return await anyio.to_thread.run_sync(locked)
        except VericlaimError as exc:
            raise ToolError(exc.detail) from None

    @server.tool(description="Check one claim against the documents: SUPPORTED, REFUTED or NOT_ENOUGH_INFO, its "  # type: ignore[untyped-decorator]  # mcp is not analysed (pyproject)
                 "confidence, and citations (document, character offsets, the exact quote, verified to exist in "
                 "the source). Compound claims are checked part by part; figures are compared with their gap.")
    async def check_claim(claim: Annotated[str, Field(description="The claim to check.")],
                          collection: Collection = None, top_k: TopK = None, since: Since = None,
                          until: Until = None) -> CheckResponse:
        return await call(lambda: vc.check(claim, collection=collection, top_k=top_k, since=since, until=until))

    @server.tool(description="Check every checkable sentence of a text (a draft, an article); sentences that "  # type: ignore[untyped-decorator]  # mcp is not analysed (pyproject)
                 "state nothing checkable (questions, opinions, predictions) are listed with the reason.")
    async def check_text(text: Annotated[str, Field(description="The text to check.")],
                         collection: Collection = None, top_k: TopK = None, since: Since = None,
                         until: Until = None) -> TextCheckResponse:
        return await call(lambda: vc.check_text(text, collection=collection, top_k=top_k, since=since,
                                                until=until))

    @server.tool(description="The passages of the documents that bear on a query, best first, with their "  # type: ignore[untyped-decorator]  # mcp is not analysed (pyproject)
                 "offsets: what a check would read.")
    async def search_evidence(query: Annotated[str, Field(description="What to look for.")],
                              collection: Collection = None, top_k: TopK = None, since: Since = None,
                              until: Until = None) -> SearchResponse:
        return await call(lambda: vc.search(query, collection=collection, top_k=top_k, since=since, until=until))

    @server.tool(description="Answer a question about the documents by quoting the sentence that answers it, "  # type: ignore[untyped-decorator]  # mcp is not analysed (pyproject)
                 "with its figure or date; abstains when no sentence does.")
    async def ask(question: Annotated[str, Field(description="A question about the documents.")],
                  collection: Collection = None, top_k: TopK = None, since: Since = None,
                  until: Until = None) -> AskResponse:
        return await call(lambda: vc.ask(question, collection=collection, top_k=top_k, since=since, until=until))

    @server.tool(description="The documents of a collection (id, title, size, date); read one's text as the "  # type: ignore[untyped-decorator]  # mcp is not analysed (pyproject)
                 "resource vericlaim://documents/{collection}/{doc_id}.")
    async def list_documents(collection: Collection = None) -> DocumentListResponse:
        return await call(lambda: vc.documents(collection))

    @server.resource(DOCUMENT_URI, name="document", mime_type="text/plain",  # type: ignore[untyped-decorator]  # mcp is not analysed (pyproject)
                     description="A stored document's whole text: citations' start:end index into it.")
    async def document(collection: str, doc_id: str) -> str:
        name, identifier = unquote(collection), unquote(doc_id)
        try:
            return (await call(lambda: vc.document(identifier, name))).text
        except ToolError as exc:
            raise ResourceNotFoundError(str(exc)) from None

    return server
