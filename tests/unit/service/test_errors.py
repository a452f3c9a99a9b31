"""The error tree (service/errors.py): every class says whose fault it is and whether a retry can help, and the
tree drawn in the module's docstring is the one the classes make."""

from __future__ import annotations

import pytest

from service import errors
from service.errors import (
    BusyError,
    ClaimTooLongError,
    CollectionNotFoundError,
    ConfigError,
    DependencyUnavailableError,
    ExtraNotInstalledError,
    IndexCorruptError,
    InternalError,
    ModelUnavailableError,
    VericlaimError,
)

pytestmark = pytest.mark.unit


def every_error() -> list[type[VericlaimError]]:
    found, todo = [], [VericlaimError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__ == errors.__name__]


@pytest.mark.parametrize("cls", every_error()[1:], ids=lambda cls: cls.__name__)  # the root heads the columns
def test_each_class_is_drawn_in_the_tree_as_it_is(cls: type[VericlaimError]) -> None:
    [line] = [line for line in (errors.__doc__ or "").splitlines() if f" {cls.__name__} " in line]
    code, status, exit_code, *rest = line.split(f" {cls.__name__} ")[1].split()
    assert (code, int(status), int(exit_code)) == (cls.code, cls.http_status, cls.exit_code)
    if rest and rest[0] in ("input", "service"):
        assert (rest[0], rest[1] == "yes") == (cls.fault, cls.retryable)
    else:  # not drawn: inherited, as the docstring says
        assert "fault" not in vars(cls) and "retryable" not in vars(cls)
    assert cls.fault in ("input", "service") and isinstance(cls.retryable, bool)


@pytest.mark.parametrize(("error", "fault", "retryable"), [
    (VericlaimError("x"), "service", False),
    (ClaimTooLongError("x"), "input", False),
    (CollectionNotFoundError("x"), "input", False),
    (InternalError("x"), "input", False),
    (IndexCorruptError("x"), "service", False),
    (ModelUnavailableError("x"), "service", False),
    (ConfigError("x"), "service", False),
    (BusyError("x"), "service", True),
    (DependencyUnavailableError("x"), "service", True),
    (ExtraNotInstalledError("x"), "service", False),
])
def test_whose_fault_and_whether_a_retry_can_help(error: VericlaimError, fault: str, retryable: bool) -> None:
    assert (error.fault, error.retryable) == (fault, retryable)


def test_a_bad_setting_and_a_missing_dependency_have_exit_codes_of_their_own() -> None:
    others = {cls.exit_code for cls in every_error() if not issubclass(cls, ConfigError | DependencyUnavailableError)}

    assert ConfigError.exit_code not in others | {DependencyUnavailableError.exit_code}
    assert DependencyUnavailableError.exit_code not in others
    assert ExtraNotInstalledError.exit_code == DependencyUnavailableError.exit_code
    assert (ConfigError.http_status, ConfigError.code) == (500, "config_error")
