"""A file of claims checked into a folder (`vericlaim check-batch`), in this process or on Ray workers
(distributed/ray_checks.py): the same lines, the same results format as a job's (service/jobs/).

    results.jsonl  one line per claim line, in line order: `{line, id, claim, result}` or
                   `{line, id, claim, error, detail}`, appended and flushed as each result arrives
    batch.json     what was asked: the claims file's sha256 and the collection; a rerun into the same folder
                   with the same file continues after the last result written
    summary.json   claims checked, errors, claims a minute, and each worker's claims and claims a second

`Checks` is what checks: a callable over queries that yields each one's outcome (service/check_many.py: its
`Verdict`, or the `VericlaimError` that says whose fault the failure is), in the order asked. What an outcome
means follows check_many's rule: a result or an input fault is the line's and is written; a service fault
stops the run.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from service.check_many import Outcome, check_many, settles
from service.domain import Verdict
from service.errors import InputError
from service.evidence import Query
from service.jobs.store import named
from service.jobs.upload import read_upload
from service.ports import Checker
from service.requests import JobClaim
from service.schemas import verdict_json

Checks = Callable[[Sequence[Query]], Iterator[Outcome]]
RESULTS, BATCH, SUMMARY = "results.jsonl", "batch.json", "summary.json"


def local_checks(checker: Checker) -> Checks:
    """Checks in this process, one claim after another (`check_many` over `checker`, the pipeline)."""
    return lambda queries: check_many(checker, queries)


@dataclass(frozen=True)
class BatchRun:
    out_dir: Path
    lines: int  # claim lines in the file (refused ones included)
    kept: int  # results already in the folder from an earlier run
    checked: int
    errors: int  # lines refused or whose check failed, this run and earlier
    seconds: float

    @property
    def per_minute(self) -> float:
        return 60 * self.checked / self.seconds if self.seconds else 0.0


def run_batch(claims_file: Path, out_dir: Path, checks: Checks, accept: Callable[[JobClaim], None],
              collection: str | None = None, *, restart: bool = False,
              progress: Callable[[int, int], None] | None = None) -> BatchRun:
    """Checks every claim line of `claims_file` not yet in `out_dir/results.jsonl`, writing them in line order.
    `accept` refuses a claim the service cannot check (see service.jobs.upload); such a line, and one whose
    check fails by its own fault, gets its error. A fault of the service (a model, the index, the store) stops
    the run with that error; a rerun continues after the last line written. Raises `InputError` when the
    folder holds results of another file or collection, unless `restart`."""
    data = claims_file.read_bytes()
    upload = read_upload(data, accept, max_lines=10**9)
    out_dir.mkdir(parents=True, exist_ok=True)
    asked = {"claims_sha256": hashlib.sha256(data).hexdigest(), "claims_file": claims_file.name,
             "collection": collection}
    done = _resume(out_dir, asked, restart)
    refused = [(error, given) for error, given in upload.refused if error.line not in done]
    pending = [(line, JobClaim.model_validate_json(text)) for line, text in upload.claims if line not in done]
    queries = [replace(claim.to_query(), collection=claim.collection or collection) for _, claim in pending]
    total = len(upload.claims) + len(upload.refused)
    report = progress or (lambda _done, _total: None)
    report(len(done), total)
    checked = errors = 0
    started = time.perf_counter()
    outcomes = checks(queries)  # lazily, in the order of `pending`
    turns = sorted([(error.line, (error, given), None) for error, given in refused] +
                   [(line, None, claim) for line, claim in pending], key=lambda turn: turn[0])
    with (out_dir / RESULTS).open("a", encoding="utf-8") as out:
        for line, refusal, claim in turns:  # line order, refused lines in their place
            if refusal is not None:
                error, given = refusal
                _write(out, {"line": line, **named(given), "error": error.error, "detail": error.detail})
                errors += 1
            elif claim is not None:
                given_as = {"id": claim.id, "claim": claim.claim}
                outcome = next(outcomes)
                if isinstance(outcome, Verdict):
                    _write(out, {"line": line, **given_as, "result": verdict_json(outcome)})
                    checked += 1
                elif settles(outcome):  # the line's own fault: its answer
                    _write(out, {"line": line, **given_as, "error": outcome.code, "detail": str(outcome.detail)})
                    errors += 1
                else:  # the service's: stop; a rerun continues here
                    raise outcome
            report(len(done) + errors + checked, total)
    seconds = time.perf_counter() - started
    earlier_errors = sum(1 for row in done.values() if "error" in row)
    return BatchRun(out_dir, total, len(done), checked, errors + earlier_errors, seconds)


def write_summary(run: BatchRun, workers: dict[str, dict[str, float]]) -> Path:
    path = run.out_dir / SUMMARY
    summary = {"lines": run.lines, "kept": run.kept, "checked": run.checked, "errors": run.errors,
               "seconds": round(run.seconds, 2), "claims_per_minute": round(run.per_minute, 1), "workers": workers}
    path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return path


def _resume(out_dir: Path, asked: dict[str, Any], restart: bool) -> dict[int, dict[str, Any]]:
    """The results already written for this file (a torn last line is dropped and rewritten)."""
    batch_file, results = out_dir / BATCH, out_dir / RESULTS
    if restart or not batch_file.exists():
        results.unlink(missing_ok=True)
        batch_file.write_text(json.dumps(asked, indent=2) + "\n", encoding="utf-8")
        return {}
    before = json.loads(batch_file.read_text(encoding="utf-8"))
    if before != asked:
        raise InputError(f"{out_dir} holds results of another claims file or collection "
                         f"({before.get('claims_file')}, {before.get('collection')}); use --restart to replace them")
    rows: dict[int, dict[str, Any]] = {}
    if results.exists():
        for text in results.read_text(encoding="utf-8").split("\n"):
            try:
                row = json.loads(text)
            except ValueError:
                continue  # the line being written when the last run stopped
            rows[row["line"]] = row
        results.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows.values()),
                           encoding="utf-8")
    return rows


def _write(out: Any, row: dict[str, Any]) -> None:
    out.write(json.dumps(row, ensure_ascii=False) + "\n")
    out.flush()

