"""Over HTTP a failure keeps the status of its class (service/errors.py): a store that does not answer is 503
`dependency_unavailable` (and `/v1/ready` says why, while `/v1/health` stays alive), a bad setting that reaches a
request is 500 `config_error`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.api import create_app
from service.errors import ConfigError, DependencyUnavailableError, VericlaimError
from tests.unit.service.test_api import CLAIM, assert_error, components_at, local_client

pytestmark = pytest.mark.unit


def failing(error: VericlaimError) -> Any:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise error

    return fail


def test_a_store_that_does_not_answer_is_503_and_ready_says_why(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    components = components_at(tmp_path)
    down = failing(DependencyUnavailableError("the PostgreSQL store is unavailable: connection refused"))
    monkeypatch.setattr(components.library, "collections", down)
    monkeypatch.setattr(components.library, "snapshot", down)
    client = local_client(create_app(components))

    assert_error(client.post("/v1/check", json={"claim": CLAIM}), 503, "dependency_unavailable")
    ready = client.get("/v1/ready")
    assert ready.status_code == 503 and ready.json() == {
        "status": "not_ready", "unreadable_collections": [],
        "detail": "the PostgreSQL store is unavailable: connection refused"}
    assert client.get("/v1/info").json()["collections"] == []
    assert client.get("/v1/health").status_code == 200


def test_a_bad_setting_that_reaches_a_request_is_500_config_error(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    components = components_at(tmp_path)
    monkeypatch.setattr(components.library, "snapshot", failing(ConfigError("the store holds 384-dimension vectors")))
    client = local_client(create_app(components))

    body = assert_error(client.post("/v1/check", json={"claim": CLAIM}), 500, "config_error")
    assert body["detail"] == "the store holds 384-dimension vectors"
