"""`vericlaim verifier train | train-feature | train-cross-encoder | export`: train the verifiers, export the NLI one.

Registered on the `vericlaim` command by training/cli.py (`add_commands`). Thin: each command builds its trainer's
options and calls its `run` (training.nli_build, training.verifier_train, training.cross_verifier_train,
training.nli_export), imported inside the command so that the CLI starts without torch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.cli.common import reports_errors
from service.config import Settings
from service.errors import InputError

verifier_app = typer.Typer(no_args_is_help=True, help="Train the verifier that scores claims against evidence.")

DataOption = Annotated[Path | None, typer.Option(help="The datasets folder (default: the `datasets` setting, "
                                                 "VERICLAIM_DATASETS).")]
SetsOption = Annotated[list[str] | None, typer.Option(
    "--sets", help="Training sets, one --sets each: check-covid, citation-integrity, wice, fever-symmetric "
    "(default: the first three; fever-symmetric is CC BY-SA: the artifact then is too).")]
SeedOption = Annotated[int, typer.Option(help="Random seed.")]


def datasets_folder(data: Path | None) -> Path:
    """`--data`, else the `datasets` setting; it must exist."""
    data = data or Settings().datasets
    if not data.is_dir():
        raise InputError(f"datasets folder not found: {data} (--data or VERICLAIM_DATASETS)")
    return data


def exit_with(code: int) -> None:
    if code:
        raise typer.Exit(code)


@verifier_app.command("train")
@reports_errors
def train(
    out: Annotated[Path, typer.Option(help="Artifact folder to write.")],
    data: DataOption = None,
    checkpoints: Annotated[Path, typer.Option(help="Where training checkpoints live (outside the repository); "
                                              "the same command resumes from them.")] = Path(
        "/var/tmp/vericlaim-nli/minilm"),
    name: Annotated[str, typer.Option(help="The verifier's name, stamped on verdicts.")] = "nli-minilm-l6-v1",
    base: Annotated[str, typer.Option(help="Base model to fine-tune: all-MiniLM-L6-v2, all-mpnet-base-v2 (its "
                                      "packages installed) or a local transformers folder.")] = "all-MiniLM-L6-v2",
    layers: Annotated[int | None, typer.Option(min=1, help="Keep only the base's first N encoder layers "
                                               "(default: all).")] = None,
    scene_policy: Annotated[str, typer.Option(help="SNLI-family 'contradictions' between different scenes: "
                                              "two-way (trained as not entailed), keep, or drop.")] = "two-way",
    contrast: Annotated[list[str] | None, typer.Option(help="Contrast pairs to add, one --contrast each: off-topic, "
                                                       "other-entity, opposite, figures (templated filing figures, "
                                                       "only when named), or none (default: the first three).")
                                         ] = None,
    skip_scores: Annotated[bool, typer.Option("--skip-scores", help="Export without scoring the dev sets.")] = False,
    quantisation: Annotated[str, typer.Option(help="The artifact's weights: int8, or int4 (stored 4-bit, served "
                                              "int8: all 12 layers of a base within 50 MB).")] = "int8",
    max_length: Annotated[int, typer.Option(help="Most tokens of a premise-hypothesis pair.")] = 128,
    batch: Annotated[int, typer.Option(help="Pairs per step.")] = 32,
    epochs: Annotated[float, typer.Option(help="Passes over the training pairs.")] = 1.5,
    lr: Annotated[float, typer.Option(help="Peak learning rate (AdamW).")] = 6e-5,
    warmup: Annotated[float, typer.Option(help="Share of the steps spent warming up.")] = 0.06,
    weight_decay: Annotated[float, typer.Option(help="AdamW weight decay.")] = 0.01,
    freeze_layers: Annotated[int, typer.Option(help="Also freeze the embeddings and N lower layers.")] = 0,
    domain_repeats: Annotated[int, typer.Option(help="Times each in-domain pair is seen per epoch.")] = 2,
    nli_sets: Annotated[list[str] | None, typer.Option(help="Only these NLI sets (file stems), one --nli-sets "
                                                       "each.")] = None,
    seed: SeedOption = 0,
    bf16: Annotated[bool, typer.Option("--bf16/--no-bf16", help="bfloat16 autocast: 1.4× faster on CPUs with "
                                       "AVX512-BF16 or AMX (--no-bf16: float32).")] = True,
    threads: Annotated[int, typer.Option(help="torch CPU threads.")] = 2,
    checkpoint_minutes: Annotated[float, typer.Option(help="Minutes between checkpoints.")] = 10.0,
    stop_after_minutes: Annotated[float | None, typer.Option(help="Checkpoint and stop after this many minutes "
                                                             "(the same command carries on).")] = None,
    max_steps: Annotated[int | None, typer.Option(help="Stop (with a checkpoint) after this step.")] = None,
    init_from: Annotated[Path | None, typer.Option(help="Start from this served NLI artifact's weights (its int8 "
                                                   "graph dequantised; same base and layers) instead of the "
                                                   "base's.")] = None,
) -> None:
    """Train (or resume) the NLI verifier, the default one; export it into --out and print its dev scores.

    It learns from the NLI sets and the labelled sets' training splits, less the third that `calibrate` keeps,
    checkpointing into --checkpoints (run the same command again to resume), then writes the int8 ONNX artifact
    and scores it on the dev sets."""
    from training.nli_build import NliBuildOptions, run
    from training.nli_pairs import CONTRAST_KINDS, EXTRA_CONTRAST_KINDS, SCENE_POLICIES

    kinds = tuple(k for k in (contrast or CONTRAST_KINDS) if k != "none")
    unknown = [k for k in kinds if k not in CONTRAST_KINDS + EXTRA_CONTRAST_KINDS] \
        + ([] if scene_policy in SCENE_POLICIES else [scene_policy])
    if unknown:
        raise InputError(f"unknown --contrast or --scene-policy value: {', '.join(unknown)}")
    if quantisation not in {"int8", "int4"}:
        raise InputError(f"unknown quantisation {quantisation!r}: int8 or int4")
    exit_with(run(NliBuildOptions(quantisation=quantisation,
        layers=layers, scene_policy=scene_policy, contrast=kinds,
        out=out, data=datasets_folder(data), checkpoints=checkpoints, name=name, base=base, skip_scores=skip_scores,
        max_length=max_length, batch=batch, epochs=epochs, lr=lr, warmup=warmup, weight_decay=weight_decay,
        freeze_layers=freeze_layers, domain_repeats=domain_repeats, nli_sets=tuple(nli_sets) if nli_sets else None,
        seed=seed, bf16=bf16, threads=threads, checkpoint_minutes=checkpoint_minutes,
        stop_after_minutes=stop_after_minutes, max_steps=max_steps,
        init_from=init_from.expanduser() if init_from else None)))


@verifier_app.command("train-feature")
@reports_errors
def train_feature(
    out: Annotated[Path, typer.Option(help="Where to write the .npz artifact.")],
    data: DataOption = None,
    sets: SetsOption = None,
    head: Annotated[str, typer.Option(help="Head: auto, lr-0.1, lr-1, mlp-32 or mlp-32-strong (auto picks on an "
                                      "in-domain tenth of the training claims; it picked an MLP that lost 5-15 "
                                      "points on the out-of-domain sets, so the default is fixed).")] = "lr-0.1",
    epochs: Annotated[int, typer.Option(help="MLP passes over the training examples.")] = 300,
    projection: Annotated[int, typer.Option(help="PCA dimensions kept of the pair vector.")] = 32,
    seed: SeedOption = 0,
    embedding_model: Annotated[str, typer.Option(help="The embedder of the features.")] = "all-MiniLM-L6-v2",
    embedding_cache: Annotated[Path | None, typer.Option(help="An .npz to keep text vectors between "
                                                         "runs.")] = None,
) -> None:
    """Train the feature verifier (an earlier one: features and a softmax head) and print its dev scores.

    It learns from the labelled sets' training claims; serving it needs numpy only."""
    from training.training_pairs import TRAINING_SETS
    from training.verifier_train import FeatureTrainOptions, run

    exit_with(run(FeatureTrainOptions(
        out=out, data=datasets_folder(data), sets=tuple(sets or TRAINING_SETS), head=head, epochs=epochs,
        projection=projection, seed=seed, embedding_model=embedding_model, embedding_cache=embedding_cache)))


