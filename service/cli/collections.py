"""`ingest`, `documents list|delete`, `serve` and `demo`: the stored collections and the server."""

from __future__ import annotations

import importlib.util
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from service.cli.common import CollectionOption, JsonOption, components, err, out, progress_bar, reports_errors
from service.cli.printing import print_changes, print_citations, print_verdict
from service.config import Settings
from service.errors import CollectionNotFoundError, ExtraNotInstalledError, InputError

DEMO = resources.files("service") / "demo"  # the AI-compute corpus and its labelled claims (package data)
documents_app = typer.Typer(no_args_is_help=True, help="List or delete stored documents.")


@reports_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.txt .md .html .pdf .jsonl).")],
    collection: CollectionOption = None,
) -> None:
    """Add or update documents, read and embedded in batches, committed once (atomic). Unchanged documents
    and exact duplicates of stored ones are skipped."""
    from service.bootstrap import build_library
    from service.schemas import ChangeResponse

    library = build_library(Settings())
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("reading", total=None)
        summary = library.ingest_files(
            paths, collection, on_file=lambda name: progress.update(task, description=name),
            progress=lambda done, total: progress.update(task, completed=done, total=total))
    print_changes(ChangeResponse.of(library.collection_name(collection), summary))


@reports_errors
def reindex(collection: CollectionOption = None,
            every: Annotated[bool, typer.Option("--all", help="Every collection.")] = False) -> None:
    """Re-embed a collection's documents with the configured embedding model (after changing
    VERICLAIM_MODELS__EMBEDDING, or to read them with the current document reader). Crash-safe like an ingest:
    the old index serves until the new one commits."""
    from service.bootstrap import build_library

    library = build_library(Settings())
    names = library.collections() if every else [collection]
    for name in names:
        with progress_bar() as progress:
            task = progress.add_task(f"reindexing {name or 'the default collection'}", total=None)

            def advance(done: int, total: int, task: TaskID = task) -> None:
                progress.update(task, completed=done, total=total)

            summary = library.reindex(name, advance)
        out.print(f"{library.collection_name(name)}: {len(summary.added)} documents re-embedded with "
                  f"{library.embedder.name} ({summary.chunks} chunks)", markup=False, highlight=False)


@reports_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings).")] = None,
    allow_open_writes: Annotated[bool, typer.Option(
        help="Bind a non-loopback address although no API token guards the document writes.")] = False,
) -> None:
    """Serve the HTTP API (models load once, before the first request)."""
    import uvicorn

    from service.access import open_writes_refused
    from service.api import create_app
    from service.http_protocol import with_header_timeout
    from service.observability import log_config

    settings = Settings()
    bind = host or settings.server.host
    refused = open_writes_refused(settings, bind, allow_open_writes)
    if refused:
        raise InputError(refused)  # before any model loads
    settings = settings.model_copy(update={"server": settings.server.model_copy(update={"host": bind})})
    built = components(settings)
    # JSON log lines; on SIGTERM uvicorn stops accepting and lets in-flight checks finish, for at most
    # `server.shutdown_seconds`
    # a deadline for each request's headers as well as for its body (service/http_protocol.py)
    uvicorn.run(create_app(built), host=bind, port=port or settings.server.port, log_config=log_config(),
                timeout_graceful_shutdown=settings.server.shutdown_seconds, timeout_keep_alive=5,
                limit_concurrency=settings.server.limit_concurrency,
                http=with_header_timeout(settings.server.header_timeout_seconds))


