"""`eval run`, `eval compare` and `dataset convert`: labelled claim sets through the pipeline, and runs side by
side. The orchestration lives in eval/; these print."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from eval.adapters.gold import Conflicting, OnError
from eval.runs import EvidenceScope
from service.cli.batches import RayOption, WorkersOption, open_checks
from service.cli.common import (
    CollectionOption,
    JsonOption,
    command_line,
    components,
    err,
    out,
    progress_bar,
    reports_errors,
    task_updater,
)
from service.cli.printing import print_run_summary

eval_app = typer.Typer(no_args_is_help=True, help="Labelled claims through the pipeline: scores, plots, a report; "
                       "two runs compared.")
dataset_app = typer.Typer(no_args_is_help=True, help="Labelled claim sets: convert to the native format.")


@eval_app.command("run")
@reports_errors
def evaluate(
    claims: Annotated[Path, typer.Argument(help="Labelled claims (native JSONL unless --format says).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for predictions, metrics, plots and report; "
                                          "an earlier run there is continued.")],
    collection: CollectionOption = None,
    corpus: Annotated[list[Path] | None, typer.Option(help="Documents to ingest into the collection first.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Dataset format (native, check-covid, …).")] = "native",
    split: Annotated[str, typer.Option(help="Dataset split.")] = "dev",
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N claims (after --sample).")] = None,
    sample: Annotated[int | None, typer.Option(min=1, help="A random sample of N claims (see --seed).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of --sample; the same seed draws the same claims.")] = 0,
    conflicting: Annotated[Conflicting, typer.Option(help="CONFLICTING claims: drop them, or score them as a "
                                                     "class of their own (always wrong).")] = Conflicting.DROP,
    on_error: Annotated[OnError, typer.Option(help="Malformed rows: stop, or skip and list them in the "
                                              "report.")] = OnError.STOP,
    restart: Annotated[bool, typer.Option(help="Discard the predictions already in --out.")] = False,
    include_trained: Annotated[bool, typer.Option("--include-trained", help="Keep the claims the verifier was "
                                                  "trained on (left out by default: scores on them flatter "
                                                  "it).")] = False,
    evidence: Annotated[EvidenceScope, typer.Option(help="Search the whole collection for each claim, only the "
                                                    "documents of the source it names (FinDVer: its report), "
                                                    "or only its gold evidence's documents (oracle retrieval: "
                                                    "the verdict step alone).")] = EvidenceScope.RETRIEVED,
    ray: RayOption = None,
    workers: WorkersOption = None,
) -> None:
    """Run labelled claims through the pipeline; write predictions.jsonl, metrics.json, plots and report.md."""
    from eval.collections import claims_to_score, dataset_collection, ingest_dataset, with_located_evidence
    from eval.datasets import load_dataset
    from eval.runner import RunOptions, run_eval

    dataset = load_dataset(fmt, claims, split=split, conflicting=conflicting, on_error=on_error)
    built = components()
    verifier = built.pipeline.verifier
    dataset, left_out = claims_to_score(dataset, split, verifier.metadata if verifier else None, include_trained)
    collection = dataset_collection(dataset, collection, corpus)
    options = RunOptions(fmt=fmt, split=split, conflicting=conflicting.value, on_error=on_error.value,
                         sample=sample, seed=seed, limit=limit, collection=collection, command=command_line(),
                         left_out_trained=left_out, evidence=evidence.value)
    if left_out:
        out.print(f"left out {left_out} claims the verifier was trained on (--include-trained keeps them)",
                  markup=False, highlight=False)
    with progress_bar() as progress:
        ingest_dataset(built.library, dataset, collection, corpus)
    dataset = with_located_evidence(dataset, built.library, collection)
    with open_checks(built, ray, workers) as (checks, load), progress_bar() as progress:
        task = progress.add_task("checking", total=None)
        run = run_eval(built.pipeline, dataset, out_dir, options=options, restart=restart,
                       progress=task_updater(progress, task), checks=checks)
    print_run_summary(run)
    for name, figures in load.items():
        out.print(f"  worker {name}: {figures['claims']:.0f} claims, {figures['claims_per_second']:.2f}/s",
                  markup=False, highlight=False)


@eval_app.command("compare")
@reports_errors
def eval_compare(
    run_a: Annotated[Path, typer.Argument(help="Folder of the baseline run (A).")],
    run_b: Annotated[Path, typer.Argument(help="Folder of the run compared with it (B).")],
    resamples: Annotated[int, typer.Option(min=100, help="Paired bootstrap resamples.")] = 2000,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Metric deltas (B − A) over the claims both runs scored, with paired-bootstrap CIs and McNemar's test."""
    from eval.compare import compare_runs, render_comparison

    result = compare_runs(run_a, run_b, n=resamples, seed=seed)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        out.print(render_comparison(result), markup=False, highlight=False)


@dataset_app.command("convert")
@reports_errors
def convert_dataset(
    path: Annotated[Path, typer.Argument(help="The dataset's folder or file.")],
    fmt: Annotated[str, typer.Option("--format", help="Dataset format (check-covid, wice, …).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for claims.jsonl and corpus.jsonl.")],
    split: Annotated[str, typer.Option(help="Dataset split.")] = "dev",
    conflicting: Annotated[Conflicting, typer.Option(help="CONFLICTING claims: drop or keep.")] = Conflicting.DROP,
    on_error: Annotated[OnError, typer.Option(help="Malformed rows: stop, or skip and list them.")] = OnError.STOP,
) -> None:
    """Write a public dataset in the native format (claims.jsonl + corpus.jsonl), gold spans included."""
    from eval.datasets import load_dataset, write_native

    dataset = load_dataset(fmt, path, split=split, conflicting=conflicting, on_error=on_error)
    claims_path, corpus_path = write_native(dataset, out_dir)
    out.print(f"{dataset.name}: {len(dataset.claims)} claims → {claims_path}, {len(dataset.documents)} documents "
              f"→ {corpus_path}", markup=False, highlight=False)
    for message in dataset.skipped:
        err.print(f"  skipped {message}", markup=False, highlight=False)
