"""A real PostgreSQL for the tests that need one: PostgreSQL 16 with pgvector from the `pgserver` wheel (a dev
dependency), started once per session in a temporary folder (tests/conftest.py's `postgres` fixture), and a
fresh database on it for each test. Debian's sources here carry PostgreSQL 15 but no pgvector package.

Without pgserver, or when its server cannot start, those tests skip, unless VERICLAIM_REQUIRE_POSTGRES is set
(CI sets it): then they fail."""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest


def unavailable(reason: str) -> None:
    """Skip, or fail where PostgreSQL is required."""
    if os.environ.get("VERICLAIM_REQUIRE_POSTGRES"):
        pytest.fail(f"VERICLAIM_REQUIRE_POSTGRES is set but {reason}", pytrace=False)
    pytest.skip(reason)


def serve(folder: Path) -> Iterator[str]:
    """The URI of a server whose data lives in `folder`, stopped when the generator closes."""
    try:
        with warnings.catch_warnings():  # pgserver asks platformdirs for a runtime folder, which warns without XDG
            warnings.simplefilter("ignore")
            import pgserver
    except ImportError:
        unavailable("no PostgreSQL with pgvector to test against (pip install pgserver)")
    try:
        server = pgserver.get_server(folder, cleanup_mode="stop")
    except Exception as exc:  # pgserver raises its own errors, and OSError, when initdb or the server fail
        unavailable(f"pgserver could not start PostgreSQL: {exc}")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


def fresh_database(server: str, name: str) -> str:
    """The URL of an empty database called after `name` (a test's name) on `server`, dropped first if it exists."""
    import psycopg

    database = "t_" + re.sub(r"[^a-z0-9_]+", "_", name.lower())[:50]
    with psycopg.connect(server, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{database}"')
    return server.replace("/postgres?", f"/{database}?")
