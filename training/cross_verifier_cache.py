"""The cross-encoder trainer's cache: the frozen lower layers of the network run once over every (claim,
evidence) pair, their output kept as unpadded fp16 rows (on disk between runs when a folder is given), so
that each epoch computes only the trained top layer."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

CACHE_BATCH = 64


def digest(*parts: object) -> str:
    return hashlib.sha1("\x00".join(map(str, parts)).encode("utf-8")).hexdigest()


def additive_mask(mask: torch.Tensor) -> torch.Tensor:
    """(batch, tokens) 1/0 → (batch, 1, 1, tokens) 0/-inf-like, added to attention scores."""
    return (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min


@dataclass(frozen=True)
class HiddenCache:
    """The frozen layers' output for each pair, unpadded fp16 rows of `hidden`, found by pair key."""

    index: dict[str, int]
    offsets: np.ndarray
    lengths: np.ndarray
    hidden: np.ndarray  # (tokens, hidden size)

    def batch(self, keys: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        rows = [self.index[key] for key in keys]
        width = int(self.lengths[rows].max())
        hidden = np.zeros((len(rows), width, self.hidden.shape[1]), dtype=np.float32)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            start, length = int(self.offsets[row]), int(self.lengths[row])
            hidden[i, :length] = self.hidden[start:start + length]
            mask[i, :length] = 1
        return torch.from_numpy(hidden), torch.from_numpy(mask)


def frozen_forward(network: torch.nn.Module, features: dict, layer: int) -> torch.Tensor:
    """The input of transformer layer `layer`: embeddings, then layers 0 … layer-1."""
    hidden = network.bert.embeddings(input_ids=features["input_ids"], token_type_ids=features["token_type_ids"])
    mask = additive_mask(features["attention_mask"])
    for block in network.bert.encoder.layer[:layer]:
        hidden = block(hidden, mask)
    return hidden


def cache_hidden_states(model, pairs: Sequence[tuple[str, str]], layer: int, tag: str,
                        folder: Path | None) -> HiddenCache:
    """Every distinct pair's frozen-layer states, computed once (longest first), kept in `folder` if given."""
    keys: list[str] = []
    parts: list[np.ndarray] = []
    if folder is not None and (folder / f"{tag}.keys.npy").is_file():
        keys = np.load(folder / f"{tag}.keys.npy").tolist()
        parts = [np.load(folder / f"{tag}.hidden.npy")]
        lengths = np.load(folder / f"{tag}.lengths.npy").tolist()
    else:
        lengths = []
    known = set(keys)
    todo = {digest(tag, a, b): (a, b) for a, b in pairs if digest(tag, a, b) not in known}
    order = sorted(todo, key=lambda key: -len(todo[key][0]) - len(todo[key][1]))
    network = model[0].model.eval()
    started = time.perf_counter()
    with torch.inference_mode():
        for offset in range(0, len(order), CACHE_BATCH):
            chunk = order[offset:offset + CACHE_BATCH]
            features = model.preprocess([todo[key] for key in chunk])
            hidden = frozen_forward(network, features, layer).numpy()
            for i, count in enumerate(features["attention_mask"].sum(dim=1).tolist()):
                parts.append(hidden[i, :count].astype(np.float16))
                lengths.append(count)
            keys.extend(chunk)
            if offset // CACHE_BATCH % 20 == 0:
                print(f"  cached {offset + len(chunk)}/{len(order)} pairs ({time.perf_counter() - started:.0f}s)",
                      flush=True)
    flat = np.concatenate(parts) if parts else np.zeros((0, network.config.hidden_size), dtype=np.float16)
    if folder is not None and order:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / f"{tag}.keys.npy", np.array(keys))
        np.save(folder / f"{tag}.lengths.npy", np.array(lengths, dtype=np.int64))
        np.save(folder / f"{tag}.hidden.npy", flat)
    length_array = np.array(lengths, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(length_array)[:-1]]).astype(np.int64)
    return HiddenCache({key: i for i, key in enumerate(keys)}, offsets, length_array, flat)
