"""The verifier seam: a claim and its evidence passages → a probability per label.

Kept apart from `service.ports` so the verifier can grow without touching the judge's seam. The shipped
implementation is `service.verifier.FeatureVerifier`; `service.verifier.ConstantVerifier` is its fake.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from service.domain import Label, Passage


class Verifier(Protocol):
    """Scores a claim against evidence passages; the probabilities cover every `Label` and sum to 1.

    `metadata` is what its artifact says of it (training sets, held-out shares, dev scores); eval reads it
    to leave out claims the verifier was trained on."""

    name: str
    metadata: Mapping[str, Any]

    def score(self, claim: str, evidence: Sequence[Passage]) -> dict[Label, float]: ...
