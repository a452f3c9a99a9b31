"""The MCP server in process, through the SDK's own client, over the shipped fakes: tools, structured outputs,
tool errors for bad input, documents as resources. (tests/integration/test_mcp.py runs `vericlaim mcp` over stdio
with the real models.)"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from service.bootstrap import build
from service.config import Settings
from service.fakes import HashingEmbedder, KeywordJudge
from service.mcp_server import build_server, document_uri
from service.python_api import Vericlaim
from tests.unit.service.test_api import ACME_TEXT

pytestmark = pytest.mark.unit
T = TypeVar("T")


@pytest.fixture
def vc(tmp_path: Path) -> Vericlaim:
    opened = Vericlaim(build(Settings(home=tmp_path, max_claim_chars=200), embedder=HashingEmbedder(),
                             judge=KeywordJudge()))
    opened.add("reports/acme.txt", ACME_TEXT, title="Acme", collection="news")
    return opened


def with_client(vc: Vericlaim, use: Callable[[Any], Awaitable[T]]) -> T:
    from mcp import Client

    async def run() -> T:
        async with Client(build_server(vc)) as client:
            return await use(client)

    return asyncio.run(run())


def test_the_tools_are_listed_with_typed_inputs_and_structured_outputs(vc: Vericlaim) -> None:
    async def use(client: Any) -> Any:
        return await client.list_tools()

    tools = {tool.name: tool for tool in with_client(vc, use).tools}

    assert set(tools) == {"check_claim", "check_text", "search_evidence", "ask", "list_documents"}
    check = tools["check_claim"]
    assert check.input_schema["required"] == ["claim"]
    assert {"claim", "collection", "top_k", "since", "until"} <= set(check.input_schema["properties"])
    assert {"verdict", "confidence", "citations"} <= set(check.output_schema["properties"])


def test_a_claim_is_checked_with_verified_citations(vc: Vericlaim) -> None:
    async def use(client: Any) -> Any:
        return await client.call_tool("check_claim", {"claim": "Acme employs 200,000 people",
                                                      "collection": "news"})

    result = with_client(vc, use)

    assert not result.is_error
    verdict = result.structured_content
    assert verdict["verdict"] in {"SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"}
    for citation in verdict["citations"]:
        assert ACME_TEXT[citation["start"]:citation["end"]] == citation["quote"]
    assert verdict == vc.check("Acme employs 200,000 people", collection="news").model_dump(mode="json") | {
        "timings": verdict["timings"]}


@pytest.mark.parametrize(("arguments", "message"), [
    ({"claim": "   "}, "empty"),
    ({"claim": "x" * 300}, "200"),
    ({"claim": "Acme grew", "collection": "nowhere"}, "no collection 'nowhere'"),
    ({"claim": "Acme grew", "since": "last May"}, "since"),
])
def test_bad_input_is_a_tool_error_with_the_services_message(vc: Vericlaim, arguments: dict[str, Any],
                                                              message: str) -> None:
    async def use(client: Any) -> Any:
        return await client.call_tool("check_claim", {"collection": "news"} | arguments)

    result = with_client(vc, use)

    assert result.is_error
    assert message in result.content[0].text


def test_documents_are_listed_and_read_as_resources(vc: Vericlaim) -> None:
    async def use(client: Any) -> tuple[Any, Any, Any]:
        listed = await client.call_tool("list_documents", {"collection": "news"})
        read = await client.read_resource(document_uri("news", "reports/acme.txt"))
        templates = await client.list_resource_templates()
        return listed, read, templates

    listed, read, templates = with_client(vc, use)

    assert [d["doc_id"] for d in listed.structured_content["documents"]] == ["reports/acme.txt"]
    assert read.contents[0].text == ACME_TEXT
    assert templates.resource_templates[0].uri_template == "vericlaim://documents/{collection}/{+doc_id}"


def test_the_python_api_answers_as_the_http_api(vc: Vericlaim) -> None:
    from service.errors import EmptyClaimError, InputError

    assert vc.search("Acme revenue", collection="news").passages[0].doc_id == "reports/acme.txt"
    assert vc.documents("news").documents[0].title == "Acme"
    assert vc.document("reports/acme.txt", "news").text == ACME_TEXT
    with pytest.raises(EmptyClaimError):
        vc.check("  ", collection="news")
    with pytest.raises(InputError, match="top_k"):
        vc.check("Acme grew", collection="news", top_k=0)
