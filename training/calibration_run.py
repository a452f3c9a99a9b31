"""Collect the signals `vericlaim calibrate` fits on: labelled claims run through the service's own pipeline.

    claims = gather_signals(pipeline, dataset.claims, collection, llm_claims=150)
    write_signals(path, claims)            # JSONL, so a refit (`--signals FILE`) need not run them again

The first `llm_claims` claims (in the order given) also ask the LLM judge, so the fit can weigh its label
probabilities; asking it is slow on a CPU, which is why it can be limited to a share of the claims.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from eval.adapters.gold import LabelledClaim
from service.domain import Label, Signals
from service.errors import DatasetFormatError, InputError
from service.evidence import Query
from service.pipeline import Pipeline
from training.calibration_fit import CalibrationClaim

_LABELS = {label.value for label in Label}  # CONFLICTING gold labels are not fitted on


def gather_signals(pipeline: Pipeline, claims: Sequence[LabelledClaim], collection: str | None, *,
                   llm_claims: int = 0, advanced: Callable[[int], None] | None = None) -> list[CalibrationClaim]:
    """Each claim's signals and gold label; claims the service refuses (empty, too long) are left out. Each
    claim is checked whole (`check_atomic`): calibration fits what one check's signals mean."""
    gathered = []
    for count, claim in enumerate(claims, start=1):
        try:
            verdict = pipeline.check_atomic(Query(claim.claim, collection), explain=count <= llm_claims)
        except InputError:
            verdict = None
        if verdict is not None and verdict.signals is not None and claim.label.value in _LABELS:
            gathered.append(CalibrationClaim(verdict.signals, Label(claim.label.value), dict(verdict.timings)))
        if advanced:
            advanced(count)
    return gathered


def signals_to_json(signals: Signals) -> dict[str, Any]:
    def probabilities(values: dict[Label, float] | None) -> dict[str, float] | None:
        return {label.value: p for label, p in values.items()} if values is not None else None

    return {"retrieval_score": signals.retrieval_score, "retrieval_dense": signals.retrieval_dense,
            "evidence_count": signals.evidence_count, "verifier": probabilities(signals.verifier),
            "verifier_max_supported": signals.verifier_max_supported,
            "verifier_max_refuted": signals.verifier_max_refuted,
            "numeric": signals.numeric.value if signals.numeric else None, "numeric_agree": signals.numeric_agree,
            "numeric_conflict": signals.numeric_conflict, "numeric_other_period": signals.numeric_other_period,
            "numeric_consistent": signals.numeric_consistent, "llm": probabilities(signals.llm)}


def signals_from_json(data: dict[str, Any]) -> Signals:
    def probabilities(values: dict[str, float] | None) -> dict[Label, float] | None:
        return {Label(label): float(p) for label, p in values.items()} if values is not None else None

    return Signals(
        retrieval_score=float(data["retrieval_score"]), retrieval_dense=float(data["retrieval_dense"]),
        evidence_count=int(data["evidence_count"]), verifier=probabilities(data.get("verifier")),
        verifier_max_supported=_optional_float(data.get("verifier_max_supported")),
        verifier_max_refuted=_optional_float(data.get("verifier_max_refuted")),
        numeric=Label(data["numeric"]) if data.get("numeric") else None,
        numeric_agree=int(data.get("numeric_agree", 0)), numeric_conflict=int(data.get("numeric_conflict", 0)),
        numeric_other_period=bool(data.get("numeric_other_period", False)),
        numeric_consistent=bool(data.get("numeric_consistent", False)),
        llm=probabilities(data.get("llm")),
    )


def _optional_float(value: Any) -> float | None:
    return float(value) if value is not None else None


def write_signals(path: Path, claims: Iterable[CalibrationClaim], fitted_for: dict[str, str],
                  sets: Sequence[str] = ()) -> None:
    """One header line (what produced the signals, from which sets), then one line per claim."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"fitted_for": fitted_for, "sets": list(sets)}) + "\n")
        for claim in claims:
            row = {"gold": claim.gold.value, "signals": signals_to_json(claim.signals)}
            out.write(json.dumps(row | ({"timings": claim.timings} if claim.timings else {})) + "\n")


def read_signals(path: Path) -> tuple[list[CalibrationClaim], dict[str, str], list[str]]:
    """The claims of a file `write_signals` wrote, and its header's `fitted_for` and sets."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
        header = json.loads(lines[0])
        fitted_for, sets = dict(header["fitted_for"]), [str(name) for name in header.get("sets", [])]
    except OSError as exc:
        raise DatasetFormatError(f"cannot read {path}: {exc.strerror}") from None
    except (IndexError, ValueError, KeyError, TypeError):
        raise DatasetFormatError(f"{path}:1: not a signals file (no fitted_for header)") from None
    claims = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            claims.append(CalibrationClaim(signals_from_json(row["signals"]), Label(row["gold"]), row.get("timings")))
        except (ValueError, KeyError, TypeError) as exc:
            raise DatasetFormatError(f"{path}:{number}: not a signals row ({exc})") from None
    return claims, fitted_for, sets or [str(path)]
