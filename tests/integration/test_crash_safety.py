"""Kill a running ingest with SIGKILL and check the collection is exactly the old or exactly the new one.

Two drivers:
- a small Python driver with the shipped `HashingEmbedder` over a few thousand generated documents, so
  the commit phase (BM25 build, files, checksums, fsync, renames) is long enough to be hit many times;
- the real `vericlaim ingest` console script with the bundled MiniLM embedder, killed the moment its
  commit starts (a `.staging-*` folder appears).
After each kill the collection is reloaded in-process; afterwards a complete ingest must succeed and leave
no stray folders behind.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.embedder import BUNDLED_MINILM
from index.loaders import load_file
from index.store import CollectionStore, Snapshot
from service.domain import Document
from service.fakes import HashingEmbedder

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
CHUNKING = {"max_chars": 700, "overlap_sentences": 1}
FAKE_DIMENSION = 64
WORDS = ("solar", "wind", "coal", "grid", "price", "storage", "battery", "demand", "capacity", "policy", "tariff",
         "carbon", "emission", "turbine", "panel", "hydrogen", "nuclear", "gas", "market", "export", "subsidy")

DRIVER = """
import json, sys
from pathlib import Path
from index.store import CollectionStore
from service.domain import Document
from service.fakes import HashingEmbedder
root, corpus, dimension = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
documents = [Document(**json.loads(line)) for line in corpus.read_text(encoding="utf-8").splitlines()]
store = CollectionStore(root, "crash", embedding_model=f"hashing-{dimension}",
                        chunking={"max_chars": 700, "overlap_sentences": 1})
print(store.apply(HashingEmbedder(dimension), add=documents)[0].chunks, flush=True)
"""


def _corpus(count: int, seed: int, prefix: str) -> list[Document]:
    rng = random.Random(seed)

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."

    return [Document(f"{prefix}{i:05d}", " ".join(sentence() for _ in range(rng.randint(2, 6))))
            for i in range(count)]


def _state(snapshot: Snapshot) -> dict[str, str]:
    return {doc_id: doc.text for doc_id, doc in snapshot.documents.items()}


def _fake_store(root: Path) -> CollectionStore:
    return CollectionStore(root, "crash", embedding_model=f"hashing-{FAKE_DIMENSION}", chunking=CHUNKING)


def _wait_for(predicate, process: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    """Poll every millisecond until `predicate()` holds (True) or the process has exited (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.001)
    raise AssertionError("ingest neither reached the awaited point nor finished")


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _staging(folder: Path) -> list[Path]:
    return sorted(folder.glob(".staging-*"))


def _assert_old_or_new(store: CollectionStore, dimension: int, before: Snapshot, after: dict[str, str]) -> str:
    """Load and compare; returns 'old' or 'new'. A damaged index raises IndexCorruptError here."""
    loaded = store.load(dimension)
    if loaded.version == before.version:
        assert _state(loaded) == _state(before)
        assert len(loaded.chunks) == len(before.chunks) == len(loaded.vectors)
        return "old"
    assert loaded.version.startswith("2-"), loaded.version
    assert _state(loaded) == after
    assert len(loaded.chunks) == len(loaded.vectors) > len(before.chunks)
    return "new"


def _assert_clean(folder: Path) -> None:
    current = (folder / "CURRENT").read_text(encoding="utf-8").split()[0]
    assert sorted(p.name for p in folder.iterdir()) == sorted([".lock", "CURRENT", current])


def test_sigkill_during_fake_ingest_leaves_old_or_new(tmp_path: Path) -> None:
    first = _corpus(50, seed=1, prefix="a")
    second = first + _corpus(3000, seed=2, prefix="b")
    after = {doc.doc_id: doc.text for doc in second}
    corpus = tmp_path / "second.jsonl"
    corpus.write_text("".join(json.dumps(doc.__dict__) + "\n" for doc in second), encoding="utf-8")
    template = tmp_path / "template"
    _, before = _fake_store(template).apply(HashingEmbedder(FAKE_DIMENSION), add=first)

    # Kill points: the moment the commit starts, then a few milliseconds into it, then random delays
    # from the start (reading, chunking, embedding).
    after_staging = [0.0, 0.005, 0.02, 0.05, 0.1, 0.2]
    from_start = [random.Random(7).uniform(0.2, 3.0) for _ in range(3)]
    outcomes, strays = [], 0
    for trial, delay in enumerate([*after_staging, *from_start]):
        root = tmp_path / f"trial-{trial}"
        shutil.copytree(template, root)
        folder = root / "crash"
        process = subprocess.Popen([sys.executable, "-c", DRIVER, str(root), str(corpus), str(FAKE_DIMENSION)],
                                   cwd=REPO, stdout=subprocess.DEVNULL)
        if trial < len(after_staging):
            _wait_for(lambda folder=folder: bool(_staging(folder)), process)
        time.sleep(delay)
        _kill(process)
        strays += bool(_staging(folder))
        outcomes.append(_assert_old_or_new(_fake_store(root), FAKE_DIMENSION, before, after))

    assert "old" in outcomes
    assert strays, "no kill landed inside a commit"
    # The next ingest into a collection with leftovers succeeds and cleans up.
    result = subprocess.run([sys.executable, "-c", DRIVER, str(root), str(corpus), str(FAKE_DIMENSION)],
                            cwd=REPO, capture_output=True, timeout=120, check=True)
    assert int(result.stdout) > 0
    assert _assert_old_or_new(_fake_store(root), FAKE_DIMENSION, before, after) == "new"
    _assert_clean(root / "crash")


def _cli() -> str:
    script = Path(sys.executable).parent / "vericlaim"
    found = str(script) if script.exists() else shutil.which("vericlaim")
    if not found:
        pytest.skip("the vericlaim console script is not installed")
    return found


def test_sigkill_real_cli_ingest_leaves_old_or_new(tmp_path: Path) -> None:
    home, files = tmp_path / "home", tmp_path / "files"
    files.mkdir()
    for doc in _corpus(200, seed=3, prefix="note-"):
        (files / f"{doc.doc_id}.txt").write_text(doc.text, encoding="utf-8")
    env = {**os.environ, "VERICLAIM_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    command = [_cli(), "ingest", "--collection", "crash"]
    subprocess.run([*command, str(files / "note-00000.txt"), str(files / "note-00001.txt")],
                   env=env, capture_output=True, timeout=120, check=True)

    store = CollectionStore(home / "collections", "crash", embedding_model=BUNDLED_MINILM, chunking=CHUNKING)
    dimension = 384  # all-MiniLM-L6-v2; the embedder itself is not loaded in this process
    before = store.load(dimension)
    assert sorted(before.documents) == ["note-00000.txt", "note-00001.txt"]
    after = {doc.doc_id: doc.text for path in files.iterdir() for doc in load_file(path, path.name)}

    process = subprocess.Popen([*command, str(files)], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    reached = _wait_for(lambda: bool(_staging(store.folder)), process, timeout=90)
    _kill(process)
    assert reached, "the ingest finished before its commit could be interrupted"
    _assert_old_or_new(store, dimension, before, after)

    subprocess.run([*command, str(files)], env=env, capture_output=True, timeout=120, check=True)
    assert _assert_old_or_new(store, dimension, before, after) == "new"
    _assert_clean(store.folder)
