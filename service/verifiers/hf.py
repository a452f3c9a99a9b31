"""Any Hugging Face sequence-classification NLI model as the verifier, for users who are online (or have it
cached): `VERICLAIM_MODELS__VERIFIER=hf:MoritzLaurer/DeBERTa-v3-base-mnli-fever-anli`, or a local folder.

    verifier = TransformersNliVerifier.load("hf:cross-encoder/nli-deberta-v3-base")
    verifier.score(claim, passages)                    # {Label: probability}, as `NliVerifier`

What each output means is read from the model's `config.id2label` (`label_kinds`): a 3-way NLI head
(entailment, neutral, contradiction, in any order and common spellings) or a 2-way checker in the style of
MiniCheck (supported / unsupported: it never says REFUTED). Names that say nothing (`LABEL_0`) are refused
at start-up unless `VERICLAIM_MODELS__VERIFIER_LABELS` gives their meanings in order. Runs on torch, which
the embedder already needs; evidence is read and aggregated as the bundled NLI verifier does.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import softmax

from service.errors import ModelUnavailableError
from service.verifiers.nli import PairVerifier, label_kinds, to_label_columns

HF_PREFIX = "hf:"


def is_transformers_reference(choice: str) -> bool:
    """`hf:NAME`, or a local folder holding a transformers model (config.json) rather than an NLI artifact."""
    if choice.startswith(HF_PREFIX):
        return True
    path = Path(choice).expanduser()
    return path.is_dir() and (path / "config.json").is_file()


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


class TransformersNliVerifier(PairVerifier):
    def __init__(self, model: Any, tokenizer: Any, kinds: Sequence[str], name: str, *, max_length: int = 512,
                 batch_size: int = 16) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.kinds = list(kinds)
        self.name = name
        self.max_length = max_length
        self.batch_size = batch_size
        self.metadata: dict[str, Any] = {}

    @classmethod
    def load(cls, reference: str, *, labels: Sequence[str] | None = None, device: str = "cpu",
             max_length: int = 512) -> TransformersNliVerifier:
        """`hf:NAME` (hub or local cache) or a local folder. `labels` overrides the meanings of the outputs."""
        name = reference.removeprefix(HF_PREFIX)
        local = Path(name).expanduser()
        if not local.is_dir() and _offline() and not _cached(name):
            raise ModelUnavailableError(f"verifier model {name!r} is not in the local Hugging Face cache and "
                                        "HF_HUB_OFFLINE is set: download it once while online")
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        source = str(local) if local.is_dir() else name
        try:
            tokenizer = AutoTokenizer.from_pretrained(source)
            model = AutoModelForSequenceClassification.from_pretrained(source).to(device).eval()
        except (OSError, ValueError, RuntimeError, AssertionError) as exc:  # AssertionError: torch without CUDA
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelUnavailableError(f"cannot load verifier model {name!r}: {first}") from None
        config = model.config
        names = list(labels) if labels else [str(config.id2label[i]) for i in range(config.num_labels)]
        if len(names) != config.num_labels:
            raise ModelUnavailableError(f"{len(names)} verifier labels given for a model with {config.num_labels}")
        kinds = label_kinds(names)
        limit = min(max_length, int(getattr(tokenizer, "model_max_length", max_length) or max_length))
        return cls(model, tokenizer, kinds, str(local) if local.is_dir() else f"hf:{name}", max_length=limit)

    def predict_pairs(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        import torch

        if len(premises) != len(hypotheses):
            raise ValueError(f"{len(premises)} premises but {len(hypotheses)} hypotheses")
        rows = []
        for start in range(0, len(premises), self.batch_size):
            batch = self.tokenizer(list(premises[start:start + self.batch_size]),
                                   list(hypotheses[start:start + self.batch_size]), truncation="longest_first",
                                   max_length=self.max_length, padding=True, return_tensors="pt")
            with torch.no_grad():
                logits = self.model(**batch.to(self.model.device)).logits
            rows.append(logits.float().cpu().numpy())
        if not rows:
            return np.zeros((0, 3))
        return to_label_columns(softmax(np.concatenate(rows).astype(np.float64), axis=1), self.kinds)


def _cached(name: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    return isinstance(try_to_load_from_cache(name, "config.json"), str)
