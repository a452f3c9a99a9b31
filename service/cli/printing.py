"""How the commands print their results as text (`--json` prints the response models instead)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from service.cli.common import out

if TYPE_CHECKING:
    from eval.runner import EvalRun

LISTED_DUPLICATES = 10  # ingest names this many duplicates, then counts the rest


def print_changes(result) -> None:  # type: ignore[no-untyped-def]
    counts = (f"{len(result.added)} added, {len(result.updated)} updated, {len(result.unchanged)} unchanged, "
              f"{len(result.duplicates)} duplicates" + (f", {len(result.deleted)} deleted" if result.deleted else ""))
    out.print(f"collection {result.collection}: {counts}; {result.chunks} chunks", highlight=False)
    duplicates = list(result.duplicates.items())
    for doc_id, kept in duplicates[:LISTED_DUPLICATES]:
        out.print(f"  not stored: {doc_id} has the same text as {kept}", markup=False, highlight=False)
    if len(duplicates) > LISTED_DUPLICATES:
        out.print(f"  … and {len(duplicates) - LISTED_DUPLICATES} more duplicates", highlight=False)


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
