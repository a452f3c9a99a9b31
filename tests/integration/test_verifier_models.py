"""The verifier's model paths, offline: the bundled NLI artifact, the ONNX export round trip, and Hugging Face
sequence-classification models (a tiny randomly initialised one the test creates and saves)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from service.config import Settings
from service.domain import Label, Passage
from service.errors import ModelUnavailableError
from service.verifiers.nli import HEADER_FILE, NliVerifier

pytestmark = pytest.mark.integration


def passages(*texts: str) -> list[Passage]:
    return [Passage("doc.txt", 0, len(text), text, 1.0) for text in texts]


def verdict(probabilities: dict[Label, float]) -> Label:
    return max(probabilities, key=probabilities.__getitem__)


# ---- the bundled artifact ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bundled() -> NliVerifier:
    return NliVerifier.load()


NORTHWIND = "Northwind reported a net loss of $6.4 billion for 2025, its first loss since 2019."


def test_a_pairs_reading_does_not_depend_on_what_else_is_read_with_it(bundled: NliVerifier) -> None:
    premises = ["Headcount: 146, of whom 61 work in research.", "Penguins live in Antarctica.", NORTHWIND + " " * 3
                + "Its revenue rose 12% to $31 billion, driven by demand for cloud products in Europe and Asia."]
    question = "How many of Velloran's staff are researchers?"

    together = bundled.predict_pairs(premises, [question] * len(premises))
    alone = np.vstack([bundled.predict_pairs([premise], [question]) for premise in premises])

    # an int8 graph quantises activations per call: batched with a longer pair, the first reading had moved 0.11
    assert np.allclose(together, alone, atol=1e-6)


def test_the_bundled_verifier_reads_entailment(bundled: NliVerifier) -> None:
    assert verdict(bundled.score("Northwind lost money in 2025.", passages(NORTHWIND))) is Label.SUPPORTED
    assert verdict(bundled.score("Northwind made a loss in 2025.", passages(NORTHWIND))) is Label.SUPPORTED


def test_the_bundled_verifier_reads_contradiction(bundled: NliVerifier) -> None:
    # v2, the default until v4, read "profitable" against "net loss" as entailed (its card)
    assert verdict(bundled.score("Northwind was profitable in 2025.", passages(NORTHWIND))) is Label.REFUTED


def test_the_bundled_verifier_reads_unrelated_evidence_as_not_enough_info(bundled: NliVerifier) -> None:
    assert verdict(bundled.score("Northwind opened an office in Lisbon.", passages(NORTHWIND))) \
        is Label.NOT_ENOUGH_INFO


def test_the_smaller_earlier_verifier_stays_selectable_with_its_own_calibration() -> None:
    from service.calibration import Calibration, bundled_calibration
    from service.verifiers.nli import bundled_nli_artifact

    minilm = NliVerifier.load(bundled_nli_artifact("nli-minilm"))

    assert minilm.name == "nli-minilm-l6-v1" != NliVerifier.load().name
    assert verdict(minilm.score("Northwind lost money in 2025.", passages(NORTHWIND))) is Label.SUPPORTED
    assert Calibration.load(bundled_calibration(minilm.name)).fitted_for["verifier"] == minilm.name


def test_the_v3_verifier_reads_phrase_opposites_and_keeps_its_own_calibration() -> None:
    """v3 (`nli-mpnet-v3`) learned "profitable" against a stated net loss from templated filing pairs
    (training/figure_pairs.py); "turned a profit" is in none of its templates."""
    from service.calibration import Calibration, bundled_calibration
    from service.verifiers.nli import bundled_nli_artifact

    v3 = NliVerifier.load(bundled_nli_artifact("nli-mpnet-v3"))

    assert v3.name == "nli-mpnet-l6-v3" != NliVerifier.load().name
    assert verdict(v3.score("Northwind was profitable in 2025.", passages(NORTHWIND))) is Label.REFUTED
    assert verdict(v3.score("Northwind turned a profit in 2025.", passages(NORTHWIND))) is Label.REFUTED
    assert verdict(v3.score("Northwind lost money in 2025.", passages(NORTHWIND))) is Label.SUPPORTED
    assert verdict(v3.score("Northwind opened an office in Lisbon.", passages(NORTHWIND))) is Label.NOT_ENOUGH_INFO
    assert Calibration.load(bundled_calibration(v3.name)).fitted_for["verifier"] == v3.name
    assert Calibration.load(bundled_calibration()).fitted_for["verifier"] == NliVerifier.load().name


def test_the_bundled_verifier_scores_every_passage_in_one_call(bundled: NliVerifier) -> None:
    evidence = passages("The river flooded in 1998.", "Penguins live in Antarctica.", "Bananas are yellow.")

    assessment = bundled.assess("Penguins live in Antarctica.", evidence)

    assert len(assessment.passages) == 4  # three passages, then the three read together
    assert verdict(assessment.passages[1]) is Label.SUPPORTED
    assert all(sum(row.values()) == pytest.approx(1.0) for row in assessment.passages)
    assert bundled.metadata["dev_scores"] and bundled.name == bundled.header["name"]


def test_a_base_model_other_than_the_one_trained_on_is_refused(tmp_path: Path) -> None:
    from service.verifiers.nli import bundled_nli_artifact

    copy = tmp_path / "artifact"
    copy.mkdir()
    for path in bundled_nli_artifact().iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    header = json.loads((copy / HEADER_FILE).read_text())
    (copy / HEADER_FILE).write_text(json.dumps(header | {"word_embeddings_sha256": "0" * 64}))

    with pytest.raises(ModelUnavailableError, match="word-embedding sha256 differs"):
        NliVerifier.load(copy)


# ---- export round trip (training.nli_export) ---------------------------------------------------------------------

def test_an_exported_model_serves_what_torch_computes(tmp_path: Path) -> None:
    import torch

    from training.nli_export import export
    from training.nli_model import build_model

    torch.manual_seed(0)
    tokenizer, model = build_model("all-MiniLM-L6-v2", 0)
    torch.nn.init.normal_(model.classifier.weight, std=0.5)  # an untrained head says ~uniform: make it say more
    model.save_pretrained(tmp_path / "trained")
    premises = ["The cat sat on the warm mat all afternoon.", "xAI lost $6.4 billion in 2025.", "Short."]
    claims = ["A cat is sitting.", "xAI made a profit in 2025 of more than five billion dollars.", "Tiny."]
    inputs = tokenizer(premises, claims, truncation="longest_first", max_length=128, padding=True,
                       return_tensors="pt")
    with torch.no_grad():
        expected = model.eval()(**inputs).logits.softmax(-1).numpy()  # entailment, contradiction, neutral

    sizes = {}
    for quantisation, tolerance in (("none", 1e-5), ("int8", 0.05), ("int4", 0.1)):
        folder = export(tmp_path / "trained", tmp_path / quantisation, name="tiny", base="all-MiniLM-L6-v2",
                        metadata={"max_length": 128}, quantisation=quantisation)
        served = NliVerifier.load(folder).predict_pairs(premises, claims)  # SUPPORTED, REFUTED, NEI
        assert np.abs(served - expected).max() < tolerance, quantisation
        sizes[quantisation] = (folder / "model.onnx").stat().st_size
    assert sizes["int4"] < sizes["int8"] < sizes["none"] / 3


# ---- Hugging Face models ------------------------------------------------------------------------------------------

def tiny_model(folder: Path, id2label: dict[int, str]) -> Path:
    """A randomly initialised 2-layer BERT classifier with the bundled MiniLM's tokenizer, saved to `folder`."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from index.embedder import resolve_embedding_model

    torch.manual_seed(0)
    config = BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, num_labels=len(id2label), id2label=id2label,
                        label2id={name: i for i, name in id2label.items()})
    BertForSequenceClassification(config).save_pretrained(folder)
    AutoTokenizer.from_pretrained(resolve_embedding_model("all-MiniLM-L6-v2")[0]).save_pretrained(folder)
    return folder


