"""The PostgreSQL store's tables, created (or brought up to date) when a library opens the database.

    vc_collections  name, embedding model, dimension, version (bumped by every committed change), horizon (the
                    oldest version whose replaced text is still kept: older views are stale)
    vc_documents    collection, doc_id, title, url, date, source, sha256, text, added (the version that wrote it)
    vc_retired      versions of documents replaced or deleted, kept a while so that a view of an older version
                    still reads the text it was taken with: added, retired (the version that replaced it)
    vc_sentences    collection, doc_id, start, end (offsets into the text), embedding vector(D) with an HNSW
                    index (cosine, built with the configured hnsw_m and hnsw_ef_construction), tsv tsvector
                    (English) with a GIN index, reading (the unit as models read it, `index.structure`; NULL when
                    that is its text)
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

SCHEMA = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS vc_collections (
    name text PRIMARY KEY, embedding_model text NOT NULL, dimension int NOT NULL, version bigint NOT NULL DEFAULT 0);
ALTER TABLE vc_collections ADD COLUMN IF NOT EXISTS horizon bigint NOT NULL DEFAULT 0;
CREATE TABLE IF NOT EXISTS vc_documents (
    collection text NOT NULL REFERENCES vc_collections (name) ON DELETE CASCADE, doc_id text NOT NULL,
    title text, url text, date text, source text, sha256 text NOT NULL, text text NOT NULL,
    PRIMARY KEY (collection, doc_id));
ALTER TABLE vc_documents ADD COLUMN IF NOT EXISTS added bigint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS vc_documents_sha ON vc_documents (collection, sha256);
CREATE TABLE IF NOT EXISTS vc_retired (
    collection text NOT NULL REFERENCES vc_collections (name) ON DELETE CASCADE, doc_id text NOT NULL,
    added bigint NOT NULL, retired bigint NOT NULL, retired_at timestamptz NOT NULL DEFAULT now(),
    title text, url text, date text, source text, sha256 text NOT NULL, text text NOT NULL);
CREATE INDEX IF NOT EXISTS vc_retired_doc ON vc_retired (collection, doc_id);
CREATE TABLE IF NOT EXISTS vc_sentences (
    id bigserial PRIMARY KEY, collection text NOT NULL, doc_id text NOT NULL, start int NOT NULL, stop int NOT NULL,
    embedding vector({dimension}) NOT NULL, tsv tsvector NOT NULL,
    FOREIGN KEY (collection, doc_id) REFERENCES vc_documents (collection, doc_id) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS vc_sentences_doc ON vc_sentences (collection, doc_id);
CREATE INDEX IF NOT EXISTS vc_sentences_hnsw ON vc_sentences USING hnsw (embedding vector_cosine_ops)
    WITH (m = {m}, ef_construction = {ef_construction});
CREATE INDEX IF NOT EXISTS vc_sentences_tsv ON vc_sentences USING gin (tsv);
ALTER TABLE vc_sentences ADD COLUMN IF NOT EXISTS reading text;
"""


def create_schema(db: Any, dimension: int, m: int, ef_construction: int) -> int | None:
    """The tables, created or brought up to date; returns the size of the stored vectors (set when the table
    was first created). An HNSW index built before with other parameters is kept, with a warning saying how to
    rebuild it."""
    db.execute("SELECT pg_advisory_xact_lock(7315)")  # one schema creator at a time
    db.execute(SCHEMA.format(dimension=int(dimension), m=int(m), ef_construction=int(ef_construction)))
    column = db.execute("SELECT atttypmod FROM pg_attribute WHERE attrelid = 'vc_sentences'::regclass "
                        "AND attname = 'embedding'").fetchone()
    options = db.execute("SELECT reloptions FROM pg_class WHERE relname = 'vc_sentences_hnsw'").fetchone()
    built = dict(option.split("=", 1) for option in (options[0] or [])) if options else {}
    wanted = {"m": str(m), "ef_construction": str(ef_construction)}
    if built and built != wanted:
        log.warning("the PostgreSQL HNSW index was built with %s, not the configured %s; to rebuild it: ALTER INDEX "
                    "vc_sentences_hnsw SET (m = %s, ef_construction = %s); REINDEX INDEX vc_sentences_hnsw",
                    built, wanted, m, ef_construction)
    return int(column[0]) if column else None
