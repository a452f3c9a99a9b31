r"""Fine-tune a cross-encoder on NLI pairs: the training half of the NLI verifier. Resumable.

`run(NliTrainOptions(...))`; `vericlaim verifier train` (training.nli_build) runs it, then exports and scores:

    vericlaim verifier train --out DIR --checkpoints /var/tmp/vericlaim-nli --data ../shared/datasets \
        [--base all-MiniLM-L6-v2] [--epochs 1.5] [--lr 6e-5] [--stop-after-minutes 60] [--init-from ARTIFACT]

The base model (a BERT-style encoder; the bundled all-MiniLM-L6-v2 by default) gets a 3-way head over
`training.nli_pairs.TARGETS` and trains on every layer but the word embeddings, which stay the base model's so
the shipped artifact can leave them out and read them from the installed base package. Batches of similar
length (dynamic padding), AdamW with linear warm-up and decay over the planned steps. Two-way pairs train on
−log(P(neutral) + P(contradiction)) when not entailed. The model, the batching and the loss are in
`training.nli_model`; this module is the resumable run.

Every `--checkpoint-minutes` (and on SIGTERM/SIGINT, and at `--stop-after-minutes`) the trainable weights, the
optimiser and the position in the plan are written atomically to `--checkpoints`; running the same command
again resumes there. A checkpoint made under another plan (data, base, hyper-parameters) is refused. When
the plan is done the dev slice is scored and the model is saved to `CHECKPOINTS/final/` (a transformers
folder) for `training.nli_export`.
"""

from __future__ import annotations

import hashlib
import json
import math
import signal
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from service.config import default_datasets
from training.nli_init import artifact_digest, load_artifact_weights
from training.nli_model import batches_for_epoch, build_model, collate, encode, nli_loss, predict, trainable_state
from training.nli_pairs import CONTRAST_KINDS, load_pairs, slice_report, split_pairs

CHECKPOINT = "checkpoint.pt"
FINAL = "final"


@dataclass(frozen=True)
class Plan:
    """Everything that decides the trained weights; a checkpoint resumes only under the same plan."""

    base: str
    data_digest: str
    max_length: int
    batch: int
    epochs: float
    lr: float
    warmup: float
    weight_decay: float
    freeze_layers: int
    domain_repeats: int
    seed: int
    bf16: bool
    layers: int | None = None  # the base's first N encoder layers (None: all)
    init: str | None = None  # sha256 of the served artifact whose weights it starts from (None: the base's)

    def digest(self) -> str:
        plan = asdict(self)
        if plan["init"] is None:
            del plan["init"]  # plans made before runs could start from an artifact keep their digest
        return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()[:16]


class Stopper:
    """Turns SIGTERM/SIGINT into a request to checkpoint and stop at the next step."""

    def __init__(self) -> None:
        self.requested = False
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._request)

    def _request(self, *_: object) -> None:
        self.requested = True


