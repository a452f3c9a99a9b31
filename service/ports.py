"""The seams: small Protocols with a real adapter and a deterministic fake each (see `service.fakes`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from service.domain import Label, Passage


class Embedder(Protocol):
    """Texts → L2-normalised float32 vectors, shape (n, dimension)."""

    name: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class JudgeOutput:
    """What the judge said: a probability per label, the passages it relied on (0-based), a rationale."""

    probabilities: dict[Label, float]
    cited: tuple[int, ...]
    rationale: str

    @property
    def label(self) -> Label:
        return max(self.probabilities, key=lambda label: self.probabilities[label])


@dataclass(frozen=True)
class AnswerOutput:
    text: str
    cited: tuple[int, ...]


class Judge(Protocol):
    """Reads a claim and numbered evidence passages; returns label probabilities and a rationale."""

    model_name: str
    model_sha256: str
    prompt_name: str
    prompt_sha256: str
    answer_prompt_name: str  # the template `answer` writes with
    answer_prompt_sha256: str

    def judge(self, claim: str, evidence: Sequence[Passage]) -> JudgeOutput: ...

    def answer(self, question: str, evidence: Sequence[Passage]) -> AnswerOutput: ...
