"""Real models, loaded once per session: the bundled MiniLM embedder and the bundled Gemma judge."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from service.bootstrap import Components, build
from service.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "service" / "demo"


def vericlaim_command() -> list[str]:
    """The installed console script of this interpreter's environment."""
    script = Path(sys.executable).parent / "vericlaim"
    found = str(script) if script.exists() else shutil.which("vericlaim")
    assert found, "the vericlaim console script is not installed (pip install -e .)"
    return [found]


def subprocess_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERICLAIM_")}
    env.update({"VERICLAIM_HOME": str(home), "HF_HUB_OFFLINE": "1"})
    return env


@pytest.fixture(scope="session")
def real(tmp_path_factory: pytest.TempPathFactory) -> Components:
    settings = Settings(home=tmp_path_factory.mktemp("home"))
    components = build(settings)
    components.library.ingest(components.library.read_files([DEMO / "docs"]), "demo")
    return components


@pytest.fixture()
def cli_home(tmp_path: Path, real: Components) -> Path:
    """A fresh data folder for a subprocess, sharing the session's assembled model file (~250 MB)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "models").symlink_to(real.settings.models_dir, target_is_directory=True)
    return home
