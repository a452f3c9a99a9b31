"""service/verifiers/nbits.py: a graph stored with 4-bit weights computes, turned back into float MatMuls and
then int8, what onnxruntime's MatMulNBits computes; a broken stored graph is a clear model error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from service.errors import ModelUnavailableError
from service.verifiers.nbits import FOUR_BIT, dequantise, served_graph, stores_four_bit

pytestmark = pytest.mark.unit

K, N = 80, 10  # K is not a multiple of the block (32): the last block is padded


def matmul_graph(weights: np.ndarray, bias: np.ndarray | None = None) -> object:
    from onnx import TensorProto, helper, numpy_helper

    nodes = [helper.make_node("MatMul", ["x", "w"], ["y" if bias is None else "xw"], name="proj")]
    initialisers = [numpy_helper.from_array(weights, "w")]
    if bias is not None:
        nodes.append(helper.make_node("Add", ["xw", "b"], ["y"], name="bias"))
        initialisers.append(numpy_helper.from_array(bias, "b"))
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, K])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, N])], initialisers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def four_bit(model: object, *, symmetric: bool) -> object:
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    quantizer = MatMulNBitsQuantizer(model, bits=4, block_size=32, is_symmetric=symmetric)
    quantizer.process()
    return quantizer.model.model


def run(model: object, x: np.ndarray) -> np.ndarray:
    import onnxruntime

    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])  # type: ignore[attr-defined]
    return np.asarray(session.run(["y"], {"x": x})[0])


@pytest.mark.parametrize("symmetric", [True, False])
def test_float_weights_compute_what_matmul_nbits_computes(symmetric: bool) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, K)).astype(np.float32)
    stored = four_bit(matmul_graph(rng.normal(size=(K, N)).astype(np.float32)), symmetric=symmetric)
    assert [node.op_type for node in stored.graph.node] == [FOUR_BIT]  # type: ignore[attr-defined]
    expected = run(stored, x)

    dequantise(stored)

    assert [node.op_type for node in stored.graph.node] == ["MatMul"]  # type: ignore[attr-defined]
    assert np.allclose(run(stored, x), expected, atol=1e-4)


def test_the_served_graph_is_int8_cached_and_close_to_the_float_one(tmp_path: Path) -> None:
    import onnx

    rng = np.random.default_rng(1)
    x = rng.normal(size=(4, K)).astype(np.float32)
    original = matmul_graph(rng.normal(size=(K, N)).astype(np.float32), rng.normal(size=N).astype(np.float32))
    stored = tmp_path / "model.onnx"
    onnx.save(four_bit(original, symmetric=True), str(stored))

    served = served_graph(stored, tmp_path / "cache")

    assert served_graph(stored, tmp_path / "cache") == served  # built once
    model = onnx.load(str(served))
    assert "MatMulInteger" in {node.op_type for node in model.graph.node}
    assert np.abs(run(model, x) - run(original, x)).max() < 0.1 * np.abs(run(original, x)).max()


def test_a_cache_folder_that_cannot_be_made_is_named(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")

    with pytest.raises(ModelUnavailableError, match=r"cannot build the int8 graph .*: cannot write into"):
        served_graph(tmp_path / "file", tmp_path / "file" / "cache")


def test_a_stored_graph_that_is_not_onnx_is_a_model_error(tmp_path: Path) -> None:
    stored = tmp_path / "model.onnx"
    stored.write_bytes(b"not a graph")

    with pytest.raises(ModelUnavailableError, match="cannot build the int8 graph"):
        served_graph(stored, tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*"))  # nothing half-written left behind


def test_only_an_int4_header_is_four_bit() -> None:
    assert stores_four_bit({"quantisation": "int4 weights in blocks of 64"})
    assert not stores_four_bit({"quantisation": "int8 dynamic (onnxruntime, per channel)"}) and not stores_four_bit({})
