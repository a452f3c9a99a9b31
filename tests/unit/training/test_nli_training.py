"""The NLI verifier's training data and loss: what is kept out, how dev is sliced, what two-way pairs teach."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from training.nli_pairs import NOT_ENTAILMENT, Pair, is_dev, nli_pairs, normalise, slice_report, split_pairs

pytestmark = pytest.mark.unit


def write_set(root: Path, name: str, rows: list[tuple[str, str, str]]) -> None:
    (root / "nli").mkdir(parents=True, exist_ok=True)
    with (root / "nli" / f"{name}.jsonl").open("w") as handle:
        for i, (premise, hypothesis, label) in enumerate(rows):
            handle.write(json.dumps({"id": f"{name}-{i}", "premise": premise, "hypothesis": hypothesis,
                                     "label": label}) + "\n")


def test_reported_claims_duplicates_and_repeated_fever_claims_are_left_out(tmp_path: Path) -> None:
    write_set(tmp_path, "snli", [("A dog runs.", "An animal moves.", "entailment"),
                                 ("A dog runs.", "An animal moves.", "entailment"),  # exact duplicate
                                 ("A dog runs.", "The cat sleeps.", "neutral"),
                                 ("It rains.", "Paris is in France.", "contradiction")])  # a reported claim
    write_set(tmp_path, "fever-rte", [("Paris is the capital.", "Berlin is in Spain.", "not_entailment")])
    write_set(tmp_path, "fever-nli-binary", [("Berlin is in Germany.", "Berlin is in Spain", "not_entailment"),
                                             ("Berlin lies in Germany.", "Berlin is in Germany.", "entailment")])

    pairs = nli_pairs(tmp_path, excluded={normalise("paris is in France.")},
                      sets=["snli", "fever-rte", "fever-nli-binary"])

    assert [(p.source, p.hypothesis, p.target) for p in pairs] == [
        ("nli:snli", "An animal moves.", 0), ("nli:snli", "The cat sleeps.", 2),
        ("nli:fever-rte", "Berlin is in Spain.", NOT_ENTAILMENT),  # the binary set's copy is the same claim
        ("nli:fever-nli-binary", "Berlin is in Germany.", 0)]
    assert pairs[0].group == "a dog runs" and pairs[2].group == "berlin is in spain"  # premise / claim


def test_the_dev_slice_is_fixed_by_group_and_about_one_in_twenty() -> None:
    pairs = [Pair("nli:snli", f"premise {i // 3}", f"p{i}", f"h{i}", i % 3) for i in range(6000)]

    train, dev = split_pairs(pairs)

    assert 200 < len(dev) < 400 and len(train) + len(dev) == len(pairs)
    assert {p.group for p in dev}.isdisjoint({p.group for p in train})  # a premise never straddles the two
    # fixed by a hash of the set and group, not by order or chance: a rebuilt pair lands where it did
    assert [is_dev(Pair(p.source, p.group, "other", "text", 0)) for p in pairs] == [is_dev(p) for p in pairs]
    assert 60 <= sum(is_dev(Pair("nli:mnli", f"premise {i}", "x", "y", 0)) for i in range(2000)) <= 140


def test_two_way_pairs_only_teach_not_entailed() -> None:
    import torch

    from training.nli_model import nli_loss

    logits = torch.tensor([[0.0, 3.0, -3.0], [0.0, -3.0, 3.0], [2.0, 0.0, 0.0]])
    not_entailed = torch.tensor([NOT_ENTAILMENT] * 3)
    losses = [float(nli_loss(logits[i:i + 1], not_entailed[i:i + 1])) for i in range(3)]

    # contradiction and neutral are equally right for a two-way "not entailed" pair …
    assert losses[0] == pytest.approx(losses[1])
    # … and the loss is −log(1 − P(entailment))
    p_entailed = torch.softmax(logits[2], dim=0)[0].item()
    assert losses[2] == pytest.approx(-np.log(1 - p_entailed), rel=1e-5)
    assert float(nli_loss(logits[:1], torch.tensor([1]))) < float(nli_loss(logits[:1], torch.tensor([2])))


def test_length_batches_cover_every_pair_once_in_a_seeded_order() -> None:
    from training.nli_model import batches_for_epoch

    lengths = np.random.default_rng(0).integers(5, 120, 1000)

    batches = batches_for_epoch(lengths, 32, seed=0, epoch=0)

    assert sorted(np.concatenate(batches).tolist()) == list(range(1000))
    assert np.mean([np.ptp(lengths[b]) for b in batches]) < 10  # similar lengths share a batch
    assert [b.tolist() for b in batches] == [b.tolist() for b in batches_for_epoch(lengths, 32, 0, 0)]
    assert batches[0].tolist() != batches_for_epoch(lengths, 32, 0, 1)[0].tolist()


def test_the_slice_report_scores_three_way_only_where_every_pair_is_three_way() -> None:
    probabilities = np.array([[0.8, 0.1, 0.1], [0.1, 0.2, 0.7], [0.2, 0.7, 0.1], [0.6, 0.2, 0.2]])
    targets = np.array([0, 2, 1, NOT_ENTAILMENT])

    report = slice_report(probabilities, targets, ["nli:mnli", "nli:mnli", "nli:mnli", "nli:med"])

    assert report["nli:mnli"]["three_way_accuracy"] == 1.0 and report["nli:mnli"]["entailed_accuracy"] == 1.0
    assert "three_way_accuracy" not in report["nli:med"] and report["nli:med"]["entailed_accuracy"] == 0.0
    assert report["all"]["three_way_pairs"] == 3 and report["all"]["pairs"] == 4