def test_a_local_three_way_model_loads_with_its_label_names(tmp_path: Path) -> None:
    from service.bootstrap import build_verifier
    from service.fakes import HashingEmbedder
    from service.verifiers.hf import TransformersNliVerifier

    folder = tiny_model(tmp_path / "nli", {0: "CONTRADICTION", 1: "NEUTRAL", 2: "ENTAILMENT"})

    verifier = build_verifier(Settings(home=tmp_path, models={"verifier": str(folder)}), HashingEmbedder())

    assert isinstance(verifier, TransformersNliVerifier) and verifier.kinds == ["contradiction", "neutral",
                                                                                 "entailment"]
    rows = verifier.predict_pairs(["The sky is blue.", "Grass is green."], ["The sky is red.", "Grass grows."])
    assert rows.shape == (2, 3) and np.allclose(rows.sum(axis=1), 1.0)
    result = verifier.score("The sky is red.", passages("The sky is blue.", "It rained."))
    assert set(result) == set(Label) and sum(result.values()) == pytest.approx(1.0)


def test_labels_that_say_nothing_are_refused_unless_named(tmp_path: Path) -> None:
    from service.verifiers.hf import TransformersNliVerifier

    folder = tiny_model(tmp_path / "minicheck", {0: "LABEL_0", 1: "LABEL_1"})

    with pytest.raises(ModelUnavailableError, match="VERICLAIM_MODELS__VERIFIER_LABELS"):
        TransformersNliVerifier.load(str(folder))
    checker = TransformersNliVerifier.load(str(folder), labels=["unsupported", "supported"])  # MiniCheck style
    result = checker.score("The sky is red.", passages("The sky is blue."))
    assert result[Label.REFUTED] == 0.0 and result[Label.SUPPORTED] + result[Label.NOT_ENOUGH_INFO] == \
        pytest.approx(1.0)


def test_a_hub_model_that_is_not_cached_is_one_clear_error_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    from service.verifiers.hf import TransformersNliVerifier

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailableError, match="not in the local Hugging Face cache") as raised:
        TransformersNliVerifier.load("hf:vericlaim-tests/no-such-nli-model")
    assert "\n" not in raised.value.detail
