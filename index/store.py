"""A collection on disk: documents, chunks, vectors (FAISS) and a BM25 index, committed atomically.

Layout of `HOME/collections/NAME/`:

    CURRENT            the live generation folder's name and its manifest.json's sha256 (replaced atomically)
    gen-000007/        one complete, immutable snapshot
        manifest.json  embedding model, dimension, chunking, documents → sha256, files → sha256, version
        documents.jsonl
        chunks.jsonl   doc_id, start, end and sentence spans (offsets into the document text)
        sentence_vectors.npy  float32 (n_sentences, dimension), L2-normalised, one row per distinct sentence
        vectors.npy    float32 (n_chunks, dimension): each chunk's normalised mean of its sentences' rows
        bm25/          bm25s index over the chunk texts
        bm25_sentences/  bm25s index over the sentence texts

Sentences, not chunks, are embedded at ingest (format 2): each distinct sentence once, so the overlap
between chunks is not encoded twice and query time never re-embeds candidate sentences. A sentence's row
is its position in `Snapshot.sentences`, derived from chunks.jsonl (distinct spans in chunk order). An
index written in format 1 (chunk vectors only) is refused at load with a request to re-ingest: its
sentences were never embedded, so there is nothing to migrate without the embedder.
    .lock              serialises writers across processes

A write (`apply_batches`) takes the lock, lets index/writer.py embed the changes batch by batch on top of
the loaded generation, then builds the next generation in a temporary folder, fsyncs it, renames it, then
swaps CURRENT: one commit per write, however many batches.
A crash at any point leaves CURRENT naming either the old or the new generation, both complete; stray
folders are removed by the next write. Every file's sha256 is in the manifest, the manifest's own in CURRENT
(older pointers name the folder alone), and a generation must hold exactly its manifest's files: all checked
at load (index/generation.py), so a damaged or edited index is reported, never served.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
from filelock import FileLock

from index.ann import AnnParams
from index.bm25 import build_bm25
from index.durable import fsync_dir, fsync_file, fsync_tree
from index.generation import read_generation
from index.generation import write_generation as _write_generation  # a module name tests can replace
from index.snapshot import Snapshot
from index.writer import ChangeSummary, CollectionWriter, Progress
from service.checksums import sha256_file
from service.domain import Document
from service.errors import IndexCorruptError, InvalidCollectionError
from service.ports import Embedder

_COLLECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def validate_collection_name(name: str) -> str:
    if not _COLLECTION_NAME.fullmatch(name):
        raise InvalidCollectionError(
            f"invalid collection name {name!r}: use 1-64 letters, digits, '-' or '_', starting with a "
            "letter or digit"
        )
    return name


class CollectionStore:
    """Reads and atomically rewrites one collection folder."""

    def __init__(
        self, root: Path, name: str, *, embedding_model: str, chunking: dict[str, int], ann: AnnParams | None = None
    ) -> None:
        self.name = validate_collection_name(name)
        self.folder = root / name
        self.embedding_model = embedding_model
        self.chunking = chunking
        self.ann = ann or AnnParams()

    # ---- reading -------------------------------------------------------------------------------------

    def load(self, dimension: int) -> Snapshot:
        """The live generation, verified; an empty snapshot when the collection does not exist yet."""
        live = self._current_generation()
        if live is None:
            return self._empty(dimension)
        snapshot = read_generation(*live)
        snapshot.ann = self.ann
        if snapshot.embedding_model != self.embedding_model or snapshot.dimension != dimension:
            raise IndexCorruptError(
                f"collection {self.name!r} was embedded with {snapshot.embedding_model!r}, not the configured "
                f"{self.embedding_model!r}: `vericlaim reindex --collection {self.name}` re-embeds it (or set "
                f"VERICLAIM_MODELS__EMBEDDING={snapshot.embedding_model})"
            )
        return snapshot

    def reindex(self, embedder: Embedder, progress: Progress | None = None) -> tuple[ChangeSummary, Snapshot]:
        """Every document re-read and re-embedded with `embedder`, committed as the next generation like any write:
        the old one serves until the new one commits, and a crash leaves the old one (running it again starts
        over). Also re-chunks with the current reader."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.folder / ".lock")):
            live = self._current_generation()
            if live is None:
                raise IndexCorruptError(f"collection {self.name!r} has nothing to reindex")
            old = read_generation(*live)
            writer = CollectionWriter(self._empty(embedder.dimension), embedder, self.chunking)
            writer.add(list(old.documents.values()), progress)
            summary = writer.finish()
            snapshot = self._commit(writer.snapshot())
            return replace(summary, chunks=len(snapshot.chunks)), snapshot

    def _current_generation(self) -> tuple[Path, str | None] | None:
        """The live generation's folder and its manifest's sha256 (None for a pointer from before it was kept)."""
        pointer = self.folder / "CURRENT"
        if not pointer.exists():
            return None
        name, _, checksum = pointer.read_text(encoding="utf-8").strip().partition(" ")
        generation = self.folder / name
        if not re.fullmatch(r"gen-\d{6}", name) or not generation.is_dir():
            raise IndexCorruptError(f"collection {self.name!r}: CURRENT names a missing generation {name!r}")
        return generation, checksum or None

    def _empty(self, dimension: int) -> Snapshot:
        return Snapshot(
            version="empty",
            embedding_model=self.embedding_model,
            dimension=dimension,
            chunking=self.chunking,
            documents={},
            chunks=[],
            vectors=np.zeros((0, dimension), dtype=np.float32),
            sentence_vectors=np.zeros((0, dimension), dtype=np.float32),
            ann=self.ann,
        )

    # ---- writing -------------------------------------------------------------------------------------

    def apply(
        self,
        embedder: Embedder,
        add: Sequence[Document] = (),
        delete: Iterable[str] = (),
        progress: Progress | None = None,
    ) -> tuple[ChangeSummary, Snapshot]:
        """Add or replace documents and delete ids, as one atomic commit. No change → nothing written."""
        return self.apply_batches(embedder, [add], delete, progress)

    def apply_batches(
        self,
        embedder: Embedder,
        batches: Iterable[Sequence[Document]],
        delete: Iterable[str] = (),
        progress: Progress | None = None,
    ) -> tuple[ChangeSummary, Snapshot]:
        """`apply` with documents arriving in batches, each embedded before the next is taken (see
        index/writer.py); still one atomic commit, at the end. `progress` counts sentences within a batch."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.folder / ".lock")):
            current = self.load(embedder.dimension)
            writer = CollectionWriter(current, embedder, self.chunking)
            writer.delete(delete)
            for batch in batches:
                writer.add(batch, progress)
            summary = writer.finish()
            if not summary.changed:
                return replace(summary, chunks=len(current.chunks)), current
            snapshot = self._commit(writer.snapshot())
            return replace(summary, chunks=len(snapshot.chunks)), snapshot

    def _commit(self, snapshot: Snapshot) -> Snapshot:
        live = self._current_generation()
        current = live[0] if live else None
        number = int(current.name.split("-")[1]) + 1 if current else 1
        final = self.folder / f"gen-{number:06d}"
        staging = self.folder / f".staging-{number:06d}-{os.getpid()}"
        _remove_strays(self.folder, keep=current)
        staging.mkdir()
        snapshot.bm25 = build_bm25(snapshot.chunk_text(i) for i in range(len(snapshot.chunks)))
        snapshot.sentence_bm25 = build_bm25(snapshot.sentence_text(r) for r in range(len(snapshot.sentences)))
        snapshot.version = _write_generation(staging, snapshot, number)
        manifest_sha256 = sha256_file(staging / "manifest.json")
        fsync_tree(staging)
        os.replace(staging, final)
        fsync_dir(self.folder)
        pointer_tmp = self.folder / "CURRENT.tmp"
        pointer_tmp.write_text(f"{final.name} {manifest_sha256}", encoding="utf-8")
        fsync_file(pointer_tmp)
        os.replace(pointer_tmp, self.folder / "CURRENT")
        fsync_dir(self.folder)
        _remove_strays(self.folder, keep=final)
        return snapshot


def _remove_strays(folder: Path, keep: Path | None) -> None:
    for path in folder.iterdir():
        stray = path.name.startswith(".staging-") or re.fullmatch(r"gen-\d{6}", path.name)
        if stray and path.is_dir() and (keep is None or path != keep):
            shutil.rmtree(path, ignore_errors=True)
