"""What every command shares: the consoles, the common options, error reporting, progress, and building the
components. Errors from the core print one line on stderr and exit with the error's code (service/errors.py).
"""

from __future__ import annotations

import functools
import shlex
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from index.dates import DateRange, first_day, last_day
from service.config import Settings
from service.errors import ConfigError, InputError, VericlaimError

if TYPE_CHECKING:
    from service.bootstrap import Components

P = ParamSpec("P")

R = TypeVar("R")

out = Console(soft_wrap=True)

err = Console(stderr=True, soft_wrap=True)

CollectionOption = Annotated[str | None, typer.Option("--collection", "-c", help="Collection name.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
TopKOption = Annotated[int | None, typer.Option("--top-k", min=1, max=50, help="Evidence passages to use.")]
DocIdOption = Annotated[list[str] | None, typer.Option("--doc-id", help="Only use these documents.")]
SinceOption = Annotated[str | None, typer.Option(help="Only documents dated on or after this: YYYY, YYYY-MM or "
                                                 "YYYY-MM-DD. Undated documents are left out.")]
UntilOption = Annotated[str | None, typer.Option(help="Only documents dated on or before this (its last day). "
                                                 "Undated documents are left out.")]


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn core errors into one readable line and the error's exit code; a setting the settings refuse is a
    `ConfigError`."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except VericlaimError as exc:
            error = exc
        except ValidationError as exc:  # only Settings() is validated outside the core
            error = invalid_setting(exc)
        err.print(f"error: {error.detail}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(error.exit_code)

    return wrapper


def invalid_setting(exc: ValidationError) -> ConfigError:
    """The first value the settings refuse, named as its environment variable."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    variable = "VERICLAIM_" + "__".join(str(part).upper() for part in first["loc"])
    return ConfigError(f"invalid setting {where} ({variable}): {first['msg']}" if where else
                       f"invalid settings: {first['msg']}")


def progress_bar() -> Progress:
    """A transient progress bar on stderr: done/total and time left."""
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    console=err, transient=True)


def components(settings: Settings | None = None) -> Components:
    """The models, library and pipeline for these settings (the configured ones by default)."""
    from service.bootstrap import build

    return build(settings or Settings())


def print_json(model: BaseModel) -> None:
    sys.stdout.write(model.model_dump_json(indent=2) + "\n")


def query_dates(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """--since and --until as days (the first of the period, the last), checked before any model loads."""
    days = _day(since, "--since", first_day), _day(until, "--until", last_day)
    try:
        DateRange.of(*days)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return days


def _day(text: str | None, option: str, read: Callable[[str], date]) -> date | None:
    try:
        return None if text is None else read(text)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from None


def read_text_argument(path: Path) -> str:
    """The text of `path`, or of standard input for '-'; a missing or undecodable file is an input error."""
    try:
        return sys.stdin.buffer.read().decode("utf-8") if str(path) == "-" else path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except UnicodeDecodeError:
        raise InputError(f"cannot read {path} as UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc.__class__.__name__}") from None


def command_line() -> str:
    """The command as typed (recorded in an evaluation run's header)."""
    return shlex.join(["vericlaim", *sys.argv[1:]])


def task_updater(progress: Progress, task: TaskID) -> Callable[[int, int], None]:
    """The first report (claims already done by an earlier run) resets the task, so the ETA counts only
    the claims checked now."""
    started = False

    def update(done: int, total: int) -> None:
        nonlocal started
        if started:
            progress.update(task, completed=done, total=total)
        else:
            progress.reset(task, total=total, completed=done)
            started = True

    return update
