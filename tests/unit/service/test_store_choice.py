"""Which store holds the collections (VERICLAIM_STORE): a URL that is not PostgreSQL is a bad setting, found
before any model loads; a database that cannot be reached is a dependency that is not there. Each is one clear
error at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.unit


def test_a_store_that_is_not_postgresql_is_a_config_error_before_the_embedder_loads(tmp_path: Path) -> None:
    from service.bootstrap import build_library
    from service.config import Settings
    from service.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown scheme 'mysql'"):
        build_library(Settings(home=tmp_path, store="mysql://db/claims"))  # no embedder given: none was built
    assert not any(tmp_path.iterdir())


def test_a_postgresql_store_that_cannot_be_reached_is_dependency_unavailable(tmp_path: Path) -> None:
    pytest.importorskip("psycopg_pool", reason="the postgres extra is not installed")
    from service.bootstrap import build_library
    from service.config import Settings
    from service.errors import DependencyUnavailableError
    from service.fakes import HashingEmbedder

    with pytest.raises(DependencyUnavailableError, match="cannot reach the PostgreSQL store") as raised:
        build_library(Settings(home=tmp_path, store=f"postgresql://nobody@/x?host={tmp_path}&connect_timeout=2"),
                      HashingEmbedder())
    assert raised.value.retryable and raised.value.http_status == 503
