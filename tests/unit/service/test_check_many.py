"""Many claims checked through one function (service/check_many.py), with the shipped fake checker: each query's
outcome in order, a failure as the error that says whose fault it is, and which outcomes settle their line."""

from __future__ import annotations

import logging

import pytest

from service.check_many import check_many, outcome_of, settles
from service.domain import Label, Verdict
from service.errors import (
    ClaimTooLongError,
    CollectionNotFoundError,
    DependencyUnavailableError,
    IndexCorruptError,
    InternalError,
    VericlaimError,
)
from service.evidence import Query
from service.fakes import ScriptedChecker

pytestmark = pytest.mark.unit


def test_each_query_gets_its_verdict_or_its_error_in_order_and_the_run_goes_on() -> None:
    too_long, gone, down = ClaimTooLongError("too long"), CollectionNotFoundError("no such"), IndexCorruptError("!")
    checker = ScriptedChecker({"long": too_long, "elsewhere": gone, "corrupt": down})
    texts = ["fine", "long", "elsewhere", "corrupt", "also fine"]

    outcomes = list(check_many(checker, [Query(text) for text in texts]))

    assert [query.text for query in checker.asked] == texts  # every query is checked, whatever failed before
    assert isinstance(outcomes[0], Verdict) and outcomes[0].claim == "fine"
    assert outcomes[0].label is Label.NOT_ENOUGH_INFO
    assert outcomes[1:4] == [too_long, gone, down]
    assert isinstance(outcomes[4], Verdict) and outcomes[4].claim == "also fine"


def test_a_query_is_checked_only_when_its_outcome_is_asked_for() -> None:
    checker = ScriptedChecker()
    outcomes = check_many(checker, [Query("one"), Query("two")])

    assert checker.asked == []
    next(outcomes)
    assert [query.text for query in checker.asked] == ["one"]


def test_an_unexpected_exception_is_an_internal_error_naming_only_its_id_and_logged_with_it(
        caplog: pytest.LogCaptureFixture) -> None:
    checker = ScriptedChecker({"boom": RuntimeError("/secret/server/path")})

    with caplog.at_level(logging.ERROR, logger="service.check_many"):
        [outcome] = check_many(checker, [Query("boom")])

    assert isinstance(outcome, InternalError) and "/secret" not in outcome.detail
    error_id = outcome.detail.split()[2]
    [record] = caplog.records
    assert error_id in record.getMessage() and record.exc_info and "/secret" in str(record.exc_info[1])


def test_outcome_of_returns_what_the_work_returns_or_raises() -> None:
    failure = DependencyUnavailableError("the store did not answer")

    def fails() -> int:
        raise failure

    assert outcome_of(lambda: 42) == 42
    assert outcome_of(fails) is failure
    assert isinstance(outcome_of(lambda: 1 // 0), InternalError)


@pytest.mark.parametrize(("outcome", "settled"), [
    ({"verdict": "SUPPORTED"}, True),  # a result, as a job stores it
    (ClaimTooLongError("x"), True),
    (CollectionNotFoundError("x"), True),
    (InternalError("x"), True),
    (DependencyUnavailableError("x"), False),
    (IndexCorruptError("x"), False),
    (VericlaimError("x"), False),
])
def test_only_a_result_or_the_inputs_own_fault_settles_a_line(outcome: object, settled: bool) -> None:
    assert settles(outcome) is settled
