"""The `vericlaim` command: the service's commands (service/cli/) and the training commands (training/cli.py).

Assembled here, above both packages, so that the service never imports training code.
"""

from __future__ import annotations

import typer

from service import cli as service_cli
from training import cli as training_cli


def build_app() -> typer.Typer:
    app = service_cli.service_app()
    training_cli.add_commands(app)
    return app


app = build_app()


def main() -> None:
    app(prog_name="vericlaim")
