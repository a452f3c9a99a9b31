"""Which claims a shipped model trained on, by fixed hash-based rules, so that evaluation can leave them out.

Sets with a train split train on two thirds of it and leave a fixed third (`in_calibration_share`) to
`vericlaim calibrate`; single-file sets train on a fixed half of their claims (`in_training_half`) and keep the
other half for dev scores. `training/training_pairs.py` builds its examples by these rules; `vericlaim eval`
reads them (with the artifact's metadata) to report only claims the model never saw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from eval.datasets import Dataset

SINGLE_FILE_SETS = ("wice", "fever-symmetric")  # no train split: half the claims train, half score


def stable_hash(*parts: str) -> int:
    """A hash of the parts that is the same in every process and version (unlike `hash`)."""
    return int(hashlib.sha1(":".join(parts).encode("utf-8")).hexdigest()[:12], 16)


def in_training_half(source: str, claim_id: str) -> bool:
    """The fixed half of a single-file set used for training; the other half is its dev half."""
    return stable_hash(source, claim_id) % 2 == 0


def in_calibration_share(source: str, claim_id: str) -> bool:
    """The fixed third of a training split the verifier never sees: `vericlaim calibrate` fits on it.

    A calibration fitted on claims the verifier trained on learns how sure it is of answers it has seen,
    and that does not carry over to new claims; this third keeps the two fits apart.
    """
    return stable_hash("calibration", source, claim_id) % 3 == 0


def trained_on(metadata: Mapping[str, Any], dataset: str, split: str, claim_id: str) -> bool:
    """Whether a verifier with this artifact metadata saw the claim in training, going by the split rules above.

    Dev splits of sets with a train split never are; a single-file set's training half is; a train split is,
    except the calibration share when the artifact says it held that share out."""
    if dataset not in metadata.get("sets", ()):
        return False
    if dataset in SINGLE_FILE_SETS:
        return in_training_half(dataset, claim_id)
    if split != "train":
        return False
    return not ("calibration" in metadata.get("held_out", {}) and in_calibration_share(dataset, claim_id))


def without_trained_claims(dataset: Dataset, split: str, metadata: Mapping[str, Any]) -> tuple[Dataset, int]:
    """The dataset less the claims a verifier with this artifact metadata saw in training, and how many."""
    kept = [claim for claim in dataset.claims if not trained_on(metadata, dataset.name, split, claim.id)]
    return replace(dataset, claims=kept), len(dataset.claims) - len(kept)
