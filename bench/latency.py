"""Where a claim check's time goes, beside what the models themselves need for the same work.

    python bench/latency.py [--home /var/tmp/vericlaim-bench] [--chunks 10000] [--claims 100] [--cold]

1. A collection of at least `--chunks` chunks: the documents of WiCE, Citation-Integrity, Check-COVID and
   Climate-FEVER (dev splits, from the datasets folder), ingested once into `--home` and reused after.
2. `--claims` dev claims of those sets, each checked by the pipeline with the default settings (verifier
   decides, the LLM is not asked), after three warm-up checks. Per stage (the verdict's own timings:
   retrieve, numeric, verify, judge; "other" is the rest of the total: screening, splitting, citations,
   stamp) p50 and p95.
3. The raw model calls for the same work, made directly: the query embedding (`embedder.encode([claim])`)
   and the verifier over the same passages and joint reading (`predict_pairs`). The pipeline's overhead is
   its mean total over the mean of those raw calls.
4. HTTP: the same claims through `POST /v1/check` on a uvicorn server on 127.0.0.1 (one client), compared
   with a third, direct pass over them (caches as warm as the HTTP pass found them).
5. `--cold`: fresh processes: `vericlaim check` to its verdict, `vericlaim documents list`, a bad argument,
   and `vericlaim serve` to its first `/v1/health` answer; and the resident size of this process.
6. `--ingest`: Check-COVID's and Climate-FEVER's documents ingested into an empty collection, against a bare
   `encode` of the same sentences in batches of the same size (ingest throughput over encode throughput).
7. `--serve-checks N`: a `vericlaim serve` process's resident size after warm-up and after N more checks.
8. `--llm N`: N of the claims checked with `explain` (the LLM judge is asked; the model is
   `VERICLAIM_MODELS__LLM`): the judge stage's p50/p95, beside llama.cpp reading the same prompt from
   scratch (`reset` + `eval` of its tokens), so the gain of the kept prompt prefix and the cost of the
   rationale's generation show.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import uvicorn

from eval.datasets import load_dataset
from service.api import create_app
from service.bootstrap import Components, build
from service.config import Settings, default_datasets
from service.evidence import Query
from service.judge import LlamaJudge, format_evidence
from service.verifiers.nli import PairVerifier, evidence_readings

SETS = ("wice", "citation-integrity", "check-covid", "climate-fever")
COLLECTION = "bench-latency"
STAGES = ("retrieve_ms", "numeric_ms", "verify_ms", "judge_ms", "other_ms", "total_ms")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def fill(components: Components, data: Path, chunks: int) -> int:
    """Ingest the sets' documents, set by set, until the collection holds `chunks` chunks; its chunk count."""
    library = components.library
    held = len(library.snapshot(COLLECTION).chunks) if COLLECTION in library.collections() else 0
    for name in SETS:
        if held >= chunks:
            break
        dataset = load_dataset(name, data / name, split="dev")
        started = time.perf_counter()
        library.ingest(dataset.documents, COLLECTION)
        held = len(library.snapshot(COLLECTION).chunks)
        print(f"ingested {name}: {len(dataset.documents)} documents in {time.perf_counter() - started:.0f} s; "
              f"{held} chunks", flush=True)
    return held


def claims(data: Path, count: int) -> list[str]:
    pool = [claim.claim for name in SETS for claim in load_dataset(name, data / name, split="dev").claims]
    return random.Random(0).sample(pool, min(count, len(pool)))


