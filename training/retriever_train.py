r"""Tune the retriever's bi-encoder on claim → evidence triplets, resumably, and export it for serving.

    vericlaim retriever train --out service/models_data/retriever.v1 [--checkpoints /var/tmp/vericlaim-retriever]
        [--epochs 2] [--lr 3e-5] [--batch 32] [--stop-after-minutes 60]

The base is the bundled all-MiniLM-L6-v2 (every layer trained). The loss is in-batch softmax over the claim's
similarity to its positive, the other claims' positives and every claim's hard negative (sentence-transformers'
MultipleNegativesRankingLoss, scale 20), on mean-pooled, normalised vectors: what the index stores. Claims are
cut at 64 tokens, sentences at 128. Batches are shuffled by seed and epoch; AdamW with a linear warm-up over a
tenth of the steps, then linear decay.

Every `--checkpoint-minutes` (and on SIGTERM/SIGINT, and at `--stop-after-minutes`) the weights, the optimiser
and the position are written atomically to `--checkpoints`; the same command resumes there, and refuses a
checkpoint made under another plan. When the plan is done, the dev triplets (one claim in 25) are scored
(in-batch recall@1 against the base model's) and the artifact is written (`training.retriever_export`).
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from service.config import default_datasets
from training.nli_train import Stopper
from training.retriever_pairs import LICENCES, Triplet, retriever_triplets

CHECKPOINT = "checkpoint.pt"
FINAL = "final"
SCALE = 20.0


@dataclass(frozen=True)
class RetrieverPlan:
    data_digest: str
    epochs: float
    lr: float
    batch: int
    domain_repeats: int
    seed: int

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True, kw_only=True)
class RetrieverTrainOptions:
    checkpoints: Path
    data: Path = field(default_factory=default_datasets)
    epochs: float = 2.0
    lr: float = 3e-5
    batch: int = 32
    domain_repeats: int = 2  # in-domain triplets (Check-COVID, Citation-Integrity, WiCE) seen this often
    seed: int = 0
    threads: int = 2
    checkpoint_minutes: float = 10.0
    stop_after_minutes: float | None = None


def base_folder() -> Path:
    from index.embedder import resolve_embedding_model

    location, _ = resolve_embedding_model("all-MiniLM-L6-v2")
    return Path(location)


def _encode(model: Any, tokenizer: Any, texts: list[str], max_length: int) -> torch.Tensor:
    inputs = tokenizer(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    hidden = model(**inputs).last_hidden_state
    mask = inputs["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1)


def batch_loss(model: Any, tokenizer: Any, batch: list[Triplet]) -> torch.Tensor:
    claims = _encode(model, tokenizer, [t.claim for t in batch], 64)
    sentences = _encode(model, tokenizer, [t.positive for t in batch] + [t.negative for t in batch], 128)
    scores = claims @ sentences.T * SCALE
    return torch.nn.functional.cross_entropy(scores, torch.arange(len(batch)))


@torch.no_grad()
def dev_recall(model: Any, tokenizer: Any, dev: list[Triplet], batch: int = 64) -> float:
    """Share of dev claims whose positive ranks first among the positives and negatives of their dev batch."""
    model.eval()
    hits = 0
    for start in range(0, len(dev), batch):
        chosen = dev[start:start + batch]
        claims = _encode(model, tokenizer, [t.claim for t in chosen], 64)
        sentences = _encode(model, tokenizer, [t.positive for t in chosen] + [t.negative for t in chosen], 128)
        hits += int((torch.argmax(claims @ sentences.T, dim=1) == torch.arange(len(chosen))).sum())
    model.train()
    return hits / max(len(dev), 1)


def run(args: RetrieverTrainOptions) -> int:
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.monotonic()
    args.checkpoints.mkdir(parents=True, exist_ok=True)
    triplets = retriever_triplets(args.data)
    train = [t for t in triplets if not t.dev]
    dev = [t for t in triplets if t.dev]
    train += [t for t in train if t.source in {"check-covid", "citation-integrity", "wice"}] * (args.domain_repeats - 1)
    digest = hashlib.sha256("\n".join(f"{t.source}\t{t.claim}\t{t.positive}\t{t.negative}"
                                      for t in train).encode()).hexdigest()[:16]
    plan = RetrieverPlan(digest, args.epochs, args.lr, args.batch, args.domain_repeats, args.seed)
    folder = base_folder()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder)
    per_epoch = math.ceil(len(train) / args.batch)
    total = math.ceil(per_epoch * args.epochs)
    print(f"{len(train)} training triplets, {len(dev)} dev; {per_epoch} steps an epoch, {total} planned; "
          f"plan {plan.digest()}", flush=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warm = max(1, total // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warm, max(0.0, (total - step) / max(1, total - warm))))
    step, log = 0, []
    base_recall: float | None = None
    checkpoint = args.checkpoints / CHECKPOINT
    if checkpoint.is_file():
        state = torch.load(checkpoint, weights_only=False)
        if state["plan"] != plan.digest():
            print(f"error: {checkpoint} was made under another plan; move it away to start again", file=sys.stderr)
            return 2
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, log = int(state["step"]), list(state["log"])
        base_recall = state.get("base_recall")
        print(f"resumed at step {step}", flush=True)
    else:
        base_recall = dev_recall(model, tokenizer, dev)

    def save() -> None:
        temporary = checkpoint.with_name(checkpoint.name + ".tmp")
        torch.save({"plan": plan.digest(), "step": step, "model": model.state_dict(), "base_recall": base_recall,
                    "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), "log": log}, temporary)
        temporary.replace(checkpoint)

    stopper = Stopper()
    model.train()
    last_save, window, window_started = time.monotonic(), [], time.monotonic()
    while step < total:
        epoch, offset = divmod(step, per_epoch)
        order = np.random.default_rng([args.seed, epoch]).permutation(len(train))
        for first in range(offset * args.batch, len(order), args.batch):
            if step >= total:
                break
            loss = batch_loss(model, tokenizer, [train[i] for i in order[first:first + args.batch]])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            window.append(loss.item())
            if step % 50 == 0:
                entry = {"step": step, "loss": round(float(np.mean(window)), 4),
                         "triplets_per_s": round(len(window) * args.batch / (time.monotonic() - window_started), 1)}
                log.append(entry)
                print(json.dumps(entry), flush=True)
                window, window_started = [], time.monotonic()
            minutes = (time.monotonic() - started) / 60
            stop = stopper.requested or (args.stop_after_minutes is not None and minutes >= args.stop_after_minutes)
            if stop or time.monotonic() - last_save >= args.checkpoint_minutes * 60:
                save()
                last_save = time.monotonic()
            if stop:
                print(f"stopped at step {step} of {total}; run the same command to resume", flush=True)
                return 0
    save()
    tuned_recall = dev_recall(model, tokenizer, dev)
    final = args.checkpoints / FINAL
    model.save_pretrained(final)
    tokenizer.save_pretrained(final)
    report = {"plan": asdict(plan), "plan_digest": plan.digest(), "steps": step, "train_triplets": len(train),
              "dev_triplets": len(dev), "dev_in_batch_recall_at_1": {"base": base_recall, "tuned": tuned_recall},
              "sources": {name: LICENCES[name] for name in sorted({t.source for t in triplets})},
              "triplets_by_source": {name: sum(t.source == name for t in train) for name in LICENCES},
              "log": log}
    (final / "training.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(json.dumps(report["dev_in_batch_recall_at_1"]), flush=True)
    return 0
