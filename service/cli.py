"""The `vericlaim` command: thin, like api.py. Each command builds what it needs, calls the core, prints.

Errors from the core print one line on stderr and exit with the error's code (see service/errors.py).
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from eval.adapters.gold import Conflicting, OnError
from eval.runs import EvidenceScope
from index.dates import DateRange, first_day, last_day
from service.config import Settings
from service.errors import InputError, VericlaimError

if TYPE_CHECKING:
    from eval.datasets import Dataset
    from eval.runner import EvalRun
    from index.library import Library

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Check claims against your own documents.")
documents_app = typer.Typer(no_args_is_help=True, help="List or delete stored documents.")
app.add_typer(documents_app, name="documents")
dataset_app = typer.Typer(no_args_is_help=True, help="Labelled claim sets: convert to the native format.")
app.add_typer(dataset_app, name="dataset")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

CollectionOption = Annotated[str | None, typer.Option("--collection", "-c", help="Collection name.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
TopKOption = Annotated[int | None, typer.Option("--top-k", min=1, max=50, help="Evidence passages to use.")]
DocIdOption = Annotated[list[str] | None, typer.Option("--doc-id", help="Only use these documents.")]
SinceOption = Annotated[str | None, typer.Option(help="Only documents dated on or after this: YYYY, YYYY-MM or "
                                                 "YYYY-MM-DD. Undated documents are left out.")]
UntilOption = Annotated[str | None, typer.Option(help="Only documents dated on or before this (its last day). "
                                                 "Undated documents are left out.")]
LISTED_DUPLICATES = 10  # ingest names this many duplicates, then counts the rest
DEMO_DIR = Path(__file__).resolve().parents[1] / "examples" / "ai-compute"


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn core errors into one readable line and the error's exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except VericlaimError as exc:
            err.print(f"error: {exc.detail}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            err.print(f"error: invalid setting {where}: {first['msg']}", markup=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=err, transient=True)


def _components(settings: Settings | None = None):  # type: ignore[no-untyped-def]
    from service.bootstrap import build

    return build(settings or Settings())


def _print_json(model) -> None:  # type: ignore[no-untyped-def]
    sys.stdout.write(model.model_dump_json(indent=2) + "\n")


@app.command()
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
    print_changes(ChangeResponse.of(library.store(collection).name, summary))


def print_changes(result) -> None:  # type: ignore[no-untyped-def]
    counts = (f"{len(result.added)} added, {len(result.updated)} updated, {len(result.unchanged)} unchanged, "
              f"{len(result.duplicates)} duplicates" + (f", {len(result.deleted)} deleted" if result.deleted else ""))
    out.print(f"collection {result.collection}: {counts}; {result.chunks} chunks", highlight=False)
    duplicates = list(result.duplicates.items())
    for doc_id, kept in duplicates[:LISTED_DUPLICATES]:
        out.print(f"  not stored: {doc_id} has the same text as {kept}", markup=False, highlight=False)
    if len(duplicates) > LISTED_DUPLICATES:
        out.print(f"  … and {len(duplicates) - LISTED_DUPLICATES} more duplicates", highlight=False)


def query_dates(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """--since and --until as days (the first of the period, the last), checked before any model loads."""
    days = _day(since, "--since", first_day), _day(until, "--until", last_day)
    try:
        DateRange.of(*days)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return days


def _day(text: str | None, option: str, read: Callable[[str], date]) -> date | None:
    try:
        return None if text is None else read(text)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from None


@app.command()
@reports_errors
def check(
    claim: Annotated[str, typer.Argument(help="The claim to verify.")],
    collection: CollectionOption = None,
    top_k: TopKOption = None,
    doc_id: DocIdOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    explain: Annotated[bool, typer.Option(help="Have the LLM judge write the rationale (slower).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Verify a claim: SUPPORTED, REFUTED or NOT_ENOUGH_INFO, with cited quotes."""
    from service.pipeline import Query, validate_text
    from service.schemas import CheckResponse

    settings = Settings()
    validate_text(claim, settings.max_claim_chars)
    query = Query(claim, collection, top_k, doc_id, *query_dates(since, until))
    verdict = _components(settings).pipeline.check(query, explain=explain)
    response = CheckResponse.of(verdict)
    if as_json:
        _print_json(response)
    else:
        print_verdict(response)


def print_citations(citations, indent: str = "") -> None:  # type: ignore[no-untyped-def]
    for citation in citations:
        out.print(f"{indent}  ▸ {citation.doc_id} [{citation.start}:{citation.end}] “{citation.quote}”",
                  markup=False, highlight=False)


