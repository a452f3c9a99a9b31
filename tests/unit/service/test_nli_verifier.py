"""The NLI verifier's pure parts (label mapping, aggregation, reading the evidence), the artifact checks that
need no model, and what the pipeline does with a passage verifier: citations, reranking, rationales."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from service.bootstrap import Components, build
from service.calibration import Calibration
from service.config import Settings
from service.domain import Decider, Document, Label, Passage
from service.errors import ModelUnavailableError
from service.evidence import Query, rerank
from service.fakes import HashingEmbedder, KeywordJudge, OverlapPairVerifier
from service.ports import PassageVerifier
from service.verifiers.aggregation import Aggregation, aggregate
from service.verifiers.nli import (
    FORMAT,
    HEADER_FILE,
    MODEL_FILE,
    NliVerifier,
    evidence_readings,
    label_kinds,
    silent_is_not_refuting,
    to_label_columns,
)

pytestmark = pytest.mark.unit


def passage(text: str, score: float = 1.0) -> Passage:
    return Passage("doc.txt", 0, len(text), text, score)


# ---- labels ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("names, kinds", [
    (["entailment", "neutral", "contradiction"], ["entailment", "neutral", "contradiction"]),
    (["CONTRADICTION", "ENTAILMENT", "NEUTRAL"], ["contradiction", "entailment", "neutral"]),
    (["supports", "refutes", "not enough info"], ["entailment", "contradiction", "neutral"]),
    (["not_entailment", "entailment"], ["not_entailment", "entailment"]),
    (["unsupported", "supported"], ["not_entailment", "entailment"]),
])
def test_label_names_are_read_by_meaning(names: list[str], kinds: list[str]) -> None:
    assert label_kinds(names) == kinds


@pytest.mark.parametrize("names", [["LABEL_0", "LABEL_1", "LABEL_2"], ["entailment", "neutral"],
                                   ["entailment", "entailment", "contradiction"], ["positive", "negative"]])
def test_labels_that_cannot_be_mapped_are_refused(names: list[str]) -> None:
    with pytest.raises(ModelUnavailableError, match="verifier label"):
        label_kinds(names)


def test_columns_follow_the_service_labels_and_two_way_models_never_refute() -> None:
    three = to_label_columns(np.array([[0.2, 0.5, 0.3]]), ["neutral", "entailment", "contradiction"])
    assert three.tolist() == [[0.5, 0.3, 0.2]]  # SUPPORTED, REFUTED, NOT_ENOUGH_INFO
    two = to_label_columns(np.array([[0.9, 0.1]]), ["not_entailment", "entailment"])
    assert two.tolist() == [[0.1, 0.0, 0.9]]


# ---- reading and aggregating ------------------------------------------------------------------------------

def test_each_passage_is_read_and_several_are_also_read_together() -> None:
    assert evidence_readings([passage("A.")]) == ["A."]
    assert evidence_readings([passage("A."), passage(" B. ")]) == ["A.", "B.", "A. B."]


def test_the_most_decisive_reading_decides() -> None:
    rows = np.array([[0.2, 0.1, 0.7], [0.1, 0.85, 0.05], [0.6, 0.3, 0.1]])
    assert aggregate(rows).tolist() == [0.1, 0.85, 0.05]
    assert aggregate(np.array([[0.1, 0.1, 0.8]])).tolist() == [0.1, 0.1, 0.8]


def test_each_aggregation_rule_reads_the_passages_and_the_joint_reading_as_it_says() -> None:
    rows = np.array([[0.6, 0.1, 0.3], [0.0, 0.4, 0.6], [0.2, 0.2, 0.6]])  # two passages, then both together

    def rule(name: str) -> list[float]:
        return np.round(aggregate(rows, 2, Aggregation(name)), 4).tolist()

    assert rule("joint") == [0.2, 0.2, 0.6] and rule("first") == [0.6, 0.1, 0.3]
    assert rule("mean") == [0.3, 0.25, 0.45]  # the single passages only
    assert rule("rank-weighted") == [0.4, 0.2, 0.4]  # weights 1 and 1/2
    assert np.allclose(rule("max"), np.array([0.6, 0.4, 0.4]) / 1.4, atol=1e-4)  # best entailment, best contradiction
    assert rule("decisive") == [0.6, 0.1, 0.3]
    assert all(abs(sum(rule(name)) - 1) < 1e-9 for name in Aggregation)


@pytest.mark.parametrize(("text", "silent"), [
    ("Northwind did not disclose how long the first training run lasted.", True),
    ("The rest is bought on the wholesale market; the company did not say at what price.", True),
    ("A spokesperson declined to comment on the valuation.", True),
    ("The price of the round was not disclosed.", True),
    ("The run did not last 41 days; it lasted 30.", False),
    ("Northwind said the run lasted 30 days.", False),
])
def test_a_passage_silent_on_the_claim_refutes_nothing(text: str, silent: bool) -> None:
    other = "Kestrel reached 38 percent utilisation on its first large run."
    rows = np.array([[0.0, 0.6, 0.4], [0.1, 0.5, 0.4], [0.0, 0.7, 0.3]])  # the silent one, the other, joint

    moved = silent_is_not_refuting(rows, [Passage("a.md", 0, len(text), text, 1.0),
                                          Passage("a.md", 100, 100 + len(other), other, 1.0)])

    if silent:
        assert moved[0].tolist() == pytest.approx([0.0, 0.0, 1.0]) and moved[2].tolist() == pytest.approx(
            [0.0, 0.0, 1.0])
        assert moved[1].tolist() == rows[1].tolist()  # a passage that refutes still says so in its own reading
    else:
        assert moved.tolist() == rows.tolist()


def test_a_pair_verifier_assesses_each_passage_and_the_claim() -> None:
    verifier = OverlapPairVerifier()
    evidence = [passage("Penguins live in Antarctica."), passage("Acme did not open a factory in Brazil.")]

    assessment = verifier.assess("Acme did open a factory in Brazil", evidence)

    assert isinstance(verifier, PassageVerifier)
    assert len(assessment.passages) == 3 and verifier.pairs_scored == 3  # two passages and both together
    assert assessment.passages[1][Label.REFUTED] == 0.8
    assert max(assessment.probabilities, key=assessment.probabilities.__getitem__) is Label.REFUTED
    assert sum(assessment.probabilities.values()) == pytest.approx(1.0)
    assert verifier.assess("anything", []).probabilities[Label.NOT_ENOUGH_INFO] == 1.0


def test_rerank_keeps_the_candidates_that_bear_on_the_claim() -> None:
    candidates = [passage("Bananas are yellow.", 0.9), passage("Acme has a factory in Brazil.", 0.5),
                  passage("Penguins swim.", 0.8), passage("Acme opened a factory in Brazil in 1990.", 0.4)]

    kept, _ = rerank(OverlapPairVerifier(), "Acme opened a factory in Brazil", candidates, 2, weight=0.5)

    # both bear on the claim (1 − P(neutral) = 0.9); the better-retrieved one comes first; bananas are out
    assert [p.text for p in kept] == ["Acme has a factory in Brazil.", "Acme opened a factory in Brazil in 1990."]
    assert rerank(OverlapPairVerifier(), "claim", candidates[:2], 2, weight=0.5)[0] == candidates[:2]


# ---- the artifact's own checks ------------------------------------------------------------------------------

def test_a_missing_or_foreign_artifact_is_model_unavailable_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match=str(tmp_path / MODEL_FILE)):
        NliVerifier.load(tmp_path)
    (tmp_path / MODEL_FILE).write_bytes(b"not onnx")
    with pytest.raises(ModelUnavailableError, match="cannot read"):
        NliVerifier.load(tmp_path)
    (tmp_path / HEADER_FILE).write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(ModelUnavailableError, match=f"not a {FORMAT}"):
        NliVerifier.load(tmp_path)


def test_a_configured_verifier_that_cannot_load_is_refused_at_start_up(tmp_path: Path) -> None:
    from service.bootstrap import build_verifier

    for choice, says in ((tmp_path / "missing.npz", "verifier artifact not found"),
                         (tmp_path / "nowhere", "verifier not found"), (tmp_path, "neither an NLI verifier")):
        with pytest.raises(ModelUnavailableError, match=says):
            build_verifier(Settings(home=tmp_path, models={"verifier": str(choice)}), HashingEmbedder())


# ---- the pipeline with a passage verifier ---------------------------------------------------------------------

ACME = Document("acme.txt", "Acme sells anvils to coyotes. Acme did not open a factory in Brazil. "
                            "Acme opened a factory in Chile in 2020. Bananas are yellow.")


@pytest.fixture
def with_pair_verifier(tmp_path: Path) -> Components:
    built = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge(),
                  verifier=OverlapPairVerifier())
    built.library.ingest([ACME])
    return built


def test_the_verdict_cites_the_passage_the_verifier_found(with_pair_verifier: Components) -> None:
    verdict = with_pair_verifier.pipeline.check(Query("Acme did open a factory in Brazil"))

    assert verdict.label is Label.REFUTED and verdict.decided_by is Decider.VERIFIER
    assert [c.quote for c in verdict.citations] == ["Acme did not open a factory in Brazil."]


def test_the_signals_carry_the_strongest_single_reading(tmp_path: Path) -> None:
    built = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge(), verifier=ChileVerifier())
    built.library.ingest([ACME])

    verdict = built.pipeline.check(Query("Acme did open a factory in Brazil"))

    assert verdict.signals is not None and verdict.signals.verifier_max_supported == pytest.approx(0.9)
    assert verdict.signals.verifier_max_refuted == pytest.approx(0.05)


class ChileVerifier(OverlapPairVerifier):
    """Entailment from any passage that names Chile; neutral otherwise."""

    def predict_pairs(self, premises: list[str], hypotheses: list[str]) -> np.ndarray:  # type: ignore[override]
        return np.array([[0.9, 0.05, 0.05] if "Chile" in p else [0.05, 0.05, 0.9] for p in premises])


def test_the_citation_is_the_deciding_passage_not_the_best_retrieved(tmp_path: Path) -> None:
    built = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge(), verifier=ChileVerifier())
    built.library.ingest([ACME])

    verdict = built.pipeline.check(Query("Acme did open a factory in Brazil"))

    chile = "Acme opened a factory in Chile in 2020."
    assert verdict.passages[0].text != chile and chile in [p.text for p in verdict.passages]
    assert verdict.label is Label.SUPPORTED and [c.quote for c in verdict.citations] == [chile]


class LeaningVerifier(OverlapPairVerifier):
    """Reads a passage naming Chile as leaning SUPPORTED but mostly neutral, as NLI models often do."""

    def predict_pairs(self, premises: list[str], hypotheses: list[str]) -> np.ndarray:  # type: ignore[override]
        return np.array([[0.35, 0.05, 0.6] if "Chile" in p else [0.05, 0.05, 0.9] for p in premises])


def test_the_rationale_shows_the_probabilities_that_decided_after_the_offsets(tmp_path: Path) -> None:
    from tests.unit.service.test_calibration import verifier_only_combiner

    offsets = Calibration(0.9, 0.8, verifier_only_combiner(), None, None, {"verifier": LeaningVerifier.name},
                          verifier_offsets=(1.0, 0.0, 0.0))
    built = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge(),
                  verifier=LeaningVerifier(), calibration=offsets)
    built.library.ingest([ACME])

    verdict = built.pipeline.check(Query("Acme opened a factory in Chile"))

    assert verdict.label is Label.SUPPORTED and verdict.decided_by is Decider.VERIFIER
    shown = dict(re.findall(r"(SUPPORTED|REFUTED|NOT_ENOUGH_INFO) (\d\.\d\d)", verdict.rationale))
    assert float(shown["SUPPORTED"]) > float(shown["NOT_ENOUGH_INFO"])  # not the raw 0.35 against 0.60


def test_reranking_is_off_by_default_and_on_it_is_timed(tmp_path: Path) -> None:
    plain = build(Settings(home=tmp_path / "plain"), embedder=HashingEmbedder(), judge=KeywordJudge(),
                  verifier=OverlapPairVerifier())
    plain.library.ingest([ACME])
    assert "rerank_ms" not in plain.pipeline.check(Query("Acme opened a factory in Chile in 2020")).timings

    settings = Settings(home=tmp_path, retrieval={"rerank_candidates": 4, "top_k": 2})
    built = build(settings, embedder=HashingEmbedder(), judge=KeywordJudge(), verifier=OverlapPairVerifier())
    built.library.ingest([ACME])

    verdict = built.pipeline.check(Query("Acme opened a factory in Chile in 2020"))

    assert "rerank_ms" in verdict.timings and len(verdict.passages) == 2
    assert verdict.passages[0].text == "Acme opened a factory in Chile in 2020."


def test_rows_the_reranking_computed_are_not_computed_again() -> None:
    verifier = OverlapPairVerifier()
    evidence = [passage("Acme opened a factory in Chile."), passage("Acme did not open a factory in Brazil.")]
    claim = "Acme opened a factory in Brazil"
    singles = verifier.predict_pairs([p.text for p in evidence], [claim] * 2)
    before = verifier.pairs_scored

    reused = verifier.assess(claim, evidence, singles)

    assert verifier.pairs_scored == before + 1  # only the joint reading
    assert reused == verifier.assess(claim, evidence)


class AlwaysSupportsJudge(KeywordJudge):
    """A judge whose label is always SUPPORTED, whatever it reads (what the bundled Gemma tends to do)."""

    def judge(self, claim: str, evidence: list[Passage]):  # type: ignore[no-untyped-def]
        output = super().judge(claim, evidence)
        return type(output)({Label.SUPPORTED: 0.96, Label.REFUTED: 0.02, Label.NOT_ENOUGH_INFO: 0.02}, (0,),
                            "the passage supports the claim")


def test_an_explanation_never_contradicts_the_verdict(tmp_path: Path) -> None:
    built = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=AlwaysSupportsJudge(),
                  verifier=OverlapPairVerifier())
    built.library.ingest([ACME])

    refuted = built.pipeline.check(Query("Acme did open a factory in Brazil"), explain=True)
    supported = built.pipeline.check(Query("Acme opened a factory in Chile in 2020"), explain=True)

    assert refuted.label is Label.REFUTED and "the passage supports the claim" not in refuted.rationale
    assert "LLM" not in refuted.rationale
    assert supported.decided_by is not Decider.LLM
    assert "LLM commentary (it did not decide): the passage supports the claim" in supported.rationale