@verifier_app.command("train-cross-encoder")
@reports_errors
def train_cross_encoder(
    out: Annotated[Path, typer.Option(help="Where to write the .safetensors artifact.")],
    data: DataOption = None,
    sets: SetsOption = None,
    epochs: Annotated[int, typer.Option(help="Most passes; the best on validation is kept.")] = 6,
    lr: Annotated[float, typer.Option(help="Learning rate (AdamW).")] = 1e-3,
    max_length: Annotated[int, typer.Option(help="Tokens of claim + evidence.")] = 160,
    seed: SeedOption = 0,
    threads: Annotated[int, typer.Option(help="torch CPU threads.")] = 2,
    base_model: Annotated[str, typer.Option(help="The MiniLM whose top layer is trained.")] = "all-MiniLM-L6-v2",
    cache: Annotated[Path | None, typer.Option(help="A folder outside the repository for the frozen "
                                               "states.")] = None,
    fusion: Annotated[bool, typer.Option("--fusion", help="Also report the feature verifier fused with "
                                         "out-of-fold cross-encoder scores.")] = False,
    embedding_cache: Annotated[Path | None, typer.Option(help="The feature verifier's vector cache "
                                                         "(--fusion).")] = None,
) -> None:
    """Train the cross-encoder verifier (an earlier one: MiniLM's top layer) and print its dev scores.

    It learns from the labelled sets' training claims, keeping the epoch that scores best on a held-out tenth."""
    from training.cross_verifier_train import CrossTrainOptions, run
    from training.training_pairs import TRAINING_SETS

    exit_with(run(CrossTrainOptions(
        out=out, data=datasets_folder(data), sets=tuple(sets or TRAINING_SETS), epochs=epochs, lr=lr,
        max_length=max_length, seed=seed, threads=threads, base_model=base_model, cache=cache, fusion=fusion,
        embedding_cache=embedding_cache)))


