"""Reading the authors' files row by row, with one error policy for every adapter.

A malformed row becomes a message `"<file>, line <n>: <problem>"` (`item <i>` for JSON lists); under
`OnError.STOP` it is raised as `DatasetFormatError`, under `OnError.SKIP` it is recorded and the row left
out. A file that cannot be read at all is always fatal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from eval.adapters.gold import GoldLabel, OnError
from service.errors import DatasetFormatError

Row = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Located:
    """A row with where it came from: `number` is the line (JSONL, CSV) or item index (JSON list)."""

    where: str
    number: int
    row: Row


class RowError(ValueError):
    """One row is unusable; the message says what is wrong, the reader adds where."""


class MissingSource(RowError):
    """The row is well formed but what it refers to is absent from the shipped files: always skipped."""


@dataclass(frozen=True)
class LoadRequest:
    """What the caller asked for: the dataset's folder or file, the split, and an optional corpus file."""

    path: Path
    split: str = "dev"
    corpus: Path | None = None


@dataclass
class RowErrors:
    """Applies the `OnError` policy and keeps the messages of the rows it skipped."""

    on_error: OnError
    messages: list[str] = field(default_factory=list)

    def report(self, where: str, problem: str) -> None:
        message = f"{where}: {problem}"
        if self.on_error is OnError.STOP:
            raise DatasetFormatError(message)
        self.messages.append(message)

    def note(self, where: str, problem: str) -> None:
        """Record a left-out row whatever the policy (the data is fine, its source is missing)."""
        self.messages.append(f"{where}: {problem}")


def locate(path: Path, *names: str) -> Path:
    """`path` itself when it is a file, else the first of `names` that exists under it."""
    if path.is_file():
        return path
    for name in names:
        if (path / name).is_file():
            return path / name
    raise DatasetFormatError(f"{path}: expected a file or a folder holding one of {', '.join(names)}")


def single_split(split: str, fmt: str) -> None:
    """Formats shipped as one file answer to `dev` (and `all`)."""
    if split not in {"dev", "all"}:
        raise DatasetFormatError(f"{fmt} has a single split: use split='dev' or 'all', not {split!r}")


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetFormatError(f"{path}: cannot read ({exc})") from None


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers, streamed."""
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, line
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetFormatError(f"{path}: cannot read ({exc})") from None


def iter_jsonl(path: Path, errors: RowErrors) -> Iterator[Located]:
    """Each JSON-object line; bad lines go to `errors`."""
    for number, line in iter_lines(path):
        where = f"{path}, line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.report(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(row, dict):
            errors.report(where, f"expected a JSON object, got {type(row).__name__}")
            continue
        yield Located(where, number, row)


def iter_json_list(path: Path, errors: RowErrors) -> Iterator[Located]:
    """Each item of a file holding one JSON list."""
    try:
        items = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise DatasetFormatError(f"{path}, line {exc.lineno}: invalid JSON ({exc.msg})") from None
    if not isinstance(items, list):
        raise DatasetFormatError(f"{path}: expected a JSON list, got {type(items).__name__}")
    for index, row in enumerate(items):
        where = f"{path}, item {index}"
        if isinstance(row, dict):
            yield Located(where, index, row)
        else:
            errors.report(where, f"expected a JSON object, got {type(row).__name__}")


def parse_rows(rows: Iterable[Located], parse: Callable[[Row], T], errors: RowErrors) -> list[T]:
    """`parse` each row; a row it rejects (or that lacks a field) is reported and left out."""
    return parse_numbered_rows(rows, lambda _number, row: parse(row), errors)


def parse_numbered_rows(rows: Iterable[Located], parse: Callable[[int, Row], T],
                        errors: RowErrors) -> list[T]:
    """Like `parse_rows`, for parsers that also need the row's line number or item index."""
    parsed = []
    for located in rows:
        number, row = located.number, located.row
        try:
            parsed.append(parse(number, row))
        except MissingSource as exc:
            errors.note(located.where, str(exc))
        except RowError as exc:
            errors.report(located.where, str(exc))
        except KeyError as exc:
            errors.report(located.where, f"missing field {exc.args[0]!r}")
        except (IndexError, TypeError, ValueError, AttributeError) as exc:
            errors.report(located.where, f"unexpected value ({type(exc).__name__}: {exc})")
    return parsed


def map_label(mapping: Mapping[str, GoldLabel], raw: object) -> GoldLabel:
    """The gold label for a dataset's own label, or RowError naming the unknown one."""
    key = str(raw).strip()
    if key not in mapping:
        raise RowError(f"unknown label {raw!r} (expected one of {', '.join(mapping)})")
    return mapping[key]


def text_field(row: Row, name: str) -> str:
    """A required non-empty string field."""
    value = row[name]
    if not isinstance(value, str) or not value.strip():
        raise RowError(f"field {name!r} must be a non-empty string")
    return value
