"""The llama.cpp judge with real models: it keeps the prompt's fixed opening in its context across claims
(`LlamaJudge._keep_prefix`) where the model allows it, its label probabilities stay those of a fresh read,
and its rationale is the model's own short text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.config import BUNDLED_GEMMA, BUNDLED_SMOLLM2
from service.domain import Passage
from service.judge import LlamaJudge, format_evidence
from service.models import resolve_llm

pytestmark = pytest.mark.integration

FIRST = ("Northwind's Kestrel cluster holds 12,288 H100 GPUs.",
         ["The cluster, called Kestrel, holds 12,288 H100 GPUs spread across 1,536 servers."])
SECOND = ("Orbital Freight lost $6.4 billion in 2025.",
          ["Orbital Freight reported a net loss of $1.1 billion for 2025, narrower than a year before.",
           "Revenue rose to $3.2 billion."])


def passages(texts: list[str]) -> list[Passage]:
    return [Passage(f"doc-{i}.md", 0, len(text), text, 1.0) for i, text in enumerate(texts)]


def evaluated(judge: LlamaJudge) -> list[int]:
    """Counts of tokens each `eval` of the judge's model reads, from now on."""
    llm: Any = judge._llm
    counts: list[int] = []
    original = llm.eval

    def counting(tokens: list[int]) -> None:
        counts.append(len(tokens))
        original(tokens)

    llm.eval = counting
    return counts


THIRD = ("Orbital Freight's chief executive resigned in March.",
         ["Orbital Freight named a new chief executive in March after the founder stepped down."])


@pytest.mark.parametrize(("model", "reuses"), [(BUNDLED_SMOLLM2, True), (BUNDLED_GEMMA, False)])
def test_a_claim_scores_the_same_whatever_was_judged_before_and_reads_only_what_is_new(
        model: str, reuses: bool, tmp_path_factory: pytest.TempPathFactory) -> None:
    path: Path = resolve_llm(model, tmp_path_factory.mktemp("models"))
    warm = LlamaJudge(path, rationale_tokens=0)
    warm.judge(FIRST[0], passages(FIRST[1]))
    counts = evaluated(warm)
    after_first = warm.judge(SECOND[0], passages(SECOND[1]))
    warm.judge(THIRD[0], passages(THIRD[1]))  # shares more leading tokens with SECOND than FIRST does
    after_third = warm.judge(SECOND[0], passages(SECOND[1]))

    fresh = LlamaJudge(path, rationale_tokens=0)
    expected = fresh.judge(SECOND[0], passages(SECOND[1]))

    full = len(fresh._tokens(fresh._chat(fresh._template.format(claim=SECOND[0], evidence=format_evidence(
        passages(SECOND[1])))) + '{"verdict": "'))
    if reuses:  # the chat header and the rules were not read again
        assert counts[0] == full - len(fresh._fixed or []) and 0 < counts[0] < full - 100
    else:  # Gemma 3's sliding window dropped the oldest keys: the whole prompt is read again
        assert counts[0] == full
    for label, probability in expected.probabilities.items():
        assert after_first.probabilities[label] == pytest.approx(probability, abs=1e-9)
        assert after_third.probabilities[label] == pytest.approx(probability, abs=1e-9)


def test_the_rationale_is_the_models_own_text_in_one_line(tmp_path_factory: pytest.TempPathFactory) -> None:
    judge = LlamaJudge(resolve_llm(BUNDLED_GEMMA, tmp_path_factory.mktemp("models")), rationale_tokens=40)

    output = judge.judge(FIRST[0], passages(FIRST[1]))

    assert output.rationale and not output.rationale.startswith("The judge model chose")
    assert '"' not in output.rationale and "\n" not in output.rationale and len(output.rationale) <= 400
