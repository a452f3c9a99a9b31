"""A sentence-transformers model served by onnxruntime: the same vectors, without importing torch.

Importing sentence-transformers and torch takes 5–13 s on two cores, which every `vericlaim` process paid
before answering. A sentence-transformers folder whose modules are a BERT-style transformer, mean pooling and
normalisation (all-MiniLM-L6-v2, all-mpnet-base-v2 and most sentence models) is exported once to an ONNX
graph of its transformer (fp32, no quantisation, so vectors match sentence-transformers' to about 1e-6 and
stored collections stay valid) and kept in the cache folder, named by the weights file it came from; the
export is the only step that needs torch. Encoding is then the tokenizer (`tokenizers`, the folder's
tokenizer.json, truncated at the model's `max_seq_length`), the graph, and mean pooling and L2 normalisation
in numpy.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from service.errors import ModelUnavailableError
from service.onnx_sessions import cached_graph, cpu_session

_MODULES = ("sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
            "sentence_transformers.models.Normalize")
PREBUILT_GRAPH = "model.onnx"  # a shipped artifact's own graph (training.retriever_export): served as it is
PREBUILT_HEADER = "retriever.json"


def exportable(folder: Path) -> bool:
    """Whether the folder is a sentence-transformers model this embedder serves exactly: transformer, mean
    pooling, normalisation, and a fast tokenizer file."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, IndexError, KeyError):
        return False
    mean_only = pooling.get("pooling_mode_mean_tokens") and not any(
        pooling.get(key) for key in ("pooling_mode_cls_token", "pooling_mode_max_tokens",
                                     "pooling_mode_mean_sqrt_len_tokens"))
    weights = (folder / "model.safetensors").is_file() or (folder / "pytorch_model.bin").is_file() \
        or (folder / PREBUILT_GRAPH).is_file()
    return tuple(m.get("type") for m in modules) == _MODULES and bool(mean_only) and weights \
        and (folder / "tokenizer.json").is_file()


class OnnxEmbedder:
    """Encodes texts in batches; vectors are L2-normalised float32, shape (n, dimension)."""

    def __init__(self, name: str, folder: Path, cache: Path, *, batch_size: int = 64,
                 threads: int | None = None) -> None:
        from tokenizers import Tokenizer

        self.name = name
        self.batch_size = batch_size
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8")) \
            if (folder / "sentence_bert_config.json").is_file() else {}
        self.max_length = int(config.get("max_seq_length", 256))
        self.dimension = int(json.loads((folder / "config.json").read_text(encoding="utf-8"))["hidden_size"])
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_length)
        self._tokenizer.no_padding()
        graph = prebuilt_graph(folder) or exported_graph(name, folder, cache)
        self._session = cpu_session(graph, threads, "the embedding graph (delete it to re-export)")
        self._inputs = {item.name for item in self._session.get_inputs()}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))  # similar lengths batch well
        out = np.zeros((len(encodings), self.dimension), dtype=np.float32)
        for chosen in _batches(order, [len(e.ids) for e in encodings], self.batch_size):
            out[chosen] = self._pooled([encodings[i] for i in chosen])
        return out

    def _pooled(self, encodings: list[Any]) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            ids[row, :n], mask[row, :n], types[row, :n] = encoding.ids, encoding.attention_mask, encoding.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = self._session.run(["last_hidden_state"], {k: v for k, v in feeds.items() if k in self._inputs})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.clip(norms, 1e-12, None), dtype=np.float32)


# padded tokens a batch may hold: attention keeps batch × heads × width² floats, and onnxruntime's arena keeps
# its largest buffers for the life of the process (`python bench/ingest_memory.py --long-texts 640`: 64 texts of
# 256 tokens a batch peaked at +1,622 MiB, batches under this budget at +354 MiB)
MAX_BATCH_TOKENS = 4096


def _batches(order: Sequence[int], lengths: Sequence[int], size: int) -> list[list[int]]:
    """`order` (by length, shortest first) cut into batches of at most `size` texts and `MAX_BATCH_TOKENS`
    padded tokens (the longest text's length times the batch's size)."""
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        if current and (len(current) == size or (len(current) + 1) * lengths[index] > MAX_BATCH_TOKENS):
            batches.append(current)
            current = []
        current.append(index)
    return [*batches, current] if current else batches


def prebuilt_graph(folder: Path) -> Path | None:
    """A shipped artifact's graph, checked against the sha256 in its header; None for a plain model folder."""
    graph = folder / PREBUILT_GRAPH
    if not graph.is_file():
        return None
    try:
        expected = json.loads((folder / PREBUILT_HEADER).read_text(encoding="utf-8"))["model_sha256"]
    except (OSError, ValueError, KeyError) as exc:
        raise ModelUnavailableError(f"the retriever artifact {folder} has no readable {PREBUILT_HEADER} ({exc})") \
            from None
    if hashlib.sha256(graph.read_bytes()).hexdigest() != expected:
        raise ModelUnavailableError(f"the retriever artifact {folder}: {PREBUILT_GRAPH} does not match the sha256 "
                                    f"in {PREBUILT_HEADER} (reinstall vericlaim)")
    return graph


def exported_graph(name: str, folder: Path, cache: Path) -> Path:
    """The folder's transformer as an ONNX graph in `cache`, exported the first time (needs torch then)."""
    weights = folder / "model.safetensors"
    weights = weights if weights.is_file() else folder / "pytorch_model.bin"
    stat = weights.stat()
    key = hashlib.sha256(f"{weights.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    graph = cache / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)[-60:]}-{key}.onnx"
    return cached_graph(graph, lambda target: export_transformer(folder, target),
                        f"cannot export the embedding model in {folder} to ONNX")


def export_transformer(folder: Path, target: Path) -> None:
    """The transformers model in `folder` as an fp32 ONNX graph: token ids (and mask, and segment ids where the
    model has them) in, the last hidden state out."""
    import inspect

    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(folder)).eval()
    names = ["input_ids", "attention_mask"]
    if "token_type_ids" in inspect.signature(model.forward).parameters:  # BERT has them; MPNet does not
        names.append("token_type_ids")

    class LastHidden(torch.nn.Module):  # type: ignore[misc]  # torch is not analysed (pyproject)
        def __init__(self) -> None:
            super().__init__()
            self.model = model  # a submodule, so its weights export as weights

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(names, inputs, strict=True))).last_hidden_state

    sample = tuple(torch.ones((2, 8), dtype=torch.long) for _ in names)
    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's notes on tracing; the graph is checked by its outputs
        torch.onnx.export(LastHidden(), sample, str(target), input_names=names, output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)
