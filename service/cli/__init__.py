"""The service's commands: thin, like api.py. Each command builds what it needs, calls the core, prints.

    checking.py     check, check-text, search, ask
    batches.py      check-batch (here or on Ray workers)
    collections.py  ingest, documents list|delete, serve, demo
    evaluation.py   eval run|compare, dataset convert
    common.py       options, error reporting, progress; printing.py: text output

The `vericlaim` command (vericlaim/cli.py) is these plus the training commands (training/cli.py).
"""

from __future__ import annotations

import typer

from service.cli import batches, checking, collections, evaluation

HELP = "Check claims against your own documents."


def add_commands(app: typer.Typer) -> None:
    """Register the service's commands on `app`."""
    app.command("check")(checking.check)
    app.command("check-text")(checking.check_text)
    app.command("check-batch")(batches.check_batch)
    app.command("search")(checking.search)
    app.command("ask")(checking.ask)
    app.command("ingest")(collections.ingest)
    app.add_typer(collections.documents_app, name="documents")
    app.command("serve")(collections.serve)
    app.command("reindex")(collections.reindex)
    app.command("repair")(collections.repair)
    app.command("mcp")(collections.mcp)
    app.command("demo")(collections.demo)
    app.add_typer(evaluation.eval_app, name="eval")
    app.add_typer(evaluation.dataset_app, name="dataset")


def service_app() -> typer.Typer:
    """The service's commands alone (no training commands)."""
    app = typer.Typer(no_args_is_help=True, add_completion=False, help=HELP)
    add_commands(app)
    return app


app = service_app()
