"""What only the PostgreSQL store has: replaced versions kept a while for older views (and a view past that says it
is stale instead of serving newer text), and the retrieval settings reaching its index and its search. With the
shipped fakes over the session's real server (tests/postgres.py); the rules every store shares are
tests/contract/."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from pgstore.library import PostgresLibrary
from pgstore.search import PostgresSearch
from service.bootstrap import build, postgres_config
from service.config import Settings
from service.domain import Document
from service.errors import CollectionChangedError
from service.evidence import Query
from service.fakes import HashingEmbedder, KeywordJudge
from tests.postgres import fresh_database

pytestmark = pytest.mark.integration

ACME = Document("acme.txt", "Acme reported revenue of $6.4 billion in 2023. It employs 200,000 people.")
NEW_ACME = Document("acme.txt", "Acme now reports revenue of $7.1 billion.")


@pytest.fixture()
def url(postgres: str, request: pytest.FixtureRequest) -> str:
    return fresh_database(postgres, request.node.name)


def test_a_view_older_than_the_kept_versions_says_it_is_stale(url: str, tmp_path: Path) -> None:
    library = PostgresLibrary(postgres_config(Settings(home=tmp_path, store=url)), HashingEmbedder(),
                              keep_replaced_seconds=0)
    library.ingest([ACME])
    first, unread = library.snapshot(), library.snapshot()  # two views of the first version, nothing read yet
    library.ingest([NEW_ACME])  # acme's first text moves to vc_retired, kept (0 s) until the next write
    second = library.snapshot()
    assert first.documents["acme.txt"].text == ACME.text

    library.ingest([Document("more.txt", "Another document.")])  # drops what the previous write retired

    with pytest.raises(CollectionChangedError, match="check again") as refused:
        unread.documents.get("acme.txt")
    assert refused.value.http_status == 409
    with pytest.raises(CollectionChangedError):
        list(unread.documents)
    assert first.documents["acme.txt"].text == ACME.text  # what a view has read, it keeps
    assert second.documents["acme.txt"].text == NEW_ACME.text  # nothing of its version was dropped
    assert list(second.documents) == ["acme.txt"]
    library.close()


def test_with_the_default_keeping_time_a_view_reads_its_text_across_writes(url: str, tmp_path: Path) -> None:
    library = PostgresLibrary(postgres_config(Settings(home=tmp_path, store=url)), HashingEmbedder())  # kept minutes
    library.ingest([ACME])
    before = library.snapshot()

    for n in range(3):
        library.ingest([Document("acme.txt", f"Acme's revenue, revision {n}.")])

    assert before.documents["acme.txt"].text == ACME.text
    assert before.cite(_passage(ACME, 0, 46)) is not None
    library.close()


def test_the_hnsw_index_is_built_with_the_configured_parameters(url: str, tmp_path: Path,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    import psycopg

    settings = Settings(home=tmp_path, store=url, retrieval={"hnsw_m": 8, "hnsw_ef_construction": 20})
    built = PostgresLibrary(postgres_config(settings), HashingEmbedder())
    built.close()
    with psycopg.connect(url) as db:
        options = db.execute("SELECT reloptions FROM pg_class WHERE relname = 'vc_sentences_hnsw'").fetchone()[0]
    assert sorted(options) == ["ef_construction=20", "m=8"]

    with caplog.at_level(logging.WARNING, logger="pgstore.schema"):
        PostgresLibrary(postgres_config(Settings(home=tmp_path, store=url)), HashingEmbedder()).close()  # m 32, 64
    assert "ALTER INDEX vc_sentences_hnsw SET (m = 32, ef_construction = 64)" in caplog.text


def test_candidates_and_ef_search_reach_the_search(url: str, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, store=url, retrieval={"candidates": 7, "hnsw_ef_search": 90, "rrf_k": 11})
    components = build(settings, embedder=HashingEmbedder(), judge=KeywordJudge())
    library = components.library
    assert isinstance(library, PostgresLibrary)
    library.ingest([ACME, Document("b.txt", " ".join(f"Plant {n} made {n} units." for n in range(40)))])
    search = components.pipeline.finder.retriever
    assert isinstance(search, PostgresSearch)
    statements = _recording(library)

    passages, _ = components.pipeline.finder.search(Query("Plant units made", top_k=5))

    assert len(passages) == 5
    assert ("SET LOCAL hnsw.ef_search = 90", None) in statements
    ranked = next(params for sql, params in statements if params and "pool" in params)
    assert (ranked["pool"], ranked["rrf"], ranked["k"]) == (7, 11, 5)
    statements.clear()
    components.pipeline.finder.search(Query("Plant units made", top_k=20))  # k above candidates: the pool grows
    ranked = next(params for sql, params in statements if params and "pool" in params)
    assert ranked["pool"] == 20 and ("SET LOCAL hnsw.ef_search = 90", None) in statements
    library.close()


def _passage(document: Document, start: int, end: int) -> Any:
    from service.domain import Passage

    return Passage(document.doc_id, start, end, document.text[start:end], score=1.0)


def _recording(library: PostgresLibrary) -> list[tuple[str, Any]]:
    """Every statement the library's connections execute from now on, with its parameters."""
    statements: list[tuple[str, Any]] = []
    connect = library.connect

    class Recorder:
        def __init__(self, db: Any) -> None:
            self._db = db

        def execute(self, sql: str, params: Any = None) -> Any:
            statements.append((sql, params))
            return self._db.execute(sql, params)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._db, name)

    @contextmanager
    def recorded() -> Iterator[Any]:
        with connect() as db:
            yield Recorder(db)

    library.connect = recorded  # type: ignore[method-assign]
    return statements
