"""The verifier seam: a claim and its evidence passages → a probability per label.

Kept apart from `service.ports` so the verifier can grow without touching the judge's seam. The shipped
implementation is `service.verifier.FeatureVerifier`; `service.verifier.ConstantVerifier` is its fake.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from service.domain import Label, Passage


class Verifier(Protocol):
    """Scores a claim against evidence passages; the probabilities cover every `Label` and sum to 1."""

    name: str

    def score(self, claim: str, evidence: Sequence[Passage]) -> dict[Label, float]: ...
