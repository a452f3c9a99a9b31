"""The tuned retriever (a transformers folder from `training.retriever_train`) as the served artifact: an int8
ONNX graph of the encoder and what the ONNX embedder needs beside it.

    export(CHECKPOINTS/final, service/models_data/retriever.v1, name="vericlaim-retriever-v1", report={…})

The folder is a sentence-transformers layout without torch weights: `model.onnx` (int8 dynamic quantisation by
onnxruntime, the word embeddings included), `tokenizer.json`, `config.json`, `sentence_bert_config.json`,
`modules.json`, `1_Pooling/config.json`, and `retriever.json` (format, name, base, the graph's sha256, how it
was trained and scored). `index.onnx_embedder.OnnxEmbedder` serves it as it is (no export, no torch) and refuses
a graph whose sha256 is not the header's.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

FORMAT = "vericlaim-retriever/1"
HEADER = "retriever.json"
_COPIED = ("tokenizer.json", "config.json", "sentence_bert_config.json", "modules.json", "1_Pooling/config.json")


def export(final: Path, out: Path, *, name: str, base: Path, report: dict[str, Any]) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from index.onnx_embedder import export_transformer

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "model.fp32.onnx"
        export_transformer(final, fp32)
        quantize_dynamic(str(fp32), str(out / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul", "Gather"])
    for relative in _COPIED:
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(base / relative, out / relative)
    digest = hashlib.sha256((out / "model.onnx").read_bytes()).hexdigest()
    header = {"format": FORMAT, "name": name, "base_model": "all-MiniLM-L6-v2", "model_sha256": digest,
              "quantisation": "int8 dynamic (onnxruntime, per channel; MatMul and the word embeddings)",
              "training": report}
    (out / HEADER).write_text(json.dumps(header, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return out