@verifier_app.command("export")
@reports_errors
def export(
    final: Annotated[Path, typer.Argument(help="The trained transformers folder (CHECKPOINTS/final).")],
    out: Annotated[Path, typer.Argument(help="Artifact folder to write.")],
    name: Annotated[str, typer.Option(help="The verifier's name (stamped on verdicts).")],
    base: Annotated[str, typer.Option(help="Base model the word embeddings come from.")] = "all-MiniLM-L6-v2",
    metadata: Annotated[Path | None, typer.Option(help="JSON object merged into the artifact's "
                                                  "metadata.")] = None,
    quantisation: Annotated[str, typer.Option(help="int8 (dynamic), int4 (4-bit weights: all 12 layers of a base "
                                              "within 50 MB; needs onnx-ir) or none (fp32).")] = "int8",
    aggregation: Annotated[str, typer.Option(help="How the readings of the passages become the claim's "
                                             "probabilities: decisive, joint, first, max, mean or rank-weighted "
                                             "(bench/aggregation.py compares them).")] = "decisive",
) -> None:
    """Export a trained NLI verifier (CHECKPOINTS/final) as the served artifact.

    `verifier train` exports by itself once training is done; this exports again, with another name, extra
    metadata, another quantisation (int4 for a 12-layer graph) or none."""
    from training.nli_export import QUANTISATIONS, ExportOptions, run

    if not final.is_dir():
        raise InputError(f"trained folder not found: {final}")
    from service.verifiers.aggregation import Aggregation

    if aggregation not in {rule.value for rule in Aggregation}:
        raise InputError(f"unknown aggregation {aggregation!r}: one of {', '.join(r.value for r in Aggregation)}")
    if quantisation not in QUANTISATIONS:
        raise InputError(f"unknown quantisation {quantisation!r}: one of {', '.join(QUANTISATIONS)}")
    exit_with(run(ExportOptions(final=final, out=out, name=name, base=base, metadata=metadata,
                                quantisation=quantisation, aggregation=aggregation)))
