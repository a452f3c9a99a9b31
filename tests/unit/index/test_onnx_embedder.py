"""Which sentence-transformers folders the onnxruntime embedder serves (the export itself runs in the
integration tests, against the real model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.onnx_embedder import exportable

pytestmark = pytest.mark.unit

MODULES = [{"path": "", "type": "sentence_transformers.models.Transformer"},
           {"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
           {"path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]


def model_folder(tmp_path: Path, modules: list[dict[str, str]] = MODULES, **pooling: bool) -> Path:
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_mean_tokens": True, **pooling}))
    (tmp_path / "model.safetensors").write_bytes(b"weights")
    (tmp_path / "tokenizer.json").write_text("{}")
    return tmp_path


def test_a_mean_pooled_normalised_model_with_a_fast_tokenizer_is_served(tmp_path: Path) -> None:
    assert exportable(model_folder(tmp_path))


@pytest.mark.parametrize("change", ["cls pooling", "no normalisation", "no tokenizer.json", "no modules.json"])
def test_anything_else_is_left_to_sentence_transformers(tmp_path: Path, change: str) -> None:
    folder = model_folder(tmp_path, MODULES[:2] if change == "no normalisation" else MODULES,
                          pooling_mode_cls_token=change == "cls pooling")
    if change == "no tokenizer.json":
        (folder / "tokenizer.json").unlink()
    if change == "no modules.json":
        (folder / "modules.json").unlink()

    assert not exportable(folder)


def test_a_hub_name_is_not_a_folder(tmp_path: Path) -> None:
    assert not exportable(tmp_path / "sentence-transformers" / "all-MiniLM-L6-v2")


def test_batches_hold_at_most_the_token_budget_and_the_batch_size() -> None:
    from index.onnx_embedder import MAX_BATCH_TOKENS, _batches

    lengths = [10] * 100 + [256] * 40  # short sentences, then chunks at the longest
    batches = _batches(list(range(len(lengths))), lengths, 64)

    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))  # each text once, in order
    assert all(len(batch) <= 64 and len(batch) * max(lengths[i] for i in batch) <= MAX_BATCH_TOKENS
               for batch in batches)
    assert [len(b) for b in batches][:2] == [64, 36]  # short texts still go 64 at a time
    assert _batches([0], [10_000], 64) == [[0]]  # a text over the budget alone still gets its batch
