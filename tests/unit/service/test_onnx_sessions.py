import os
from pathlib import Path

import pytest

from service.errors import ModelUnavailableError
from service.onnx_sessions import cached_graph


def build_writing(text: str):
    def build(target: Path) -> None:
        target.write_text(text)
    return build


def aged(path: Path, seconds_ago: int) -> None:
    past = path.stat().st_mtime - seconds_ago
    os.utime(path, (past, past))


def test_a_graph_is_built_once_and_then_read_from_the_cache(tmp_path: Path) -> None:
    calls: list[Path] = []

    def build(target: Path) -> None:
        calls.append(target)
        target.write_text("graph")

    first = cached_graph(tmp_path / "nli-int8-aaa.onnx", build, "cannot build")
    second = cached_graph(tmp_path / "nli-int8-aaa.onnx", build, "cannot build")

    assert first == second and first.read_text() == "graph"
    assert len(calls) == 1
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_new_graph_keeps_only_the_most_recently_used_of_its_kind(tmp_path: Path) -> None:
    week = 7 * 24 * 3600
    for age, key in enumerate(["k0", "k1", "k2", "k3"]):  # built earlier, k0 first
        (tmp_path / f"nli-int8-{key}.onnx").write_text(key)
        aged(tmp_path / f"nli-int8-{key}.onnx", week + 100 * (4 - age))  # k0 oldest, all unused for a week
    aged(tmp_path / "nli-int8-k0.onnx", -week)  # … but k0, used a moment ago by another install
    other_kind = tmp_path / "all-MiniLM-L6-v2-k9.onnx"
    other_kind.write_text("embedder")
    aged(other_kind, 2 * week)
    cached_graph(tmp_path / "nli-int8-k1.onnx", build_writing("k1"), "cannot build")  # a use makes k1 the newest

    cached_graph(tmp_path / "nli-int8-k4.onnx", build_writing("k4"), "cannot build", keep=3)

    # kept: the new graph, the two most recently used (k1, k0), and none older than a week besides
    assert sorted(p.name for p in tmp_path.glob("nli-int8-*.onnx")) == [
        "nli-int8-k0.onnx", "nli-int8-k1.onnx", "nli-int8-k4.onnx"]
    assert other_kind.is_file()  # another kind's graph is not this kind's to evict


def test_graphs_used_within_a_week_are_kept_beyond_the_count(tmp_path: Path) -> None:
    for key in ["k1", "k2", "k3"]:
        cached_graph(tmp_path / f"nli-int8-{key}.onnx", build_writing(key), "cannot build")

    cached_graph(tmp_path / "nli-int8-k4.onnx", build_writing("k4"), "cannot build", keep=1)

    assert len(list(tmp_path.glob("nli-int8-*.onnx"))) == 4  # installs taking turns do not evict each other


def test_a_graph_removed_by_another_process_is_built_again(tmp_path: Path) -> None:
    graph = cached_graph(tmp_path / "nli-int8-k1.onnx", build_writing("first"), "cannot build")
    graph.unlink()

    assert cached_graph(graph, build_writing("again"), "cannot build").read_text() == "again"


def test_a_failed_build_names_the_model_and_evicts_nothing(tmp_path: Path) -> None:
    kept = cached_graph(tmp_path / "nli-int8-k1.onnx", build_writing("k1"), "cannot build")

    def broken(target: Path) -> None:
        target.write_text("half")
        raise ValueError("damaged file\nmore")

    with pytest.raises(ModelUnavailableError, match=r"^cannot build the graph: damaged file$"):
        cached_graph(tmp_path / "nli-int8-k2.onnx", broken, "cannot build the graph", keep=1)
    assert kept.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nli-int8-k1.onnx"]
