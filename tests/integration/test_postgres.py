"""Collections in a real PostgreSQL with pgvector (`VERICLAIM_STORE`): the library's changes, the pipeline's
verdicts with verified citations, two processes sharing one database, and kill -9 during an ingest leaving
the collection old or new, never between.

The server is the session's PostgreSQL 16 with pgvector (tests/postgres.py): without pgserver these tests skip,
unless VERICLAIM_REQUIRE_POSTGRES is set (CI sets it)."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from service.bootstrap import Components, build
from service.config import Settings
from service.domain import Document
from service.errors import CollectionNotFoundError, DocumentNotFoundError, InputError
from service.evidence import Query
from tests.integration.conftest import DEMO, serving, subprocess_env, vericlaim_command
from tests.postgres import fresh_database

pytestmark = pytest.mark.integration


@pytest.fixture()
def store(postgres: str, request: pytest.FixtureRequest) -> str:
    """A database of this test's own on the session's server (tests/postgres.py)."""
    return fresh_database(postgres, request.node.name)


def components_over(store: str, real: Components, tmp_path: Path, *, full: bool = False) -> Components:
    settings = Settings(home=tmp_path / "home", store=store)
    if full:  # the configured verifier and calibration too
        (tmp_path / "home").mkdir(exist_ok=True)
        (tmp_path / "home" / "models").symlink_to(real.settings.models_dir, target_is_directory=True)
        return build(settings)
    return build(settings, embedder=real.library.embedder, judge=real.pipeline.judge)


def test_documents_are_added_updated_deduplicated_and_deleted_in_postgres(store: str, real: Components,
                                                                          tmp_path: Path) -> None:
    library = components_over(store, real, tmp_path).library
    docs = library.read_files([DEMO / "docs"])

    first = library.ingest(docs, "demo")
    again = library.ingest(docs, "demo")
    northwind = next(d for d in docs if d.doc_id == "northwind-cluster.md")
    changed = Document(northwind.doc_id, northwind.text + "\n\nA new closing paragraph.", source="test")
    update = library.ingest([changed, Document("copy.md", docs[0].text, source="test")], "demo")

    assert sorted(first.added) == sorted(d.doc_id for d in docs) and first.chunks > 100
    assert sorted(again.unchanged) == sorted(first.added) and not again.changed
    assert update.updated == ("northwind-cluster.md",) and update.duplicates == (("copy.md", docs[0].doc_id),)
    view = library.snapshot("demo")
    assert view.documents["northwind-cluster.md"].text.endswith("A new closing paragraph.")
    assert sorted(view.documents) == sorted(first.added)
    assert library.delete([docs[0].doc_id], "demo").deleted == (docs[0].doc_id,)
    assert docs[0].doc_id not in library.snapshot("demo").documents
    with pytest.raises(DocumentNotFoundError):
        library.delete(["nowhere.md"], "demo")
    with pytest.raises(CollectionNotFoundError):
        library.snapshot("misspelled")
    with pytest.raises(InputError, match="NUL"):  # PostgreSQL text cannot hold it: refused, nothing stored
        library.ingest([Document("nul.md", "A line with a \x00 in it.", source="test")], "demo")
    assert "nul.md" not in library.snapshot("demo").documents
    assert library.collections() == ["demo"]


def test_checks_over_postgres_cite_the_stored_text_and_see_another_process_writes(
        store: str, real: Components, tmp_path: Path) -> None:
    built = components_over(store, real, tmp_path, full=True)
    other = components_over(store, real, tmp_path / "other")  # another process's library over the same database
    other.library.ingest(other.library.read_files([DEMO / "docs"]), None)

    verdict = built.pipeline.check(Query("Veridian Labs spent less than $1 billion on cloud compute in FY2024."))

    assert verdict.label.value == "REFUTED"
    assert any("$1.5 billion" in citation.quote for citation in verdict.citations)
    documents = built.library.snapshot().documents
    for citation in verdict.citations:
        assert documents[citation.doc_id].text[citation.start:citation.end] == citation.quote
    before = built.library.snapshot().version
    other.library.ingest([Document("memo.md", "Veridian's board approved a $2 billion compute budget.",
                                   source="test")], None)
    assert built.library.snapshot().version != before
    passages, _ = built.pipeline.finder.search(Query("board approved compute budget", doc_ids=["memo.md"]))
    assert [p.doc_id for p in passages] == ["memo.md"]


def test_two_servers_share_one_postgres_store(store: str, cli_home: Path, tmp_path: Path) -> None:
    env = {"VERICLAIM_STORE": store}
    with serving(cli_home, tmp_path / "a.log", env=env) as a, serving(cli_home, tmp_path / "b.log", env=env) as b:
        with (DEMO / "docs" / "veridian-fy2024-results.md").open("rb") as handle:
            added = a.client.post("/v1/documents", files={"file": ("veridian.md", handle)})
        assert added.status_code == 200, added.text

        listed = b.client.get("/v1/documents").json()
        checked = b.client.post("/v1/check", json={"claim": "Veridian's revenue reached $640 million in FY2024."})

    assert [d["doc_id"] for d in listed["documents"]] == ["veridian.md"]
    assert checked.status_code == 200 and checked.json()["citations"]


def test_sigkill_during_a_postgres_ingest_leaves_the_collection_old(store: str, cli_home: Path, real: Components,
                                                                    tmp_path: Path) -> None:
    env = subprocess_env(cli_home) | {"VERICLAIM_STORE": store}
    subprocess.run([*vericlaim_command(), "ingest", str(DEMO / "docs")], env=env, check=True, capture_output=True)
    corpus = tmp_path / "big.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"big-{n}", "text": " ".join(
        f"Plant {n} shipped {m * 7 + n} units in week {m}." for m in range(150))}) + "\n" for n in range(30)),
        encoding="utf-8")
    library = build(Settings(home=cli_home, store=store), embedder=real.library.embedder,
                    judge=real.pipeline.judge).library
    before = library.snapshot()
    before_docs = sorted(before.documents)

    ingest = subprocess.Popen([*vericlaim_command(), "ingest", str(corpus)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not _writing(store):  # until the ingest's transaction has written rows, uncommitted
        assert time.monotonic() < deadline and ingest.poll() is None, "the ingest never started writing"
        time.sleep(0.05)
    time.sleep(1.0)
    assert ingest.poll() is None and _writing(store), "the ingest finished before the kill"
    ingest.send_signal(signal.SIGKILL)
    ingest.wait(timeout=30)

    after = library.snapshot()
    assert after.version == before.version and sorted(after.documents) == before_docs
    finished = subprocess.run([*vericlaim_command(), "ingest", str(corpus)], env=env, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert len(library.snapshot().documents) == len(before_docs) + 30


def _writing(store: str) -> bool:
    """Another session holds an open transaction that has written (it has a transaction id)."""
    import psycopg

    with psycopg.connect(store, autocommit=True) as db:
        row = db.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                         "pid <> pg_backend_pid() AND backend_xid IS NOT NULL").fetchone()
    return bool(row and row[0])


def test_a_postgres_collection_refuses_another_embedder_until_reindexed(store: str, real: Components,
                                                                        tmp_path: Path) -> None:
    """Issue 27, item 2: a collection knows its embedder; `reindex` re-embeds it in one transaction."""
    from service.fakes import HashingEmbedder

    library = components_over(store, real, tmp_path).library
    library.ingest(library.read_files([DEMO / "docs" / "northwind-cluster.md"]), "demo")

    class Renamed(HashingEmbedder):
        def __init__(self) -> None:
            super().__init__(dimension=real.library.embedder.dimension)  # the table's vectors have one size
            self.name = "renamed-embedder"

    other = build(Settings(home=tmp_path / "other", store=store), embedder=Renamed(),
                  judge=real.pipeline.judge).library
    with pytest.raises(InputError, match="vericlaim reindex --collection demo"):
        other.ingest([Document("more.md", "Another document.", source="test")], "demo")

    summary = other.reindex("demo")

    assert summary.added == ("northwind-cluster.md",) and summary.chunks > 5
    other.ingest([Document("more.md", "Another document.", source="test")], "demo")  # the new model is its own
    assert sorted(other.snapshot("demo").documents) == ["more.md", "northwind-cluster.md"]
