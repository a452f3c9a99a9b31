"""The seams: small Protocols with a real adapter and a deterministic fake each (see `service.fakes`).

Embedder (sentence-transformers), DocumentStore with its Collections and CollectionView reading side, and
Retriever (two stores implement them: `index`, FAISS + BM25 files; `pgstore`, PostgreSQL + pgvector), Judge
(llama.cpp), Verifier (the NLI cross-encoder, `service.verifiers.nli`). The pipeline depends on these, never on
the classes behind them. Checker is the pipeline itself as a run over many claims sees it
(service/check_many.py).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from service.domain import ChangeSummary, Citation, Document, Label, Passage, Verdict

if TYPE_CHECKING:
    from service.evidence import Query

Progress = Callable[[int, int], None]  # (done, total), in the input's own units (characters or bytes)
FileProgress = Callable[[str], None]  # the file about to be read


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
    """One version of a collection as a check reads it: its documents, and citations checked against them.

    A view reads one version for its whole life: text written after it was taken is not what it serves or
    cites (a store that can no longer read that version says so: `CollectionChangedError`)."""

    @property
    def version(self) -> str: ...

    @property
    def documents(self) -> Mapping[str, Document]:
        """By id, iterated in id order (code points)."""
        ...

    def cite(self, passage: Passage) -> Citation | None:
        """The citation of `passage` when its text is exactly the stored text at its offsets, else None."""
        ...


class Collections(Protocol):
    """The stored collections as checks read them (a `DocumentStore`'s reading side)."""

    embedder: Embedder

    def snapshot(self, collection: str | None = None) -> CollectionView:
        """The collection's current version; an unknown collection is `CollectionNotFoundError`."""
        ...


class DocumentStore(Collections, Protocol):
    """Collections that are written as well as read: `index.library.Library` (FAISS + BM25 files under
    VERICLAIM_HOME) and `pgstore.library.PostgresLibrary` (PostgreSQL + pgvector).

    What a write does (added, updated, unchanged, deleted, duplicate) is decided by `service.ingest_plan`, the
    same for every store; a store persists the plan, one write as one atomic commit. The contract suite
    (tests/contract/test_document_store.py) runs every rule against each store. `collection=None` is the
    configured default collection; a name that is not a valid one is `InvalidCollectionError`."""

    def collection_name(self, collection: str | None = None) -> str:
        """The collection a call with `collection` reaches, validated."""
        ...

    def collections(self) -> list[str]:
        """The collections written to so far, by name."""
        ...

    def read_files(self, paths: Sequence[Path], on_file: FileProgress | None = None) -> list[Document]: ...

    def ingest(self, documents: Sequence[Document], collection: str | None = None,
               progress: Progress | None = None) -> ChangeSummary:
        """Add or update documents in one commit. `progress` counts characters; raising from it stops the
        write before its commit."""
        ...

    def ingest_files(self, paths: Sequence[Path], collection: str | None = None, on_file: FileProgress | None = None,
                     progress: Progress | None = None) -> ChangeSummary:
        """`ingest` of the documents in files and folders, read as a stream; `progress` counts bytes. No
        document found is `InputError`."""
        ...

    def delete(self, doc_ids: Sequence[str], collection: str | None = None) -> ChangeSummary:
        """Delete documents in one commit: an unknown id is `DocumentNotFoundError` and nothing is deleted."""
        ...

    def reindex(self, collection: str | None = None, progress: Progress | None = None) -> ChangeSummary:
        """Every document re-embedded with the configured embedder, in one commit (all listed as added)."""
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
