"""A training run can start from the shipped verifier: its int8 graph's weights, dequantised into the transformers
model they came from, read pairs as the served artifact does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from service.verifiers.nli import NliVerifier, bundled_nli_artifact
from training.nli_init import artifact_state, load_artifact_weights
from training.nli_model import build_model, encode, predict
from training.nli_pairs import Pair

pytestmark = pytest.mark.integration

PAIRS = [("Northwind reported a net loss of $6.4 billion for 2025.", "Northwind lost money in 2025."),
         ("Revenue rose 15% to $640 million in fiscal 2024.", "Revenue fell in fiscal 2024."),
         ("The cluster holds 4,096 GPUs.", "The company opened an office in Lisbon.")]


def test_the_shipped_artifact_seeds_a_model_that_reads_as_the_artifact_does() -> None:
    folder = bundled_nli_artifact("nli-mpnet-v2")  # 6 layers, int8: the 4-bit default v4 is refused below
    tokenizer, model = build_model("all-mpnet-base-v2", 0, layers=6)
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}

    assert trainable <= set(artifact_state(folder))  # every weight training updates comes from the artifact
    load_artifact_weights(model, folder)
    seeded = predict(model, encode([Pair("t", "g", p, h, 0) for p, h in PAIRS], tokenizer, 128))
    served = NliVerifier.load(folder).predict_pairs([p for p, _ in PAIRS], [h for _, h in PAIRS])

    assert list(seeded.argmax(1)) == list(served.argmax(1)) == [0, 1, 2]  # entailed, contradicted, neutral
    assert np.abs(seeded - served).max() < 0.15  # int8 activations in serving, float here


def test_an_artifact_of_another_shape_is_refused() -> None:
    _, model = build_model("all-mpnet-base-v2", 0, layers=4)

    with pytest.raises(ValueError, match="lacks"):
        load_artifact_weights(model, bundled_nli_artifact("nli-mpnet-v2"))


def test_an_artifact_of_four_bit_weights_is_refused_with_what_to_do(tmp_path: Path) -> None:
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    from service.errors import InputError

    folder = tmp_path / "int4"
    folder.mkdir()
    graph = onnx.helper.make_graph(
        [onnx.helper.make_node("MatMul", ["x", "w"], ["y"])], "g",
        [onnx.helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [None, 64])],
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [None, 8])],
        [onnx.numpy_helper.from_array(np.ones((64, 8), dtype=np.float32), "w")])
    quantizer = MatMulNBitsQuantizer(onnx.helper.make_model(graph), bits=4, block_size=32, is_symmetric=True)
    quantizer.process()
    onnx.save(quantizer.model.model, str(folder / "model.onnx"))

    with pytest.raises(InputError, match=r"stores 4-bit weights.*training checkpoint"):
        artifact_state(folder)
