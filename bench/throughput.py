"""Claims a minute through `vericlaim eval run`, as a user runs it.

    python bench/throughput.py [--set check-covid] [--claims 200] [--home /var/tmp/vericlaim-bench-throughput]

1. The set's corpus is ingested into `--home` by a first `vericlaim eval run --limit 1` (timed apart, and
   skipped by the store when it is already there).
2. `vericlaim eval run --format SET --split dev --limit N` into a fresh folder, in a fresh process, with
   the default settings (the verifier decides; the LLM is not asked). Printed: the claims checked, the
   process's wall time (start-up included), and the run's own claims/min from `metrics.json` (checking
   only, first claim to last).

Checks run one claim at a time: batching claims was measured (`bench/batching.py`) and did not pay.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.config import default_datasets  # noqa: E402


def eval_run(home: Path, data: Path, name: str, limit: int, out: Path) -> float:
    """Run `vericlaim eval run` in a fresh process; its wall time in seconds."""
    command = [str(Path(sys.executable).parent / "vericlaim"), "eval", "run", "--format", name, str(data / name),
               "--split", "dev", "--limit", str(limit), "--out", str(out)]
    env = {**os.environ, "VERICLAIM_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="check-covid")
    parser.add_argument("--claims", type=int, default=200)
    parser.add_argument("--home", type=Path, default=Path("/var/tmp/vericlaim-bench-throughput"))
    parser.add_argument("--data", type=Path, default=default_datasets())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        filled = eval_run(args.home, args.data, args.set, 1, Path(scratch) / "fill")
        wall = eval_run(args.home, args.data, args.set, args.claims, Path(scratch) / "run")
        metrics = json.loads((Path(scratch) / "run" / "metrics.json").read_text(encoding="utf-8"))
    checked = metrics["claims"]
    latency = metrics["latency"]
    print(f"{args.set} dev, {checked} claims, {os.cpu_count()} cores (collection ready after {filled:.0f} s)")
    print(f"vericlaim eval run: {wall:.1f} s wall in a fresh process = {checked / wall * 60:.0f} claims/min "
          f"start-up included; checking alone {latency['wall_throughput_per_s'] * 60:.0f} claims/min "
          f"(p50 {latency['p50_ms']:.0f} ms, p95 {latency['p95_ms']:.0f} ms a claim)")


if __name__ == "__main__":
    main()