def print_verdict(response, indent: str = "") -> None:  # type: ignore[no-untyped-def]
    colour = {"SUPPORTED": "green", "REFUTED": "red"}.get(response.verdict.value, "yellow")
    out.print(f"{indent}[bold {colour}]{response.verdict.value}[/] ({response.confidence:.2f})  "
              f"{escape(response.claim)}", highlight=False)
    if response.reason:
        out.print(f"{indent}  reason: {response.reason}", markup=False, highlight=False)
        return
    if not response.parts:
        out.print(f"{indent}  rationale: {response.rationale}", markup=False, highlight=False)
    if response.decided_by:
        out.print(f"{indent}  decided by: {response.decided_by.value}", markup=False, highlight=False)
    for part in response.parts:
        print_verdict(part.result, indent + "  ")
    if response.parts:
        return
    print_citations(response.citations, indent)
    for item in response.numeric:
        out.print(f"{indent}  # {item.relation}: claim {item.claim_value} vs source {item.evidence_value}"
                  + (f" — {item.gap}" if item.gap else ""), markup=False, highlight=False)


@app.command("check-text")
@reports_errors
def check_text(
    path: Annotated[Path, typer.Argument(help="A text file (an article, a draft); '-' reads standard input.")],
    collection: CollectionOption = None,
    top_k: TopKOption = None,
    doc_id: DocIdOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check every checkable sentence of a text; the others are listed with the reason they were not checked."""
    from service.pipeline import Query, validate_text_to_check
    from service.schemas import SpanCheckOut, TextCheckResponse

    settings = Settings()
    text = read_text_argument(path)
    validate_text_to_check(text, settings.claims.text_max_chars)  # before the models load
    query = Query(text, collection, top_k, doc_id, *query_dates(since, until))
    response = TextCheckResponse.of(_components(settings).pipeline.check_text(query))
    if as_json:
        _print_json(response)
        return
    rows = sorted([(c.start, c) for c in response.claims] + [(s.start, s) for s in response.skipped],
                  key=lambda row: row[0])
    for _, row in rows:
        out.print(f"[{row.start}:{row.end}]", markup=False, highlight=False)
        if isinstance(row, SpanCheckOut):
            print_verdict(row.result, "  ")
        else:
            out.print(f"  SKIPPED  {row.text}", markup=False, highlight=False)
            out.print(f"    reason: {row.reason}", markup=False, highlight=False)


def read_text_argument(path: Path) -> str:
    """The text of `path`, or of standard input for '-'; a missing or undecodable file is an input error."""
    try:
        return sys.stdin.buffer.read().decode("utf-8") if str(path) == "-" else path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise InputError(f"cannot read {path} as UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc.__class__.__name__}") from None


@app.command()
@reports_errors
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    collection: CollectionOption = None,
    top_k: TopKOption = None,
    doc_id: DocIdOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ranked evidence sentences with document id, offsets and scores (the verifier's retrieval)."""
    from service.bootstrap import build_finder
    from service.pipeline import Query
    from service.schemas import PassageOut, SearchResponse

    request = Query(query, collection, top_k, doc_id, *query_dates(since, until))
    passages, snapshot = build_finder(Settings()).search(request)
    response = SearchResponse(query=query, index_version=snapshot.version,
                              passages=[PassageOut.of(p) for p in passages])
    if as_json:
        _print_json(response)
        return
    for rank, passage in enumerate(response.passages, start=1):
        out.print(f"{rank}. {passage.doc_id} [{passage.start}:{passage.end}] ({passage.score:.3f}) {passage.text}",
                  markup=False, highlight=False)


@app.command()
@reports_errors
def ask(
    question: Annotated[str, typer.Argument(help="A question about your documents.")],
    collection: CollectionOption = None,
    top_k: TopKOption = None,
    doc_id: DocIdOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    phrase: Annotated[bool, typer.Option(help="Have the LLM reword the quoted answer; kept only if every figure "
                                         "in it is in the quote (slower).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from your documents: the figure or date and the sentence that says it, quoted."""
    from service.pipeline import Query, validate_text
    from service.schemas import AskResponse

    settings = Settings()
    validate_text(question, settings.max_claim_chars, "question")
    query = Query(question, collection, top_k, doc_id, *query_dates(since, until))
    response = AskResponse.of(_components(settings).pipeline.ask(query, phrase=phrase))
    if as_json:
        _print_json(response)
        return
    out.print(response.answer + (f"  ({response.kind}: {response.value})" if response.value else ""),
              markup=False, highlight=False)
    print_citations(response.citations)


@app.command()
@reports_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from settings).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from settings).")] = None,
) -> None:
    """Serve the HTTP API (models load once, before the first request)."""
    import uvicorn

    from service.api import create_app

    components = _components()
    server = components.settings.server
    uvicorn.run(create_app(components), host=host or server.host, port=port or server.port, log_level="info")


@app.command("eval")
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
    evidence: Annotated[EvidenceScope, typer.Option(help="Search the whole collection for each claim, or only "
                                                    "its gold evidence's documents (oracle retrieval: the "
                                                    "verdict step alone).")] = EvidenceScope.RETRIEVED,
) -> None:
    """Run labelled claims through the pipeline; write predictions.jsonl, metrics.json, plots and report.md."""
    from eval.datasets import load_dataset
    from eval.runner import RunOptions, run_eval
    from eval.training_pairs import without_trained_claims

    dataset = load_dataset(fmt, claims, split=split, conflicting=conflicting, on_error=on_error)
    components = _components()
    left_out = 0
    if not include_trained:
        verifier = components.pipeline.verifier
        dataset, left_out = without_trained_claims(dataset, split, verifier.metadata if verifier else {})
    collection = dataset_collection(dataset, collection, corpus)
    options = RunOptions(fmt=fmt, split=split, conflicting=conflicting.value, on_error=on_error.value,
                         sample=sample, seed=seed, limit=limit, collection=collection, command=_command_line(),
                         left_out_trained=left_out, evidence=evidence.value)
    if left_out:
        out.print(f"left out {left_out} claims the verifier was trained on (--include-trained keeps them)",
                  markup=False, highlight=False)
    with _progress() as progress:
        ingest_dataset(components.library, dataset, collection, corpus)
        task = progress.add_task("checking", total=None)
        run = run_eval(components.pipeline, dataset, out_dir, options=options, restart=restart,
                       progress=_task_updater(progress, task))
    print_run_summary(run)