def stage_times(components: Components, texts: list[str]) -> tuple[dict[str, list[float]], list[float]]:
    """Each check's stage timings, and the raw model milliseconds of the same calls."""
    pipeline, embedder = components.pipeline, components.library.embedder
    verifier = pipeline.verifier
    stages: dict[str, list[float]] = {stage: [] for stage in STAGES}
    raw: list[float] = []
    for text in texts:
        verdict = pipeline.check(Query(text, COLLECTION))
        atoms = [part.verdict for part in verdict.parts] or [verdict]  # a compound claim: each part was checked
        timings = {stage: sum(atom.timings.get(stage, 0.0) for atom in atoms) for stage in STAGES[:4]}
        timings["total_ms"] = verdict.timings["total_ms"]
        timings["other_ms"] = max(0.0, timings["total_ms"] - sum(timings[stage] for stage in STAGES[:4]))
        for stage in STAGES:
            if stage != "judge_ms" or timings[stage]:
                stages[stage].append(timings[stage])
        started = time.perf_counter()
        for atom in atoms:
            if not atom.timings.get("retrieve_ms"):
                continue  # screened out: no model ran
            embedder.encode([atom.claim])
            if isinstance(verifier, PairVerifier) and atom.passages:
                readings = evidence_readings(atom.passages)
                verifier.predict_pairs(readings, [atom.claim] * len(readings))
        raw.append((time.perf_counter() - started) * 1000)
    return stages, raw


