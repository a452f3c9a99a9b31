"""`vericlaim verifier …` through typer's runner: each command hands its trainer the options it was given, with
the trainer's own defaults, and refuses bad input in one line. The trainers' `run` is replaced: nothing trains."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from training import cross_verifier_train, nli_build, nli_export, nli_train, verifier_train
from training.training_pairs import LICENCES
from vericlaim.cli import app

pytestmark = pytest.mark.unit


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    """The options each trainer's `run` was called with; the datasets setting points at an empty folder."""
    monkeypatch.setenv("VERICLAIM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VERICLAIM_DATASETS", str(tmp_path))
    seen: list[Any] = []

    def run(options: Any) -> int:
        seen.append(options)
        return 0

    for module in (nli_build, verifier_train, cross_verifier_train, nli_export):
        monkeypatch.setattr(module, "run", run)
    return seen


def test_each_command_runs_its_trainer_with_the_trainers_defaults(calls: list[Any], tmp_path: Path) -> None:
    out = tmp_path / "artifact"
    for args in (["train"], ["train-feature"], ["train-cross-encoder"]):
        result = CliRunner().invoke(app, ["verifier", *args, "--out", str(out)])
        assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["verifier", "export", str(tmp_path), str(out), "--name", "nli-x"])
    assert result.exit_code == 0, result.output

    assert calls == [nli_build.NliBuildOptions(out=out, data=tmp_path),
                     verifier_train.FeatureTrainOptions(out=out, data=tmp_path),
                     cross_verifier_train.CrossTrainOptions(out=out, data=tmp_path),
                     nli_export.ExportOptions(final=tmp_path, out=out, name="nli-x")]


def test_the_nli_command_passes_every_training_option(calls: list[Any], tmp_path: Path) -> None:
    data = tmp_path / "sets"
    data.mkdir()
    args = ["--out", "a", "--data", str(data), "--checkpoints", "c", "--name", "n", "--base", "b", "--skip-scores",
            "--max-length", "64", "--batch", "8", "--epochs", "0.5", "--lr", "1e-4", "--warmup", "0.1",
            "--weight-decay", "0.02", "--freeze-layers", "1", "--domain-repeats", "3", "--nli-sets", "mnli",
            "--nli-sets", "snli", "--seed", "7", "--no-bf16", "--threads", "1", "--checkpoint-minutes", "5",
            "--stop-after-minutes", "30", "--max-steps", "100"]

    result = CliRunner().invoke(app, ["verifier", "train", *args])

    assert result.exit_code == 0, result.output
    assert calls == [nli_build.NliBuildOptions(
        out=Path("a"), data=data, checkpoints=Path("c"), name="n", base="b", skip_scores=True, max_length=64,
        batch=8, epochs=0.5, lr=1e-4, warmup=0.1, weight_decay=0.02, freeze_layers=1, domain_repeats=3,
        nli_sets=("mnli", "snli"), seed=7, bf16=False, threads=1, checkpoint_minutes=5.0, stop_after_minutes=30.0,
        max_steps=100)]


def test_the_build_trains_with_its_training_options_and_stops_when_training_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[nli_train.NliTrainOptions] = []
    monkeypatch.setattr(nli_train, "run", lambda options: seen.append(options) or 3)

    code = nli_build.run(nli_build.NliBuildOptions(out=tmp_path / "a", data=tmp_path, checkpoints=tmp_path / "c",
                                                   epochs=0.5, bf16=False, nli_sets=("mnli",)))

    assert code == 3
    assert seen == [nli_train.NliTrainOptions(checkpoints=tmp_path / "c", data=tmp_path, epochs=0.5, bf16=False,
                                              nli_sets=("mnli",))]
    assert not (tmp_path / "a").exists()


def test_the_trainers_exit_code_is_the_commands(monkeypatch: pytest.MonkeyPatch, calls: list[Any]) -> None:
    monkeypatch.setattr(nli_build, "run", lambda options: 2)

    result = CliRunner().invoke(app, ["verifier", "train", "--out", "a"])

    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["train", "--out", "a", "--data", "missing"],
         "error: datasets folder not found: missing (--data or VERICLAIM_DATASETS)"),
        (["train-feature", "--out", "a", "--sets", "wice", "--sets", "climate-fever"],
         "error: unknown training set climate-fever; choose among " + ", ".join(sorted(LICENCES))),
        (["train-feature", "--out", "a", "--head", "mlp-64"],
         "error: unknown head 'mlp-64'; choose auto, " + ", ".join(verifier_train.HEADS)),
        (["train-cross-encoder", "--out", "a", "--sets", "quantemp"],
         "error: unknown training set quantemp; choose among " + ", ".join(sorted(LICENCES))),
        (["export", "missing", "a", "--name", "n"], "error: trained folder not found: missing"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(calls: list[Any], args: list[str], line: str) -> None:
    result = CliRunner().invoke(app, ["verifier", *args])

    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [line]
    assert calls == []


def test_the_help_names_every_head_and_training_set() -> None:
    result = CliRunner().invoke(app, ["verifier", "train-feature", "--help"], terminal_width=400)

    assert result.exit_code == 0
    assert all(name in result.output for name in [*verifier_train.HEADS, *LICENCES])
