"""The NLI cross-encoder's parts that `training.nli_train` runs: pairs tokenised (`encode`) and batched by length
(`batches_for_epoch`, `collate`), the model built on its base with the word embeddings frozen (`build_model`),
the loss over three- and two-way targets (`nli_loss`), the weights a checkpoint keeps (`trainable_state`) and
probabilities on the dev slice (`predict`). Kept apart from the run (plan, checkpoints, loop), which imports
them; tests build and score a model from here without the command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from training.nli_pairs import NOT_ENTAILMENT, TARGETS, Pair


@dataclass
class Encoded:
    """Token ids per pair (unpadded), their segment ids, and targets."""

    ids: list[np.ndarray]
    types: list[np.ndarray] | None  # None for models without segment ids (MPNet, RoBERTa)
    targets: np.ndarray
    sources: list[str]
    pad_id: int = 0

    def __len__(self) -> int:
        return len(self.ids)


def encode(pairs: Sequence[Pair], tokenizer: Any, max_length: int) -> Encoded:
    ids: list[np.ndarray] = []
    types: list[np.ndarray] | None = [] if "token_type_ids" in tokenizer.model_input_names else None
    for start in range(0, len(pairs), 2048):
        chunk = pairs[start:start + 2048]
        out = tokenizer([p.premise for p in chunk], [p.hypothesis for p in chunk], truncation="longest_first",
                        max_length=max_length)
        ids.extend(np.asarray(x, dtype=np.int32) for x in out["input_ids"])
        if types is not None:
            types.extend(np.asarray(x, dtype=np.int8) for x in out["token_type_ids"])
    return Encoded(ids, types, np.array([p.target for p in pairs], dtype=np.int64), [p.source for p in pairs],
                   int(tokenizer.pad_token_id or 0))


def batches_for_epoch(lengths: np.ndarray, batch: int, seed: int, epoch: int) -> list[np.ndarray]:
    """Shuffled batches of similar length: shuffle, sort within windows of 64 batches, shuffle the batches."""
    rng = np.random.default_rng([seed, epoch])
    order = rng.permutation(len(lengths))
    out = []
    window = 64 * batch
    for start in range(0, len(order), window):
        part = order[start:start + window]
        part = part[np.argsort(lengths[part], kind="stable")]
        out.extend(part[i:i + batch] for i in range(0, len(part), batch))
    return [out[i] for i in rng.permutation(len(out))]


def collate(data: Encoded, index: np.ndarray) -> dict[str, torch.Tensor]:
    width = max(len(data.ids[i]) for i in index)
    ids = np.full((len(index), width), data.pad_id, dtype=np.int64)
    types = np.zeros((len(index), width), dtype=np.int64)
    mask = np.zeros((len(index), width), dtype=np.int64)
    for row, i in enumerate(index):
        n = len(data.ids[i])
        ids[row, :n], mask[row, :n] = data.ids[i], 1
        if data.types is not None:
            types[row, :n] = data.types[i]
    batch = {"input_ids": torch.from_numpy(ids), "attention_mask": torch.from_numpy(mask)}
    if data.types is not None:
        batch["token_type_ids"] = torch.from_numpy(types)
    return batch


def nli_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Cross-entropy on three-way targets; −log(1 − P(entailment)) on two-way "not entailed" ones."""
    logp = logits.float().log_softmax(dim=-1)
    two_way = targets == NOT_ENTAILMENT
    losses = torch.where(two_way, -torch.logaddexp(logp[:, 1], logp[:, 2]),
                         -logp.gather(1, targets.clamp(max=len(TARGETS) - 1)[:, None])[:, 0])
    return losses.mean()


def build_model(base: str, freeze_layers: int, layers: int | None = None) -> tuple[Any, Any]:
    """(tokenizer, model) for `base`: a bundled model's name (all-MiniLM-L6-v2, all-mpnet-base-v2) or a local
    transformers folder; with `layers`, only the base's first `layers` encoder layers (the rest are not loaded)."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    from index.embedder import resolve_embedding_model

    location, _ = resolve_embedding_model(base)
    transformers_logging.set_verbosity_error()  # "classifier weights newly initialised" is expected
    tokenizer = AutoTokenizer.from_pretrained(location)
    model = AutoModelForSequenceClassification.from_pretrained(
        location, num_labels=len(TARGETS), id2label=dict(enumerate(TARGETS)),
        label2id={name: i for i, name in enumerate(TARGETS)}, **({"num_hidden_layers": layers} if layers else {}))
    encoder = model.base_model
    encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    if freeze_layers > 0:
        for parameter in encoder.embeddings.parameters():
            parameter.requires_grad_(False)
        for layer in encoder.encoder.layer[:freeze_layers]:
            for parameter in layer.parameters():
                parameter.requires_grad_(False)
    return tokenizer, model


def trainable_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    names = {name for name, parameter in model.named_parameters() if parameter.requires_grad}
    return {name: value for name, value in model.state_dict().items()
            if name in names or (not name.endswith(".weight") and not name.endswith(".bias"))}


@torch.no_grad()
def predict(model: torch.nn.Module, data: Encoded, batch: int = 64, bf16: bool = False) -> np.ndarray:
    """Probabilities (n, 3) in `TARGETS` order."""
    model.eval()
    lengths = np.array([len(x) for x in data.ids])
    order = np.argsort(lengths, kind="stable")
    out = np.zeros((len(data), len(TARGETS)), dtype=np.float32)
    for start in range(0, len(order), batch):
        index = order[start:start + batch]
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(**collate(data, index)).logits
        out[index] = logits.float().softmax(dim=-1).numpy()
    model.train()
    return out
