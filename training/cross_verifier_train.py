r"""Train the cross-encoder verifier's artifact and print its dev scores.

    vericlaim verifier train-cross-encoder --out service/models_data/cross_verifier.v1.safetensors \
        --cache /tmp/vc_cross/ce

Builds the same examples as the feature verifier (`training.training_pairs`), runs the frozen lower layers of the
bundled MiniLM once over every (claim, evidence) pair and keeps their output (fp16, unpadded; `--cache` keeps
it on disk between runs), then trains the top layer, the pooler and a 3-way classifier on those states:
class-balanced cross-entropy, AdamW, nine tenths of the training claims, keeping the epoch that scores best
on the other tenth (`verifier_train`'s validation rule). Only the CLS position of the top layer feeds the
classifier, so training computes that layer for CLS alone (keys and values over every token): the same
function as the full model at a fraction of the cost (the cached states: `training/cross_verifier_cache.py`;
the head and its training on them: `training/cross_verifier_head.py`).
Deterministic for a given seed and thread count.
`--fusion` also reports the feature verifier fused with the cross-encoder's out-of-fold log-probabilities
(a measurement; not shipped).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from service.config import default_datasets
from service.verifiers.cross_encoder import (
    LABELS,
    CrossEncoderVerifier,
    CrossVerifierWeights,
    build_cross_encoder,
    trained_prefixes,
)
from training.cross_verifier_cache import HiddenCache, cache_hidden_states, digest
from training.cross_verifier_head import TopHead, predict_cached, train_head
from training.training_pairs import LICENCES, TRAINING_SETS, Example, dev_examples, training_examples
from training.verifier_train import _is_validation, _report, check_sets, scores

DEFAULT_DATA = default_datasets()
FOLDS = 5


def evidence_text(example: Example) -> str:
    return " ".join(example.sentences)



@dataclass
class Trainer:
    """The network, its trainable head and the cache: what every training run of `run` shares."""

    model: object  # sentence_transformers.CrossEncoder
    head: TopHead
    initial: dict[str, torch.Tensor]
    cache: HiddenCache
    tag: str
    args: CrossTrainOptions
    layer: int  # the top layer: the one trained

    def keys(self, examples: Sequence[Example]) -> list[str]:
        return [digest(self.tag, e.claim, evidence_text(e)) for e in examples]

    def fit(self, examples: Sequence[Example], epochs: int,
            after_epoch: Callable[[int, float], None] | None = None) -> None:
        labels = np.array([LABELS.index(e.label) for e in examples])
        train_head(self.head, self.initial, self.cache, self.keys(examples), labels, epochs=epochs,
                   lr=self.args.lr, seed=self.args.seed, after_epoch=after_epoch)

    def predict(self, examples: Sequence[Example]) -> np.ndarray:
        return predict_cached(self.head, self.cache, self.keys(examples))


def held_out(train: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """(training claims minus a fixed tenth, that tenth): `verifier_train`'s validation rule."""
    return [e for e in train if not _is_validation(e)], [e for e in train if _is_validation(e)]


def fit_with_early_stopping(trainer: Trainer, train: Sequence[Example]) -> int:
    """Train on nine tenths of the training claims for up to `--epochs` passes and keep the weights of the
    epoch with the best macro-F1 on the held-out tenth's gold examples; returns that epoch."""
    fit, held = held_out(train)
    validation = [e for e in held if e.kind == "gold"]
    best: dict[str, Any] = {"epoch": 0, "f1": -1.0}
    started = time.perf_counter()

    def record(epoch: int, loss: float) -> None:
        f1 = scores(validation, trainer.predict(validation))["macro_f1"]
        print(f"  epoch {epoch}: training loss {loss:.3f}, validation macro-F1 {f1:.3f} "
              f"({time.perf_counter() - started:.0f}s)", flush=True)
        if f1 > best["f1"]:
            best.update(epoch=epoch, f1=f1, state={k: v.detach().clone() for k, v in trainer.head.state_dict().items()})

    trainer.fit(fit, trainer.args.epochs, after_epoch=record)
    trainer.head.load_state_dict(best["state"])
    return int(best["epoch"])


