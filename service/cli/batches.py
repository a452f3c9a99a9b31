"""`check-batch`: a JSONL file of claims checked into a folder, here or on Ray workers (`--ray`), resumable.
`ray_options` and `open_checks` are shared with `eval run --ray`."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from service.batch import Checks, local_checks
from service.bootstrap import Components
from service.cli.common import CollectionOption, JsonOption, components, out, progress_bar, reports_errors, task_updater
from service.errors import ExtraNotInstalledError, InputError

RayOption = Annotated[str | None, typer.Option(
    "--ray", metavar="ADDRESS", help="Check on Ray workers: 'local' starts a Ray instance here, 'auto' or "
    "ray://HOST:PORT joins a running cluster (pip install 'vericlaim[ray]').")]
WorkerLoads = dict[str, dict[str, float]]
WorkersOption = Annotated[int | None, typer.Option(
    min=1, help="Ray workers, each with its own models (default: 2 locally, a cluster's CPUs when joined).")]


@contextmanager
def open_checks(built: Components, ray: str | None, workers: int | None) -> Iterator[tuple[Checks, WorkerLoads]]:
    """The checks to run with, and (filled in as they run) each Ray worker's claims and claims a second."""
    load: WorkerLoads = {}
    if ray is None:
        if workers is not None:
            raise InputError("--workers needs --ray")
        yield local_checks(built.pipeline), load
        return
    if importlib.util.find_spec("ray") is None:
        raise ExtraNotInstalledError("--ray needs Ray: pip install 'vericlaim[ray]'")
    from distributed.ray_checks import RayChecks

    checks = RayChecks(built.settings, address=ray, workers=workers)  # closes what it started if it fails
    try:
        yield checks, load
    finally:
        load.update({name: {"claims": w.claims, "busy_seconds": round(w.seconds, 2),
                            "claims_per_second": round(w.per_second, 2)} for name, w in sorted(checks.load.items())})
        checks.close()


@reports_errors
def check_batch(
    claims: Annotated[Path, typer.Argument(help="JSONL, one {\"claim\": …, \"id\"?: …} per line (a labelled eval "
                                                "file works as it is).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for results.jsonl and summary.json; a run there "
                                          "on the same file is continued.")],
    collection: CollectionOption = None,
    ray: RayOption = None,
    workers: WorkersOption = None,
    restart: Annotated[bool, typer.Option(help="Discard the results already in --out.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Check every claim of a file; results in line order, the same format as a job's."""
    from service.batch import run_batch, write_summary
    from service.jobs.upload import acceptor

    built = components()
    with open_checks(built, ray, workers) as (checks, load), progress_bar() as progress:
        task = progress.add_task("checking", total=None)
        run = run_batch(claims, out_dir, checks, acceptor(built.pipeline.finder, collection), collection,
                        restart=restart, progress=task_updater(progress, task))
    summary = write_summary(run, load)
    if as_json:
        sys.stdout.write(summary.read_text(encoding="utf-8"))
        return
    out.print(f"{run.checked} checked, {run.errors} errors, {run.kept} kept from an earlier run; "
              f"{run.per_minute:.0f} claims/min → {out_dir / 'results.jsonl'}", markup=False, highlight=False)
    for name, figures in load.items():
        out.print(f"  worker {name}: {figures['claims']:.0f} claims, {figures['claims_per_second']:.2f}/s",
                  markup=False, highlight=False)