def dataset_collection(dataset: Dataset, collection: str | None, corpus: list[Path] | None) -> str | None:
    """The collection a labelled set is checked against: the one named, else its own when it brings a corpus."""
    if collection is None and (corpus or dataset.documents):
        return "eval-" + re.sub(r"[^A-Za-z0-9_-]+", "-", dataset.name)[:58]
    return collection


def ingest_dataset(library: Library, dataset: Dataset, collection: str | None, corpus: list[Path] | None) -> None:
    """The user's corpus files and the set's own documents into `collection` (unchanged ones are skipped)."""
    if corpus:
        library.ingest_files(corpus, collection)
    if dataset.documents:
        library.ingest(dataset.documents, collection)


def _command_line() -> str:
    import shlex

    return shlex.join(["vericlaim", *sys.argv[1:]])


def _task_updater(progress: Progress, task: TaskID) -> Callable[[int, int], None]:
    """The first report (claims already done by an earlier run) resets the task, so the ETA counts only
    the claims checked now."""
    started = False

    def update(done: int, total: int) -> None:
        nonlocal started
        if started:
            progress.update(task, completed=done, total=total)
        else:
            progress.reset(task, total=total, completed=done)
            started = True

    return update


def print_run_summary(run: EvalRun) -> None:
    summary = run.metrics
    figures = [f"accuracy {summary.get('accuracy', 0):.3f}", f"macro-F1 {summary.get('macro_f1', 0):.3f}"]
    if "f1_supported" in summary:
        figures.append(f"F1 supported-vs-not {summary['f1_supported']:.3f}")
    resumed = f" ({run.resumed} from the earlier run)" if run.resumed else ""
    out.print(f"{summary['claims']} claims{resumed}: {', '.join(figures)} ({summary['scoring']['name']} scoring)",
              markup=False, highlight=False)
    if summary["skipped_rows"]["count"]:
        out.print(f"  {summary['skipped_rows']['count']} rows left out (listed in the report)", highlight=False)
    for path in run.files:
        out.print(f"  wrote {path}", markup=False, highlight=False)


@app.command("eval-compare")
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


@app.command()
@reports_errors
def demo(
    collection: Annotated[str, typer.Option("--collection", "-c", help="Collection for the demo.")] = "demo",
) -> None:
    """Ingest the bundled AI-compute demo corpus, check a few claims (one compound, one prediction) and answer a
    question, with quotes."""
    from service.pipeline import Query
    from service.schemas import CheckResponse

    components = _components()
    library = components.library
    summary = library.ingest_files([DEMO_DIR / "docs"], collection)
    out.print(f"demo corpus: {summary.chunks} chunks in collection {collection!r}\n", highlight=False)
    for claim in [*demo_claims(), *DEMO_READING]:
        print_verdict(CheckResponse.of(components.pipeline.check(Query(claim, collection))))
        out.print()
    question = "How many GPUs does the Kestrel cluster hold?"
    answer = components.pipeline.ask(Query(question, collection))
    out.print(f"{question}\n  {answer.answer}", markup=False, highlight=False)
    print_citations(answer.citations)


DEMO_READING = (  # what claim reading does: a compound claim with one false part, and a prediction
    "Kestrel holds 12,288 H100 GPUs and draws 25 megawatts at full load.",
    "GPU rental prices will keep falling all the way through 2026.",
)


def demo_claims(per_label: int = 2) -> list[str]:
    rows = [json.loads(line) for line in (DEMO_DIR / "claims.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    chosen: list[str] = []
    for label in ("SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"):
        chosen += [row["claim"] for row in rows if row["label"] == label][:per_label]
    return chosen


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


def _register_training_commands() -> None:
    """`calibrate` and `verifier train` live in service/cli_training.py (they share this module's helpers)."""
    from service.cli_training import calibrate, verifier_app

    app.command("calibrate")(calibrate)
    app.add_typer(verifier_app, name="verifier")


_register_training_commands()


def main() -> None:
    args = sys.argv[1:]
    if args[:2] == ["eval", "compare"]:  # `vericlaim eval compare A B` reads as the issue wrote it
        args = ["eval-compare", *args[2:]]
    app(args=args, prog_name="vericlaim")
