"""Train the feature verifier's artifact and print its dev scores.

    vericlaim verifier train-feature --out service/models_data/verifier.v2.npz

Builds examples (`training.training_pairs`), embeds every distinct text once with the bundled MiniLM, computes
the features, fits a PCA projection of the embedding pair vectors and a softmax head (multinomial logistic
regression with C = 0.1 by default; `--head auto` picks among four on a fixed tenth of the training claims),
fits on all training claims
and scores the held-out sets with gold evidence. Deterministic for a given seed. scikit-learn fits the head;
serving needs numpy only.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval.metrics import accuracy, binary_f1, per_label_prf
from service.config import default_datasets
from service.domain import Label
from service.errors import InputError
from service.ports import Embedder
from service.verifiers.feature import LABELS, FeatureVerifier, VerifierModel
from service.verifiers.features import FEATURES, MAX_SENTENCES, evidence_features
from training.training_pairs import LICENCES, TRAINING_SETS, Example, dev_examples, training_examples

DEFAULT_DATA = default_datasets()
HEADS = {"lr-0.1": ("lr", 0.1), "lr-1": ("lr", 1.0), "mlp-32": ("mlp", 1e-2), "mlp-32-strong": ("mlp", 1e-1)}


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embed_all(embedder: Embedder, texts: Sequence[str], batch: int = 256,
              cache: Path | None = None) -> dict[str, np.ndarray]:
    """Each distinct text's vector, encoded once, longest first so batches pad little. `cache` (an .npz
    outside the repository) keeps vectors between runs of the same embedder."""
    cached: dict[str, np.ndarray] = {}
    if cache is not None and cache.is_file():
        with np.load(cache, allow_pickle=False) as data:
            cached = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    vectors = {text: cached[_key(text)] for text in set(texts) if _key(text) in cached}
    unique = sorted(set(texts) - set(vectors), key=len, reverse=True)
    started = time.perf_counter()
    for offset in range(0, len(unique), batch):
        chunk = unique[offset:offset + batch]
        vectors.update(zip(chunk, embedder.encode(chunk), strict=True))
        if offset // batch % 10 == 0:
            print(f"  embedded {offset + len(chunk)}/{len(unique)} texts ({time.perf_counter() - started:.0f}s)",
                  flush=True)
    if cache is not None and unique:
        keys = [_key(text) for text in vectors]
        np.savez(cache, keys=np.array(keys), vectors=np.stack(list(vectors.values())))
    return vectors


def featurize(examples: Sequence[Example], vectors: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    rows, pairs = [], []
    for example in examples:
        sentences = list(example.sentences[:MAX_SENTENCES])
        sentence_vectors = np.stack([vectors[s] for s in sentences]) if sentences else np.zeros((0, 1))
        features, pair = evidence_features(example.claim, sentences, vectors[example.claim], sentence_vectors)
        rows.append(features)
        pairs.append(pair)
    return np.array(rows), np.array(pairs)


def fit_projection(pairs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """PCA: the mean and the top-`k` directions, signs fixed so the result does not depend on the solver."""
    mean = pairs.mean(axis=0)
    _, _, vt = np.linalg.svd(pairs - mean, full_matrices=False)
    components = vt[:k].T
    signs = np.sign(components[np.abs(components).argmax(axis=0), np.arange(components.shape[1])])
    return mean, components * signs


def fit_head(design: np.ndarray, labels: np.ndarray, head: str, seed: int,
             epochs: int) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """(weights, biases) of the head on a standardised design matrix; classes are weighted to balance."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    counts = np.bincount(labels, minlength=len(LABELS))
    weight = (len(labels) / (len(LABELS) * np.maximum(counts, 1)))[labels]
    kind, strength = HEADS[head]
    if kind == "lr":
        model = LogisticRegression(C=strength, max_iter=2000, random_state=seed)
        model.fit(design, labels, sample_weight=weight)
        return (model.coef_.T.copy(),), (model.intercept_.copy(),)
    mlp = MLPClassifier(hidden_layer_sizes=(32,), alpha=strength, max_iter=epochs, random_state=seed,
                        early_stopping=False, learning_rate_init=1e-3, batch_size=128)
    with warnings.catch_warnings():  # `epochs` is the budget: stopping there is intended, not a fault
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(design, labels, sample_weight=weight)
    return tuple(w.copy() for w in mlp.coefs_), tuple(b.copy() for b in mlp.intercepts_)


