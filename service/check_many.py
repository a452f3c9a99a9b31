"""Many claims checked one after another, and the one rule for what each outcome means to a run of many.

Jobs (service/jobs/runner.py), `check-batch` (service/batch.py), Ray workers (distributed/ray_checks.py) and
`eval run` (eval/runner.py) all check through here and follow it. A query's outcome is its `Verdict`, or the
`VericlaimError` that says whose fault the failure is and whether trying again can help (service/errors.py):

    outcome            the line                     the run
    a Verdict          its result                   goes on
    fault "input"      its error (code, detail)     goes on (eval run lists it, unscored, with the reason)
    fault "service"    no answer: left unanswered   check-batch and eval run stop with the error (its exit code);
                                                    a rerun into the same folder continues at this line.
                                                    A job keeps the line pending and tries it again after a
                                                    pause: a short one when the error is `retryable` (the store
                                                    did not answer), a long one, with the error logged, when
                                                    someone must act first (a corrupt index, a model that
                                                    cannot load)

An unexpected exception met on a line becomes `InternalError`: its traceback is logged under the id its detail
gives, and it counts as the line's, so that one line the code did not foresee does not hold up the rest.
`check_many` checks queries in order; a job checks one line at a time between its waits, through `outcome_of`,
the same step `check_many` takes for each query.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from service.domain import Verdict
from service.errors import InternalError, VericlaimError
from service.evidence import Query
from service.ports import Checker

log = logging.getLogger(__name__)
T = TypeVar("T")
Outcome = Verdict | VericlaimError


def check_many(checker: Checker, queries: Iterable[Query], *, explain: bool = False) -> Iterator[Outcome]:
    """Each query's outcome, in the order given; lazily, so a query is checked when its outcome is asked for."""
    for query in queries:
        yield outcome_of(functools.partial(checker.check, query, explain=explain))


def outcome_of(work: Callable[[], T]) -> T | VericlaimError:
    """What `work` returns, or the `VericlaimError` it raises. Any other exception is logged, traceback and all,
    under a new id, and becomes an `InternalError` that names only that id (never a path or a value)."""
    try:
        return work()
    except VericlaimError as exc:
        return exc
    except Exception as exc:
        error_id = uuid.uuid4().hex[:12]
        log.error("error %s while checking a claim", error_id, exc_info=exc, extra={"error_id": error_id})
        return InternalError(f"unexpected error {error_id} (see the log)")


def settles(outcome: object) -> bool:
    """Whether `outcome` is the line's answer, to record before going on: a result, or an error whose fault is
    the input's. A service fault settles nothing: the line stays unanswered."""
    return not isinstance(outcome, VericlaimError) or outcome.fault == "input"
