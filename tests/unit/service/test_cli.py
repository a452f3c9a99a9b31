"""The CLI's own checks, through typer's runner: they fail before any model or index loads."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from vericlaim.cli import app

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["check", "Acme revenue", "--since", "2024-13"],
         "error: --since: '2024-13' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
        (["search", "Acme revenue", "--until", "last May"],
         "error: --until: 'last May' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD"),
        (["ask", "Acme revenue?", "--since", "2025", "--until", "2024"],
         "error: since (2025-01-01) is after until (2024-12-31)"),
    ],
)
def test_a_bad_date_is_one_line_and_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], line: str
) -> None:
    monkeypatch.setenv("VERICLAIM_HOME", str(tmp_path))

    result = CliRunner().invoke(app, args)

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [line]
    assert not any(tmp_path.iterdir())  # nothing was loaded or created


@pytest.mark.parametrize(
    ("stdin", "args", "line"),
    [
        (b"caf\xe9 prices rose", ["check-text", "-"], "error: cannot read - as UTF-8 text"),
        (b"  \n ", ["check-text", "-"], "error: the text is empty"),
        (None, ["check-text", "missing.txt"], "error: no such file: missing.txt"),
    ],
)
def test_check_text_refuses_an_unreadable_or_empty_text_before_loading_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stdin: bytes | None, args: list[str], line: str
) -> None:
    monkeypatch.setenv("VERICLAIM_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(app, args, input=stdin)

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [line]
    assert not (tmp_path / "home").exists()  # no model or index was loaded


@pytest.mark.parametrize(
    ("variable", "value", "line"),
    [
        ("VERICLAIM_STORE", "postgressql://me:pw@db/claims",
         "error: VERICLAIM_STORE has the unknown scheme 'postgressql': use postgresql://USER@HOST/DB, or leave it "
         "unset for files under VERICLAIM_HOME"),
        ("VERICLAIM_STORE", "db.example.org/claims",
         "error: VERICLAIM_STORE is not a URL: use postgresql://USER@HOST/DB, or leave it unset for files under "
         "VERICLAIM_HOME"),
        ("VERICLAIM_RETRIEVAL__TOP_K", "many",
         "error: invalid setting retrieval.top_k (VERICLAIM_RETRIEVAL__TOP_K): Input should be a valid integer, "
         "unable to parse string as an integer"),
    ],
)
@pytest.mark.parametrize("args", [["check", "Acme revenue rose"], ["documents", "list"]])
def test_a_bad_setting_is_a_config_error_one_line_and_its_own_exit_code_before_any_model_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, line: str, args: list[str]
) -> None:
    from service.errors import ConfigError

    monkeypatch.setenv("VERICLAIM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("VERICLAIM_CONFIG", raising=False)
    monkeypatch.setenv(variable, value)

    result = CliRunner().invoke(app, args)

    assert result.exit_code == ConfigError.exit_code == 8, result.output
    assert result.stderr.splitlines() == [line]
    assert "pw" not in result.stderr  # a store URL's password is never printed
    assert not (tmp_path / "home").exists()  # refused before any model or index loaded
