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

import hashlib
import hmac
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
from index.writer import CollectionWriter
from service.checksums import sha256_file
from service.domain import ChangeSummary, Document
from service.errors import IndexCorruptError, InputError, InvalidCollectionError
from service.ports import Embedder, Progress

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
        self, root: Path, name: str, *, embedding_model: str, chunking: dict[str, int], ann: AnnParams | None = None,
        integrity_key: bytes | None = None,
    ) -> None:
        self.name = validate_collection_name(name)
        self.folder = root / name
        self.embedding_model = embedding_model
        self.chunking = chunking
        self.ann = ann or AnnParams()
        self.integrity_key = integrity_key  # VERICLAIM_INTEGRITY_KEY: CURRENT then signs the manifest (HMAC)

    # ---- reading -------------------------------------------------------------------------------------

    def load(self, dimension: int) -> Snapshot:
        """The live generation, verified; an empty snapshot when the collection does not exist yet."""
        live = self._current_generation()
        if live is None:
            return self._empty(dimension)
        self._check_signature(live[0])
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
            self._check_signature(live[0])
            old = read_generation(*live)
            writer = CollectionWriter(self._empty(embedder.dimension), embedder, self.chunking)
            writer.add(list(old.documents.values()), progress)
            summary = writer.finish()
            snapshot = self._commit(writer.snapshot())
            return replace(summary, chunks=len(snapshot.chunks)), snapshot
    def generations(self) -> list[Path]:
        """The generation folders present, oldest first (the live one and any a crash left behind)."""
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.iterdir() if p.is_dir() and re.fullmatch(r"gen-\d{6}", p.name))

    def _current_generation(self) -> tuple[Path, str | None] | None:
        """The live generation's folder and its manifest's sha256 (None for a pointer from before it was kept).
        None when the collection was never written; generations without a pointer are `IndexCorruptError`, so
        that no write starts over and deletes them."""
        pointer = self.folder / "CURRENT"
        if not pointer.exists():
            found = self.generations()
            if found:
                raise IndexCorruptError(
                    f"collection {self.name!r} has generations ({found[-1].name} the newest) but no CURRENT pointer; "
                    f"nothing was changed: `vericlaim repair --collection {self.name}` points it at the newest "
                    "generation that verifies")
            return None
        name, _, checksum = pointer.read_text(encoding="utf-8").strip().partition(" ")
        checksum = checksum.split(" ")[0]  # a signature may follow (`_check_signature`)
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

    def _signature(self, generation: Path) -> str:
        digest = hmac.new(self.integrity_key or b"", (generation / "manifest.json").read_bytes(), hashlib.sha256)
        return f"hmac-sha256:{digest.hexdigest()}"

    def _check_signature(self, generation: Path) -> None:
        """With an integrity key, CURRENT must carry the manifest's HMAC under that key: files edited and their
        checksums recomputed by someone without the key are then reported, not served."""
        if self.integrity_key is None:
            return
        fields = (self.folder / "CURRENT").read_text(encoding="utf-8").split()
        signed = fields[2] if len(fields) > 2 else None
        if signed is None:
            raise IndexCorruptError(f"collection {self.name!r} was written without the integrity key, so it cannot "
                                    f"be vouched for: `vericlaim repair --sign --collection {self.name}` signs it "
                                    "if you trust its files")
        if not hmac.compare_digest(signed, self._signature(generation)):
            raise IndexCorruptError(f"collection {self.name!r}: the manifest's signature does not match "
                                    "VERICLAIM_INTEGRITY_KEY (changed by someone without the key, or another key)")

    def sign(self) -> str:
        """Sign the live generation with the integrity key after verifying its checksums: the user vouches for
        the files as they are now."""
        if self.integrity_key is None:
            raise InputError("signing needs VERICLAIM_INTEGRITY_KEY")
        with FileLock(str(self.folder / ".lock")):
            live = self._current_generation()
            if live is None:
                raise IndexCorruptError(f"collection {self.name!r} has no generation to sign")
            read_generation(*live)
            self._point_at(live[0])
            return live[0].name

    def repair(self) -> tuple[str, bool]:
        """Point CURRENT at the newest generation whose manifest and files verify, when the live one does not
        load (a missing or damaged pointer). Returns the generation and whether CURRENT was rewritten; none
        verifying is `IndexCorruptError`. Nothing is deleted. With an integrity key the new pointer is not
        signed (its signature went with the old pointer): `sign` vouches for it, explicitly."""
        with FileLock(str(self.folder / ".lock")):
            try:
                live = self._current_generation()
                if live is not None:
                    self._check_signature(live[0])
                    read_generation(*live)
                    return live[0].name, False
            except IndexCorruptError:
                pass
            for generation in reversed(self.generations()):
                try:
                    read_generation(generation, None)
                except IndexCorruptError:
                    continue
                self._point_at(generation, signed=False)
                return generation.name, True
        raise IndexCorruptError(f"collection {self.name!r}: no generation verifies; re-ingest its documents into a "
                                "new collection")

    def _point_at(self, generation: Path, *, signed: bool = True) -> None:
        pointer_tmp = self.folder / "CURRENT.tmp"
        signature = f" {self._signature(generation)}" if signed and self.integrity_key is not None else ""
        pointer_tmp.write_text(f"{generation.name} {sha256_file(generation / 'manifest.json')}{signature}",
                               encoding="utf-8")
        fsync_file(pointer_tmp)
        os.replace(pointer_tmp, self.folder / "CURRENT")
        fsync_dir(self.folder)

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
        snapshot.sentence_bm25 = build_bm25(snapshot.sentence_reading(r) for r in range(len(snapshot.sentences)))
        snapshot.version = _write_generation(staging, snapshot, number)
        fsync_tree(staging)
        os.replace(staging, final)
        fsync_dir(self.folder)
        self._point_at(final)
        _remove_strays(self.folder, keep=final)
        return snapshot


def _remove_strays(folder: Path, keep: Path | None) -> None:
    for path in folder.iterdir():
        stray = path.name.startswith(".staging-") or re.fullmatch(r"gen-\d{6}", path.name)
        if stray and path.is_dir() and (keep is None or path != keep):
            shutil.rmtree(path, ignore_errors=True)