def build_model(features: np.ndarray, pairs: np.ndarray, labels: np.ndarray, *, head: str, projection: int,
                seed: int, epochs: int, embedding_model: str) -> VerifierModel:
    projection_mean, components = fit_projection(pairs, projection)
    raw = np.hstack([features, (pairs - projection_mean) @ components])
    mean, scale = raw.mean(axis=0), raw.std(axis=0)
    scale[scale < 1e-6] = 1.0
    weights, biases = fit_head((raw - mean) / scale, labels, head, seed, epochs)
    return VerifierModel(FEATURES, projection_mean, components, mean, scale, weights, biases, embedding_model)


def predict(model: VerifierModel, features: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    return model.probabilities(model.design(features, pairs))


def scores(examples: Sequence[Example], probabilities: np.ndarray) -> dict[str, float]:
    """3-way accuracy and macro-F1; S-vs-R accuracy on sets with no NEI; S-vs-not-S F1."""
    gold = [e.label for e in examples]
    pred = [LABELS[i] for i in probabilities.argmax(axis=1)]
    per_label = per_label_prf(gold, pred, LABELS)
    present = [label.value for label in LABELS if label in gold]
    result = {"n": float(len(gold)), "accuracy": accuracy(gold, pred),
              "macro_f1": sum(per_label[label]["f1"] for label in present) / len(present),
              "supported_f1": binary_f1(gold, pred, Label.SUPPORTED)}
    if Label.NOT_ENOUGH_INFO not in gold:
        two_way = [LABELS[i] for i in probabilities[:, :2].argmax(axis=1)]
        result["accuracy_s_vs_r"] = accuracy(gold, two_way)
    return {key: round(value, 4) for key, value in result.items()}


def _is_validation(example: Example) -> bool:
    return int(hashlib.sha1(f"val:{example.source}:{example.group}".encode()).hexdigest()[:8], 16) % 10 == 0


def select_head(features: np.ndarray, pairs: np.ndarray, labels: np.ndarray, examples: Sequence[Example],
                args: FeatureTrainOptions, embedding_model: str) -> str:
    """The head with the best macro-F1 on a fixed tenth of the training claims (gold examples only)."""
    held = np.array([_is_validation(e) for e in examples])
    gold_rows = held & np.array([e.kind == "gold" for e in examples])
    results = {}
    for head in HEADS:
        model = build_model(features[~held], pairs[~held], labels[~held], head=head, projection=args.projection,
                            seed=args.seed, epochs=args.epochs, embedding_model=embedding_model)
        validation = [e for e, keep in zip(examples, gold_rows, strict=True) if keep]
        results[head] = scores(validation, predict(model, features[gold_rows], pairs[gold_rows]))["macro_f1"]
        print(f"  head {head}: validation macro-F1 {results[head]:.3f}", flush=True)
    return max(results, key=lambda head: (results[head], head))


def permutation_importance(model: VerifierModel, features: np.ndarray, pairs: np.ndarray,
                           examples: Sequence[Example], seed: int) -> dict[str, float]:
    """Drop in macro-F1 when one feature (or the whole projected pair vector) is shuffled across examples."""
    design = model.design(features, pairs)
    base = scores(examples, model.probabilities(design))["macro_f1"]
    groups = {name: [i] for i, name in enumerate(FEATURES)}
    groups["embedding_pair_projection"] = list(range(len(FEATURES), design.shape[1]))
    rng = np.random.default_rng(seed)
    drops = {}
    for name, columns in groups.items():
        shuffled = design.copy()
        shuffled[:, columns] = design[rng.permutation(len(design))][:, columns]
        drops[name] = round(base - scores(examples, model.probabilities(shuffled))["macro_f1"], 4)
    return dict(sorted(drops.items(), key=lambda item: -item[1]))


def _report(name: str, result: dict[str, float]) -> None:
    extra = "  ".join(f"{k}={v}" for k, v in result.items() if k not in ("n", "accuracy", "macro_f1"))
    print(f"  {name:36s} n={int(result['n']):4d}  acc={result['accuracy']:.3f}  macro-F1={result['macro_f1']:.3f}"
          f"  {extra}")


@dataclass(frozen=True)
class FeatureTrainOptions:
    """What `run` trains with (`vericlaim verifier train-feature` sets them; its --help says what each does)."""

    out: Path  # where to write the .npz artifact
    data: Path = DEFAULT_DATA
    sets: tuple[str, ...] = TRAINING_SETS  # of LICENCES; fever-symmetric is CC BY-SA: the artifact then is too
    head: str = "lr-0.1"  # "auto" or one of HEADS
    epochs: int = 300  # MLP passes over the training examples
    projection: int = 32  # PCA dimensions kept of the pair vector
    seed: int = 0
    embedding_model: str = "all-MiniLM-L6-v2"
    embedding_cache: Path | None = None  # an .npz to keep text vectors between runs

    def __post_init__(self) -> None:
        check_sets(self.sets)
        if self.head not in ("auto", *HEADS):
            raise InputError(f"unknown head {self.head!r}; choose auto, {', '.join(HEADS)}")


def check_sets(sets: Sequence[str]) -> None:
    """Only sets whose licence is known (`LICENCES`) are trained on."""
    known = ", ".join(sorted(LICENCES))
    if not sets:
        raise InputError(f"name at least one training set: {known}")
    if unknown := sorted(set(sets) - set(LICENCES)):
        raise InputError(f"unknown training set {', '.join(unknown)}; choose among {known}")


def run(args: FeatureTrainOptions) -> int:
    started = time.perf_counter()
    from index.embedder import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(args.embedding_model)
    train = training_examples(args.data, tuple(args.sets))
    dev = dev_examples(args.data)
    print(f"{len(train)} training examples from {', '.join(args.sets)}; dev sets: "
          + ", ".join(f"{name} ({len(items)})" for name, items in dev.items()), flush=True)
    texts = [t for e in [*train, *(e for items in dev.values() for e in items)] for t in (e.claim, *e.sentences)]
    vectors = embed_all(embedder, texts, cache=args.embedding_cache)
    features, pairs = featurize(train, vectors)
    labels = np.array([LABELS.index(e.label) for e in train])
    head = args.head if args.head != "auto" else select_head(features, pairs, labels, train, args, embedder.name)
    model = build_model(features, pairs, labels, head=head, projection=args.projection, seed=args.seed,
                        epochs=args.epochs, embedding_model=embedder.name)
    results = {}
    print(f"head {head}; dev scores with gold evidence:")
    for name, items in dev.items():
        results[name] = scores(items, predict(model, *featurize(items, vectors)))
        _report(name, results[name])
    pooled = [e for name in ("check-covid dev", "citation-integrity dev") for e in dev[name]]
    importance = permutation_importance(model, *featurize(pooled, vectors), pooled, args.seed)
    print("permutation importance (macro-F1 drop, Check-COVID + Citation-Integrity dev):")
    print("  " + ", ".join(f"{name} {drop:+.3f}" for name, drop in list(importance.items())[:12]))
    metadata = {"name": "feature-verifier-v2", "head": head, "sets": list(args.sets), "seed": args.seed,
                "projection": args.projection, "epochs": args.epochs, "training_examples": len(train),
                "licences": {name: LICENCES[name] for name in args.sets}, "dev_scores": results,
                "held_out": {"calibration": "train-split claims with sha1('calibration:<set>:<id>') % 3 == 0",
                             "dev": "dev splits; single-file sets: claims with sha1('<set>:<id>') % 2 == 1"},
                "importance": importance,
                "licence": "CC BY-SA 3.0" if "fever-symmetric" in args.sets else "MIT"}
    model = VerifierModel(**{**model.__dict__, "metadata": metadata})
    model.save(args.out)
    FeatureVerifier.load(embedder, args.out)  # the file reads back
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB) in {time.perf_counter() - started:.0f}s")
    return 0
