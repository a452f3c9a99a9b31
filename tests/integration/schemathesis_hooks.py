"""schemathesis hooks for the fuzzing test (loaded through SCHEMATHESIS_HOOKS): a job's JSONL body is text, sent
as schemathesis sends text/plain."""

from __future__ import annotations

import schemathesis

schemathesis.serializer.alias(["application/jsonl", "application/x-ndjson"], "text/plain")
