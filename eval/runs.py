"""A run's folder: what was asked for (`run.json`), the predictions written so far, and resuming.

    run.json           the run's identity: dataset, format, split, options, stamp, command line
    predictions.jsonl  one line per checked claim, appended and flushed as each check finishes

Re-running into the same folder continues: claims already in predictions.jsonl are not checked again.
That is only sound when the earlier predictions come from the same dataset, options and models, so a
difference in any of them (or in a claim's gold label) is an `InputError` unless the caller restarts.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from eval.adapters.gold import LabelledClaim
from service.errors import InputError

PREDICTIONS = "predictions.jsonl"
RUN_FILE = "run.json"
METRICS = "metrics.json"
REPORT = "report.md"
PLOTS = "plots"


class EvidenceScope(StrEnum):
    """Where a claim's evidence is searched for: the whole collection, only the documents of the source it names
    (FinDVer's report: a user who checks a claim about one filing), or only its gold evidence's documents."""

    RETRIEVED = "retrieved"
    SOURCE = "source"
    GOLD_DOCUMENTS = "gold-documents"


# Identity keys added later, with the value that runs written before them used.
IDENTITY_DEFAULTS = {"evidence": EvidenceScope.RETRIEVED.value}


@dataclass(frozen=True)
class RunOptions:
    """How the claims were loaded and chosen; everything here goes into the reproducibility stamp."""

    fmt: str = "native"
    split: str = "dev"
    conflicting: str = "drop"
    on_error: str = "stop"
    sample: int | None = None
    seed: int = 0
    limit: int | None = None
    collection: str | None = None
    command: str = ""
    left_out_trained: int = 0  # claims dropped because the verifier was trained on them
    evidence: str = EvidenceScope.RETRIEVED.value

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def identity(dataset_name: str, options: RunOptions, stamp: dict[str, str]) -> dict[str, Any]:
    """What must match for earlier predictions to be reused. `--limit` and `--sample` may grow (a larger
    sample with the same seed extends a smaller one), so they are not part of it; the seed is."""
    return {
        "dataset": dataset_name,
        "format": options.fmt,
        "split": options.split,
        "conflicting": options.conflicting,
        "sample_seed": options.seed if options.sample else None,
        "collection": options.collection,
        "evidence": options.evidence,
        **{f"stamp.{key}": value for key, value in stamp.items()},
    }


def select_claims(claims: Sequence[LabelledClaim], *, sample: int | None = None, seed: int = 0,
                  limit: int | None = None) -> list[LabelledClaim]:
    """`sample` claims drawn without replacement (the first `sample` of one shuffle seeded by `seed`, so the
    draw is deterministic and a larger sample extends a smaller one), then the first `limit` of those."""
    chosen = list(claims)
    if sample is not None:
        random.Random(seed).shuffle(chosen)
        chosen = chosen[:sample]
    return chosen[:limit] if limit is not None else chosen


def clear(out_dir: Path) -> None:
    """Remove what an earlier run wrote (`--restart`); other files in the folder are left alone."""
    for name in (PREDICTIONS, RUN_FILE, METRICS, REPORT):
        (out_dir / name).unlink(missing_ok=True)
    shutil.rmtree(out_dir / PLOTS, ignore_errors=True)


def read_predictions(path: Path) -> list[dict[str, Any]]:
    """The rows of a predictions file. A cut-off last line (a crash mid-write) is dropped and the file
    rewritten without it; a bad line elsewhere is an `InputError` naming it."""
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                write_rows(path, rows)
                break
            raise InputError(f"{path}, line {number}: not a JSON prediction; use --restart to start over") from None
        if not isinstance(row, dict) or "id" not in row or "verdict" not in row:
            raise InputError(f"{path}, line {number}: not a prediction row (needs id and verdict)")
        rows.append(row)
    return rows


def write_rows(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def resume(out_dir: Path, expected: dict[str, Any], claims: Sequence[LabelledClaim]) -> list[dict[str, Any]]:
    """The earlier predictions in `out_dir` that this run can keep, after checking they are from the same
    run; `InputError` listing every difference otherwise."""
    rows = read_predictions(out_dir / PREDICTIONS)
    if not rows:
        return []
    run_file = out_dir / RUN_FILE
    if not run_file.is_file():
        raise InputError(f"{out_dir} holds predictions but no {RUN_FILE}, so they cannot be matched to this run; "
                         "use --restart to start over, or another --out")
    recorded = json.loads(run_file.read_text(encoding="utf-8")).get("identity", {})
    recorded = {**IDENTITY_DEFAULTS, **recorded}
    differences = [f"{key}: was {recorded.get(key)!r}, now {value!r}"
                   for key, value in expected.items() if recorded.get(key) != value]
    gold = {claim.id: claim.label.value for claim in claims}
    changed = [row["id"] for row in rows if row["id"] in gold and row.get("gold") != gold[row["id"]]]
    if changed:
        differences.append(f"gold label changed for {len(changed)} claim(s), e.g. {changed[0]!r}")
    if differences:
        raise InputError(f"{out_dir / PREDICTIONS} comes from a different run ({'; '.join(differences)}); "
                         "use --restart to start over, or another --out")
    return rows


def write_run_file(out_dir: Path, expected: dict[str, Any], options: RunOptions) -> None:
    data = {"identity": expected, "options": options.as_json()}
    (out_dir / RUN_FILE).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
