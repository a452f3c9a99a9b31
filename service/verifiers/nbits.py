"""A verifier graph stored with 4-bit weights, served as int8.

An int8 graph of all 12 layers of a base model is about 84 MB, over the 50 MB an artifact may take; stored with
4-bit weights (`vericlaim verifier export --quantisation int4`: onnxruntime's MatMulNBits) it is about 45 MB.
onnxruntime runs MatMulNBits no faster than fp32 on the development machine (a 6-layer graph: 260–340 ms a claim,
int8 81 ms), so the service does not run it: the first load turns each MatMulNBits back into a float MatMul,
quantises the graph to int8 as an int8 artifact is, and keeps the result in the cache folder, keyed by the stored
file's sha256. Later loads read the cached graph.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from service.onnx_sessions import cached_graph

FOUR_BIT = "MatMulNBits"


def stores_four_bit(header: dict[str, Any]) -> bool:
    """Whether an artifact's header says its graph holds 4-bit weights."""
    return str(header.get("quantisation", "")).startswith("int4")


def served_graph(stored: Path, cache: Path) -> Path:
    """The int8 graph for the 4-bit graph `stored`, built into `cache` the first time."""
    digest = hashlib.sha256(stored.read_bytes()).hexdigest()[:16]
    return cached_graph(cache / f"nli-int8-{digest}.onnx", lambda target: _to_int8(stored, target),
                        f"cannot build the int8 graph of {stored}")


def quantise_int8(source: Path, target: Path) -> None:
    """The fp32 graph `source` as an int8 artifact's graph (dynamic, per channel) in `target`: what `vericlaim
    verifier export` writes, and what a 4-bit graph is served as."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True)


def _to_int8(stored: Path, target: Path) -> None:
    import onnx

    model = onnx.load(str(stored))
    dequantise(model)
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "model.fp32.onnx"
        onnx.save(model, str(fp32))
        quantise_int8(fp32, target)


def dequantise(model: Any) -> None:
    """Replace, in place, every MatMulNBits node of the ONNX `model` with a MatMul over its float weights (and an
    Add of its bias when it has one)."""
    from onnx import helper, numpy_helper

    graph = model.graph
    initialisers = {tensor.name: tensor for tensor in graph.initializer}
    nodes: list[Any] = []
    spent: set[str] = set()
    for node in graph.node:
        if node.op_type != FOUR_BIT:
            nodes.append(node)
            continue
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        inputs = [*node.input, *[""] * (6 - len(node.input))]  # A, B, scales, zero points, g_idx, bias
        if inputs[4]:
            raise ValueError(f"{node.name}: reordered blocks (g_idx) are not supported")
        name = f"{inputs[1]}_float"
        spent.update(i for i in inputs[1:4] if i)
        if name in initialisers:  # the same weights under another node: dequantised once
            nodes.extend(_float_matmul(node, inputs, name))
            continue
        weights = dequantised_weights(
            numpy_helper.to_array(initialisers[inputs[1]]), numpy_helper.to_array(initialisers[inputs[2]]),
            numpy_helper.to_array(initialisers[inputs[3]]) if inputs[3] else None,
            k=int(attributes["K"]), n=int(attributes["N"]), bits=int(attributes.get("bits", 4)),
            block=int(attributes["block_size"]))
        initialisers[name] = numpy_helper.from_array(weights.T.copy(), name)  # MatMul takes (K, N)
        graph.initializer.append(initialisers[name])
        nodes.extend(_float_matmul(node, inputs, name))
    del graph.node[:]
    graph.node.extend(nodes)
    kept = [tensor for tensor in graph.initializer if tensor.name not in spent]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def _float_matmul(node: Any, inputs: list[str], weights: str) -> list[Any]:
    """The MatMul (and the Add of its bias, when it has one) that computes what `node` did."""
    from onnx import helper

    if not inputs[5]:
        return [helper.make_node("MatMul", [inputs[0], weights], [node.output[0]], name=node.name)]
    product = f"{node.output[0]}_unbiased"
    return [helper.make_node("MatMul", [inputs[0], weights], [product], name=f"{node.name}_matmul"),
            helper.make_node("Add", [product, inputs[5]], [node.output[0]], name=f"{node.name}_bias")]


def dequantised_weights(packed: np.ndarray, scales: np.ndarray, zero_points: np.ndarray | None, *, k: int, n: int,
                        bits: int, block: int) -> np.ndarray:
    """The (N, K) float weights of a MatMulNBits node: `packed` (N, blocks, block × bits / 8) holds each block's
    values, low bits first; `scales` one per block; `zero_points` packed the same way (None: the midpoint)."""
    if bits != 4:
        raise ValueError(f"{bits}-bit weights are not supported (4-bit only)")
    if zero_points is not None and zero_points.dtype != np.uint8:
        raise ValueError("zero points stored as numbers, not packed 4-bit values, are not supported")
    blocks = -(-k // block)
    nibbles = _nibbles(packed.reshape(n, -1)).reshape(n, blocks, block).astype(np.float32)
    zero = np.float32(8) if zero_points is None else \
        _nibbles(zero_points.reshape(n, -1))[:, :blocks].astype(np.float32)[..., None]
    values = (nibbles - zero) * scales.reshape(n, blocks, 1).astype(np.float32)
    return values.reshape(n, blocks * block)[:, :k]


def _nibbles(packed: np.ndarray) -> np.ndarray:
    """Each byte's low 4 bits, then its high 4 bits, along the last axis."""
    return np.stack([packed & 0x0F, packed >> 4], axis=-1).reshape(*packed.shape[:-1], -1)
