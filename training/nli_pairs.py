"""(evidence, claim) pairs with NLI labels for training the NLI cross-encoder verifier, and its dev slices.

    pairs = load_pairs(Settings().datasets)               # NLI sets + in-domain claim sets, deduplicated
    train, dev = split_pairs(pairs)                        # dev: a fixed 1/20 by hash of each pair's group

Sources: the 13 NLI and fact-verification sets in `datasets/nli/` (premise = evidence, hypothesis = claim)
and the in-domain claim sets `training.training_pairs` builds examples from (their train splits or training
halves: gold sentences, gold plus distractors, hard negatives, perturbed figures). Targets are the model's
three classes in `TARGETS` order, or `NOT_ENTAILMENT` for two-way pairs: those only say "not entailed" and
are trained on P(neutral) + P(contradiction), never on a guessed three-way label.

Kept out: any pair whose claim is the text of a claim in a set we report dev scores on (FEVER-NLI and
FEVER-RTE are built from FEVER's dev claims, which FEVER-Symmetric also draws on), exact duplicates, and, in
the FEVER sets, all but one pair per claim and label (the two sets share most of their claims). The dev
slice is chosen by a hash of the pair's group (the premise for NLI sets, the claim for fact-verification
sets and in-domain examples), so no premise or claim straddles train and dev.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from service.domain import Label
from training import contrast_pairs
from training.contrast_pairs import Claim
from training.figure_pairs import figure_pairs
from training.training_pairs import dev_examples, training_claims, training_examples

# Model outputs, in this order. The service's labels follow from them (`LABEL_OF_TARGET`).
TARGETS = ("entailment", "contradiction", "neutral")
NOT_ENTAILMENT = 3  # the target index of a two-way "not entailed" pair
LABEL_OF_TARGET = {0: Label.SUPPORTED, 1: Label.REFUTED, 2: Label.NOT_ENOUGH_INFO}
_TARGET_OF_NAME = {"entailment": 0, "contradiction": 1, "neutral": 2, "not_entailment": NOT_ENTAILMENT}
_TARGET_OF_LABEL = {label: target for target, label in LABEL_OF_TARGET.items()}

NLI_SETS: dict[str, str] = {  # file stem → licence (share-alike ones say so)
    "mnli": "OANC (free) / CC BY-SA 3.0 (fiction genre): share-alike",
    "snli": "CC BY-SA 4.0: share-alike",
    "fever-nli-binary": "CC BY-SA 3.0 (FEVER): share-alike",
    "fever-rte": "CC BY-SA 3.0 (FEVER): share-alike",
    "conjnli": "MIT",
    "cad-snli": "Apache-2.0 (on SNLI, CC BY-SA 4.0): share-alike",
    "breaking-nli": "CC BY-SA 4.0: share-alike",
    "help-subset": "CC BY-SA 4.0: share-alike",
    "med": "CC BY-SA 4.0: share-alike",
    "negation-nli": "MIT",
    "fm2": "Apache-2.0 (Wikipedia text CC BY-SA): share-alike",
    "scitail": "Apache-2.0",
    "scifact": "CC BY 4.0 (claims), ODC-By (abstracts)",
}
IN_DOMAIN_SETS: dict[str, str] = {
    "check-covid": "MIT",
    "citation-integrity": "MIT",
    "wice": "ODC-BY 1.0 (annotations)",
    "fever-symmetric": "CC BY-SA 3.0: share-alike",
}
_FEVER_SETS = ("fever-nli-binary", "fever-rte", "fm2", "scifact")  # group by claim, not by premise
DEV_SHARE = 20  # one pair group in DEV_SHARE is dev
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Pair:
    source: str
    group: str  # what the dev slice is chosen by
    premise: str  # the evidence
    hypothesis: str  # the claim
    target: int  # index into TARGETS, or NOT_ENTAILMENT


def normalise(text: str) -> str:
    """Lower case, single spaces, no trailing full stop: how claims are compared across sets."""
    return _SPACE.sub(" ", text).strip().lower().rstrip(".").strip()


def _digest(*parts: str) -> int:
    return int(hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12], 16)


def is_dev(pair: Pair) -> bool:
    return _digest(pair.source.split(":")[0], pair.group) % DEV_SHARE == 0


def split_pairs(pairs: Iterable[Pair]) -> tuple[list[Pair], list[Pair]]:
    train: list[Pair] = []
    dev: list[Pair] = []
    for pair in pairs:
        (dev if is_dev(pair) else train).append(pair)
    return train, dev


def reported_claims(root: Path) -> set[str]:
    """The normalised claims of every example we report dev scores on: never trained on."""
    return {normalise(example.claim) for examples in dev_examples(root).values() for example in examples}


def _read_nli(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


SCENE_POLICIES = ("two-way", "keep", "drop")  # SNLI-family different-scene "contradictions": see contrast_pairs


def nli_pairs(root: Path, excluded: set[str], sets: Iterable[str] = NLI_SETS, scene_policy: str = "two-way") \
        -> list[Pair]:
    """The NLI sets' pairs less excluded claims, exact duplicates and repeated FEVER claim/label pairs. SNLI-family
    contradictions between different scenes are kept as two-way "not entailed" (`scene_policy` "two-way"), kept as
    they are ("keep") or dropped ("drop")."""
    if scene_policy not in SCENE_POLICIES:
        raise ValueError(f"scene policy {scene_policy!r}: one of {', '.join(SCENE_POLICIES)}")
    pairs, seen = [], set()
    for name in sets:
        for row in _read_nli(root / "nli" / f"{name}.jsonl"):
            premise, hypothesis = row["premise"].strip(), row["hypothesis"].strip()
            claim = normalise(hypothesis)
            if not premise or not hypothesis or claim in excluded:
                continue
            target = _TARGET_OF_NAME[row["label"]]
            if scene_policy != "keep" and contrast_pairs.same_scene_only(name, premise, hypothesis, target) != target:
                if scene_policy == "drop":
                    continue
                target = NOT_ENTAILMENT
            fever = name.startswith("fever")
            key = ("fever", claim, target) if fever else (premise, hypothesis)
            if key in seen:
                continue
            seen.add(key)
            group = claim if name in _FEVER_SETS else normalise(premise)
            pairs.append(Pair(f"nli:{name}", group, premise, hypothesis, target))
    return pairs


def in_domain_pairs(root: Path, excluded: set[str], sets: Iterable[str] = IN_DOMAIN_SETS) -> list[Pair]:
    """`training.training_pairs` examples (training splits and halves only) as pairs: sentences joined."""
    pairs = []
    for example in training_examples(root, tuple(sets)):
        if normalise(example.claim) in excluded:
            continue
        pairs.append(Pair(f"domain:{example.source}", example.group, " ".join(example.sentences), example.claim,
                          _TARGET_OF_LABEL[example.label]))
    return pairs


CONTRAST_KINDS = ("off-topic", "other-entity", "opposite")
EXTRA_CONTRAST_KINDS = ("figures",)  # asked for by name: templated filing figures (training.figure_pairs)
_CLAIM_SETS = ("fever-nli-binary", "fever-rte", "fm2", "scifact")  # the premise is the claim's evidence
# One claim in N gets an off-topic / other-entity pair (sources not named: every claim): about 10k and 3k pairs,
# beside about 25k neutral pairs in the NLI sets.
_OFF_TOPIC_SHARE = {"nli:mnli": 5, "nli:fever-nli-binary": 4, "nli:fm2": 2}
_OTHER_ENTITY_SHARE = {"nli:fever-nli-binary": 5, "nli:fever-rte": 2, "nli:fm2": 2}


def contrast_claims(root: Path, excluded: set[str], pairs: Iterable[Pair],
                    domain_sets: Iterable[str]) -> tuple[list[Claim], dict[str, list[tuple[str, str]]]]:
    """The claims contrast pairs are made from (fact-verification NLI pairs, MNLI, in-domain training claims) and,
    per source, the (document, sentence) pool their off-topic evidence is retrieved from."""
    claims: list[Claim] = []
    pools: dict[str, list[tuple[str, str]]] = {}
    for pair in pairs:
        name = pair.source.removeprefix("nli:")
        if name in _CLAIM_SETS or name == "mnli":
            claims.append(Claim(pair.source, pair.group, pair.hypothesis, pair.premise, pair.target, pair.premise))
            pools.setdefault(pair.source, []).append((pair.premise, pair.premise))
    found, corpora = training_claims(root, tuple(domain_sets))
    for item in found:
        if normalise(item.claim) in excluded:
            continue
        document = item.document[0] if item.document else item.gold[0]  # a document is named by its first sentence
        claims.append(Claim(f"domain:{item.source}", item.group, item.claim, " ".join(item.gold),
                            _TARGET_OF_LABEL[item.label], document))
    for name, sentences in corpora.items():
        documents = {s: c.document[0] for c in found if c.source == name and c.document for s in c.document}
        pools[f"domain:{name}"] = [(documents.get(s, s), s) for s in sentences]
    return claims, {source: list(dict.fromkeys(pool)) for source, pool in pools.items()}


def contrast(root: Path, excluded: set[str], pairs: Iterable[Pair], domain_sets: Iterable[str],
             kinds: Iterable[str] = CONTRAST_KINDS) -> list[Pair]:
    """Off-topic and other-entity neutral pairs, opposite-word contradictions (`training.contrast_pairs`), and
    with "figures" the templated filing pairs (`training.figure_pairs`)."""
    claims, pools = contrast_claims(root, excluded, pairs, domain_sets)
    made: list[contrast_pairs.ContrastPair] = []
    kinds = set(kinds)
    if "off-topic" in kinds:
        for source, pool in pools.items():
            share = _OFF_TOPIC_SHARE.get(source, 1)
            made += contrast_pairs.off_topic([c for c in claims if c.source == source], {source: pool}, share=share)
    fact_claims = [c for c in claims if c.source != "nli:mnli"]
    if "other-entity" in kinds:
        for source in dict.fromkeys(c.source for c in fact_claims):
            made += contrast_pairs.other_entity([c for c in fact_claims if c.source == source],
                                                share=_OTHER_ENTITY_SHARE.get(source, 1))
    if "opposite" in kinds:
        made += contrast_pairs.opposites(fact_claims)
    if "figures" in kinds:
        made += figure_pairs()
    seen: set[tuple[str, str]] = set()
    out = []
    for item in made:
        if (item.premise, item.hypothesis) not in seen and normalise(item.hypothesis) not in excluded:
            seen.add((item.premise, item.hypothesis))
            out.append(Pair(item.source, item.group, item.premise, item.hypothesis, item.target))
    return out


def load_pairs(root: Path, *, nli_sets: Iterable[str] = NLI_SETS, domain_sets: Iterable[str] = IN_DOMAIN_SETS,
               scene_policy: str = "two-way", contrast_kinds: Iterable[str] = CONTRAST_KINDS) -> list[Pair]:
    excluded = reported_claims(root)
    base = [*nli_pairs(root, excluded, nli_sets, scene_policy), *in_domain_pairs(root, excluded, domain_sets)]
    kinds = tuple(contrast_kinds)
    return base + (contrast(root, excluded, base, domain_sets, kinds) if kinds else [])


def slice_report(probabilities: np.ndarray, targets: np.ndarray, sources: list[str]) -> dict[str, dict[str, float]]:
    """Per source: entailed-vs-not accuracy on every pair and, on three-way sources (none of whose pairs is
    two-way), three-way accuracy; "all" pools the sources. `probabilities` columns are in `TARGETS` order."""
    report: dict[str, dict[str, float]] = {}
    names = np.array(sources)
    two_way_sources = set(names[targets == NOT_ENTAILMENT])
    three_way = ~np.isin(names, list(two_way_sources))
    for source in ["all", *sorted(set(sources))]:
        rows = np.ones(len(names), bool) if source == "all" else names == source
        gold, probs = targets[rows], probabilities[rows]
        entry: dict[str, float] = {"pairs": int(rows.sum()),
                                   "entailed_accuracy": float(((probs[:, 0] > 0.5) == (gold == 0)).mean())}
        three = three_way[rows]
        if three.any():
            entry["three_way_pairs"] = int(three.sum())
            entry["three_way_accuracy"] = float((probs[three].argmax(1) == gold[three]).mean())
        report[source] = {k: round(v, 4) if isinstance(v, float) else v for k, v in entry.items()}
    return report
