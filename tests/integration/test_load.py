"""The load bench's short mode against a real `vericlaim serve` (what `bench/load.py --short` prints and
checks): under concurrent clients every answer is a 200 or a documented refusal with Retry-After."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.integration.conftest import ROOT

pytestmark = pytest.mark.integration


def test_concurrent_clients_get_only_answers_or_documented_refusals() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "load.py"), "--short", "--queue-size", "8"],
                            capture_output=True, text=True, timeout=600)

    assert result.returncode == 0, result.stdout + result.stderr
    counts = next(line for line in result.stdout.splitlines() if line.startswith("responses by status: "))
    statuses = {part.split(":")[0] for part in counts.removeprefix("responses by status: ").split(", ")}
    assert "200" in statuses and statuses <= {"200", "429", "503"}
    assert "refusals without Retry-After: 0" in result.stdout
