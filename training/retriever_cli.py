"""`vericlaim retriever train`: tune the retriever's bi-encoder (training.retriever_train) and export it
(training.retriever_export). Registered on the `vericlaim` command by training/cli.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from service.cli.common import reports_errors
from training.verifier_cli import DataOption, datasets_folder, exit_with

retriever_app = typer.Typer(no_args_is_help=True, help="Tune the retriever that finds the evidence sentences.")


@retriever_app.command("train")
@reports_errors
def train(
    out: Annotated[Path, typer.Option(help="Artifact folder to write.")],
    data: DataOption = None,
    checkpoints: Annotated[Path, typer.Option(help="Where checkpoints live (outside the repository); the same "
                                              "command resumes from them.")] = Path("/var/tmp/vericlaim-retriever"),
    name: Annotated[str, typer.Option(help="The retriever's name: collections record it.")] = "vericlaim-retriever-v1",
    epochs: Annotated[float, typer.Option(help="Passes over the training triplets.")] = 2.0,
    lr: Annotated[float, typer.Option(help="Peak learning rate (AdamW).")] = 3e-5,
    batch: Annotated[int, typer.Option(help="Triplets per step (each claim's in-batch negatives).")] = 32,
    domain_repeats: Annotated[int, typer.Option(help="Times each in-domain triplet is seen per pass.")] = 2,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    threads: Annotated[int, typer.Option(help="torch CPU threads.")] = 2,
    checkpoint_minutes: Annotated[float, typer.Option(help="Minutes between checkpoints.")] = 10.0,
    stop_after_minutes: Annotated[float | None, typer.Option(help="Checkpoint and stop after this many minutes "
                                                             "(the same command carries on).")] = None,
) -> None:
    """Tune all-MiniLM-L6-v2 on claim → evidence triplets with hard negatives (licences in its card), then write
    the int8 ONNX artifact into --out."""
    from training.retriever_export import export
    from training.retriever_train import FINAL, RetrieverTrainOptions, base_folder, run

    code = run(RetrieverTrainOptions(checkpoints=checkpoints, data=datasets_folder(data), epochs=epochs, lr=lr,
                                     batch=batch, domain_repeats=domain_repeats, seed=seed, threads=threads,
                                     checkpoint_minutes=checkpoint_minutes, stop_after_minutes=stop_after_minutes))
    final = checkpoints / FINAL
    if code or not (final / "training.json").is_file():
        exit_with(code)
        return
    report = json.loads((final / "training.json").read_text(encoding="utf-8"))
    export(final, out, name=name, base=base_folder(), report=report)
    size = (out / "model.onnx").stat().st_size / 2**20
    typer.echo(f"wrote {out} (model.onnx {size:.1f} MiB)")
