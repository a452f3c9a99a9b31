"""The llama.cpp judge is cheap to construct: the file is checked at start-up, the model loads on first use."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from service.domain import Passage
from service.errors import ModelUnavailableError
from service.judge import LlamaJudge

pytestmark = pytest.mark.unit


def test_a_missing_file_or_one_that_is_not_a_gguf_model_is_refused_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="not found"):
        LlamaJudge(tmp_path / "absent.gguf")
    text = tmp_path / "notes.gguf"
    text.write_text("not a model")
    with pytest.raises(ModelUnavailableError, match="not a GGUF model"):
        LlamaJudge(text)


def test_construction_reads_no_model_and_a_broken_one_fails_on_first_use(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 64)

    judge = LlamaJudge(broken)

    assert judge.model_name == "broken.gguf" and judge._loaded is None
    assert judge.model_sha256 == hashlib.sha256(broken.read_bytes()).hexdigest()
    with pytest.raises(ModelUnavailableError, match=r"cannot load judge model broken\.gguf"):
        judge.judge("A claim.", [Passage("d", 0, 5, "Text.", 1.0)])
