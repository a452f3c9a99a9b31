r"""`vericlaim verifier train`: train (or resume), export and score the NLI verifier in one command.

    vericlaim verifier train --out service/models_data/nli_verifier.v1 \
        [--checkpoints /var/tmp/vericlaim-nli/minilm] [--name nli-minilm-l6-v1] [training options…]

1. `training.nli_train` with the given options (`NliBuildOptions` holds its options and the export's; resumes
   from `--checkpoints` when a checkpoint of the same plan is there; stops early with `--stop-after-minutes`,
   and the same command carries on later).
2. `training.nli_export`: int8 ONNX artifact into `--out` (4-bit weights with `--quantisation int4`).
3. Scores of the served artifact, written into its header and printed: the NLI dev slice (per set; MNLI's is
   the held-out MNLI figure), and the in-domain dev sets with gold evidence (`training.verifier_scores`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

from training import nli_export, nli_train
from training.nli_pairs import IN_DOMAIN_SETS, NLI_SETS
from training.nli_train import NliTrainOptions


@dataclass(frozen=True, kw_only=True)
class NliBuildOptions(NliTrainOptions):
    """Training's options (`nli_train`, into `checkpoints`) and the export's: the artifact folder and its name."""

    out: Path  # artifact folder to write
    checkpoints: Path = Path("/var/tmp/vericlaim-nli/minilm")  # outside the repository
    name: str = "nli-minilm-l6-v1"  # the verifier's name, stamped on verdicts
    skip_scores: bool = False  # export without scoring the dev sets
    quantisation: str = "int8"  # the export's (training.nli_export.QUANTISATIONS): int4 for all 12 layers


def run(args: NliBuildOptions) -> int:
    code = nli_train.run(NliTrainOptions(**{option.name: getattr(args, option.name)
                                            for option in fields(NliTrainOptions)}))
    final = args.checkpoints / nli_train.FINAL
    if code or not (final / "training.json").is_file():
        return code
    training = json.loads((final / "training.json").read_text())
    metadata = {
        "max_length": training["plan"]["max_length"],
        "layers": args.layers, "scene_policy": args.scene_policy, "contrast": list(args.contrast),
        "sets": sorted(IN_DOMAIN_SETS), "held_out": {"calibration": "a hash third of each train split"},
        "nli_sets": {name: licence for name, licence in NLI_SETS.items()},
        "in_domain_sets": dict(IN_DOMAIN_SETS),
        "licence": "CC BY-SA 4.0 (trained on share-alike sets)",
        "training": {key: training[key] for key in ("plan", "steps", "train_pairs", "dev_pairs", "dev")},
        "init_from": {"artifact": args.init_from.name, "sha256": training["plan"].get("init")}
        if args.init_from else None,
    }
    out = nli_export.export(final, args.out, name=args.name, base=args.base, metadata=metadata,
                            quantisation=args.quantisation)
    print(f"wrote {out}", flush=True)
    if args.skip_scores:
        return 0
    from service.verifiers.nli import NliVerifier
    from training.verifier_scores import gold_scores, nli_slice_scores, write_scores

    verifier = NliVerifier.load(out)
    scores = {"nli dev slice": nli_slice_scores(verifier, args.data), **gold_scores(verifier, args.data)}
    write_scores(out, scores)
    for name, result in scores.items():
        print(f"  {name}: {json.dumps(result)}", flush=True)
    return 0
