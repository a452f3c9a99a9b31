"""An evaluation run follows the one rule for failures (service/check_many.py), as check-batch and jobs do: a
claim that fails by its own fault is left unscored and listed with its reason, and a fault of the service stops
the run, which a rerun continues."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.runner import run_eval
from service.batch import local_checks
from service.errors import CollectionNotFoundError, ModelUnavailableError
from service.fakes import ScriptedChecker
from tests.unit.eval.test_runner import CLAIMS, components, dataset, options, predictions

pytestmark = pytest.mark.unit


def test_a_claims_own_fault_is_listed_unscored_and_a_service_fault_stops_the_run(tmp_path: Path) -> None:
    tiny = components(tmp_path / "home")  # for the stamp; the checks are the scripted fake's
    out = tmp_path / "run"
    _, c2, c3, c4 = (claim.claim for claim in CLAIMS)
    checker = ScriptedChecker({c2: CollectionNotFoundError("no collection 'gone'"),
                               c3: ModelUnavailableError("the judge cannot load")})

    with pytest.raises(ModelUnavailableError):
        run_eval(tiny.pipeline, dataset(), out, options=options(), checks=local_checks(checker))

    assert [row["id"] for row in predictions(out)] == ["c1"]
    del checker.failures[c3]  # the model loads again
    checker.asked.clear()
    run = run_eval(tiny.pipeline, dataset(), out, options=options(), checks=local_checks(checker))

    assert [query.text for query in checker.asked] == [c2, c3, c4]  # c2 had no answer to keep
    assert (run.resumed, run.checked) == (1, 2)
    assert [row["id"] for row in predictions(out)] == ["c1", "c3", "c4"]
    skipped = json.loads((out / "metrics.json").read_text())["skipped_rows"]
    assert skipped["count"] == 1 and "claim c2: not checked, collection_not_found" in skipped["messages"][0]