@reports_errors
def mcp(
    http: Annotated[bool, typer.Option("--http", help="Serve streamable HTTP (at /mcp) instead of stdio.")] = False,
    host: Annotated[str, typer.Option(help="With --http: the address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="With --http: the port.")] = 8765,
) -> None:
    """Serve the Model Context Protocol: tools check_claim, check_text, search_evidence, ask, list_documents and
    the documents as resources, for an agent (register `vericlaim mcp` as a stdio server in its configuration)."""
    import contextlib

    from service.access import is_loopback
    from service.mcp_server import build_server
    from service.python_api import Vericlaim

    if http and not is_loopback(host):
        raise InputError(f"refusing to serve MCP on {host}: it has no token; bind a loopback address and put an "
                         "authenticating proxy in front if it must be reached from elsewhere")
    if importlib.util.find_spec("mcp") is None:
        raise ExtraNotInstalledError("vericlaim mcp needs the mcp package, which came with vericlaim: reinstall it")
    with contextlib.redirect_stdout(sys.stderr):  # stdout is the protocol's: nothing else may print there
        server = build_server(Vericlaim.open())
    if http:
        server.run("streamable-http", host=host, port=port)
    else:
        server.run("stdio")


@reports_errors
def demo(
    collection: Annotated[str, typer.Option("--collection", "-c", help="Collection for the demo.")] = "demo",
) -> None:
    """Ingest the bundled AI-compute demo corpus, check a few claims (one compound, one prediction) and answer a
    question, with quotes."""
    from service.evidence import Query
    from service.schemas import CheckResponse

    built = components()
    library = built.library
    with resources.as_file(DEMO / "docs") as docs:
        summary = library.ingest_files([docs], collection)
    out.print(f"demo corpus: {summary.chunks} chunks in collection {collection!r}\n", highlight=False)
    for claim in [*demo_claims(), *DEMO_READING]:
        print_verdict(CheckResponse.of(built.pipeline.check(Query(claim, collection))))
        out.print()
    question = "How many GPUs does the Kestrel cluster hold?"
    answer = built.pipeline.ask(Query(question, collection))
    out.print(f"{question}\n  {answer.answer}", markup=False, highlight=False)
    print_citations(answer.citations)


DEMO_READING = (  # what claim reading does: a compound claim with one false part, and a prediction
    "Kestrel holds 12,288 H100 GPUs and draws 25 megawatts at full load.",
    "GPU rental prices will keep falling all the way through 2026.",
)


def demo_claims(per_label: int = 2) -> list[str]:
    rows = [json.loads(line) for line in (DEMO / "claims.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    chosen: list[str] = []
    for label in ("SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"):
        chosen += [row["claim"] for row in rows if row["label"] == label][:per_label]
    return chosen


@reports_errors
def repair(collection: CollectionOption = None,
           sign: Annotated[bool, typer.Option("--sign", help="Sign the collection with VERICLAIM_INTEGRITY_KEY after "
                                              "its checksums verify: you vouch for its files as they are.")] = False
           ) -> None:
    """Point a collection whose CURRENT pointer is missing or damaged at its newest generation that verifies
    (nothing is deleted; a collection that loads is left as it is); with --sign, sign it with the integrity key."""
    from index.library import Library
    from service.bootstrap import build_library

    settings = Settings()
    library = build_library(settings)
    if not isinstance(library, Library):
        out.print("nothing to repair: PostgreSQL keeps each collection in one transaction", markup=False,
                  highlight=False)
        return
    store = library.store(collection)
    if not store.generations():
        raise CollectionNotFoundError(f"no collection {store.name!r} to repair (collections: "
                                      f"{', '.join(library.collections()) or 'none yet'})")
    generation, changed = store.repair()
    if sign:
        generation, changed = store.sign(), True
    elif store.integrity_key is not None and changed:
        out.print(f"collection {store.name!r} now points at {generation}, unsigned: check it, then run "
                  f"`vericlaim repair --sign --collection {store.name}`", markup=False, highlight=False)
        return
    documents = len(library.snapshot(collection).documents)
    said = ("is signed and points at" if sign else "now points at") if changed else "loads as it is; it points at"
    out.print(f"collection {store.name!r} {said} {generation} ({documents} documents)", markup=False,
              highlight=False)


@documents_app.command("list")
@reports_errors
def list_documents(collection: CollectionOption = None, as_json: JsonOption = False) -> None:
    """The documents stored in a collection."""
    from service.bootstrap import build_library

    snapshot = build_library(Settings()).snapshot(collection)
    rows = [{"doc_id": d.doc_id, "title": d.title, "chars": len(d.text), "source": d.source}
            for d in snapshot.documents.values()]
    if as_json:
        sys.stdout.write(json.dumps({"index_version": snapshot.version, "documents": rows}, indent=2) + "\n")
        return
    for row in rows:
        out.print(f"{row['doc_id']}  ({row['chars']} chars)", markup=False, highlight=False)


@documents_app.command("delete")
@reports_errors
def delete_documents(
    doc_ids: Annotated[list[str], typer.Argument(help="Document ids to delete.")],
    collection: CollectionOption = None,
) -> None:
    """Delete documents (atomic; unknown ids are an error and nothing is deleted)."""
    from service.bootstrap import build_library

    summary = build_library(Settings()).delete(doc_ids, collection)
    out.print(f"deleted {len(summary.deleted)}; {summary.chunks} chunks remain", highlight=False)
