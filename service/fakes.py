"""Deterministic fakes for the seams in `service.ports`, shipped for tests and for trying the pipeline
without models. They are simple on purpose; nothing here claims to judge well."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

import numpy as np

from service.domain import Label, Passage, Stamp, Verdict
from service.evidence import Query
from service.ports import AnswerOutput, JudgeOutput
from service.verifiers.nli import PairVerifier

_WORD = re.compile(r"\w+")


class HashingEmbedder:
    """Bag-of-words hashed into `dimension` buckets, L2-normalised: shared words → similar vectors."""

    def __init__(self, dimension: int = 64) -> None:
        self.name = f"hashing-{dimension}"
        self.dimension = dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                bucket = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                vectors[row, bucket % self.dimension] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


class KeywordJudge:
    """SUPPORTED when a passage repeats most of the claim's words, REFUTED when it also says 'not'."""

    model_name = "keyword-judge"
    model_sha256 = "0" * 64
    prompt_name = "none"
    prompt_sha256 = "0" * 64
    answer_prompt_name = "none"
    answer_prompt_sha256 = "0" * 64

    def __init__(self) -> None:
        self.calls = 0

    def judge(self, claim: str, evidence: Sequence[Passage]) -> JudgeOutput:
        self.calls += 1
        claim_words = set(_WORD.findall(claim.lower()))
        best, best_overlap = 0, 0.0
        for index, passage in enumerate(evidence):
            overlap = len(claim_words & set(_WORD.findall(passage.text.lower()))) / max(len(claim_words), 1)
            if overlap > best_overlap:
                best, best_overlap = index, overlap
        if best_overlap < 0.5:
            label = Label.NOT_ENOUGH_INFO
        elif " not " in f" {evidence[best].text.lower()} ":
            label = Label.REFUTED
        else:
            label = Label.SUPPORTED
        probabilities = {other: 0.1 for other in Label}
        probabilities[label] = 0.8
        return JudgeOutput(probabilities, (best,), f"passage {best + 1} shares {best_overlap:.0%} of the words")

    def answer(self, question: str, evidence: Sequence[Passage]) -> AnswerOutput:
        self.calls += 1
        return AnswerOutput(evidence[0].text, (0,))


class OverlapPairVerifier(PairVerifier):
    """A pair verifier by word overlap: entailed when the evidence repeats most of the claim's words, contradicted
    when it also has a 'not' the claim lacks (or the other way round), neutral otherwise."""

    name = "overlap-pair-verifier"

    def __init__(self) -> None:
        self.metadata: dict[str, object] = {}
        self.pairs_scored = 0

    def predict_pairs(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        rows = []
        for premise, claim in zip(premises, hypotheses, strict=True):
            evidence_words, claim_words = set(_WORD.findall(premise.lower())), set(_WORD.findall(claim.lower()))
            overlap = len(claim_words & evidence_words) / max(len(claim_words), 1)
            if overlap < 0.6:
                rows.append([0.1, 0.1, 0.8])
            elif ("not" in evidence_words) != ("not" in claim_words):
                rows.append([0.1, 0.8, 0.1])
            else:
                rows.append([0.8, 0.1, 0.1])
        self.pairs_scored += len(rows)
        return np.array(rows, dtype=np.float64).reshape(len(rows), 3)


class ConstantVerifier:
    """The fake: the same probabilities for every claim (uniform unless told otherwise)."""

    name = "constant-verifier"

    def __init__(self, probabilities: dict[Label, float] | None = None) -> None:
        self.metadata: dict[str, object] = {}
        self._probabilities = probabilities or {label: 1 / len(Label) for label in Label}

    def score(self, claim: str, evidence: Sequence[Passage]) -> dict[Label, float]:
        return dict(self._probabilities)


class ScriptedChecker:
    """The fake `Checker`: raises the exception scripted for a claim's text, and finds NOT_ENOUGH_INFO for any
    other claim. `asked` holds every query, in order."""

    def __init__(self, failures: Mapping[str, Exception] | None = None) -> None:
        self.failures = dict(failures or {})
        self.asked: list[Query] = []

    def check(self, query: Query, *, explain: bool = False) -> Verdict:
        self.asked.append(query)
        if query.text in self.failures:
            raise self.failures[query.text]
        stamp = Stamp("scripted", "0" * 64, "none", "none", "none", "0" * 64, decider="scripted")
        return Verdict(query.text, Label.NOT_ENOUGH_INFO, 1.0, "scripted", (), stamp, {"total_ms": 0.0})
