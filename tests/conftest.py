"""Fixtures shared by the unit, integration and contract tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres import serve


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One PostgreSQL server with pgvector for the session (tests/postgres.py); skips without one."""
    yield from serve(tmp_path_factory.mktemp("pgdata"))
