"""`vericlaim calibrate` and `vericlaim verifier …`: fit what the service decides with.

Registered on the `vericlaim` command by vericlaim/cli.py (`add_commands`); thin like the service's commands:
build, call the core (training.calibration_run + training.calibration_fit), print. The `verifier` commands
(training the verifiers) are in training/verifier_cli.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import TaskID

from eval.adapters.gold import Conflicting, OnError
from eval.collections import dataset_collection, ingest_dataset
from service.cli.common import CollectionOption, JsonOption, components, out, progress_bar, reports_errors
from service.config import Settings
from service.errors import InputError
from training.retriever_cli import retriever_app
from training.verifier_cli import verifier_app


def add_commands(app: typer.Typer) -> None:
    """Register the training commands on `app`."""
    app.command("calibrate")(calibrate)
    app.add_typer(verifier_app, name="verifier")
    app.add_typer(retriever_app, name="retriever")


@reports_errors
def calibrate(
    claims: Annotated[list[Path] | None, typer.Argument(help="Labelled claim sets (native JSONL unless --format "
                                                       "says); each is checked against its own corpus.")] = None,
    out_file: Annotated[Path, typer.Option("--out", help="Calibration file to write (JSON); point "
                                           "VERICLAIM_JUDGE__CALIBRATION at it to use it.")] = Path(
        "calibration.json"),
    fmt: Annotated[list[str] | None, typer.Option("--format", help="Format of each set, in order (one --format "
                                                  "applies to all).")] = None,
    split: Annotated[str, typer.Option(help="Split to fit on (keep dev splits for eval).")] = "train",
    corpus: Annotated[list[Path] | None, typer.Option(help="Documents to ingest with every set.")] = None,
    collection: CollectionOption = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Only the first N claims of each set.")] = None,
    calibration_share: Annotated[bool, typer.Option("--calibration-share", help="Only the third of each set's "
                                                    "claims that `verifier train` leaves out for calibration "
                                                    "(use it on a split the verifier trained on).")] = False,
    llm_claims: Annotated[int, typer.Option(min=0, help="Ask the LLM judge too for the first N claims of each "
                                            "set, so the fit can weigh it (slow on a CPU).")] = 0,
    from_signals: Annotated[list[Path] | None, typer.Option("--from-signals", help="Fit on signals saved by an "
                                                            "earlier run instead of running claims.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the cross-validation folds.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Run labelled claims through the pipeline and fit how its signals (retrieval, verifier, numeric, LLM)
    combine into a verdict and a calibrated confidence. Writes the calibration file and, beside it,
    the signals (FILE.signals.jsonl) for a refit with --from-signals."""
    from training.calibration_fit import fit_calibration
    from training.calibration_run import read_signals, write_signals

    if not claims and not from_signals:
        raise InputError("name labelled claim sets to run, or --from-signals files")
    gathered, origins, sets = [], [], []
    for path in from_signals or []:
        saved, fitted_for, names = read_signals(path)
        gathered.extend(saved)
        origins.append(fitted_for)
        sets.extend(names)
    if claims:
        claimed, fitted_for, names = _run_claims(claims, fmt or ["native"], split, corpus, collection, limit,
                                                 llm_claims, calibration_share)
        gathered.extend(claimed)
        origins.append(fitted_for)
        sets.extend(names)
        write_signals(out_file.with_name(out_file.name + ".signals.jsonl"), claimed, fitted_for, names)
    calibration = fit_calibration(gathered, fitted_for=_same_origin(origins),
                                  description={"sets": sets, "split": split, "calibration_share": calibration_share,
                                               "seed": seed}, seed=seed)
    try:
        calibration.save(out_file)
    except OSError as exc:
        raise InputError(f"cannot write {out_file}: {exc.strerror}") from None
    if as_json:
        sys.stdout.write(json.dumps(calibration.report, indent=2) + "\n")
    else:
        print_calibration(calibration.report, calibration.llm_gain)
    out.print(f"wrote {out_file}", markup=False, highlight=False)


def _run_claims(paths: list[Path], formats: list[str], split: str, corpus: list[Path] | None,
                collection: str | None, limit: int | None, llm_claims: int,
                calibration_share: bool) -> tuple[list[Any], dict[str, str], list[str]]:
    from eval.datasets import load_dataset
    from eval.trained_claims import in_calibration_share
    from training.calibration_run import gather_signals

    if len(formats) not in (1, len(paths)):
        raise InputError(f"{len(formats)} --format values for {len(paths)} sets: give one, or one per set")
    formats = formats * len(paths) if len(formats) == 1 else formats
    # the verifier's raw path asks the LLM only when told to (explain), whatever a calibration file says
    base = Settings()
    settings = base.model_copy(update={"judge": base.judge.model_copy(
        update={"verdict_source": "verifier", "llm_call": "auto"})})
    built = components(settings)
    pipeline = built.pipeline.uncalibrated()  # an earlier file's offsets or "LLM helps" must not steer what is gathered
    gathered, names = [], []
    with progress_bar() as progress:
        for path, fmt in zip(paths, formats, strict=True):
            dataset = load_dataset(fmt, path, split=split, conflicting=Conflicting.DROP, on_error=OnError.STOP)
            target = dataset_collection(dataset, collection, corpus)
            ingest_dataset(built.library, dataset, target, corpus)
            chosen = [claim for claim in dataset.claims
                      if not calibration_share or in_calibration_share(dataset.name, claim.id)]
            chosen = chosen[:limit] if limit else chosen
            task = progress.add_task(f"calibrating on {dataset.name}", total=None)

            def advanced(n: int, t: TaskID = task, c: int = len(chosen)) -> None:
                progress.update(t, completed=n, total=c)

            gathered.extend(gather_signals(pipeline, chosen, target, llm_claims=llm_claims, advanced=advanced))
            share = ", calibration share" if calibration_share else ""
            names.append(f"{dataset.name} ({split}{share}, {len(chosen)} claims)")
    return gathered, _fitted_for(asked_llm=llm_claims > 0, pipeline=pipeline), names


