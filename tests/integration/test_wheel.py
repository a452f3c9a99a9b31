"""The wheel works outside the checkout: built from the source tree, installed into a fresh virtual environment,
and `vericlaim demo` run from another folder reads its models, page and demo corpus from the installed package.

The fresh environment gets the wheel itself (no dependencies); the dependencies come from the development
environment's site-packages, added as a plain path (a path added that way has its `.pth` files ignored, so the
checkout's editable install is not on it). Every module of the project is then imported from the wheel's files.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.integration.conftest import ROOT, subprocess_env

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only the wheel (and a path to the dependencies); its bin folder."""
    folder = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                            "--wheel-dir", str(folder / "dist"), str(ROOT)],
                           capture_output=True, text=True, timeout=600, check=False)
    assert built.returncode == 0, built.stderr
    (wheel,) = (folder / "dist").glob("vericlaim-*.whl")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                                "--quiet", str(wheel)], capture_output=True, text=True, timeout=600, check=False)
    assert installed.returncode == 0, installed.stderr
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv / "bin"


def test_the_installed_package_is_the_wheels_not_the_checkouts(installed: Path, tmp_path: Path) -> None:
    probe = ("import json, service, index, vericlaim; from service.verifiers.nli import bundled_nli_artifact;"
             "print(json.dumps({'service': service.__file__, 'index': index.__file__,"
             " 'verifier': str(bundled_nli_artifact('nli'))}))")
    found = subprocess.run([str(installed / "python"), "-c", probe], cwd=tmp_path, capture_output=True, text=True,
                           env=subprocess_env(tmp_path / "home"), timeout=120, check=False)
    assert found.returncode == 0, found.stderr
    paths = json.loads(found.stdout)
    assert all(Path(path).is_relative_to(installed.parent) for path in paths.values()), paths
    assert (Path(paths["verifier"]) / "model.onnx").is_file()
    assert (Path(paths["service"]).parent / "web" / "index.html").is_file()


def test_vericlaim_demo_runs_from_the_wheel_in_another_folder(installed: Path, tmp_path: Path) -> None:
    demo = subprocess.run([str(installed / "vericlaim"), "demo"], cwd=tmp_path, capture_output=True, text=True,
                          env=subprocess_env(tmp_path / "home"), timeout=900, check=False)

    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "SUPPORTED" in demo.stdout and "REFUTED" in demo.stdout