def save_checkpoint(path: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
                    scheduler: Any, step: int, plan: Plan, log: list[dict[str, Any]]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    torch.save({"plan": plan.digest(), "step": step, "model": trainable_state(model),
                "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(), "log": log}, temporary)
    temporary.replace(path)


@dataclass(frozen=True, kw_only=True)
class NliTrainOptions:
    """What `run` trains with (`vericlaim verifier train` sets them; its --help says what each does)."""

    checkpoints: Path  # folder for checkpoints and the result
    data: Path = field(default_factory=default_datasets)
    base: str = "all-MiniLM-L6-v2"
    max_length: int = 128
    batch: int = 32
    epochs: float = 1.5
    lr: float = 6e-5
    warmup: float = 0.06  # share of the steps spent warming up
    weight_decay: float = 0.01
    freeze_layers: int = 0  # also freeze the embeddings and N lower layers
    domain_repeats: int = 2  # times each in-domain pair is seen per epoch
    nli_sets: tuple[str, ...] | None = None  # only these NLI sets (file stems)
    layers: int | None = None  # keep only the base's first N encoder layers
    scene_policy: str = "two-way"  # SNLI-family different-scene contradictions: two-way, keep or drop
    contrast: tuple[str, ...] = CONTRAST_KINDS  # contrast pairs to add (training.contrast_pairs)
    seed: int = 0
    bf16: bool = True  # bfloat16 autocast (False: float32)
    threads: int = 2
    checkpoint_minutes: float = 10.0
    stop_after_minutes: float | None = None
    max_steps: int | None = None  # stop (with a checkpoint) after this step
    init_from: Path | None = None  # a served NLI artifact to start from (training.nli_init) instead of the base


def run(args: NliTrainOptions) -> int:
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    started = time.monotonic()
    args.checkpoints.mkdir(parents=True, exist_ok=True)
    pairs = load_pairs(args.data, **({"nli_sets": args.nli_sets} if args.nli_sets else {}),
                       scene_policy=args.scene_policy, contrast_kinds=args.contrast)
    train_pairs, dev_pairs = split_pairs(pairs)
    train_pairs += [p for p in train_pairs if p.source.startswith("domain:")] * (args.domain_repeats - 1)
    digest = hashlib.sha256("\n".join(f"{p.source}\t{p.premise}\t{p.hypothesis}\t{p.target}"
                                      for p in train_pairs).encode()).hexdigest()[:16]
    plan = Plan(args.base, digest, args.max_length, args.batch, args.epochs, args.lr, args.warmup,
                args.weight_decay, args.freeze_layers, args.domain_repeats, args.seed, args.bf16, args.layers,
                artifact_digest(args.init_from) if args.init_from else None)
    tokenizer, model = build_model(args.base, args.freeze_layers, args.layers)
    if args.init_from:
        load_artifact_weights(model, args.init_from)
    train, dev = encode(train_pairs, tokenizer, args.max_length), encode(dev_pairs, tokenizer, args.max_length)
    lengths = np.array([len(x) for x in train.ids])
    per_epoch = math.ceil(len(train) / args.batch)
    total = math.ceil(per_epoch * args.epochs)
    print(f"{len(train)} training pairs, {len(dev)} dev pairs; {per_epoch} steps an epoch, {total} planned; "
          f"mean length {lengths.mean():.1f} tokens; plan {plan.digest()}", flush=True)

    parameters = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in parameters if p.ndim > 1]
    no_decay = [p for p in parameters if p.ndim <= 1]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    warm = max(1, int(total * args.warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warm, max(0.0, (total - step) / max(1, total - warm))))
    step, log = 0, []
    checkpoint = args.checkpoints / CHECKPOINT
    if checkpoint.is_file():
        state = torch.load(checkpoint, weights_only=False)
        if state["plan"] != plan.digest():
            print(f"error: {checkpoint} was made under another plan; move it away to start again", file=sys.stderr)
            return 2
        model.load_state_dict(state["model"], strict=False)
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, log = int(state["step"]), list(state["log"])
        print(f"resumed at step {step}", flush=True)

    stopper = Stopper()
    model.train()
    last_save, window_loss, window_pairs, window_started = time.monotonic(), 0.0, 0, time.monotonic()
    while step < total:
        epoch, offset = divmod(step, per_epoch)
        plan_batches = batches_for_epoch(lengths, args.batch, args.seed, epoch)
        for index in plan_batches[offset:]:
            if step >= total:
                break
            inputs = collate(train, index)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
                logits = model(**inputs).logits
            loss = nli_loss(logits, torch.from_numpy(train.targets[index]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            step += 1
            window_loss += loss.item() * len(index)
            window_pairs += len(index)
            if step % 100 == 0:
                rate = window_pairs / (time.monotonic() - window_started)
                entry = {"step": step, "loss": round(window_loss / window_pairs, 4), "pairs_per_s": round(rate, 2),
                         "lr": scheduler.get_last_lr()[0]}
                log.append(entry)
                print(json.dumps(entry), flush=True)
                window_loss, window_pairs, window_started = 0.0, 0, time.monotonic()
            elapsed = (time.monotonic() - started) / 60
            stop = stopper.requested or (args.stop_after_minutes is not None and elapsed >= args.stop_after_minutes) \
                or (args.max_steps is not None and step >= args.max_steps)
            if stop or time.monotonic() - last_save >= args.checkpoint_minutes * 60:
                save_checkpoint(checkpoint, model, optimizer, scheduler, step, plan, log)
                last_save = time.monotonic()
            if stop:
                print(f"stopped at step {step} of {total}; run the same command to resume", flush=True)
                return 0
    save_checkpoint(checkpoint, model, optimizer, scheduler, step, plan, log)
    report = slice_report(predict(model, dev, bf16=args.bf16), dev.targets, dev.sources)
    final = args.checkpoints / FINAL
    model.save_pretrained(final)
    tokenizer.save_pretrained(final)
    (final / "training.json").write_text(json.dumps({"plan": asdict(plan), "plan_digest": plan.digest(),
                                                    "steps": step, "train_pairs": len(train),
                                                    "dev_pairs": len(dev), "dev": report, "log": log}, indent=1))
    print(json.dumps(report["all"]), flush=True)
    for source, entry in report.items():
        print(f"  {source}: {entry}", flush=True)
    return 0