def _same_origin(origins: list[dict[str, str]]) -> dict[str, str]:
    """Signals fitted together must come from the same verifier and embedder (the LLM may differ: claims
    without its probabilities only fit the model without its columns)."""
    keys = ("verifier", "embedding_model")
    if len({tuple(origin.get(key) for key in keys) for origin in origins}) > 1:
        raise InputError("the signals come from different verifiers or embedding models: "
                         + "; ".join(f"{o.get('verifier')} / {o.get('embedding_model')}" for o in origins))
    with_llm = [origin for origin in origins if origin.get("llm_sha256")]
    if len({origin["llm_sha256"] for origin in with_llm}) > 1:
        raise InputError("the signals come from different LLM files; fit one LLM at a time")
    return {**origins[0], **(with_llm[0] if with_llm else {})}


def _fitted_for(*, asked_llm: bool, pipeline: Any) -> dict[str, str]:
    """What the signals came from: a calibration only fits the verifier (and LLM) it was fitted with."""
    fitted = {"verifier": pipeline.verifier.name if pipeline.verifier else "",
              "embedding_model": pipeline.finder.library.embedder.name}
    if asked_llm:
        fitted |= {"llm_file": pipeline.judge.model_name, "llm_sha256": pipeline.judge.model_sha256}
    return fitted


def _verifier_line(alone: dict[str, Any]) -> str:
    if not alone.get("claims"):
        return "  verifier alone: no claims with verifier probabilities"
    return (f"  verifier alone (argmax, same claims): accuracy {alone['accuracy']:.3f}, "
            f"macro-F1 {alone['macro_f1']:.3f}")


def _offsets_line(fit: dict[str, Any], source: str = "verifier") -> str:
    if not fit.get("used"):
        before, after = fit.get("macro_f1_before"), fit.get("macro_f1_out_of_fold")
        measured = f" (macro-F1 {before:.3f} → {after:.3f} out-of-fold)" if before is not None else ""
        return f"  {source} offsets: none: they did not surely help{measured}"
    supported, refuted, _ = fit["offsets"]
    line = (f"  {source} offsets SUPPORTED {supported:+.1f}, REFUTED {refuted:+.1f} (log space; macro-F1 "
            f"{fit['macro_f1_before']:.3f} → {fit['macro_f1_out_of_fold']:.3f} out-of-fold): set its labels")
    if "recall_before" in fit:  # files fitted before the recalls were reported lack them
        line += f"\n    recall S/R/NEI {_recalls(fit['recall_before'])} → {_recalls(fit['recall_after'])} with them"
    return line


def _recalls(values: list[float | None]) -> str:
    return "/".join("–" if value is None else f"{value:.2f}" for value in values)


def _temperature_line(fit: dict[str, Any]) -> str:
    if fit.get("ece_before") is None:
        return "  verifier temperature: 1.00 (too few claims with verifier probabilities to fit one)"
    return (f"  verifier temperature {fit['temperature']:.2f} over {fit['claims']} claims (ECE "
            f"{fit['ece_before']:.3f} → {fit['ece_after']:.3f}): sets the default verdicts' confidence")


def print_calibration(report: dict[str, Any], llm_gain: float | None) -> None:
    combined, rules = report["combined"], report["rules"]

    def rule(name: str) -> str:
        accuracy = rules[name]["accuracy"]
        return f"{rules[name]['claims']} claims, accuracy " + ("–" if accuracy is None else f"{accuracy:.3f}")

    lines = [
        f"{report['claims']} claims from {', '.join(report['sets'])}",
        f"  no evidence → NOT_ENOUGH_INFO: {rule('no_evidence')}",
        f"  numeric decision: {rule('numeric')}",
        _offsets_line(report.get("verifier_offsets") or {}),
        _temperature_line(report.get("verifier_temperature") or {}),
        f"  combined signals (out-of-fold, {combined['claims']} claims): accuracy {combined['accuracy']:.3f}, "
        f"macro-F1 {combined['macro_f1']:.3f}, ECE {combined['ece']:.3f}, "
        f"SUPPORTED/REFUTED threshold {combined['threshold']:.2f}",
        _verifier_line(report.get("verifier_alone") or {}),
        "  macro-F1 lost without each signal: "
        + ", ".join(f"{group} {drop:+.3f}" for group, drop in report["contributions"].items()),
    ]
    if "with_llm" in report:
        with_llm = report["with_llm"]
        without = with_llm["macro_f1_without_llm_same_claims"]
        lines.append(f"  with the LLM's probabilities ({with_llm['claims']} claims): "
                     f"macro-F1 {with_llm['macro_f1']:.3f} vs {without:.3f} without (gain {with_llm['gain']:+.3f}, "
                     f"5th-percentile gain {llm_gain:+.3f}); "
                     + ("the LLM is asked when a verdict is unsure" if (llm_gain or 0) > 0
                        else "not surely better: the LLM is not asked for verdicts"))
        if "llm_offsets" in report:  # used when the LLM decides (verdict_source=llm)
            lines.append(_offsets_line(report["llm_offsets"], "LLM"))
    else:
        lines.append("  the LLM was not asked (--llm-claims 0): verdicts will not ask it")
    for line in lines:
        out.print(line, markup=False, highlight=False)
