"""Batch evaluation: run the same pipeline the API serves over labelled claims; write predictions, metrics,
plots and a report.

    predictions.jsonl  one verdict per claim as /v1/check answers it, plus `id`, `gold`, `correct` and `tags`
    metrics.json       accuracy (primary), macro-F1, CIs, per-label P/R/F1, confusion matrix, calibration,
                       selective accuracy, citation precision / evidence recall, slices, latency, stamp
    report.md          the same, readable, with plots (plots/*.png), the worst errors and the stamp
    run.json           the run's identity, used to resume (see `eval.runs`)

Predictions are appended and flushed one by one, so an interrupted run continues where it stopped when it is
started again with the same `out_dir`.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval import runs
from eval.adapters.gold import Dataset, LabelledClaim
from eval.plots import write_plots
from eval.report import render_report
from eval.runs import EvidenceScope, RunOptions
from eval.scoring import Scheme, choose_scheme
from eval.summary import PRIMARY_METRIC, effective_tags, summarise
from service.batch import Checks, local_checks
from service.check_many import settles
from service.domain import Verdict
from service.evidence import Query
from service.pipeline import Pipeline
from service.schemas import verdict_json

__all__ = ["PRIMARY_METRIC", "EvalRun", "RunOptions", "run_eval"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class EvalRun:
    out_dir: Path
    metrics: dict[str, Any]
    resumed: int  # predictions kept from an earlier run into the same folder
    checked: int  # claims checked by this call

    @property
    def files(self) -> tuple[Path, Path, Path]:
        return (self.out_dir / runs.PREDICTIONS, self.out_dir / runs.METRICS, self.out_dir / runs.REPORT)


def run_eval(
    pipeline: Pipeline,
    dataset: Dataset,
    out_dir: Path,
    *,
    options: RunOptions | None = None,
    restart: bool = False,
    progress: Progress | None = None,
    checks: Checks | None = None,
) -> EvalRun:
    """Check the chosen claims of `dataset` (continuing an earlier run in `out_dir`), then score and report.

    `progress(done, total)` is called once before the first check (with the claims already done) and after
    each check. `checks` checks the claims (default: `pipeline`, in this process; see service/batch.py and
    distributed/ray_checks.py). Raises `InputError` when `out_dir` holds predictions of a different run and not
    `restart`.
    """
    options = options or RunOptions()
    out_dir.mkdir(parents=True, exist_ok=True)
    if restart:
        runs.clear(out_dir)
    claims = runs.select_claims(dataset.claims, sample=options.sample, seed=options.seed, limit=options.limit)
    stamp = dataclasses.asdict(pipeline.stamp(pipeline.finder.library.snapshot(options.collection)))
    expected = runs.identity(dataset.name, options, stamp)
    kept = runs.resume(out_dir, expected, claims)
    runs.write_run_file(out_dir, expected, options)
    scheme = choose_scheme(dataset.binary, (claim.label for claim in claims))

    done = {row["id"]: row for row in kept}
    pending = [claim for claim in claims if claim.id not in done]
    already = len(claims) - len(pending)
    report = progress or (lambda _done, _total: None)
    report(already, len(claims))
    started = time.perf_counter()
    new_rows, refused = _check_all(checks or local_checks(pipeline), pending, scheme, out_dir / runs.PREDICTIONS,
                                   options, lambda n: report(already + n, len(claims)))
    elapsed = time.perf_counter() - started
    done.update((row["id"], row) for row in new_rows)

    rows = [done[claim.id] for claim in claims if claim.id in done]  # selection order
    by_id = {claim.id: claim for claim in claims}
    header = _header(dataset, options, stamp, unscored=sum(row["id"] not in by_id for row in kept))
    if options.evidence != EvidenceScope.RETRIEVED:
        header["searched_whole_collection"] = sum(not searched_documents(claim, options) for claim in claims)
    summary = summarise(rows, by_id, scheme, header=header,
                        skipped=[*dataset.skipped, *refused],
                        throughput=len(new_rows) / elapsed if new_rows and elapsed > 0 else None)
    plots = write_plots(summary, rows, out_dir / runs.PLOTS) if rows else {}
    relative = {name: path.relative_to(out_dir).as_posix() for name, path in plots.items()}
    (out_dir / runs.METRICS).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / runs.REPORT).write_text(render_report(summary, rows, relative), encoding="utf-8")
    return EvalRun(out_dir, summary, resumed=len(rows) - len(new_rows), checked=len(new_rows))


def _check_all(checks: Checks, claims: Sequence[LabelledClaim], scheme: Scheme, path: Path,
               options: RunOptions, advanced: Callable[[int], None]) -> tuple[list[dict[str, Any]], list[str]]:
    """Check each claim, appending its row to `path` as soon as it is known. A claim that fails by its own fault
    (empty, over the length limit, in an unknown collection) is not scored; its reason is returned. A fault of the
    service stops the run (service/check_many.py); a rerun continues at that claim."""
    rows, refused = [], []
    outcomes = checks([query_for(claim, options) for claim in claims])
    with path.open("a", encoding="utf-8") as out:
        for count, (claim, outcome) in enumerate(zip(claims, outcomes, strict=True), start=1):
            if isinstance(outcome, Verdict):
                row = prediction_row(claim, outcome, scheme)
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                out.flush()
                rows.append(row)
            elif settles(outcome):
                refused.append(f"claim {claim.id}: not checked, {outcome.code} ({outcome.detail})")
            else:
                raise outcome
            advanced(count)
    return rows, refused


def query_for(claim: LabelledClaim, options: RunOptions) -> Query:
    """The check a claim gets: a search of the whole collection, or of only the documents `--evidence` names
    (claims with none still search the whole collection)."""
    return Query(claim.claim, options.collection, doc_ids=searched_documents(claim, options) or None)


def searched_documents(claim: LabelledClaim, options: RunOptions) -> frozenset[str]:
    """The documents `--evidence` restricts the claim's search to: those of its gold evidence
    (`gold-documents`), of its named source (`source`), or none (`retrieved`: the whole collection)."""
    if options.evidence == EvidenceScope.GOLD_DOCUMENTS:
        return gold_documents(claim)
    if options.evidence == EvidenceScope.SOURCE:
        return claim.source
    return frozenset()


def gold_documents(claim: LabelledClaim) -> frozenset[str]:
    return frozenset(evidence.doc_id for evidence in claim.evidence)


def prediction_row(claim: LabelledClaim, verdict: Verdict, scheme: Scheme) -> dict[str, Any]:
    """One line of predictions.jsonl, the verdict as /v1/check answers it; `correct` follows the run's scoring
    scheme."""
    correct = scheme.cls(claim.label.value) == scheme.cls(verdict.label.value)
    return {"id": claim.id, "gold": claim.label.value, "correct": correct, "tags": effective_tags(claim),
            **verdict_json(verdict)}


def _header(dataset: Dataset, options: RunOptions, stamp: dict[str, str], unscored: int) -> dict[str, Any]:
    return {
        "dataset": dataset.name,
        "split": options.split,
        "format": options.fmt,
        "label_note": dataset.label_note,
        "binary": dataset.binary,
        "unscored_predictions": unscored,
        "stamp": {**stamp, "dataset": dataset.name, "split": options.split, "format": options.fmt,
                  "conflicting": options.conflicting, "on_error": options.on_error, "sample": options.sample,
                  "seed": options.seed, "limit": options.limit, "collection": options.collection,
                  "command": options.command, "left_out_trained": options.left_out_trained,
                  "evidence": options.evidence},
    }
