r"""Turn a trained NLI cross-encoder (a transformers folder from `training.nli_train`) into the served artifact.

    vericlaim verifier export /var/tmp/vericlaim-nli/minilm/final service/models_data/nli_verifier.v1 \
        --name nli-minilm-l6-v1 --metadata extra.json

(`vericlaim verifier train` calls `export` itself once training is done; this re-exports a trained folder.)

The artifact is a folder: `model.onnx` (int8 dynamic quantisation by onnxruntime) and `verifier.json` (format,
base model, labels, maximum length, the sha256 of the base model's word-embedding table, metadata). The graph
takes `inputs_embeds` rather than token ids: the word-embedding table, frozen in training, is left out of the
artifact and read at load time from the installed base model (`service.verifiers.nli`), which checks its
sha256. No torch is needed to serve it; onnxruntime and tokenizers are.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from service.verifiers.aggregation import Aggregation
from service.verifiers.nbits import quantise_int8
from service.verifiers.nli import FORMAT, HEADER_FILE, MODEL_FILE, embedding_digest, read_word_embeddings


class FromEmbeddings(torch.nn.Module):
    """The classifier with its input as word embeddings (what the exported graph computes)."""

    def __init__(self, model: torch.nn.Module, *, segments: bool) -> None:
        super().__init__()
        self.model = model
        self.segments = segments

    def forward(self, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor | None = None) -> torch.Tensor:
        extra = {"token_type_ids": token_type_ids} if self.segments else {}
        return self.model(inputs_embeds=inputs_embeds, attention_mask=attention_mask, **extra).logits


def export_onnx(model: torch.nn.Module, path: Path, *, width: int, segments: bool) -> None:
    """fp32 ONNX of `model` with dynamic batch and length (the TorchScript exporter: no onnxscript needed)."""
    wrapper = FromEmbeddings(model, segments=segments).eval()
    embeds = torch.zeros(2, 8, width)
    mask = torch.ones(2, 8, dtype=torch.int64)
    names = ["inputs_embeds", "attention_mask", *(["token_type_ids"] if segments else [])]
    args: tuple[torch.Tensor, ...] = (embeds, mask, *( (torch.zeros(2, 8, dtype=torch.int64),) if segments else ()))
    axes = {name: {0: "batch", 1: "tokens"} for name in names} | {"logits": {0: "batch"}}
    with torch.no_grad(), warnings.catch_warnings():
        # the tracer notes Python conditions on shapes (padding, causal masks) that do not vary for this model
        warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", message="Exporting aten::index operator")
        torch.onnx.export(wrapper, args, str(path), input_names=names, output_names=["logits"],
                          dynamic_axes=axes, opset_version=17, dynamo=False)


# 4-bit weights in blocks of this many, one fp32 scale each: 128 keeps all 12 layers of all-mpnet-base-v2 within
# 50 MB (49.6 MB; with blocks of 64 the scales took 5.3 MB and the graph 52.5 MB)
INT4_BLOCK = 128
QUANTISATIONS = {  # --quantisation → what the header says
    "int8": "int8 dynamic (onnxruntime, per channel)",
    "int4": f"int4 weights in blocks of {INT4_BLOCK}, int8 compute (onnxruntime MatMulNBits, accuracy level 4)",
    "none": "none (fp32)",
}


def quantise(source: Path, target: Path, scheme: str = "int8") -> None:
    """`source` (fp32 ONNX) quantised into `target`: int8 dynamic, or 4-bit weights for a graph twice the size
    (all 12 layers of a base model within the 50 MB an artifact may take)."""
    if scheme == "int8":
        quantise_int8(source, target)
        return
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    quantizer = MatMulNBitsQuantizer(onnx.load(str(source)), bits=4, block_size=INT4_BLOCK, is_symmetric=True,
                                     accuracy_level=4)
    quantizer.process()
    quantizer.model.save_model_to_file(str(target), use_external_data_format=False)


def export(final: Path, out: Path, *, name: str, base: str, metadata: dict[str, Any], quantisation: str = "int8",
           aggregation: str = "decisive") -> Path:
    """Write the artifact folder `out` from the trained folder `final`; returns `out`."""
    from transformers import AutoModelForSequenceClassification

    from index.embedder import resolve_embedding_model

    model = AutoModelForSequenceClassification.from_pretrained(final).eval()
    table = model.get_input_embeddings().weight.detach().numpy()
    base_folder, _ = resolve_embedding_model(base)
    base_table = read_word_embeddings(Path(base_folder))
    if not np.array_equal(table, base_table):
        raise ValueError("the trained word embeddings differ from the base model's: train with them frozen")
    segments = model.config.model_type in {"bert"} and model.config.type_vocab_size > 1
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        fp32 = Path(scratch) / "model.fp32.onnx"
        export_onnx(model, fp32, width=table.shape[1], segments=segments)
        if quantisation != "none":
            quantise(fp32, out / MODEL_FILE, quantisation)
        else:
            (out / MODEL_FILE).write_bytes(fp32.read_bytes())
    labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
    header = {"format": FORMAT, "name": name, "base_model": base, "labels": labels, "segments": segments,
              "max_length": int(metadata.pop("max_length", 128)), "word_embeddings_sha256": embedding_digest(table),
              "quantisation": QUANTISATIONS[quantisation],
              "aggregation": Aggregation(aggregation).value, "metadata": metadata}
    (out / HEADER_FILE).write_text(json.dumps(header, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return out


@dataclass(frozen=True)
class ExportOptions:
    """What `run` exports (`vericlaim verifier export` sets them; its --help says what each does)."""

    final: Path  # the trained transformers folder (CHECKPOINTS/final)
    out: Path  # artifact folder to write
    name: str  # the verifier's name (stamped on verdicts)
    base: str = "all-MiniLM-L6-v2"  # base model the word embeddings come from
    metadata: Path | None = None  # JSON object merged into the artifact's metadata
    quantisation: str = "int8"  # int8, int4 (a 12-layer graph within 50 MB) or none (QUANTISATIONS)
    aggregation: str = "decisive"  # how passage readings become the claim's (service.verifiers.aggregation)


def run(args: ExportOptions) -> int:
    training = json.loads((args.final / "training.json").read_text()) if (args.final / "training.json").is_file() \
        else {}
    metadata = {"max_length": training.get("plan", {}).get("max_length", 128), "training": {
        key: training[key] for key in ("plan", "steps", "train_pairs", "dev_pairs", "dev") if key in training}}
    if args.metadata:
        metadata |= json.loads(args.metadata.read_text())
    out = export(args.final, args.out, name=args.name, base=args.base, metadata=metadata,
                 quantisation=args.quantisation, aggregation=args.aggregation)
    size = (out / MODEL_FILE).stat().st_size / 2**20
    print(f"wrote {out} ({MODEL_FILE} {size:.1f} MiB)")
    return 0
