"""Which store holds the collections (VERICLAIM_STORE): a URL that is not PostgreSQL, or a database that cannot
be reached, is one clear error at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.unit


def test_a_store_that_is_not_postgresql_or_cannot_be_reached_is_one_clear_error(tmp_path: Path) -> None:
    from service.bootstrap import build_library
    from service.config import Settings
    from service.errors import ModelUnavailableError
    from service.fakes import HashingEmbedder

    with pytest.raises(ModelUnavailableError, match="postgresql://"):
        build_library(Settings(home=tmp_path, store="mysql://db/claims"), HashingEmbedder())
    pytest.importorskip("psycopg_pool", reason="the postgres extra is not installed")
    with pytest.raises(ModelUnavailableError, match="cannot reach the PostgreSQL store"):
        build_library(Settings(home=tmp_path, store=f"postgresql://nobody@/x?host={tmp_path}&connect_timeout=2"),
                      HashingEmbedder())