def http_times(components: Components, texts: list[str], port: int = 8765) -> list[float]:
    server = uvicorn.Server(uvicorn.Config(create_app(components), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    times = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for text in texts:
            started = time.perf_counter()
            response = client.post("/v1/check", json={"claim": text, "collection": COLLECTION})
            response.raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    server.should_exit = True
    thread.join()
    return times


def llm_times(components: Components, texts: list[str]) -> dict[str, list[float]]:
    """The judge stage of checks made with `explain`, and llama.cpp reading each same prompt from scratch."""
    judge = components.pipeline.judge
    assert isinstance(judge, LlamaJudge), "--llm needs the llama.cpp judge"
    times: dict[str, list[float]] = {"judge stage": [], "raw prompt read": [], "prompt tokens": []}
    for text in texts:
        verdict = components.pipeline.check(Query(text, COLLECTION), explain=True)
        for atom in [part.verdict for part in verdict.parts] or [verdict]:
            if not atom.timings.get("judge_ms"):
                continue
            times["judge stage"].append(atom.timings["judge_ms"])
            user = judge._template.format(claim=atom.claim, evidence=format_evidence(atom.passages))
            tokens = judge._tokens(judge._chat(user) + '{"verdict": "')
            started = time.perf_counter()
            judge._llm.reset()
            judge._llm.eval(tokens)
            times["raw prompt read"].append((time.perf_counter() - started) * 1000)
            times["prompt tokens"].append(len(tokens))
    return times


def cold(home: Path, claim: str) -> dict[str, float]:
    """Seconds from a fresh `vericlaim` process to its answer."""
    command = [str(Path(sys.executable).with_name("vericlaim"))]
    env = {**os.environ, "VERICLAIM_HOME": str(home), "HF_HUB_OFFLINE": "1"}

    def timed(*args: str) -> float:
        started = time.perf_counter()
        subprocess.run([*command, *args], env=env, capture_output=True, check=False)
        return time.perf_counter() - started

    figures = {"check (to the verdict)": timed("check", claim, "-c", COLLECTION),
               "documents list": timed("documents", "list", "-c", COLLECTION),
               "bad argument (--top-k 0)": timed("check", claim, "--top-k", "0")}
    started = time.perf_counter()
    server = subprocess.Popen([*command, "serve", "--port", "8766"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                if httpx.get("http://127.0.0.1:8766/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        figures["serve (to the first /v1/health)"] = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    return figures


def ingest_ratio(data: Path) -> dict[str, float]:
    """Seconds to ingest two sets' documents into an empty collection, and to encode their sentences bare."""
    import tempfile

    with tempfile.TemporaryDirectory() as home:
        components = build(Settings(home=Path(home)))
        documents = [d for name in ("check-covid", "climate-fever")
                     for d in load_dataset(name, data / name, split="dev").documents]
        started = time.perf_counter()
        components.library.ingest(documents, "ingest")
        ingest = time.perf_counter() - started
        snapshot = components.library.snapshot("ingest")
        sentences = [snapshot.sentence_text(row) for row in range(len(snapshot.sentences))]
        started = time.perf_counter()
        components.library.embedder.encode(sentences)
        encode = time.perf_counter() - started
    return {"sentences": len(sentences), "ingest_s": ingest, "encode_s": encode}


def serve_rss(home: Path, texts: list[str], checks: int, port: int = 8767) -> tuple[float, float]:
    """MiB resident in a `vericlaim serve` process after five checks, and after `checks` more."""
    command = [str(Path(sys.executable).with_name("vericlaim")), "serve", "--port", str(port)]
    env = {**os.environ, "VERICLAIM_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def rss() -> float:
        status = Path(f"/proc/{server.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024

    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            while True:
                try:
                    client.get("/v1/health").raise_for_status()
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            for i in range(5 + checks):
                if i == 5:
                    warm = rss()
                client.post("/v1/check", json={"claim": texts[i % len(texts)], "collection": COLLECTION})
            return warm, rss()
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("/var/tmp/vericlaim-bench"))
    parser.add_argument("--data", type=Path, default=default_datasets())
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=100)
    parser.add_argument("--cold", action="store_true", help="also time fresh processes (start-up)")
    parser.add_argument("--ingest", action="store_true", help="also time an ingest against a bare encode")
    parser.add_argument("--serve-checks", type=int, default=0, help="also measure a server's RSS over N checks")
    parser.add_argument("--llm", type=int, default=0, help="also time the LLM judge on N claims (explain)")
    args = parser.parse_args()
    components = build(Settings(home=args.home))
    held = fill(components, args.data, args.chunks)
    texts = claims(args.data, args.claims)
    stage_times(components, texts[:3])  # warm-up
    rss_warm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    stages, raw = stage_times(components, texts)
    elapsed = time.perf_counter() - started
    http = http_times(components, texts)
    again, _ = stage_times(components, texts)  # the same claims again, as warm as the HTTP pass found them
    print(f"\n{len(texts)} claims over {held} chunks, {os.cpu_count()} cores; {len(texts) / elapsed * 60:.0f} "
          f"claims/min one at a time")
    print(f"{'stage':<26}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    rows = [(stage[:-3], stages[stage]) for stage in STAGES] + [("raw model calls", raw), ("HTTP round trip", http)]
    for name, values in rows:
        if values:
            print(f"{name:<26}{len(values):>5}{percentile(values, 0.5):>10.1f}{percentile(values, 0.95):>10.1f}"
                  f"{statistics.fmean(values):>10.1f}")
    overhead = statistics.fmean(stages["total_ms"]) / statistics.fmean(raw) - 1
    http_extra = statistics.fmean(http) / statistics.fmean(again["total_ms"]) - 1
    print(f"pipeline overhead over the raw model calls: {overhead:+.0%}; HTTP round trip over the same checks "
          f"made directly (second pass, {statistics.fmean(again['total_ms']):.0f} ms mean): {http_extra:+.0%}")
    print(f"peak RSS of this process after warm-up {rss_warm:.0f} MiB, after the checks "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if args.llm:
        measured = llm_times(components, texts[:args.llm])
        print(f"LLM judge {components.pipeline.judge.model_name}, {len(measured['judge stage'])} checks, prompts of "
              f"{statistics.fmean(measured['prompt tokens']):.0f} tokens on average")
        for name in ("judge stage", "raw prompt read"):
            print(f"{name:<26}{len(measured[name]):>5}{percentile(measured[name], 0.5):>10.1f}"
                  f"{percentile(measured[name], 0.95):>10.1f}{statistics.fmean(measured[name]):>10.1f}")
    if args.cold:
        for name, seconds in cold(args.home, texts[0]).items():
            print(f"cold {name}: {seconds:.1f} s")
    if args.ingest:
        measured = ingest_ratio(args.data)
        print(f"ingest of {measured['sentences']} sentences {measured['ingest_s']:.1f} s, bare encode of the same "
              f"{measured['encode_s']:.1f} s: ingest runs at {measured['encode_s'] / measured['ingest_s']:.2f}× "
              f"bare encode")
    if args.serve_checks:
        warm, after = serve_rss(args.home, texts, args.serve_checks)
        print(f"vericlaim serve RSS {warm:.0f} MiB after warm-up, {after:.0f} MiB after {args.serve_checks} more "
              f"checks ({after / warm - 1:+.1%})")


if __name__ == "__main__":
    main()
