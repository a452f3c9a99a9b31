"""The bundled MiniLM on onnxruntime (the default) gives sentence-transformers' vectors, from a graph exported
once into the cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embedder import BUNDLED_MINILM, SentenceTransformerEmbedder
from index.onnx_embedder import OnnxEmbedder
from service.bootstrap import build_embedder
from service.config import Settings

pytestmark = pytest.mark.integration

TEXTS = ["Acme Corporation reported revenue of $6.4 billion in 2023.", "Hi", "",
         "The cluster, called Kestrel, holds 12,288 H100 GPUs across 1,536 servers with eight each. " * 12,
         "Vitamin D had no measurable effect on COVID-19 outcomes in the trial."]


def test_the_default_embedder_is_onnx_and_matches_sentence_transformers(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, models={"onnx_cache": tmp_path / "onnx"})

    served = build_embedder(settings)
    reference = SentenceTransformerEmbedder(BUNDLED_MINILM)

    assert isinstance(served, OnnxEmbedder) and served.name == reference.name == BUNDLED_MINILM
    assert served.dimension == reference.dimension == 384
    ours, theirs = served.encode(TEXTS), reference.encode(TEXTS)
    assert ours.shape == theirs.shape and ours.dtype == np.float32
    assert np.abs(ours - theirs).max() < 1e-4
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert [p.suffix for p in (tmp_path / "onnx").iterdir()] == [".onnx"]  # exported once, no temporary left


def test_the_torch_backend_stays_one_setting_away(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, models={"embedding_backend": "torch", "onnx_cache": tmp_path / "onnx"})

    assert isinstance(build_embedder(settings), SentenceTransformerEmbedder)
    assert not (tmp_path / "onnx").exists()


def test_a_cache_that_cannot_be_written_falls_back_to_sentence_transformers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings = Settings(home=tmp_path, models={"onnx_cache": blocked / "onnx"})

    assert isinstance(build_embedder(settings), SentenceTransformerEmbedder)
    assert "embedding with sentence-transformers instead" in caplog.text


def test_the_tuned_retriever_is_one_setting_away_and_finds_the_deciding_sentence(tmp_path: Path) -> None:
    from index.embedder import BUNDLED_RETRIEVER

    settings = Settings(home=tmp_path, models={"embedding": BUNDLED_RETRIEVER, "onnx_cache": tmp_path / "onnx"})

    served = build_embedder(settings)

    assert isinstance(served, OnnxEmbedder) and served.name == BUNDLED_RETRIEVER and served.dimension == 384
    assert not (tmp_path / "onnx").exists()  # its own int8 graph is served as shipped: nothing exported
    claim = served.encode(["Vitamin D supplements reduce the severity of COVID-19."])
    sentences = served.encode(["The trial found no effect of vitamin D on COVID-19 severity or mortality.",
                               "Vitamin D is made in the skin when it is exposed to sunlight.",
                               "COVID-19 vaccines were first approved in December 2020."])
    assert int(np.argmax(sentences @ claim[0])) == 0


def test_a_retriever_graph_that_does_not_match_its_header_is_refused(tmp_path: Path) -> None:
    import shutil

    from index.embedder import RETRIEVER_ARTIFACT
    from index.onnx_embedder import prebuilt_graph
    from service.errors import ModelUnavailableError

    shipped = Path(__file__).resolve().parents[2] / "service" / "models_data" / RETRIEVER_ARTIFACT
    copy = tmp_path / RETRIEVER_ARTIFACT
    shutil.copytree(shipped, copy)
    with (copy / "model.onnx").open("ab") as graph:
        graph.write(b"\0")

    with pytest.raises(ModelUnavailableError, match="does not match the sha256"):
        prebuilt_graph(copy)
