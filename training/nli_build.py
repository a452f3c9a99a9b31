r"""`vericlaim verifier train --kind nli`: train (or resume), export and score the NLI verifier in one command.

    vericlaim verifier train --kind nli --out service/models_data/nli_verifier.v1 \
        [--checkpoints /var/tmp/vericlaim-nli/minilm] [--name nli-minilm-l6-v1] [training options…]

1. `training.nli_train` with the given options (resumes from `--checkpoints` when a checkpoint of the same plan
   is there; stops early with `--stop-after-minutes`, and the same command carries on later).
2. `training.nli_export`: int8 ONNX artifact into `--out`.
3. Scores of the served artifact, written into its header and printed: the NLI dev slice (per set; MNLI's is
   the held-out MNLI figure), and the in-domain dev sets with gold evidence (`training.verifier_scores`).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from service.config import default_datasets
from training import nli_export, nli_train
from training.nli_pairs import IN_DOMAIN_SETS, NLI_SETS


def parse(argv: Sequence[str] | None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(prog="vericlaim verifier train --kind nli", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="artifact folder to write")
    parser.add_argument("--data", type=Path, default=default_datasets(),
                        help="datasets folder (default: VERICLAIM_DATASETS, else shared/datasets by the checkout)")
    parser.add_argument("--checkpoints", type=Path, default=Path("/var/tmp/vericlaim-nli/minilm"),
                        help="where training checkpoints live (outside the repository)")
    parser.add_argument("--name", default="nli-minilm-l6-v1", help="the verifier's name, stamped on verdicts")
    parser.add_argument("--base", default="all-MiniLM-L6-v2")
    parser.add_argument("--skip-scores", action="store_true", help="export without scoring the dev sets")
    return parser.parse_known_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args, training_args = parse(argv)
    code = nli_train.main(["--checkpoints", str(args.checkpoints), "--data", str(args.data), "--base", args.base,
                           *training_args])
    final = args.checkpoints / nli_train.FINAL
    if code or not (final / "training.json").is_file():
        return code
    training = json.loads((final / "training.json").read_text())
    metadata = {
        "max_length": training["plan"]["max_length"],
        "sets": sorted(IN_DOMAIN_SETS), "held_out": {"calibration": "a hash third of each train split"},
        "nli_sets": {name: licence for name, licence in NLI_SETS.items()},
        "in_domain_sets": dict(IN_DOMAIN_SETS),
        "licence": "CC BY-SA 4.0 (trained on share-alike sets)",
        "training": {key: training[key] for key in ("plan", "steps", "train_pairs", "dev_pairs", "dev")},
    }
    out = nli_export.export(final, args.out, name=args.name, base=args.base, metadata=metadata)
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


if __name__ == "__main__":
    raise SystemExit(main())