def _round_to_fp16(head: TopHead) -> None:
    with torch.no_grad():
        for parameter in head.parameters():
            parameter.copy_(parameter.half().float())


def trained_tensors(trainer: Trainer) -> dict[str, np.ndarray]:
    prefixes = trained_prefixes(trainer.layer)
    return {name: value.detach().numpy().copy() for name, value in trainer.model[0].model.state_dict().items()
            if name.startswith(prefixes)}


def check_served(path: Path, trainer: Trainer, examples: Sequence[Example]) -> CrossEncoderVerifier:
    """The written file, served through `CrossEncoder`, gives the cached path's probabilities."""
    served = CrossEncoderVerifier.load(path)
    gap = np.abs(served.predict_pairs([e.claim for e in examples], [evidence_text(e) for e in examples])
                 - trainer.predict(examples)).max()
    print(f"served vs cached-path probabilities on {len(examples)} dev pairs: max |diff| {gap:.4f}")
    if gap > 0.02:
        raise RuntimeError(f"the served model disagrees with training by {gap:.3f}")
    return served


def time_serving(served: CrossEncoderVerifier, examples: Sequence[Example]) -> float:
    """Milliseconds per claim of `score` (one claim at a time), over `examples`."""
    from service.domain import Passage

    started = time.perf_counter()
    for example in examples:
        served.score(example.claim, [Passage("doc", 0, len(s), s, 1.0) for s in example.sentences])
    return 1000 * (time.perf_counter() - started) / max(1, len(examples))


def _softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    return np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)


def out_of_fold(trainer: Trainer, train: Sequence[Example], epochs: int) -> np.ndarray:
    """Cross-encoder probabilities for each training example from a model trained without its claim
    (`FOLDS` folds by claim, `epochs` passes each). Leaves the last fold's weights in `trainer.head`."""
    folds = np.array([int(digest("fold", e.source, e.group)[:8], 16) % FOLDS for e in train])
    probabilities = np.zeros((len(train), len(LABELS)))
    for fold in range(FOLDS):
        trainer.fit([e for e, f in zip(train, folds, strict=True) if f != fold], epochs)
        probabilities[folds == fold] = trainer.predict([e for e, f in zip(train, folds, strict=True) if f == fold])
    return probabilities


def report_fusion(trainer: Trainer, train: Sequence[Example], dev: dict[str, list[Example]], epochs: int) -> None:
    """Dev scores of the shipped feature verifier's design matrix plus the cross-encoder's log-probabilities,
    into a class-balanced logistic regression (C = 0.1) fitted on every training example, whose cross-encoder
    columns are out-of-fold. Dev columns come from the shipped cross-encoder. A measurement; nothing is saved;
    call it last (it retrains the head)."""
    from index.embedder import SentenceTransformerEmbedder
    from service.verifiers.feature import VerifierModel, bundled_artifact
    from training.verifier_train import embed_all, featurize, fit_head

    dev_log = {name: np.log(np.clip(trainer.predict(items), 1e-6, 1.0)) for name, items in dev.items()}
    started = time.perf_counter()
    train_log = np.log(np.clip(out_of_fold(trainer, train, epochs), 1e-6, 1.0))
    print(f"  out-of-fold cross-encoder probabilities for {len(train)} training examples in "
          f"{time.perf_counter() - started:.0f}s", flush=True)
    feature_model = VerifierModel.load(bundled_artifact())
    embedder = SentenceTransformerEmbedder(feature_model.embedding_model)
    every = [*train, *(e for items in dev.values() for e in items)]
    vectors = embed_all(embedder, [t for e in every for t in (e.claim, *e.sentences)],
                        cache=trainer.args.embedding_cache)
    mean, scale = train_log.mean(axis=0), train_log.std(axis=0) + 1e-6

    def design(examples: Sequence[Example], log_probabilities: np.ndarray) -> np.ndarray:
        return np.hstack([feature_model.design(*featurize(examples, vectors)), (log_probabilities - mean) / scale])

    labels = np.array([LABELS.index(e.label) for e in train])
    weights, biases = fit_head(design(train, train_log), labels, "lr-0.1", trainer.args.seed, 0)
    print("fused with the feature verifier (dev, gold evidence); the feature verifier alone for reference:")
    for name, items in dev.items():
        _report(f"fused: {name}", scores(items, _softmax(design(items, dev_log[name]) @ weights[0] + biases[0])))
        _report(f"features: {name}", scores(items, feature_model.probabilities(
            feature_model.design(*featurize(items, vectors)))))


