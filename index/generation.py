"""One generation of a collection on disk (see index/store.py for the layout): written in full, and read back
only after it is verified. The manifest lists every file with its sha256, CURRENT holds the manifest's own
(passed in as `manifest_sha256`; None for a pointer written before it was kept), and the folder must hold
exactly the files the manifest lists: a damaged or edited generation is `IndexCorruptError`, never served.
Error details name the collection and generation, never a server path (they reach HTTP clients)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ValidationError

from index.bm25 import load_bm25
from index.snapshot import SentenceTable, Snapshot, StoredChunk
from service.checksums import sha256_file
from service.domain import Document
from service.errors import IndexCorruptError

FORMAT = 2
REQUIRED_FILES = frozenset({"documents.jsonl", "chunks.jsonl", "vectors.npy", "sentence_vectors.npy"})


def write_generation(folder: Path, snapshot: Snapshot, number: int) -> str:
    with (folder / "documents.jsonl").open("w", encoding="utf-8") as out:
        for doc in snapshot.documents.values():
            out.write(json.dumps(doc.__dict__, ensure_ascii=False) + "\n")
    with (folder / "chunks.jsonl").open("w", encoding="utf-8") as out:
        for chunk in snapshot.chunks:
            row = {"doc_id": chunk.doc_id, "start": chunk.start, "end": chunk.end, "sentences": chunk.sentences}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    np.save(folder / "vectors.npy", snapshot.vectors)
    np.save(folder / "sentence_vectors.npy", snapshot.sentence_vectors)
    if snapshot.bm25 is not None:
        snapshot.bm25.save(str(folder / "bm25"), show_progress=False)  # type: ignore[attr-defined]
    if snapshot.sentence_bm25 is not None:
        snapshot.sentence_bm25.save(str(folder / "bm25_sentences"), show_progress=False)  # type: ignore[attr-defined]
    files = {
        path.relative_to(folder).as_posix(): sha256_file(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    version = f"{number}-{hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:12]}"
    manifest = {
        "format": FORMAT,
        "version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "embedding_model": snapshot.embedding_model,
        "dimension": snapshot.dimension,
        "chunking": snapshot.chunking,
        "documents": {doc_id: doc.sha256 for doc_id, doc in snapshot.documents.items()},
        "chunks": len(snapshot.chunks),
        "sentences": len(snapshot.sentences),
        "files": files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return version


class Manifest(BaseModel):
    """The manifest's shape; the one file not covered by a checksum is checked this way instead."""

    format: int
    version: str
    embedding_model: str
    dimension: int
    chunking: dict[str, int]
    files: dict[str, str]


def _json_lines(path: Path) -> list[str]:  # "\n" only: str.splitlines also breaks at U+0085, U+2028 in a text
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line]


def _where(folder: Path) -> str:  # a generation named without server paths (details reach HTTP clients)
    return f"collection {folder.parent.name!r} ({folder.name})"


def _read_manifest(folder: Path) -> Manifest:
    try:
        manifest = Manifest.model_validate_json((folder / "manifest.json").read_bytes())
    except OSError as exc:
        raise IndexCorruptError(f"{_where(folder)}: unreadable manifest ({exc.strerror})") from None
    except ValidationError as exc:
        raise IndexCorruptError(f"{_where(folder)}: unreadable manifest ({str(exc).splitlines()[0]})") from None
    if manifest.format < FORMAT:
        raise IndexCorruptError(
            f"{_where(folder)}: index format {manifest.format} predates format {FORMAT} (sentence vectors stored at "
            "ingest); re-ingest the documents into a new collection, or delete this collection's folder and "
            "ingest them again"
        )
    if manifest.format != FORMAT:
        raise IndexCorruptError(f"{_where(folder)}: unknown index format {manifest.format!r}")
    return manifest


def read_generation(folder: Path, manifest_sha256: str | None) -> Snapshot:
    if manifest_sha256 is not None and sha256_file(folder / "manifest.json") != manifest_sha256:
        raise IndexCorruptError(f"{_where(folder)}: manifest.json does not match the checksum in CURRENT")
    manifest = _read_manifest(folder)
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()} - {"manifest.json"}
    listed = set(manifest.files)
    problems = [f"{what}: {', '.join(sorted(names))}" for what, names in (
        ("missing", listed - present), ("not in the manifest", present - listed),
        ("required but not listed", REQUIRED_FILES - listed)) if names]
    if problems:
        raise IndexCorruptError(f"{_where(folder)}: the files do not match the manifest's list ({'; '.join(problems)})")
    changed = [name for name, expected in manifest.files.items() if sha256_file(folder / name) != expected]
    if changed:
        raise IndexCorruptError(f"{_where(folder)}: not as written (checksum): {', '.join(changed)}")
    documents = {}
    for line in _json_lines(folder / "documents.jsonl"):
        doc = Document(**json.loads(line))
        documents[doc.doc_id] = doc
    documents = dict(sorted(documents.items()))  # in id order, whatever order an older generation wrote
    chunks = []
    for line in _json_lines(folder / "chunks.jsonl"):
        row = json.loads(line)
        spans = tuple((int(s), int(e)) for s, e in row["sentences"])
        chunks.append(StoredChunk(row["doc_id"], row["start"], row["end"], spans))
    vectors = np.load(folder / "vectors.npy")
    sentence_vectors = np.load(folder / "sentence_vectors.npy")
    sentences = SentenceTable.of(chunks)
    if len(vectors) != len(chunks) or len(sentence_vectors) != len(sentences):
        raise IndexCorruptError(f"{_where(folder)}: vector rows do not match the chunks and sentences")
    return Snapshot(
        version=manifest.version,
        embedding_model=manifest.embedding_model,
        dimension=manifest.dimension,
        chunking=manifest.chunking,
        documents=documents,
        chunks=chunks,
        vectors=vectors,
        sentence_vectors=sentence_vectors,
        bm25=load_bm25(folder / "bm25"),
        sentence_bm25=load_bm25(folder / "bm25_sentences"),
        _sentences=sentences,
    )
