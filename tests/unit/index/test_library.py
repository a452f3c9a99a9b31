"""Streamed ingest: documents read and embedded in batches, one commit, the same collection as one batch."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index.library import Library
from service.bootstrap import build
from service.config import Settings
from service.domain import Document
from service.errors import InputError, UnreadableDocumentError
from service.fakes import HashingEmbedder, KeywordJudge
from tests.unit.index.test_store import collection_folder, listing

pytestmark = pytest.mark.unit

DOCUMENTS = [
    Document(f"doc-{i}", f"Report {i} says plant {i} made {i * 10} turbines. It hired {i} people in Ohio.")
    for i in range(6)
]


class RecordingEmbedder(HashingEmbedder):
    """Remembers the texts of every `encode` call."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return super().encode(texts)


def library_at(home: Path, batch_chars: int, embedder: HashingEmbedder | None = None) -> Library:
    settings = Settings(home=home, retrieval={"ingest_batch_chars": batch_chars})
    return build(settings, embedder=embedder or HashingEmbedder(), judge=KeywordJudge()).library


def write_jsonl(path: Path, documents: Sequence[Document]) -> Path:
    path.write_text("".join(json.dumps({"id": d.doc_id, "text": d.text}) + "\n" for d in documents),
                    encoding="utf-8")
    return path


def test_small_batches_build_the_same_collection_as_one_batch(tmp_path: Path) -> None:
    streamed = library_at(tmp_path / "a", batch_chars=1)
    whole = library_at(tmp_path / "b", batch_chars=10**9)

    assert streamed.ingest(DOCUMENTS) == whole.ingest(DOCUMENTS)

    a, b = streamed.snapshot(), whole.snapshot()
    assert a.documents == b.documents
    assert a.chunks == b.chunks
    assert a.sentences == b.sentences
    np.testing.assert_array_equal(a.sentence_vectors, b.sentence_vectors)
    np.testing.assert_array_equal(a.vectors, b.vectors)
    assert collection_folder(tmp_path / "a").joinpath("CURRENT").read_text(encoding="utf-8").split()[0] == "gen-000001"


def test_each_batch_is_embedded_before_the_next_is_read(tmp_path: Path) -> None:
    embedder = RecordingEmbedder()
    library = library_at(tmp_path, batch_chars=1, embedder=embedder)

    library.ingest(DOCUMENTS)

    assert len(embedder.calls) == len(DOCUMENTS)  # one document per batch at this size
    for call, document in zip(embedder.calls, DOCUMENTS, strict=True):
        assert all(text in document.text for text in call)


def test_updates_in_a_later_batch_keep_the_other_documents_rows(tmp_path: Path) -> None:
    library = library_at(tmp_path, batch_chars=1)
    library.ingest(DOCUMENTS)
    changed = Document("doc-4", "Plant 4 closed in 2024. Its 40 turbines were sold.")

    summary = library.ingest([*DOCUMENTS[:4], changed, DOCUMENTS[5]])

    assert (summary.updated, len(summary.unchanged)) == (("doc-4",), 5)
    snapshot = library_at(tmp_path, batch_chars=1).snapshot()
    expected = library.embedder.encode([snapshot.sentence_text(r) for r in range(len(snapshot.sentences))])
    np.testing.assert_allclose(snapshot.sentence_vectors, expected, atol=1e-6)
    assert snapshot.documents["doc-4"].text == changed.text


def test_ingest_files_streams_jsonl_and_reports_progress_in_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", DOCUMENTS[:4])
    (folder / "b.txt").write_text(DOCUMENTS[4].text, encoding="utf-8")
    total = sum(path.stat().st_size for path in folder.iterdir())
    files: list[str] = []
    reports: list[tuple[int, int]] = []

    summary = library_at(tmp_path / "home", batch_chars=100).ingest_files(
        [folder], on_file=files.append, progress=lambda done, of: reports.append((done, of)))

    assert summary.added == ("doc-0", "doc-1", "doc-2", "doc-3", "b.txt")
    assert files == ["a.jsonl", "b.txt"]
    assert {of for _, of in reports} == {total}
    done = [d for d, _ in reports]
    assert done == sorted(done) and done[-1] == total


def test_a_bad_line_late_in_the_stream_leaves_the_collection_untouched(tmp_path: Path) -> None:
    library = library_at(tmp_path / "home", batch_chars=1)
    library.ingest(DOCUMENTS[:1])
    folder = collection_folder(tmp_path / "home")
    before, version = listing(folder), library.snapshot().version
    corpus = write_jsonl(tmp_path / "corpus.jsonl", DOCUMENTS[1:])
    with corpus.open("a", encoding="utf-8") as out:
        out.write('{"id": "broken", "text": \n')

    with pytest.raises(UnreadableDocumentError, match=re.escape("corpus.jsonl:6")):
        library.ingest_files([corpus])

    assert listing(folder) == before
    assert library_at(tmp_path / "home", batch_chars=1).snapshot().version == version


@pytest.mark.parametrize("content", ["", "\n\n"])
def test_a_corpus_without_documents_is_refused(tmp_path: Path, content: str) -> None:
    corpus = tmp_path / "empty.jsonl"
    corpus.write_text(content, encoding="utf-8")

    with pytest.raises(InputError, match="no supported documents"):
        library_at(tmp_path / "home", batch_chars=100).ingest_files([corpus])