@dataclass(frozen=True)
class CrossTrainOptions:
    """What `run` trains with (`vericlaim verifier train-cross-encoder` sets them; its --help says what each does)."""

    out: Path  # where to write the .safetensors artifact
    data: Path = DEFAULT_DATA
    sets: tuple[str, ...] = TRAINING_SETS  # of LICENCES; fever-symmetric is CC BY-SA: the artifact then is too
    epochs: int = 6  # most passes; the best on validation is kept
    lr: float = 1e-3
    max_length: int = 160  # tokens of claim + evidence
    seed: int = 0
    threads: int = 2  # torch CPU threads
    base_model: str = "all-MiniLM-L6-v2"
    cache: Path | None = None  # a folder outside the repository for the frozen states
    fusion: bool = False  # also report the feature verifier fused with out-of-fold cross-encoder scores
    embedding_cache: Path | None = None  # the feature verifier's vector cache (fusion)

    def __post_init__(self) -> None:
        check_sets(self.sets)


def run(args: CrossTrainOptions) -> int:
    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = build_cross_encoder(args.base_model, args.max_length)
    network = model[0].model
    layer = network.config.num_hidden_layers - 1
    head = TopHead(network, layer)
    for parameter in network.parameters():
        parameter.requires_grad_(False)
    for parameter in head.parameters():
        parameter.requires_grad_(True)
    initial = {name: value.detach().clone() for name, value in head.named_parameters()}
    train = training_examples(args.data, tuple(args.sets))
    dev = dev_examples(args.data)
    print(f"{len(train)} training examples from {', '.join(args.sets)}; dev sets: "
          + ", ".join(f"{name} ({len(items)})" for name, items in dev.items()), flush=True)
    tag = digest(args.base_model, args.max_length, layer)[:12]
    every = [*train, *(e for items in dev.values() for e in items)]
    cache = cache_hidden_states(model, [(e.claim, evidence_text(e)) for e in every], layer, tag, args.cache)
    cached_at = time.perf_counter()
    print(f"frozen states of {len(cache.index)} pairs ready in {cached_at - started:.0f}s "
          f"({cache.hidden.nbytes / 2**20:.0f} MiB)", flush=True)
    trainer = Trainer(model, head, initial, cache, tag, args, layer)
    epochs = fit_with_early_stopping(trainer, train)
    _round_to_fp16(head)
    print(f"kept epoch {epochs}; trained in {time.perf_counter() - cached_at:.0f}s; dev scores with gold evidence:")
    results = {}
    for name, items in dev.items():
        results[name] = scores(items, trainer.predict(items))
        _report(name, results[name])
    metadata = {"name": "cross-verifier-v1", "sets": list(args.sets), "seed": args.seed, "epochs": epochs,
                "trained_on": "training claims except the fixed validation tenth (early stopping)",
                "lr": args.lr, "training_examples": len(train), "evidence": "sentences joined with spaces",
                "licences": {name: LICENCES[name] for name in args.sets}, "dev_scores": results,
                "base_model_licence": "Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2)",
                "licence": "CC BY-SA 3.0" if "fever-symmetric" in args.sets else "MIT"}
    CrossVerifierWeights(trained_tensors(trainer), args.base_model, layer, args.max_length,
                         metadata).save(args.out)
    served = check_served(args.out, trainer, dev["check-covid dev"][:16])
    print(f"serving: {time_serving(served, dev['climate-fever (all, 5 candidates)'][:40]):.0f} ms per claim "
          "with 5 evidence sentences")
    if args.fusion:
        report_fusion(trainer, train, dev, epochs)
    print(f"wrote {args.out} ({args.out.stat().st_size / 2**20:.2f} MiB) in {time.perf_counter() - started:.0f}s")
    return 0
