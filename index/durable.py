"""Durable writes: a generation is fsynced file by file and folder by folder before it is named live."""

from __future__ import annotations

import os
from pathlib import Path


def fsync_file(path: Path) -> None:
    """The file's data on disk."""
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def fsync_dir(path: Path) -> None:
    """The folder's entries on disk: a rename or a new file inside it survives a crash."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_tree(folder: Path) -> None:
    """Every file and folder under `folder`, then `folder` itself."""
    for path in folder.rglob("*"):
        if path.is_file():
            fsync_file(path)
    for path in [*sorted(p for p in folder.rglob("*") if p.is_dir()), folder]:
        fsync_dir(path)
