"""pgvector's HNSW index against exact search at 100k sentences: recall@10 and query latency (PostgreSQL).

    python bench/pgvector_recall.py [--sentences 100000] [--queries 200] [--ef 40 128]

Sentences are distinct premises and hypotheses from ../shared/datasets/nli, embedded with the default model;
the queries are other sentences from the same files, left out of the table. The table and its index are
pgstore's (vector(384), HNSW m=16, ef_construction=64, cosine). Exact neighbours come from numpy over the same
vectors. PostgreSQL 16 + pgvector from the `pgserver` wheel, started in a temporary folder. Printed: the build
times, and per `hnsw.ef_search` the mean recall@10 and the p50/p95 of one query as pgstore sends it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NLI = ROOT.parent / "shared" / "datasets" / "nli"


def sentences(limit: int) -> list[str]:
    seen: dict[str, None] = {}
    for path in sorted(NLI.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            for text in (row.get("premise"), row.get("hypothesis")):
                if isinstance(text, str) and 20 <= len(text) <= 400:
                    seen.setdefault(text.strip(), None)
            if len(seen) >= limit:
                return list(seen)
    return list(seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ef", type=int, nargs="+", default=[40, 128])
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
    import psycopg
    from pgvector.psycopg import register_vector

    from service.bootstrap import build_embedder
    from service.config import Settings

    texts = sentences(args.sentences + args.queries)
    stored, asked = texts[:args.sentences], texts[args.sentences:args.sentences + args.queries]
    embedder = build_embedder(Settings())
    started = time.perf_counter()
    vectors = embedder.encode(stored).astype(np.float32)
    queries = embedder.encode(asked).astype(np.float32)
    print(f"{len(stored)} sentences, {len(asked)} queries; embedded in {time.perf_counter() - started:.0f} s")
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]

    with tempfile.TemporaryDirectory() as scratch:
        server = pgserver.get_server(Path(scratch), cleanup_mode="stop")
        with psycopg.connect(server.get_uri(), autocommit=True) as db:
            db.execute("CREATE EXTENSION IF NOT EXISTS vector")
            register_vector(db)
            db.execute(f"CREATE TABLE s (id int PRIMARY KEY, embedding vector({vectors.shape[1]}))")
            started = time.perf_counter()
            with db.cursor().copy("COPY s (id, embedding) FROM STDIN WITH (FORMAT BINARY)") as copy:
                copy.set_types(["int4", "vector"])
                for row, vector in enumerate(vectors):
                    copy.write_row((row, vector))
            loaded = time.perf_counter() - started
            started = time.perf_counter()
            db.execute("SET maintenance_work_mem = '1GB'")
            db.execute("CREATE INDEX ON s USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)")
            print(f"loaded in {loaded:.0f} s; HNSW index built in {time.perf_counter() - started:.0f} s")
            for ef in args.ef:
                db.execute(f"SET hnsw.ef_search = {ef}")
                recalls, seconds = [], []
                for query, truth in zip(queries, exact, strict=True):
                    started = time.perf_counter()
                    found = [row[0] for row in db.execute(
                        "SELECT id FROM s ORDER BY embedding <=> %s LIMIT 10", (query,)).fetchall()]
                    seconds.append(time.perf_counter() - started)
                    recalls.append(len(set(found) & set(truth.tolist())) / 10)
                ms = sorted(1000 * s for s in seconds)
                print(f"ef_search {ef:4}: recall@10 {statistics.mean(recalls):.3f}, "
                      f"p50 {statistics.median(ms):.1f} ms, p95 {ms[int(0.95 * len(ms))]:.1f} ms")
        server.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
