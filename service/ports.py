"""The seams: small Protocols with a real adapter and a deterministic fake each (see `service.fakes`).

Embedder (sentence-transformers), Collections and Retriever (the `index` package: FAISS + BM25 over stored
collections), Judge (llama.cpp), Verifier (the NLI cross-encoder, `service.verifiers.nli`). The pipeline
depends on these, never on the classes behind them. Checker is the pipeline itself as a run over many claims
sees it (service/check_many.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from service.domain import Citation, Document, Label, Passage, Verdict

if TYPE_CHECKING:
    from service.evidence import Query


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
    prompt_name: str
    prompt_sha256: str
    answer_prompt_name: str  # the template `answer` writes with
    answer_prompt_sha256: str

    @property
    def model_sha256(self) -> str: ...

    def judge(self, claim: str, evidence: Sequence[Passage]) -> JudgeOutput: ...

    def answer(self, question: str, evidence: Sequence[Passage]) -> AnswerOutput: ...


class CollectionView(Protocol):
    """One version of a collection as a check reads it: its documents, and citations checked against them."""

    @property
    def version(self) -> str: ...

    @property
    def documents(self) -> Mapping[str, Document]: ...

    def cite(self, passage: Passage) -> Citation | None:
        """The citation of `passage` when its text is exactly the stored text at its offsets, else None."""
        ...


class Collections(Protocol):
    """The stored collections (`index.library.Library`)."""

    embedder: Embedder

    def snapshot(self, collection: str | None = None) -> CollectionView:
        """The collection's current version; an unknown collection is `CollectionNotFoundError`."""
        ...


class Retriever(Protocol):
    """The passages of a collection that best match a text (`index.search.CollectionSearch`)."""

    def search(self, collection: str | None, text: str, k: int, *, doc_ids: Collection[str] | None = None,
               since: date | None = None, until: date | None = None) -> tuple[list[Passage], CollectionView]:
        """At most k passages, best first, and the collection version they come from. `doc_ids`: only these
        documents; `since`/`until`: only documents dated within (undated ones are left out)."""
        ...


class Verifier(Protocol):
    """Scores a claim against evidence passages; the probabilities cover every `Label` and sum to 1.

    `metadata` is what its artifact says of it (training sets, held-out shares, dev scores); eval reads it
    to leave out claims the verifier was trained on. Read-only here, so an implementation may hold any mapping
    (a plain `dict` attribute is enough)."""

    name: str

    @property
    def metadata(self) -> Mapping[str, Any]: ...

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


class Checker(Protocol):
    """Checks one claim (`service.pipeline.Pipeline`; the fake: `service.fakes.ScriptedChecker`). Raises a
    `VericlaimError` for what it cannot check."""

    def check(self, query: Query, *, explain: bool = False) -> Verdict: ...
