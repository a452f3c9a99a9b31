"""Start a training run from a served NLI artifact: its int8 ONNX graph's weights, dequantised, put back into the
transformers model they were exported from. A later run carries on from the shipped verifier when the float
checkpoint that made it is gone (`vericlaim verifier train --init-from service/models_data/nli_verifier.v2`).

    state = artifact_state(folder)            # {parameter name: float32 array}
    load_artifact_weights(model, folder)      # copies them in; raises if a weight is missing or misshapen

How the graph's weights are found: float initialisers keep the parameter's name ("model.mpnet.encoder.layer.0.
attention.LayerNorm.weight"); a weight onnxruntime quantised keeps it too, with `_quantized`, `_scale` and
`_zero_point` beside it ("model.classifier.dense.weight_Transposed_quantized"), or, for a linear layer the
exporter folded into a MatMul, an anonymous name whose MatMulInteger output is added to the layer's named bias
further down the graph: that bias names the weight. Dequantised as (q − zero point) × scale, per column where
the scale is a vector. The word-embedding table is not in the graph; the model keeps its base's.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from service.checksums import sha256_file
from service.errors import InputError
from service.verifiers.nbits import FOUR_BIT
from service.verifiers.nli import MODEL_FILE

_PREFIX = "model."  # the exported wrapper's attribute (training.nli_export.FromEmbeddings.model)


def artifact_digest(folder: Path) -> str:
    """sha256 of the artifact's graph: what a training plan that starts from it records."""
    return sha256_file(folder / MODEL_FILE)


def artifact_state(folder: Path) -> dict[str, np.ndarray]:
    """The artifact's weights by the transformers parameter name, as float32 (linear weights as [out, in])."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(folder / MODEL_FILE)).graph
    if any(node.op_type == FOUR_BIT for node in graph.node):
        raise InputError(f"{folder} stores 4-bit weights, which cannot seed a training run: start from the "
                         "training checkpoint that made it, or from an int8 export of it")
    values = {item.name: numpy_helper.to_array(item) for item in graph.initializer}
    state: dict[str, np.ndarray] = {}
    for name, value in values.items():
        if name.endswith(("_quantized", "_scale", "_zero_point")):
            continue
        if name.startswith(_PREFIX) and value.dtype == np.float32:
            state[name.removeprefix(_PREFIX)] = value
    consumers: dict[str, list[Any]] = defaultdict(list)
    for node in graph.node:
        for item in node.input:
            consumers[item].append(node)
    for name in [n for n in values if n.endswith("_quantized")]:
        stem = name.removesuffix("_quantized")
        weight = _dequantised(values[name], values[stem + "_scale"], values[stem + "_zero_point"])
        if stem.startswith(_PREFIX):
            target = stem.removeprefix(_PREFIX)
            transposed = target.endswith("_Transposed")
            state[target.removesuffix("_Transposed")] = weight.T.copy() if transposed else weight
        else:
            bias = _bias_after(name, graph, consumers, values)
            state[bias.removeprefix(_PREFIX).removesuffix(".bias") + ".weight"] = weight.T.copy()
    return state


def load_artifact_weights(model: Any, folder: Path) -> None:
    """Copy the artifact's weights into `model` (a transformers sequence classifier of the same shape)."""
    import torch

    state = artifact_state(folder)
    own = model.state_dict()
    missing = [n for n, p in model.named_parameters() if p.requires_grad and n not in state]
    if missing:
        raise ValueError(f"{folder / MODEL_FILE} has no weight for {', '.join(missing[:5])}"
                         + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""))
    for name, value in state.items():
        if name not in own:
            raise ValueError(f"{folder / MODEL_FILE} holds {name}, which the model being trained lacks")
        if tuple(own[name].shape) != value.shape:
            raise ValueError(f"{name}: {value.shape} in the artifact, {tuple(own[name].shape)} in the model")
    with torch.no_grad():
        model.load_state_dict({name: torch.from_numpy(np.array(v, dtype=np.float32)) for name, v in state.items()},
                              strict=False)


def _dequantised(quantised: np.ndarray, scale: np.ndarray, zero_point: np.ndarray) -> np.ndarray:
    return ((quantised.astype(np.float32) - zero_point.astype(np.float32)) * scale.astype(np.float32)).astype(
        np.float32)


def _bias_after(weight: str, graph: Any, consumers: dict[str, list[Any]], values: dict[str, np.ndarray]) -> str:
    """The named bias added to what the MatMulInteger reading `weight` computes (a few nodes down the graph)."""
    frontier = [node for node in consumers[weight] if node.op_type == "MatMulInteger"]
    for _ in range(6):
        following = []
        for node in frontier:
            if node.op_type == "Add":
                named = [i for i in node.input if i in values and i.endswith(".bias")]
                if named:
                    return named[0]
            following += [c for out in node.output for c in consumers[out]]
        frontier = following
    raise ValueError(f"no bias follows the quantised weight {weight}: cannot tell which layer it is")
