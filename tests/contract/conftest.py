"""Every `DocumentStore` (service/ports.py), built the way the service builds it, with the shipped fakes: the FAISS
files (unit: no server) and PostgreSQL (integration: the session's real server, tests/postgres.py). A third
store joins the suite by adding itself to `STORES`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from service.bootstrap import Components, build
from service.config import Settings
from service.domain import Passage
from service.evidence import Query
from service.fakes import HashingEmbedder, KeywordJudge
from service.ports import CollectionView, DocumentStore
from tests.postgres import fresh_database

STORES = [pytest.param("files", marks=pytest.mark.unit), pytest.param("postgresql", marks=pytest.mark.integration)]


@dataclass
class Store:
    """A store under test, with the retriever the service pairs it with."""

    kind: str
    components: Components

    @property
    def library(self) -> DocumentStore:
        return self.components.library

    def listing(self, collection: str | None = None) -> list[tuple[str, str | None]]:
        """(doc_id, title) of each document, in the view's order."""
        return [(d.doc_id, d.title) for d in self.library.snapshot(collection).documents.values()]

    def version(self, collection: str | None = None) -> str:
        return self.library.snapshot(collection).version

    def search(self, text: str, collection: str | None = None, k: int = 10) -> tuple[list[Passage], CollectionView]:
        return self.components.pipeline.finder.search(Query(text, collection, top_k=k))

    def found(self, text: str, collection: str | None = None) -> set[str]:
        """The texts of the passages a search finds."""
        return {passage.text for passage in self.search(text, collection)[0]}


def build_store(kind: str, tmp_path: Path, request: pytest.FixtureRequest, **settings: Any) -> Store:
    if kind == "postgresql":
        settings["store"] = fresh_database(request.getfixturevalue("postgres"), request.node.name)
    components = build(Settings(home=tmp_path / "home", **settings), embedder=HashingEmbedder(),
                       judge=KeywordJudge())
    return Store(kind, components)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    built = build_store(request.param, tmp_path, request)
    yield built
    close = getattr(built.library, "close", None)
    if close is not None:
        close()
