"""Real models, loaded once per session: the bundled MiniLM embedder and the bundled Gemma judge."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    client: httpx.Client


@contextmanager
def serving(home: Path, log: Path, *, port: int | None = None, env: dict[str, str] | None = None) -> Iterator[Served]:
    """`vericlaim serve` on 127.0.0.1 over `home`, ready (health answers) when the block starts, stopped with
    SIGTERM when it ends (unless the test already stopped it). Its output is appended to `log`."""
    port = port or free_port()
    with log.open("ab") as sink:
        process = subprocess.Popen([*vericlaim_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                   env=subprocess_env(home) | (env or {}), stdout=sink, stderr=subprocess.STDOUT)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if client.get("/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start within 180 s"
            time.sleep(0.5)
        yield Served(process, client)
    finally:
        client.close()
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=60)
