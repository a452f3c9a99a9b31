"""Checking on Ray: `check-batch` and `eval run` with `--ray local --workers 2` give the same verdicts as one
process (every field but the timings), report each worker's share, and resume under Ray."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import DEMO, subprocess_env, vericlaim_command

pytestmark = pytest.mark.integration

try:
    import ray  # noqa: F401
except ImportError:
    if os.environ.get("VERICLAIM_REQUIRE_RAY"):
        raise RuntimeError("VERICLAIM_REQUIRE_RAY is set but Ray is not installed (pip install -e '.[dev]')") from None
    pytest.skip("Ray is not installed (pip install 'vericlaim[ray]')", allow_module_level=True)


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*vericlaim_command(), *args], env=subprocess_env(home), capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def without_timings(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with every `timings` removed (wall-clock times differ from run to run, nothing else may)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items() if key != "timings"}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    return [strip(row) for row in rows]


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture()
def home(cli_home: Path) -> Path:
    run(cli_home, "ingest", str(DEMO / "docs"))
    return cli_home


def test_check_batch_on_two_ray_workers_matches_one_process_and_resumes(home: Path, tmp_path: Path) -> None:
    claims = str(DEMO / "claims.jsonl")
    run(home, "check-batch", claims, "--out", str(tmp_path / "here"))
    summary = json.loads(run(home, "check-batch", claims, "--out", str(tmp_path / "ray"), "--ray", "local",
                             "--workers", "2", "--json").stdout)

    here = read_rows(tmp_path / "here" / "results.jsonl")
    on_ray = read_rows(tmp_path / "ray" / "results.jsonl")
    assert len(here) == 32 and without_timings(on_ray) == without_timings(here)
    assert len(summary["workers"]) == 2
    assert sum(worker["claims"] for worker in summary["workers"].values()) == 32
    assert all(worker["claims_per_second"] > 0 for worker in summary["workers"].values())

    results = tmp_path / "ray" / "results.jsonl"
    results.write_text("".join(json.dumps(row) + "\n" for row in on_ray[:10]), encoding="utf-8")
    resumed = json.loads(run(home, "check-batch", claims, "--out", str(tmp_path / "ray"), "--ray", "local",
                             "--workers", "2", "--json").stdout)
    assert (resumed["kept"], resumed["checked"]) == (10, 22)
    assert without_timings(read_rows(results)) == without_timings(here)


def test_eval_run_on_ray_scores_what_one_process_scores(home: Path, tmp_path: Path) -> None:
    claims = str(DEMO / "claims.jsonl")
    run(home, "eval", "run", claims, "--out", str(tmp_path / "here"))
    on_ray = run(home, "eval", "run", claims, "--out", str(tmp_path / "ray"), "--ray", "local", "--workers", "2")

    assert "worker " in on_ray.stdout
    assert without_timings(read_rows(tmp_path / "ray" / "predictions.jsonl")) == without_timings(
        read_rows(tmp_path / "here" / "predictions.jsonl"))
    metrics = [json.loads((tmp_path / name / "metrics.json").read_text()) for name in ("here", "ray")]
    assert metrics[0]["accuracy"] == metrics[1]["accuracy"]
