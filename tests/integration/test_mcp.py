"""`vericlaim mcp` over stdio with the real models, driven by the MCP SDK's own client: the tools are listed, a
claim is checked with citations that quote the stored document, and bad input is a tool error."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import DEMO, subprocess_env, vericlaim_command

pytestmark = pytest.mark.integration


def test_an_mcp_client_lists_and_calls_the_tools_over_stdio(cli_home: Path) -> None:
    from mcp import Client, StdioServerParameters

    ingested = subprocess.run([*vericlaim_command(), "ingest", str(DEMO / "docs"), "--collection", "mcp"],
                              env=subprocess_env(cli_home), capture_output=True, text=True, timeout=600,
                              check=False)
    assert ingested.returncode == 0, ingested.stderr
    command, *prefix = vericlaim_command()
    server = StdioServerParameters(command=command, args=[*prefix, "mcp"], env=subprocess_env(cli_home))

    async def session() -> tuple[Any, Any, Any, Any]:
        async with Client(server, read_timeout_seconds=300) as client:
            tools = await client.list_tools()
            checked = await client.call_tool("check_claim", {
                "claim": "Northwind Labs' Kestrel cluster contains 12,288 H100 GPUs.", "collection": "mcp"})
            empty = await client.call_tool("check_claim", {"claim": " ", "collection": "mcp"})
            document = await client.read_resource("vericlaim://documents/mcp/northwind-cluster.md")
            return tools, checked, empty, document

    tools, checked, empty, document = asyncio.run(session())

    assert {"check_claim", "check_text", "search_evidence", "ask", "list_documents"} <= {t.name for t in tools.tools}
    assert not checked.is_error
    verdict = checked.structured_content
    assert verdict["verdict"] == "SUPPORTED" and verdict["citations"]
    text = (DEMO / "docs" / "northwind-cluster.md").read_text(encoding="utf-8")
    assert document.contents[0].text == text
    for citation in verdict["citations"]:
        assert citation["doc_id"] == "northwind-cluster.md"
        assert text[citation["start"]:citation["end"]] == citation["quote"]
    assert empty.is_error and "empty" in empty.content[0].text
