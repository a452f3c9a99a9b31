"""The `Retriever` port over a PostgreSQL collection: sentences ranked by pgvector's HNSW index (cosine) and by
PostgreSQL full-text search (ts_rank_cd over an OR of the query's words), fused by reciprocal rank. Each ranking
proposes `candidates` sentences (at least k); the HNSW scan runs at `hnsw.ef_search` = `ef_search` (at least the
candidates). A search reads one version: the collection's version, its filter and its ranking come from one
REPEATABLE READ transaction, and the view it returns is that version's (pgstore/view.py).

Filtered searches (`doc_ids`, dates) rank the allowed sentences exactly, since pgvector would filter after its
index scan. It is simpler than the FAISS files' retriever (index/retriever.py: document candidates,
neighbouring-sentence context, number overlap, MMR), so verdicts over the two stores can differ; the README
gives both scores on the demo claims. `Passage.scores["dense"]` is the sentence's cosine to the query, as
there (the evidence floor).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date
from typing import Any

from index.dates import DateRange
from pgstore.library import PostgresLibrary
from pgstore.view import PostgresView
from service.domain import Passage

_WORD = re.compile(r"[A-Za-z0-9]+")
_QUERY = """
WITH dense AS (
    SELECT id, row_number() OVER (ORDER BY distance) AS place FROM (
        SELECT id, embedding <=> %(vector)s AS distance FROM vc_sentences WHERE collection = %(collection)s {filter}
        ORDER BY {order} LIMIT %(pool)s) ranked),
lexical AS (
    SELECT id, row_number() OVER (ORDER BY rank DESC) AS place FROM (
        SELECT id, ts_rank_cd(tsv, to_tsquery('english', %(words)s)) AS rank FROM vc_sentences
        WHERE collection = %(collection)s AND %(words)s <> '' AND tsv @@ to_tsquery('english', %(words)s) {filter}
        ORDER BY rank DESC LIMIT %(pool)s) ranked)
SELECT s.doc_id, s.start, s.stop, 1 - (s.embedding <=> %(vector)s) AS cosine,
       coalesce(1.0 / (%(rrf)s + d.place), 0) + coalesce(1.0 / (%(rrf)s + l.place), 0) AS fused,
       l.place IS NOT NULL AS lexical, substr(doc.text, s.start + 1, s.stop - s.start) AS passage, doc.title,
       coalesce(s.reading, '') AS reading
FROM vc_sentences s
LEFT JOIN dense d ON d.id = s.id LEFT JOIN lexical l ON l.id = s.id
JOIN vc_documents doc ON doc.collection = s.collection AND doc.doc_id = s.doc_id
WHERE s.id IN (SELECT id FROM dense UNION SELECT id FROM lexical)
ORDER BY fused DESC, cosine DESC LIMIT %(k)s
"""


class PostgresSearch:
    """`rrf_k`, `candidates` and `ef_search` are RetrievalSettings' rrf_k, candidates and hnsw_ef_search."""

    def __init__(self, library: PostgresLibrary, *, rrf_k: int = 60, candidates: int = 30,
                 ef_search: int = 128) -> None:
        self.library = library
        self.rrf_k = rrf_k
        self.candidates = candidates
        self.ef_search = ef_search

    def search(self, collection: str | None, text: str, k: int, *, doc_ids: Collection[str] | None = None,
               since: date | None = None, until: date | None = None) -> tuple[list[Passage], PostgresView]:
        name = self.library.collection_name(collection)
        vector = self.library.embedder.encode([text])[0]
        pool = max(self.candidates, k)
        with self.library.connect() as db:
            db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            db.execute(f"SET LOCAL hnsw.ef_search = {int(max(self.ef_search, pool))}")
            view = self.library.view_in(db, name)
            allowed = self._allowed(db, name, doc_ids, DateRange.of(since, until))
            rows = [] if view is None else self._ranked(db, view, text, vector, k, pool, allowed)
        if view is None:
            raise self.library.not_found(name)
        passages = []
        for doc_id, start, stop, cosine, fused, lexical, text_at, title, reading in rows:
            passages.append(Passage(doc_id=doc_id, start=start, end=stop, text=text_at, reading=reading,
                                    score=round(float(fused), 6), title=title,
                                    scores={"dense": round(float(cosine), 4), "lexical": 1.0 if lexical else 0.0}))
        return passages, view

    def _ranked(self, db: Any, view: PostgresView, text: str, vector: Any, k: int, pool: int,
                allowed: set[str] | None) -> list[Any]:
        if allowed is not None and not allowed:
            return []
        words = " | ".join(sorted({word.lower() for word in _WORD.findall(text)}))
        params = {"collection": view.collection, "vector": vector, "words": words, "pool": pool,
                  "rrf": self.rrf_k, "k": k, "allowed": sorted(allowed) if allowed is not None else None}
        # a filter is applied after an HNSW scan, which could leave too few of the allowed sentences: filtered
        # searches rank the allowed sentences exactly instead (`+ 0` keeps the planner off the index)
        query = _QUERY.format(filter="AND doc_id = ANY(%(allowed)s)" if allowed is not None else "",
                              order="(embedding <=> %(vector)s) + 0" if allowed is not None
                              else "embedding <=> %(vector)s")
        return list(db.execute(query, params).fetchall())

    def _allowed(self, db: Any, collection: str, doc_ids: Collection[str] | None,
                 dates: DateRange | None) -> set[str] | None:
        """The documents a filter lets through (None: no filter)."""
        if doc_ids is None and dates is None:
            return None
        rows = db.execute("SELECT doc_id, date FROM vc_documents WHERE collection = %s", (collection,)).fetchall()
        return {doc_id for doc_id, day in rows
                if (doc_ids is None or doc_id in doc_ids) and (dates is None or dates.admits(day))}
