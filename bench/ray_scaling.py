"""Claims a minute checked in one process and on 1 and 2 local Ray workers (`vericlaim check-batch`).

    python bench/ray_scaling.py [--copies 8]

A temporary `VERICLAIM_HOME` holds the demo corpus; the claims are the 32 demo claims, `--copies` times over
(distinct ids). Printed per mode: the command's wall time (start-up included), the claims a minute while
checking (models already loaded in every worker), and each worker's claims a second.
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
DEMO = ROOT / "service" / "demo"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=8)
    args = parser.parse_args()
    vericlaim = str(Path(sys.executable).parent / "vericlaim")
    with tempfile.TemporaryDirectory() as scratch:
        home = Path(scratch) / "home"
        env = {k: v for k, v in os.environ.items() if not k.startswith("VERICLAIM_")}
        env.update({"VERICLAIM_HOME": str(home), "HF_HUB_OFFLINE": "1"})
        subprocess.run([vericlaim, "ingest", str(DEMO / "docs")], env=env, check=True, capture_output=True)
        claims = [json.loads(line) for line in (DEMO / "claims.jsonl").read_text(encoding="utf-8").splitlines()]
        claims_file = Path(scratch) / "claims.jsonl"
        claims_file.write_text("".join(json.dumps({"id": f"{c['id']}-{n}", "claim": c["claim"]}) + "\n"
                                       for n in range(args.copies) for c in claims), encoding="utf-8")
        print(f"{len(claims) * args.copies} claims, {os.cpu_count()} cores")
        for label, extra in (("one process", []), ("Ray, 1 worker", ["--ray", "local", "--workers", "1"]),
                             ("Ray, 2 workers", ["--ray", "local", "--workers", "2"])):
            out_dir = Path(scratch) / label.replace(" ", "-").replace(",", "")
            started = time.perf_counter()
            result = subprocess.run([vericlaim, "check-batch", str(claims_file), "--out", str(out_dir), "--json",
                                     *extra], env=env, check=True, capture_output=True, text=True)
            wall = time.perf_counter() - started
            summary = json.loads(result.stdout)
            workers = ", ".join(f"{w['claims']:.0f} claims at {w['claims_per_second']:.1f}/s"
                                for w in summary["workers"].values())
            print(f"{label:16} {summary['claims_per_minute']:7.0f} claims/min checking, {wall:5.1f} s wall"
                  + (f"; workers: {workers}" if workers else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
