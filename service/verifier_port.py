"""The verifier seam: a claim and its evidence passages → a probability per label.

Kept apart from `service.ports` so the verifier can grow without touching the judge's seam. The default
implementation is `service.nli_verifier.NliVerifier` (a `PassageVerifier`: it also says which passage decided);
`service.verifier.FeatureVerifier` is the earlier one; `service.verifier.ConstantVerifier` is the fake.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from service.domain import Label, Passage


class Verifier(Protocol):
    """Scores a claim against evidence passages; the probabilities cover every `Label` and sum to 1.

    `metadata` is what its artifact says of it (training sets, held-out shares, dev scores); eval reads it
    to leave out claims the verifier was trained on."""

    name: str
    metadata: Mapping[str, Any]

    def score(self, claim: str, evidence: Sequence[Passage]) -> dict[Label, float]: ...


@dataclass(frozen=True)
class Assessment:
    """A claim's probabilities and each passage's, in the order the passages were given (a reading of all the
    passages together may follow them)."""

    probabilities: dict[Label, float]
    passages: tuple[dict[Label, float], ...] = ()


@runtime_checkable
class PassageVerifier(Verifier, Protocol):
    """A verifier that scores each passage against the claim, so verdicts can cite the passage that decided
    and candidates can be reranked by how much they bear on the claim."""

    def assess(self, claim: str, evidence: Sequence[Passage], singles: Any = None) -> Assessment:
        """`singles`: the passages' own rows from `predict_pairs`, when already computed."""
        ...

    def predict_pairs(self, premises: Sequence[str], hypotheses: Sequence[str]) -> Any: ...
