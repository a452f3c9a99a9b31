"""Many clients at once against a `vericlaim serve` on loopback: throughput, latency, and every status seen.

    python bench/load.py [--clients 50] [--seconds 60] [--url http://127.0.0.1:8000]
    python bench/load.py --short            # 4 clients for 5 s (what CI runs)
    python bench/load.py --rounds 3         # the load three times over, RSS read after each

Without `--url` it starts its own server (a temporary `VERICLAIM_HOME` holding the demo corpus, default
settings) and reads that server's resident size before and after. Each client posts `/v1/check` with the demo
claims in turn, back to back, for `--seconds`. Printed: accepted checks a second, p50/p99 of accepted checks,
counts by status, refusals without `Retry-After` (there should be none), and the RSS after each round (the
first round grows it once, as every thread that ran a check keeps its buffers; the later ones show whether it
keeps growing). The exit code is 1 when a
status other than 200 and the documented 429/503 was seen, so the short mode is a check as well.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "service" / "demo"
EXPECTED = {200, 429, 503}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    vericlaim = str(Path(sys.executable).parent / "vericlaim")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERICLAIM_")}
    env.update({"VERICLAIM_HOME": str(home), "HF_HUB_OFFLINE": "1"})
    subprocess.run([vericlaim, "ingest", str(DEMO / "docs")], env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    process = subprocess.Popen([vericlaim, "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited before it was ready")
        try:
            if httpx.get(f"{url}/v1/ready", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    process.kill()
    raise SystemExit("the server was not ready within 180 s")


async def client(url: str, claims: list[str], until: float, offset: int,
                 seen: list[tuple[int, float, bool]]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        turn = offset
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                response = await http.post("/v1/check", json={"claim": claims[turn % len(claims)]})
                status, retry = response.status_code, "retry-after" in response.headers
            except httpx.TransportError:
                status, retry = 0, False
            seen.append((status, time.perf_counter() - started, retry))
            turn += 1


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--url", help="an already running server (default: start one on the demo corpus)")
    parser.add_argument("--short", action="store_true", help="4 clients for 5 s")
    parser.add_argument("--queue-size", type=int, default=8, help="the server's VERICLAIM_SERVER__QUEUE_SIZE")
    parser.add_argument("--rounds", type=int, default=1, help="run the load this many times, RSS after each")
    args = parser.parse_args()
    if args.short:
        args.clients, args.seconds = 4, 5.0
    claims = [json.loads(line)["claim"] for line in (DEMO / "claims.jsonl").read_text().splitlines() if line]
    with tempfile.TemporaryDirectory() as home:
        process, url = (None, args.url) if args.url else start_server(Path(home))
        try:
            alone = []
            for claim in claims[:8]:  # warm-up, then one check at a time: the latency the bound scales
                started = time.perf_counter()
                httpx.post(f"{url}/v1/check", json={"claim": claim}, timeout=120)
                alone.append((time.perf_counter() - started) * 1000)
            single = statistics.median(alone[3:])
            before = rss_mib(process.pid) if process else None
            seen: list[tuple[int, float, bool]] = []
            rounds: list[tuple[int, float]] = []  # (checks answered so far, RSS) after each round
            elapsed = 0.0
            for _ in range(args.rounds):
                until = time.monotonic() + args.seconds
                started = time.perf_counter()

                async def run_all(until: float = until) -> None:
                    await asyncio.gather(*(client(url, claims, until, n, seen) for n in range(args.clients)))

                asyncio.run(run_all())
                elapsed += time.perf_counter() - started
                if process:
                    rounds.append((sum(1 for status, _, _ in seen if status == 200), rss_mib(process.pid)))
            after = rounds[-1][1] if rounds else None
        finally:
            if process:
                process.terminate()
                process.wait(timeout=60)
    statuses = Counter(status for status, _, _ in seen)
    accepted = [seconds * 1000 for status, seconds, _ in seen if status == 200]
    bare = sum(1 for status, _, retry in seen if status in (429, 503) and not retry)
    print(f"{args.clients} clients for {args.rounds} × {args.seconds:.0f} s on {url}, {os.cpu_count()} cores")
    print(f"accepted checks: {len(accepted) / elapsed:.2f}/s; p50 {percentile(accepted, 0.5):.0f} ms, "
          f"p99 {percentile(accepted, 0.99):.0f} ms; one check alone {single:.0f} ms, so 2 × alone × queue size "
          f"({args.queue_size}) = {2 * single * args.queue_size:.0f} ms")
    print("responses by status: " + ", ".join(f"{status or 'no answer'}: {count}"
                                              for status, count in sorted(statuses.items())))
    print(f"refusals without Retry-After: {bare}")
    if before is not None and after is not None:
        print(f"server RSS {before:.0f} MiB before, {after:.0f} MiB after ({after / before - 1:+.1%})")
        print("server RSS after each round: " + ", ".join(f"{rss:.0f} MiB ({checks} checks)" for checks, rss in rounds))
        if len(rounds) > 1:
            print(f"from the end of round 1 to the end: {rounds[-1][1] / rounds[0][1] - 1:+.1%}")
    unexpected = sorted(set(statuses) - EXPECTED)
    if unexpected or bare:
        print(f"unexpected: statuses {unexpected}, refusals without Retry-After {bare}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
