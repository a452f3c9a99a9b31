"""What `training.cross_verifier_train` trains of the cross-encoder, and how, on the cached frozen states.

`TopHead` is the top layer at the CLS position only (keys and values over every token), the pooler and the
classifier: the full network's logits from the lower layers' output at a fraction of the cost. `train_head`
runs class-balanced AdamW over batches of similar length; `predict_cached` gives probabilities. The states
come from `training.cross_verifier_cache`; the run (data, early stopping, the artifact) stays in
`cross_verifier_train`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from service.verifiers.cross_encoder import LABELS
from training.cross_verifier_cache import HiddenCache, additive_mask

BATCH = 32  # pairs per training step


class TopHead(torch.nn.Module):
    """The trained layer at the CLS position only, the pooler and the classifier: the network's logits."""

    def __init__(self, network: torch.nn.Module, layer: int) -> None:
        super().__init__()
        self.block = network.bert.encoder.layer[layer]
        self.pooler = network.bert.pooler
        self.dropout = network.dropout
        self.classifier = network.classifier
        self.heads = network.config.num_attention_heads

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        attention, (batch, tokens, width) = self.block.attention, hidden.shape
        projections = attention.self
        size = width // self.heads
        query = projections.query(hidden[:, :1]).view(batch, 1, self.heads, size).transpose(1, 2)
        key = projections.key(hidden).view(batch, tokens, self.heads, size).transpose(1, 2)
        value = projections.value(hidden).view(batch, tokens, self.heads, size).transpose(1, 2)
        weights = (query @ key.transpose(2, 3)) * projections.scaling + additive_mask(mask)
        weights = projections.dropout(weights.softmax(dim=-1))
        context = (weights @ value).transpose(1, 2).reshape(batch, 1, width)
        attended = attention.output(context, hidden[:, :1])
        top = self.block.output(self.block.intermediate(attended), attended)
        return self.classifier(self.dropout(self.pooler(top)))


def _length_batches(keys: Sequence[str], cache: HiddenCache, rng: np.random.Generator) -> list[list[str]]:
    """Shuffled batches of similar length: shuffle, sort within windows of 50 batches, shuffle batches."""
    order = [keys[i] for i in rng.permutation(len(keys))]
    batches = []
    for start in range(0, len(order), 50 * BATCH):
        window = sorted(order[start:start + 50 * BATCH], key=lambda key: cache.lengths[cache.index[key]])
        batches += [window[i:i + BATCH] for i in range(0, len(window), BATCH)]
    return [batches[i] for i in rng.permutation(len(batches))]


def train_head(head: TopHead, initial: dict[str, torch.Tensor], cache: HiddenCache, keys: Sequence[str],
               labels: np.ndarray, *, epochs: int, lr: float, seed: int,
               after_epoch: Callable[[int, float], None] | None = None) -> None:
    """Reset the trained tensors to `initial`, then `epochs` passes of class-balanced AdamW over `keys`
    (learning rate warmed up over the first tenth of the first epoch, then constant); `after_epoch` gets
    the epoch and its mean training loss."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    network_params = dict(head.named_parameters())
    with torch.no_grad():
        for name, value in initial.items():
            network_params[name].copy_(value)
    counts = np.bincount(labels, minlength=len(LABELS))
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(len(labels) / (len(LABELS) * np.maximum(counts, 1)),
                                                            dtype=torch.float32))
    optimizer = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=0.01)
    warmup = max(1, len(keys) // BATCH // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / warmup))
    label_of = dict(zip(keys, labels.tolist(), strict=True))
    for epoch in range(1, epochs + 1):
        head.train()
        losses = []
        for batch in _length_batches(list(keys), cache, rng):
            hidden, mask = cache.batch(batch)
            loss = loss_fn(head(hidden, mask), torch.tensor([label_of[key] for key in batch]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            losses.append(loss.item())
        if after_epoch is not None:
            after_epoch(epoch, float(np.mean(losses)))
    head.eval()


def predict_cached(head: TopHead, cache: HiddenCache, keys: Sequence[str]) -> np.ndarray:
    """Probabilities (n, 3) for cached pairs, in `keys` order."""
    head.eval()
    order = sorted(range(len(keys)), key=lambda i: cache.lengths[cache.index[keys[i]]])
    out = np.zeros((len(keys), len(LABELS)))
    with torch.inference_mode():
        for start in range(0, len(order), 128):
            rows = order[start:start + 128]
            out[rows] = head(*cache.batch([keys[i] for i in rows])).softmax(dim=-1).double().numpy()
    return out
