"""A claims file checked into a folder (service/batch.py), with the shipped fakes: results in line order in the
jobs' format, refused lines kept with their numbers, a rerun continuing after the last whole line written."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from index.loaders import make_document
from service.batch import RESULTS, SUMMARY, local_checks, run_batch, write_summary
from service.bootstrap import Components
from service.check_many import Outcome
from service.errors import CollectionNotFoundError, DependencyUnavailableError, InputError
from service.evidence import Query
from service.fakes import ScriptedChecker
from service.requests import JobClaim
from service.schemas import CheckResponse
from tests.unit.service.test_api import ACME_TEXT, CLAIM, components_at

pytestmark = pytest.mark.unit


@pytest.fixture
def built(tmp_path: Path) -> Components:
    components = components_at(tmp_path / "home")
    components.library.ingest([make_document("acme.txt", ACME_TEXT, source="test")])
    return components


def accept_for(built: Components) -> Any:
    def accept(claim: JobClaim) -> None:
        built.pipeline.finder.validate(claim.claim)
        built.library.snapshot(claim.collection)

    return accept


def write_claims(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
                    encoding="utf-8")
    return path


def rows(out_dir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out_dir / RESULTS).read_text(encoding="utf-8").splitlines()]


def test_every_line_gets_a_result_or_its_error_in_line_order(built: Components, tmp_path: Path) -> None:
    claims = write_claims(tmp_path / "claims.jsonl", {"id": "a", "claim": CLAIM, "label": "SUPPORTED"}, "{oops",
                          {"id": "c", "claim": "Acme employs 200,000 people"})

    run = run_batch(claims, tmp_path / "out", local_checks(built.pipeline), accept_for(built))

    assert (run.lines, run.checked, run.errors, run.kept) == (3, 2, 1, 0)
    got = rows(tmp_path / "out")
    assert [row["line"] for row in got] == [1, 2, 3]  # in line order, the refused line in its place
    by_line = {row["line"]: row for row in got}
    assert by_line[1]["id"] == "a" and by_line[1]["result"]["verdict"] == "SUPPORTED"
    assert by_line[2]["error"] == "invalid_line"
    assert by_line[3]["result"]["claim"] == "Acme employs 200,000 people"
    summary = json.loads(write_summary(run, {}).read_text())
    assert summary["checked"] == 2 and (tmp_path / "out" / SUMMARY).exists()


def untimed(value: Any) -> Any:
    """`value` with every `timings` left out (they differ from one check to the next)."""
    if isinstance(value, dict):
        return {key: untimed(item) for key, item in value.items() if key != "timings"}
    return [untimed(item) for item in value] if isinstance(value, list) else value


def test_a_result_is_the_verdict_as_v1_check_answers_it(built: Components, tmp_path: Path) -> None:
    """results.jsonl keeps its documented format, made from the `Verdict` as the line is written."""
    claims = write_claims(tmp_path / "claims.jsonl", {"id": "a", "claim": CLAIM})

    run_batch(claims, tmp_path / "out", local_checks(built.pipeline), accept_for(built))

    [row] = rows(tmp_path / "out")
    answered = CheckResponse.of(built.pipeline.check(Query(CLAIM))).model_dump(mode="json")
    assert list(row) == ["line", "id", "claim", "result"] and list(row["result"]) == list(answered)
    assert untimed(row["result"]) == untimed(answered)


def test_a_rerun_continues_after_the_last_whole_line_and_checks_nothing_twice(built: Components,
                                                                               tmp_path: Path) -> None:
    claims = write_claims(tmp_path / "claims.jsonl", *[{"id": n, "claim": f"{CLAIM} ({n})"} for n in range(5)])
    out_dir = tmp_path / "out"
    run_batch(claims, out_dir, local_checks(built.pipeline), accept_for(built))
    first = rows(out_dir)
    kept = "".join(json.dumps(row) + "\n" for row in first[:2])
    (out_dir / RESULTS).write_text(kept + json.dumps(first[2])[:40], encoding="utf-8")  # stopped mid-line
    asked: list[str] = []

    def counting(queries: Sequence[Query]) -> Iterator[Outcome]:
        asked.extend(query.text for query in queries)
        return local_checks(built.pipeline)(queries)

    run = run_batch(claims, out_dir, counting, accept_for(built))

    assert asked == [f"{CLAIM} ({n})" for n in (2, 3, 4)]
    assert (run.kept, run.checked) == (2, 3)
    assert [row["line"] for row in rows(out_dir)] == [1, 2, 3, 4, 5]
    assert rows(out_dir)[:2] == first[:2]


def test_another_file_into_the_same_folder_needs_restart(built: Components, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    run_batch(write_claims(tmp_path / "a.jsonl", {"claim": CLAIM}), out_dir, local_checks(built.pipeline),
              accept_for(built))
    other = write_claims(tmp_path / "b.jsonl", {"claim": "Acme employs 200,000 people"})

    with pytest.raises(InputError, match="--restart"):
        run_batch(other, out_dir, local_checks(built.pipeline), accept_for(built))
    run = run_batch(other, out_dir, local_checks(built.pipeline), accept_for(built), restart=True)

    assert run.checked == 1 and [row["claim"] for row in rows(out_dir)] == ["Acme employs 200,000 people"]



def test_a_lines_own_fault_is_its_error_and_a_service_fault_stops_the_run_until_a_rerun(tmp_path: Path) -> None:
    claims = write_claims(tmp_path / "claims.jsonl", *[{"id": n, "claim": text} for n, text in
                                                       enumerate(["fine", "elsewhere", "boom", "store down", "last"])])
    out_dir = tmp_path / "out"
    checker = ScriptedChecker({"elsewhere": CollectionNotFoundError("no collection 'x'"),
                               "boom": RuntimeError("/secret/path"),
                               "store down": DependencyUnavailableError("the store did not answer")})

    with pytest.raises(DependencyUnavailableError):
        run_batch(claims, out_dir, local_checks(checker), lambda claim: None)

    first = rows(out_dir)
    assert [(row["line"], row.get("error")) for row in first] == [
        (1, None), (2, "collection_not_found"), (3, "internal_error")]  # the service's fault is on no line
    assert "/secret" not in first[2]["detail"]
    del checker.failures["store down"]  # the store answers again
    checker.asked.clear()
    run = run_batch(claims, out_dir, local_checks(checker), lambda claim: None)

    assert [query.text for query in checker.asked] == ["store down", "last"]  # continued at the stopped line
    assert (run.kept, run.checked, run.errors) == (3, 2, 2)
    assert [row["line"] for row in rows(out_dir)] == [1, 2, 3, 4, 5]
