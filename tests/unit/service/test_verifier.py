"""The feature verifier: its cues on hand-made pairs, its probabilities, its artifact and its training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from service.domain import Label, Passage
from service.errors import ModelUnavailableError
from service.fakes import ConstantVerifier, HashingEmbedder
from service.verifiers.feature import LABELS, FeatureVerifier, VerifierModel
from service.verifiers.features import FEATURES, PAIR_FEATURES, evidence_features, pair_cues, passage_sentences
from training.training_pairs import Example
from training.verifier_train import build_model, featurize

pytestmark = pytest.mark.unit

EMBEDDER = HashingEmbedder(32)
TOPICS = ["the vaccine", "the new drug", "the lockdown", "the mask mandate", "remote work", "the treatment",
          "the policy", "the trial", "the booster", "the program"]
EFFECTS = ["reduced hospital admissions", "lowered the death rate", "improved recovery times",
           "cut infections in schools", "raised survival in older patients"]


def cue(claim: str, sentence: str, name: str) -> float:
    return pair_cues(claim, sentence, 0.9)[PAIR_FEATURES.index(name)]


def passage(text: str) -> Passage:
    return Passage("doc", 0, len(text), text, 1.0)


def synthetic_examples() -> list[Example]:
    """SUPPORTED: the sentence restates the claim; REFUTED: it negates it; NEI: it is about something else."""
    examples = []
    for i, topic in enumerate(TOPICS):
        for j, effect in enumerate(EFFECTS):
            claim = f"{topic.capitalize()} {effect}."
            other = f"{TOPICS[(i + 3) % len(TOPICS)].capitalize()} was announced in spring."
            examples += [
                Example("synthetic", f"{i}-{j}", claim, (f"Researchers found that {topic} {effect}.",),
                        Label.SUPPORTED, "gold"),
                Example("synthetic", f"{i}-{j}", claim, (f"Researchers found that {topic} did not {effect}.",),
                        Label.REFUTED, "gold"),
                Example("synthetic", f"{i}-{j}", claim, (other,), Label.NOT_ENOUGH_INFO, "gold"),
            ]
    return examples


def train_tiny(seed: int = 0, head: str = "lr-1") -> VerifierModel:
    examples = synthetic_examples()
    texts = sorted({t for e in examples for t in (e.claim, *e.sentences)})
    vectors = dict(zip(texts, EMBEDDER.encode(texts), strict=True))
    features, pairs = featurize(examples, vectors)
    labels = np.array([LABELS.index(e.label) for e in examples])
    return build_model(features, pairs, labels, head=head, projection=4, seed=seed, epochs=50,
                       embedding_model=EMBEDDER.name)


@pytest.fixture(scope="module")
def tiny_model() -> VerifierModel:
    return train_tiny()


def test_negation_on_one_side_only_is_a_mismatch() -> None:
    assert cue("The vaccine is effective against the variant.",
               "The vaccine is not effective against the variant.", "negation_mismatch") == 1.0
    assert cue("The vaccine is effective.", "Trials show the vaccine is effective.", "negation_mismatch") == 0.0
    assert cue("Masks never reduce spread.", "Masks do not reduce spread.", "negation_mismatch") == 0.0


def test_figures_that_disagree_are_a_contradiction() -> None:
    claim = "Northwind spent $6.4 billion on compute in 2025."
    assert cue(claim, "Northwind spent $640 million on compute in 2025.", "numbers_contradict") == 1.0
    assert cue(claim, "Northwind spent $6.4 billion on compute in 2025.", "numbers_contradict") == 0.0
    assert cue(claim, "Northwind spent $6.4 billion on compute in 2025.", "numbers_consistent") == 1.0


def test_opposite_words_and_missing_names_are_seen() -> None:
    assert cue("Cases increased in March.", "Cases decreased in March.", "antonym") == 1.0
    assert cue("Cases increased in March.", "Cases increased sharply in March.", "antonym") == 0.0
    assert cue("Pfizer reported the result.", "Moderna reported the result.", "names_missing") == 1.0


def test_word_overlap_is_a_share_of_the_claim() -> None:
    assert cue("Vitamin D prevents infection.", "Vitamin D prevents infection in adults.", "word_recall") == 1.0
    assert cue("Vitamin D prevents infection.", "Zinc is sold in shops.", "word_recall") == 0.0


def test_no_sentences_gives_zero_features() -> None:
    vector = EMBEDDER.encode(["a claim"])[0]
    features, pair = evidence_features("a claim", [], vector, np.zeros((0, EMBEDDER.dimension)))
    assert features.shape == (len(FEATURES),) and not features.any()
    assert pair.shape == (2 * EMBEDDER.dimension,)


def test_passage_sentences_keeps_each_sentence() -> None:
    assert passage_sentences("Cases rose. Deaths fell!\nIt ended.") == ["Cases rose.", "Deaths fell!", "It ended."]


def test_probabilities_cover_every_label_and_sum_to_one(tiny_model: VerifierModel) -> None:
    verifier = FeatureVerifier(tiny_model, EMBEDDER)
    result = verifier.score("The vaccine reduced hospital admissions.",
                            [passage("Researchers found that the vaccine reduced hospital admissions."),
                             passage("The lockdown was announced in spring. Schools closed.")])
    assert set(result) == set(Label)
    assert sum(result.values()) == pytest.approx(1.0)
    assert all(0.0 <= p <= 1.0 for p in result.values())


def test_the_tiny_model_learns_the_synthetic_rule(tiny_model: VerifierModel) -> None:
    verifier = FeatureVerifier(tiny_model, EMBEDDER)
    claim = "The booster cut infections in schools."

    def label(text: str) -> Label:
        scores = verifier.score(claim, [passage(text)])
        return max(scores, key=scores.__getitem__)

    assert label("Researchers found that the booster cut infections in schools.") is Label.SUPPORTED
    assert label("Researchers found that the booster did not cut infections in schools.") is Label.REFUTED
    assert label("The trial was announced in spring.") is Label.NOT_ENOUGH_INFO


def test_no_evidence_is_not_enough_info(tiny_model: VerifierModel) -> None:
    result = FeatureVerifier(tiny_model, EMBEDDER).score("Anything.", [passage("   ")])
    assert result[Label.NOT_ENOUGH_INFO] == 1.0 and sum(result.values()) == 1.0


def test_artifact_round_trip_gives_the_same_outputs(tiny_model: VerifierModel, tmp_path: Path) -> None:
    path = tmp_path / "verifier.npz"
    model = VerifierModel(**{**tiny_model.__dict__, "metadata": {"name": "tiny", "dev_scores": {"x": 0.5}}})
    model.save(path)
    loaded = FeatureVerifier.load(EMBEDDER, path)
    original = FeatureVerifier(model, EMBEDDER)
    claim, evidence = "The policy lowered the death rate.", [passage("The policy did not lower the death rate.")]
    for label, p in original.score(claim, evidence).items():
        assert loaded.score(claim, evidence)[label] == pytest.approx(p, abs=1e-6)
    assert loaded.name == "tiny" and loaded.model.metadata["dev_scores"] == {"x": 0.5}
    assert path.stat().st_size < 100_000


@pytest.mark.parametrize("head", ["lr-1", "mlp-32"])
def test_training_is_deterministic(head: str) -> None:
    first, second = train_tiny(seed=3, head=head), train_tiny(seed=3, head=head)
    for a, b in zip((*first.weights, first.projection, first.mean), (*second.weights, second.projection,
                                                                       second.mean), strict=True):
        np.testing.assert_array_equal(a, b)


def test_an_artifact_for_another_embedder_is_refused(tiny_model: VerifierModel) -> None:
    with pytest.raises(ModelUnavailableError, match="trained on"):
        FeatureVerifier(tiny_model, HashingEmbedder(16))


def test_a_missing_or_broken_artifact_is_model_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="not found"):
        FeatureVerifier.load(EMBEDDER, tmp_path / "missing.npz")
    broken = tmp_path / "broken.npz"
    broken.write_bytes(b"not a zip")
    with pytest.raises(ModelUnavailableError, match="cannot read"):
        FeatureVerifier.load(EMBEDDER, broken)


def test_the_fake_verifier_is_uniform() -> None:
    result = ConstantVerifier().score("claim", [])
    assert sum(result.values()) == pytest.approx(1.0) and len(result) == 3
