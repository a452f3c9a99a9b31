"""Load public labelled claim sets (and our own native JSONL) as `Dataset`s; write the native format.

    load_dataset("check-covid", Path("../shared/datasets/check-covid"), split="dev")

Each format lives in its own module under `eval/adapters/`; this module picks one, applies the
options every format shares (what to do with CONFLICTING claims and with malformed rows) and drops
blank documents. Data errors surface as `DatasetFormatError` naming the file and line, never as a
traceback.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from eval.adapters import (
    check_covid,
    citation_integrity,
    climate_fever,
    covidfact,
    fever_symmetric,
    findver,
    healthver,
    native,
    quantemp,
    scitab,
    wice,
)
from eval.adapters.gold import (
    Conflicting,
    Dataset,
    GoldEvidence,
    GoldLabel,
    LabelledClaim,
    OnError,
)
from eval.adapters.native import write_native
from eval.adapters.reading import LoadRequest, RowErrors
from service.errors import DatasetFormatError

__all__ = [
    "FORMATS", "Conflicting", "Dataset", "GoldEvidence", "GoldLabel", "LabelledClaim", "OnError",
    "load_dataset", "write_native",
]

Adapter = Callable[[LoadRequest, RowErrors], Dataset]

ADAPTERS: dict[str, Adapter] = {
    "native": native.load,
    "check-covid": check_covid.load,
    "fever-symmetric": fever_symmetric.load,
    "climate-fever": climate_fever.load,
    "wice": wice.load,
    "quantemp": quantemp.load,
    "findver": findver.load,
    "scitab": scitab.load,
    "healthver": healthver.load,
    "citation-integrity": citation_integrity.load,
    "covidfact": covidfact.load,
}
FORMATS: tuple[str, ...] = tuple(ADAPTERS)


def load_dataset(fmt: str, path: Path, *, split: str = "dev", conflicting: Conflicting = Conflicting.DROP,
                 on_error: OnError = OnError.STOP, corpus: Path | None = None) -> Dataset:
    """Load `path` (the dataset's folder, or one of its files) in format `fmt`, one of `FORMATS`."""
    if fmt not in ADAPTERS:
        raise DatasetFormatError(f"unknown dataset format {fmt!r}; known: {', '.join(FORMATS)}")
    path = Path(path)
    if not path.exists():
        raise DatasetFormatError(f"{path}: no such file or folder")
    if corpus is not None and not Path(corpus).is_file():
        raise DatasetFormatError(f"{corpus}: corpus file not found")
    errors = RowErrors(OnError(on_error))
    dataset = ADAPTERS[fmt](LoadRequest(path, split, Path(corpus) if corpus else None), errors)
    return _finish(dataset, conflicting, errors)


def _finish(dataset: Dataset, conflicting: Conflicting, errors: RowErrors) -> Dataset:
    """Apply the CONFLICTING policy, drop blank documents and the evidence that pointed into them."""
    documents = [document for document in dataset.documents if document.text.strip()]
    claims = [_without_blank_evidence(claim) for claim in dataset.claims
              if conflicting is Conflicting.CLASS or claim.label is not GoldLabel.CONFLICTING]
    return dataclasses.replace(dataset, claims=claims, documents=documents,
                               skipped=(*dataset.skipped, *errors.messages))


def _without_blank_evidence(claim: LabelledClaim) -> LabelledClaim:
    evidence = tuple(item for item in claim.evidence if item.quote.strip())
    return claim if len(evidence) == len(claim.evidence) else dataclasses.replace(claim, evidence=evidence)
