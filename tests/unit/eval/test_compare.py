"""`eval compare` on hand-made runs, and the eval commands that need no models, through the real CLI app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eval.compare import compare_runs, mcnemar_p, render_comparison
from eval.datasets import load_dataset
from eval.scoring import choose_scheme
from service.errors import InputError
from vericlaim.cli import app

pytestmark = pytest.mark.unit

N = 40


def make_run(folder: Path, right: set[int], *, scheme: str = "three-way", gold: str = "SUPPORTED") -> Path:
    """A run of N claims, all gold `gold`, right exactly on the claims in `right` (wrong ones say REFUTED)."""
    folder.mkdir(parents=True)
    rows = [{"id": f"c{i}", "gold": gold, "verdict": gold if i in right else "REFUTED", "confidence": 0.8}
            for i in range(N)]
    (folder / "predictions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    scoring = choose_scheme(scheme != "three-way", ["SUPPORTED", "REFUTED"]).as_json()  # type: ignore[list-item]
    (folder / "metrics.json").write_text(json.dumps({"scoring": scoring, "stamp": {"model_sha256": folder.name}}))
    return folder


def test_mcnemar_exact() -> None:
    assert mcnemar_p(0, 0) == 1.0
    assert mcnemar_p(0, 8) == pytest.approx(2 / 2**8)
    assert mcnemar_p(3, 3) == 1.0
    assert mcnemar_p(2, 10) == pytest.approx(2 * (1 + 12 + 66) / 2**12)


def test_compare_finds_a_known_delta_significant(tmp_path: Path) -> None:
    a = make_run(tmp_path / "a", set(range(20)))
    b = make_run(tmp_path / "b", set(range(32)))
    result = compare_runs(a, b, n=500)
    accuracy = result["metrics"]["accuracy"]
    assert (accuracy["a"], accuracy["b"], accuracy["delta"]) == (0.5, 0.8, pytest.approx(0.3))
    assert accuracy["ci95"][0] > 0 and accuracy["p_value"] < 0.01
    assert result["mcnemar"] == {"a_right_b_wrong": 0, "a_wrong_b_right": 12, "p_value": pytest.approx(2 / 2**12)}
    assert result["shared_claims"] == N and result["stamp_differences"] == {"model_sha256": ["a", "b"]}
    assert "| accuracy | 0.500 | 0.800 | +0.300 |" in render_comparison(result)


def test_compare_of_equal_runs_is_not_significant(tmp_path: Path) -> None:
    a = make_run(tmp_path / "a", set(range(20)))
    b = make_run(tmp_path / "b", set(range(20)))
    result = compare_runs(a, b, n=200)
    assert all(item["delta"] == 0 and item["p_value"] == 1.0 for item in result["metrics"].values())
    assert result["mcnemar"]["p_value"] == 1.0


def test_compare_refuses_unlike_runs(tmp_path: Path) -> None:
    a = make_run(tmp_path / "a", set(range(20)))
    with pytest.raises(InputError, match="scored differently"):
        compare_runs(a, make_run(tmp_path / "b", set(), scheme="binary"))
    with pytest.raises(InputError, match="gold labels differ for 40"):
        compare_runs(a, make_run(tmp_path / "c", set(), gold="REFUTED"))
    with pytest.raises(InputError, match=r"metrics\.json is missing"):
        compare_runs(a, tmp_path)


def test_cli_eval_compare_and_dataset_convert(tmp_path: Path) -> None:
    runner = CliRunner()
    a = make_run(tmp_path / "a", set(range(20)))
    b = make_run(tmp_path / "b", set(range(32)))
    result = runner.invoke(app, ["eval", "compare", str(a), str(b), "--resamples", "200", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["metrics"]["accuracy"]["delta"] == pytest.approx(0.3)

    source = tmp_path / "src"
    source.mkdir()
    (source / "claims.jsonl").write_text('{"id": "x", "claim": "The sky is blue.", "label": "supports",'
                                         ' "evidence": [{"doc_id": "d", "quote": "is blue"}]}\n{"id": "y"\n')
    (source / "corpus.jsonl").write_text('{"id": "d", "text": "The sky is blue."}\n')
    convert = ["dataset", "convert", "--format", "native", str(source), "--out", str(tmp_path / "o")]
    stopped = runner.invoke(app, convert)
    assert stopped.exit_code == 2 and "claims.jsonl, line 2: invalid JSON" in stopped.stderr
    converted = runner.invoke(app, [*convert, "--on-error", "skip"])
    assert converted.exit_code == 0, converted.output
    assert "src: 1 claims" in converted.stdout and "line 2" in converted.stderr
    again = load_dataset("native", tmp_path / "o")
    assert again.claims[0].evidence[0].start == 8 and again.documents[0].text == "The sky is blue."


def test_the_spelling_eval_compare_reaches_the_compare_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from vericlaim.cli import main

    run_a = make_run(tmp_path / "a", right={0, 1, 2})
    run_b = make_run(tmp_path / "b", right={0, 1, 2})
    monkeypatch.setattr("sys.argv", ["vericlaim", "eval", "compare", str(run_a), str(run_b), "--json"])

    with pytest.raises(SystemExit) as exited:
        main()

    assert exited.value.code == 0
    assert "accuracy" in capsys.readouterr().out
