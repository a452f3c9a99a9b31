"""A collection on disk: documents, chunks, vectors (FAISS) and a BM25 index, committed atomically.

Layout of `HOME/collections/NAME/`:

    CURRENT            name of the live generation folder (replaced atomically with os.replace)
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

A write builds the next generation in a temporary folder, fsyncs it, renames it, then swaps CURRENT.
A crash at any point leaves CURRENT naming either the old or the new generation, both complete; stray
folders are removed by the next write. Every file's sha256 is in the manifest and checked at load, so a
damaged index is reported, never served.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
from filelock import FileLock
from pydantic import BaseModel, ValidationError

from index.ann import AnnParams, build_faiss_index
from index.chunking import ChunkSpan, Span, chunk_text
from service.checksums import sha256_file
from service.domain import Citation, Document, Passage
from service.errors import DocumentNotFoundError, IndexCorruptError, InputError, InvalidCollectionError
from service.ports import Embedder

FORMAT = 2
_COLLECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StoredChunk:
    doc_id: str
    start: int
    end: int
    sentences: tuple[Span, ...]


@dataclass(frozen=True)
class ChangeSummary:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    chunks: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted)


@dataclass(frozen=True)
class SentenceTable:
    """The distinct sentences of a snapshot in chunk order, and which rows each chunk holds."""

    doc_ids: tuple[str, ...]
    spans: tuple[Span, ...]
    of_chunk: tuple[tuple[int, ...], ...]
    of_document: dict[str, tuple[int, ...]]
    chunks_of: tuple[tuple[int, ...], ...]  # the chunks each sentence row belongs to (overlap: more than one)

    @classmethod
    def of(cls, chunks: Sequence[StoredChunk]) -> SentenceTable:
        rows: dict[tuple[str, int, int], int] = {}
        of_chunk = []
        for chunk in chunks:
            of_chunk.append(tuple(rows.setdefault((chunk.doc_id, s, e), len(rows)) for s, e in chunk.sentences))
        of_document: dict[str, list[int]] = {}
        for (doc_id, _, _), row in rows.items():
            of_document.setdefault(doc_id, []).append(row)
        chunks_of: list[list[int]] = [[] for _ in rows]
        for chunk_index, chunk_rows in enumerate(of_chunk):
            for row in chunk_rows:
                chunks_of[row].append(chunk_index)
        return cls(
            chunks_of=tuple(tuple(c) for c in chunks_of),
            doc_ids=tuple(doc_id for doc_id, _, _ in rows),
            spans=tuple((s, e) for _, s, e in rows),
            of_chunk=tuple(of_chunk),
            of_document={doc_id: tuple(r) for doc_id, r in of_document.items()},
        )

    def __len__(self) -> int:
        return len(self.spans)


@dataclass
class Snapshot:
    """One loaded generation. Chunk `i` ↔ row `i` of `vectors` ↔ BM25 document `i`; sentence `j` of
    `sentences` ↔ row `j` of `sentence_vectors` ↔ document `j` of `sentence_bm25`."""

    version: str
    embedding_model: str
    dimension: int
    chunking: dict[str, int]
    documents: dict[str, Document]
    chunks: list[StoredChunk]
    vectors: np.ndarray
    sentence_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    bm25: object | None = None
    sentence_bm25: object | None = None
    ann: AnnParams = field(default_factory=AnnParams, repr=False)
    _faiss: object | None = field(default=None, repr=False)
    _sentence_faiss: object | None = field(default=None, repr=False)
    _sentences: SentenceTable | None = field(default=None, repr=False)

    @property
    def sentences(self) -> SentenceTable:
        if self._sentences is None:
            self._sentences = SentenceTable.of(self.chunks)
        return self._sentences

    def sentence_text(self, row: int) -> str:
        start, end = self.sentences.spans[row]
        return self.documents[self.sentences.doc_ids[row]].text[start:end]

    def cite(self, passage: Passage) -> Citation | None:
        """A citation only if the passage text is exactly the stored document text at its offsets."""
        document = self.documents.get(passage.doc_id)
        if document is None or document.text[passage.start:passage.end] != passage.text:
            return None
        return Citation(passage.doc_id, passage.start, passage.end, passage.text)

    def chunk_text(self, index: int) -> str:
        chunk = self.chunks[index]
        return self.documents[chunk.doc_id].text[chunk.start:chunk.end]

    @property
    def faiss_index(self):  # type: ignore[no-untyped-def]
        """Exact or approximate by `ann` (see index/ann.py), built on first use."""
        if self._faiss is None:
            self._faiss = build_faiss_index(self.vectors.reshape(-1, self.dimension), self.ann)
        return self._faiss

    @property
    def sentence_faiss_index(self):  # type: ignore[no-untyped-def]
        """The same kind of index over the sentence rows."""
        if self._sentence_faiss is None:
            self._sentence_faiss = build_faiss_index(self.sentence_vectors.reshape(-1, self.dimension), self.ann)
        return self._sentence_faiss


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
        generation = self._current_generation()
        if generation is None:
            return self._empty(dimension)
        snapshot = _read_generation(generation)
        snapshot.ann = self.ann
        if snapshot.embedding_model != self.embedding_model or snapshot.dimension != dimension:
            raise IndexCorruptError(
                f"collection {self.name!r} was built with embedding model {snapshot.embedding_model!r} "
                f"(dimension {snapshot.dimension}); the configured model is {self.embedding_model!r} "
                f"(dimension {dimension}). Re-ingest into a new collection or set VERICLAIM_MODELS__EMBEDDING."
            )
        return snapshot

    def _current_generation(self) -> Path | None:
        pointer = self.folder / "CURRENT"
        if not pointer.exists():
            return None
        name = pointer.read_text(encoding="utf-8").strip()
        generation = self.folder / name
        if not re.fullmatch(r"gen-\d{6}", name) or not generation.is_dir():
            raise IndexCorruptError(f"collection {self.name!r}: CURRENT names a missing generation {name!r}")
        return generation

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
        self.folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.folder / ".lock")):
            current = self.load(embedder.dimension)
            plan = _plan(current, add, list(delete))
            if not plan.summary.changed:
                return replace(plan.summary, chunks=len(current.chunks)), current
            new_chunks, new_sentence_vectors = _embed_documents(plan.to_embed, embedder, self.chunking, progress)
            keep = [i for i, chunk in enumerate(current.chunks) if chunk.doc_id not in plan.removed_ids]
            keep_rows = [r for r, doc_id in enumerate(current.sentences.doc_ids) if doc_id not in plan.removed_ids]
            chunks = [current.chunks[i] for i in keep] + new_chunks
            sentence_vectors = np.concatenate([current.sentence_vectors[keep_rows], new_sentence_vectors])
            sentences = SentenceTable.of(chunks)
            documents = {k: v for k, v in current.documents.items() if k not in plan.removed_ids}
            documents.update({doc.doc_id: doc for doc in plan.to_embed})
            snapshot = Snapshot(
                version="pending",
                embedding_model=self.embedding_model,
                dimension=embedder.dimension,
                chunking=self.chunking,
                documents=documents,
                chunks=chunks,
                vectors=chunk_vectors(sentence_vectors, sentences.of_chunk, embedder.dimension),
                sentence_vectors=sentence_vectors.astype(np.float32),
                ann=self.ann,
                _sentences=sentences,
            )
            snapshot = self._commit(snapshot)
            return replace(plan.summary, chunks=len(snapshot.chunks)), snapshot

    def _commit(self, snapshot: Snapshot) -> Snapshot:
        current = self._current_generation()
        number = int(current.name.split("-")[1]) + 1 if current else 1
        final = self.folder / f"gen-{number:06d}"
        staging = self.folder / f".staging-{number:06d}-{os.getpid()}"
        _remove_strays(self.folder, keep=current)
        staging.mkdir()
        snapshot.bm25 = build_bm25([snapshot.chunk_text(i) for i in range(len(snapshot.chunks))])
        snapshot.sentence_bm25 = build_bm25([snapshot.sentence_text(r) for r in range(len(snapshot.sentences))])
        snapshot.version = _write_generation(staging, snapshot, number)
        _fsync_tree(staging)
        os.replace(staging, final)
        _fsync_dir(self.folder)
        pointer_tmp = self.folder / "CURRENT.tmp"
        pointer_tmp.write_text(final.name, encoding="utf-8")
        _fsync_file(pointer_tmp)
        os.replace(pointer_tmp, self.folder / "CURRENT")
        _fsync_dir(self.folder)
        _remove_strays(self.folder, keep=final)
        return snapshot


@dataclass(frozen=True)
class _Plan:
    summary: ChangeSummary
    to_embed: list[Document]
    removed_ids: frozenset[str]


def _plan(current: Snapshot, add: Sequence[Document], delete: list[str]) -> _Plan:
    missing = [doc_id for doc_id in delete if doc_id not in current.documents]
    if missing:
        raise DocumentNotFoundError(f"no document with id {missing[0]!r} in this collection")
    incoming: dict[str, Document] = {}
    for doc in add:
        if doc.doc_id in incoming and incoming[doc.doc_id].text != doc.text:
            raise InputError(f"document id {doc.doc_id!r} appears twice with different text")
        incoming[doc.doc_id] = doc
    added, updated, unchanged = [], [], []
    for doc_id, doc in incoming.items():
        existing = current.documents.get(doc_id)
        if existing is None:
            added.append(doc_id)
        elif _same_content(existing, doc):
            unchanged.append(doc_id)
        else:
            updated.append(doc_id)
    deleted = [doc_id for doc_id in dict.fromkeys(delete) if doc_id not in incoming]
    summary = ChangeSummary(tuple(added), tuple(updated), tuple(unchanged), tuple(deleted))
    to_embed = [incoming[doc_id] for doc_id in added + updated]
    return _Plan(summary, to_embed, frozenset(updated + deleted))


def _same_content(old: Document, new: Document) -> bool:
    return (old.text, old.title, old.url, old.date) == (new.text, new.title, new.url, new.date)


def _embed_documents(
    documents: Sequence[Document], embedder: Embedder, chunking: dict[str, int], progress: Progress | None
) -> tuple[list[StoredChunk], np.ndarray]:
    """Chunk the documents and embed each distinct sentence once; rows follow `SentenceTable.of(chunks)`."""
    chunks: list[StoredChunk] = []
    for doc in documents:
        spans: list[ChunkSpan] = chunk_text(doc.text, chunking["max_chars"], chunking["overlap_sentences"])
        chunks.extend(StoredChunk(doc.doc_id, c.start, c.end, c.sentences) for c in spans)
    table = SentenceTable.of(chunks)
    text_of = {doc.doc_id: doc.text for doc in documents}
    texts = [text_of[doc_id][s:e] for doc_id, (s, e) in zip(table.doc_ids, table.spans, strict=True)]
    batch = 256
    parts = [np.zeros((0, embedder.dimension), dtype=np.float32)]
    for first in range(0, len(texts), batch):
        parts.append(embedder.encode(texts[first:first + batch]))
        if progress:
            progress(min(first + batch, len(texts)), len(texts))
    return chunks, np.concatenate(parts)


def chunk_vectors(sentence_vectors: np.ndarray, of_chunk: Sequence[Sequence[int]], dimension: int) -> np.ndarray:
    """Each chunk's vector: the L2-normalised mean of its sentences' vectors."""
    out = np.zeros((len(of_chunk), dimension), dtype=np.float32)
    for i, rows in enumerate(of_chunk):
        if rows:
            mean = sentence_vectors[list(rows)].mean(axis=0)
            out[i] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return out


# ---- BM25 ------------------------------------------------------------------------------------------------

TOKEN_PATTERN = r"(?u)\b\w+(?:[.,]\d+)*\b"


def bm25_tokens(texts: Sequence[str]) -> list[list[str]]:
    import bm25s

    return bm25s.tokenize(
        list(texts),
        stopwords="en",
        stemmer=_stemmer(),
        token_pattern=TOKEN_PATTERN,
        return_ids=False,
        show_progress=False,
    )


def build_bm25(texts: Sequence[str]) -> object | None:
    if not texts:
        return None
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(bm25_tokens(texts), show_progress=False)
    return retriever


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


# ---- files -----------------------------------------------------------------------------------------------

def _write_generation(folder: Path, snapshot: Snapshot, number: int) -> str:
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


def _read_manifest(folder: Path) -> Manifest:
    try:
        manifest = Manifest.model_validate_json((folder / "manifest.json").read_bytes())
    except (OSError, ValidationError) as exc:
        raise IndexCorruptError(f"{folder}: unreadable manifest ({str(exc).splitlines()[0]})") from None
    if manifest.format < FORMAT:
        raise IndexCorruptError(
            f"{folder}: index format {manifest.format} predates format {FORMAT} (sentence vectors stored at "
            "ingest); re-ingest the documents into a new collection, or delete this collection's folder and "
            "ingest them again"
        )
    if manifest.format != FORMAT:
        raise IndexCorruptError(f"{folder}: unknown index format {manifest.format!r}")
    return manifest


def _read_generation(folder: Path) -> Snapshot:
    manifest = _read_manifest(folder)
    for name, expected in manifest.files.items():
        path = folder / name
        if not path.is_file() or sha256_file(path) != expected:
            raise IndexCorruptError(f"{folder}: {name} is missing or does not match its checksum")
    documents = {}
    for line in (folder / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        doc = Document(**json.loads(line))
        documents[doc.doc_id] = doc
    chunks = []
    for line in (folder / "chunks.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        sentences = tuple((int(s), int(e)) for s, e in row["sentences"])
        chunks.append(StoredChunk(row["doc_id"], row["start"], row["end"], sentences))
    vectors = np.load(folder / "vectors.npy")
    sentence_vectors = np.load(folder / "sentence_vectors.npy")
    sentences = SentenceTable.of(chunks)
    if len(vectors) != len(chunks) or len(sentence_vectors) != len(sentences):
        raise IndexCorruptError(f"{folder}: vector rows do not match the chunks and sentences")
    return Snapshot(
        version=manifest.version,
        embedding_model=manifest.embedding_model,
        dimension=manifest.dimension,
        chunking=manifest.chunking,
        documents=documents,
        chunks=chunks,
        vectors=vectors,
        sentence_vectors=sentence_vectors,
        bm25=_load_bm25(folder / "bm25"),
        sentence_bm25=_load_bm25(folder / "bm25_sentences"),
        _sentences=sentences,
    )


def _load_bm25(path: Path) -> object | None:
    if not path.is_dir():
        return None
    import bm25s

    return bm25s.BM25.load(str(path), show_progress=False)



def _remove_strays(folder: Path, keep: Path | None) -> None:
    for path in folder.iterdir():
        stray = path.name.startswith(".staging-") or re.fullmatch(r"gen-\d{6}", path.name)
        if stray and path.is_dir() and (keep is None or path != keep):
            shutil.rmtree(path, ignore_errors=True)


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            _fsync_file(path)
    for path in [*sorted(p for p in folder.rglob("*") if p.is_dir()), folder]:
        _fsync_dir(path)
