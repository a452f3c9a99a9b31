"""The cross-encoder verifier: its CLS-only training path, its artifact, its serving, the shipped file.

The unit tests build a tiny random BERT (32 wide, 2 layers) with the bundled MiniLM's tokenizer, so they need
no model weights. The one test that loads the real MiniLM with the shipped artifact is marked integration,
like the other real-model tests (it takes about a second).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from service.domain import Label, Passage
from service.errors import ModelUnavailableError
from service.verifiers.cross_encoder import (
    LABELS,
    CrossEncoderVerifier,
    CrossVerifierWeights,
    build_cross_encoder,
    bundled_cross_artifact,
    trained_prefixes,
)
from training.cross_verifier_cache import cache_hidden_states, digest, frozen_forward
from training.cross_verifier_head import TopHead, predict_cached, train_head
from training.training_pairs import LICENCES, TRAINING_SETS

PAIRS = [
    ("Masks reduce transmission.", "A trial found that masks cut transmission by half."),
    ("The vaccine raised hospital admissions.", "Admissions fell after the vaccine was introduced."),
    ("Remote work improved output.", "The city council met on Tuesday. It discussed parking."),
    ("Lockdowns lowered the death rate in 2020.", "In 2020 the death rate fell during lockdowns."),
]


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A random 2-layer BERT saved as a local folder, with the bundled MiniLM's tokenizer."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from index.embedder import resolve_embedding_model

    folder = tmp_path_factory.mktemp("tiny-bert")
    torch.manual_seed(0)
    config = BertConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
                        num_labels=3)
    BertForSequenceClassification(config).save_pretrained(folder)
    AutoTokenizer.from_pretrained(resolve_embedding_model("all-MiniLM-L6-v2")[0]).save_pretrained(folder)
    return str(folder)


def tiny_weights(base: str, seed: int = 1) -> CrossVerifierWeights:
    """Random 'trained' tensors for the top layer, pooler and classifier of the tiny model."""
    model = build_cross_encoder(base, 64)
    rng = np.random.default_rng(seed)
    tensors = {name: (value.numpy() + rng.normal(0, 0.5, value.shape)).astype(np.float32)
               for name, value in model[0].model.state_dict().items() if name.startswith(trained_prefixes(1))}
    return CrossVerifierWeights(tensors, base, 1, 64, {"name": "tiny-cross", "licences": {"check-covid": "MIT"}})


@pytest.mark.unit
def test_the_cls_only_head_gives_the_full_networks_logits(tiny_base: str) -> None:
    model = build_cross_encoder(tiny_base, 64)
    network = model[0].model.eval()
    features = model.preprocess(PAIRS)
    with torch.inference_mode():
        full = network(input_ids=features["input_ids"], attention_mask=features["attention_mask"],
                       token_type_ids=features["token_type_ids"]).logits
        ours = TopHead(network, 1)(frozen_forward(network, features, 1), features["attention_mask"])
    assert torch.allclose(full, ours, atol=1e-5)


@pytest.mark.unit
def test_cached_states_predict_what_the_cross_encoder_serves(tiny_base: str, tmp_path: Path) -> None:
    path = tmp_path / "tiny.safetensors"
    tiny_weights(tiny_base).save(path)
    served = CrossEncoderVerifier.load(path)
    cache = cache_hidden_states(served.model, PAIRS, 1, "t", tmp_path / "cache")
    cached = predict_cached(TopHead(served.model[0].model, 1), cache, [digest("t", a, b) for a, b in PAIRS])
    direct = served.predict_pairs([a for a, _ in PAIRS], [b for _, b in PAIRS])
    assert direct.shape == (len(PAIRS), 3)
    np.testing.assert_allclose(direct, cached, atol=2e-3)  # fp16 cache
    reread = cache_hidden_states(served.model, PAIRS, 1, "t", tmp_path / "cache")
    assert reread.index == cache.index and np.array_equal(reread.hidden, cache.hidden)


@pytest.mark.unit
def test_score_covers_every_label_sums_to_one_and_repeats(tiny_base: str, tmp_path: Path) -> None:
    path = tmp_path / "tiny.safetensors"
    tiny_weights(tiny_base).save(path)
    verifier = CrossEncoderVerifier.load(path)
    passages = [Passage("doc", 0, len(s), s, 1.0) for s in ("Masks cut transmission.", "The trial ran a year.")]
    first = verifier.score("Masks reduce transmission.", passages)
    assert set(first) == set(LABELS)
    assert sum(first.values()) == pytest.approx(1.0)
    assert verifier.score("Masks reduce transmission.", passages) == first
    assert verifier.name == "tiny-cross"
    assert verifier.score("Masks reduce transmission.", [])[Label.NOT_ENOUGH_INFO] == 1.0
    assert verifier.predict_pairs([], []).shape == (0, 3)


@pytest.mark.unit
def test_artifact_round_trip_keeps_header_and_fp16_tensors(tiny_base: str, tmp_path: Path) -> None:
    weights = tiny_weights(tiny_base)
    path = tmp_path / "tiny.safetensors"
    weights.save(path)
    loaded = CrossVerifierWeights.load(path)
    assert (loaded.base_model, loaded.layer, loaded.max_length) == (tiny_base, 1, 64)
    assert loaded.metadata == weights.metadata
    assert set(loaded.tensors) == set(weights.tensors)
    for name, value in weights.tensors.items():
        np.testing.assert_array_equal(loaded.tensors[name], value.astype(np.float16).astype(np.float32))


@pytest.mark.unit
def test_a_missing_broken_or_mismatched_artifact_is_model_unavailable(tiny_base: str, tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError):
        CrossEncoderVerifier.load(tmp_path / "missing.safetensors")
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"not a safetensors file")
    with pytest.raises(ModelUnavailableError):
        CrossEncoderVerifier.load(broken)
    weights = tiny_weights(tiny_base)
    partial = tmp_path / "partial.safetensors"
    without_pooler = {name: value for name, value in weights.tensors.items() if "pooler" not in name}
    CrossVerifierWeights(without_pooler, tiny_base, 1, 64).save(partial)
    with pytest.raises(ModelUnavailableError, match="does not match"):
        CrossEncoderVerifier.load(partial)


@pytest.mark.unit
def test_training_the_head_is_deterministic_and_learns(tiny_base: str) -> None:
    model = build_cross_encoder(tiny_base, 64)
    network = model[0].model
    head = TopHead(network, 1)
    initial = {name: value.detach().clone() for name, value in head.named_parameters()}
    cache = cache_hidden_states(model, PAIRS, 1, "t", None)
    keys = [digest("t", a, b) for a, b in PAIRS] * 8
    labels = np.array([0, 1, 2, 0] * 8)
    runs = []
    for _ in range(2):
        train_head(head, initial, cache, keys, labels, epochs=40, lr=1e-2, seed=0)
        runs.append({name: value.detach().clone() for name, value in head.named_parameters()})
    assert all(torch.equal(runs[0][name], runs[1][name]) for name in runs[0])
    predicted = predict_cached(head, cache, keys[:4]).argmax(axis=1)
    assert predicted.tolist() == [0, 1, 2, 0]


@pytest.mark.unit
def test_the_shipped_artifact_names_its_base_model_and_licences() -> None:
    from safetensors import safe_open

    path = bundled_cross_artifact()
    assert path.stat().st_size < 5 * 1024 * 1024
    header = CrossVerifierWeights.read_header(path)
    assert header["base_model"] == "all-MiniLM-L6-v2"
    assert header["labels"] == [label.value for label in LABELS]
    metadata = header["metadata"]
    assert set(metadata["sets"]) <= set(TRAINING_SETS)
    assert metadata["licences"] == {name: LICENCES[name] for name in metadata["sets"]}
    assert metadata["licence"] == "MIT"
    assert "check-covid dev" in metadata["dev_scores"]
    with safe_open(str(path), framework="numpy") as handle:
        names = list(handle.keys())
        assert all(name.startswith(trained_prefixes(header["layer"])) for name in names)
        assert all(handle.get_tensor(name).dtype == np.float16 for name in names)
    json.dumps(header)


@pytest.mark.integration
def test_the_shipped_verifier_scores_with_the_real_minilm() -> None:
    verifier = CrossEncoderVerifier.load()
    passages = [Passage("doc", 0, 40, "Face masks reduced transmission by 50% in the trial.", 1.0)]
    scores = verifier.score("Masks reduce transmission.", passages)
    assert sum(scores.values()) == pytest.approx(1.0)
    assert verifier.score("Masks reduce transmission.", passages) == scores
    probabilities = verifier.predict_pairs(["Masks reduce transmission."] * 2,
                                           [passages[0].text, "The council discussed parking."])
    assert probabilities.shape == (2, 3)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-6)
