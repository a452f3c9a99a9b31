"""Dev scores of a served verifier: the in-domain sets with gold evidence, and the NLI dev slice.

    gold_scores(verifier, root)       # {set: {n, accuracy, macro_f1, supported_f1, accuracy_s_vs_r?}}
    nli_slice_scores(verifier, root)  # per NLI source: three-way and entailed-vs-not accuracy

Gold evidence means the annotated sentences (`training.training_pairs.dev_examples`), each given to the verifier
as a passage, as retrieval would hand them over; none of these claims was trained on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from service.domain import Passage
from service.ports import Verifier
from service.verifiers.nli import HEADER_FILE, NLI_ORDER
from training.nli_pairs import load_pairs, slice_report, split_pairs
from training.training_pairs import Example, dev_examples
from training.verifier_train import scores


def passages_of(sentences: Sequence[str]) -> list[Passage]:
    return [Passage(doc_id="gold", start=0, end=len(text), text=text, score=1.0) for text in sentences]


def probabilities_of(verifier: Verifier, examples: Sequence[Example]) -> np.ndarray:
    rows = [verifier.score(example.claim, passages_of(example.sentences)) for example in examples]
    return np.array([[row[label] for label in NLI_ORDER] for row in rows])


def gold_scores(verifier: Verifier, root: Path) -> dict[str, dict[str, float]]:
    return {name: scores(examples, probabilities_of(verifier, examples))
            for name, examples in dev_examples(root).items()}


def nli_slice_scores(verifier: Any, root: Path, batch: int = 64) -> dict[str, dict[str, float]]:
    """The trainer's dev slice scored by the served model (`predict_pairs`), per source."""
    _, dev = split_pairs(load_pairs(root))
    rows = [verifier.predict_pairs([p.premise for p in dev[i:i + batch]], [p.hypothesis for p in dev[i:i + batch]])
            for i in range(0, len(dev), batch)]
    return slice_report(np.concatenate(rows), np.array([p.target for p in dev]), [p.source for p in dev])


def write_scores(folder: Path, dev_scores: dict[str, Any]) -> None:
    """Record the scores in the artifact's header (metadata.dev_scores)."""
    path = folder / HEADER_FILE
    header = json.loads(path.read_text(encoding="utf-8"))
    header.setdefault("metadata", {})["dev_scores"] = dev_scores
    path.write_text(json.dumps(header, indent=1, sort_keys=True) + "\n", encoding="utf-8")
