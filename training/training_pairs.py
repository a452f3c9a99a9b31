"""(claim, evidence sentences) → label examples for training and scoring the feature verifier.

Only sets whose licence allows shipping a model derived from them are trained on (`TRAINING_SETS`);
Climate-FEVER, QuanTemp and the sets with no licence are held out or not used (`EXCLUDED`). Sets with a
train split (Check-COVID, Citation-Integrity) train on two thirds of it and leave a fixed hash-based third
(`in_calibration_share`) to `vericlaim calibrate`; single-file sets train on a fixed hash-based half of
their claims (`in_training_half`) and keep the other half for dev scores, so nothing reported as dev is
ever trained on.

Training examples per claim: the gold sentences; the gold sentences with two other sentences of the same
document (what retrieval adds); for half the claims a hard negative — one or two other sentences of the
same document, skipping the closest one (it often supports the claim too), NOT_ENOUGH_INFO; and for
SUPPORTED claims whose figure appears in the evidence, the claim with that figure changed (×10, ±30 %,
another year), REFUTED. Dev examples are gold evidence only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from eval.datasets import Dataset, GoldLabel, LabelledClaim, load_dataset
from eval.trained_claims import SINGLE_FILE_SETS, in_calibration_share, in_training_half, stable_hash
from service.domain import Label
from service.verifiers.features import word_recall

LICENCES = {
    "check-covid": "MIT",
    "citation-integrity": "MIT",
    "wice": "ODC-BY 1.0 (annotations); page text from Common Crawl / Wikipedia",
    "fever-symmetric": "CC BY-SA 3.0 (share-alike: a model trained on it must be CC BY-SA)",
}
TRAINING_SETS = ("check-covid", "citation-integrity", "wice")  # the default: no share-alike data
EXCLUDED = {
    "climate-fever": "no licence in the copy we have: used for held-out scores only",
    "quantemp": "CC BY-NC 4.0 (non-commercial)",
    "covidfact": "no licence in the copy we have",
    "healthver": "no licence in the copy we have",
    "findver": "no licence in the copy we have",
    "scitab": "MIT, but claims about tables need table reasoning the sentence features do not model",
}
MAX_GOLD = 6
_CITATION_MARK = re.compile(r"\s*\[?<\|[^|]*\|>\]?")
_FIGURE = re.compile(r"(?<![\w.,])(?<![A-Za-z]-)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\w])")


@dataclass(frozen=True)
class Example:
    source: str  # dataset name
    group: str  # the claim id: every example made from one claim shares it
    claim: str
    sentences: tuple[str, ...]
    label: Label
    kind: str  # gold | distractors | hard-negative | numeric-perturbation


def clean_claim(text: str) -> str:
    """Drop citation markers such as `[<|multi_cit|>]` that only Citation-Integrity claims carry."""
    return " ".join(_CITATION_MARK.sub("", text).split())


def _read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


@dataclass(frozen=True)
class _Source:
    """A loaded set plus each document's sentences and, per claim, the document and sentences to avoid."""

    name: str
    dataset: Dataset
    sentences: dict[str, list[str]]
    fallback_doc: dict[str, str]  # claim id → document, for claims without gold evidence
    not_negative: dict[str, set[str]]  # claim id → sentences annotated as evidence of any kind


def _load_source(name: str, root: Path, split: str) -> _Source:
    folder = root / name
    dataset = load_dataset(name, folder, split=split)
    sentences: dict[str, list[str]] = {}
    fallback: dict[str, str] = {}
    avoid: dict[str, set[str]] = {}
    if name == "check-covid":
        sentences = {row["cord_id"]: row["abstract"] for row in _read_jsonl(folder / "Check-COVID" / "corpus.json")}
        path = folder / "Check-COVID" / split / f"covidCheck_{split}_composed+extracted.json"
        for row in _read_jsonl(path):
            abstract = sentences[row["cord_id"]]
            fallback[row["id"]] = row["cord_id"]
            avoid[row["id"]] = {abstract[item["sent_index"]] for item in row["evidence_set"]
                                if item["sent_index"] < len(abstract)}
    elif name == "citation-integrity":
        sentences = {str(row["doc_id"]): row["abstract"] for row in _read_jsonl(folder / "corpus.jsonl")}
        for row in _read_jsonl(folder / f"claims_{split}.jsonl"):
            fallback[f"{split}-{row['id']}"] = str(row["cited_doc_ids"][0]) if row["cited_doc_ids"] else ""
    elif name == "wice":
        for row in _read_jsonl(folder / "dev.jsonl"):
            doc_id = f"wice:{row['meta']['id']}"
            sentences[doc_id] = row["evidence"]
            fallback[row["meta"]["id"]] = doc_id
    return _Source(name, dataset, sentences, fallback, avoid)


def _claims(source: _Source, *, training: bool) -> list[LabelledClaim]:
    claims = [c for c in source.dataset.claims if c.label is not GoldLabel.CONFLICTING]
    if source.name in SINGLE_FILE_SETS:
        claims = [c for c in claims if in_training_half(source.name, c.id) == training]
    elif training:
        claims = [c for c in claims if not in_calibration_share(source.name, c.id)]
    return claims


def _document(source: _Source, claim: LabelledClaim) -> list[str]:
    doc_id = claim.evidence[0].doc_id if claim.evidence else source.fallback_doc.get(claim.id, "")
    return source.sentences.get(doc_id, [])


def _closest(claim: str, candidates: list[str], k: int) -> list[str]:
    """The `k` sentences sharing most of the claim's words: what a retriever would propose."""
    ranked = sorted(range(len(candidates)), key=lambda i: (-word_recall(claim, candidates[i]), i))
    return [candidates[i] for i in ranked[:k]]


def _evidence(source: _Source, claim: LabelledClaim, text: str) -> tuple[str, ...]:
    """Gold sentences, or for a claim with none the 3 closest sentences of its document."""
    gold = tuple(dict.fromkeys(item.quote for item in claim.evidence))[:MAX_GOLD]
    return gold or tuple(_closest(text, _document(source, claim), 3))


def perturb_figure(claim: str, evidence: str, key: str) -> str | None:
    """The claim with its first figure that the evidence repeats changed enough to be wrong, or None."""
    for match in _FIGURE.finditer(claim):
        token = match.group(0)
        if not re.search(rf"(?<![\w.,]){re.escape(token)}(?![\w])", evidence):
            continue
        value = float(token.replace(",", ""))
        choice = stable_hash(key, token) % 3
        if match.group(2) is None and "," not in token and 1900 <= value <= 2099:
            replacement = str(int(value) + (-2, -1, 1)[choice])
        elif value == 0:
            continue
        else:
            new_value = value * (10.0, 1.3, 0.7)[choice]
            decimals = len(match.group(2)) - 1 if match.group(2) else 0
            replacement = f"{new_value:.{decimals}f}" if decimals else f"{round(new_value):,}" if "," in token \
                else str(round(new_value))
            if replacement == token:
                continue
        return claim[: match.start()] + replacement + claim[match.end():]
    return None


def _training_examples(source: _Source, claim: LabelledClaim) -> Iterator[Example]:
    label = claim.label.as_label()
    if label is None:
        return
    text = clean_claim(claim.claim)
    gold = _evidence(source, claim, text)
    if not gold:
        return
    yield Example(source.name, claim.id, text, gold, label, "gold")
    avoid = set(gold) | source.not_negative.get(claim.id, set())
    others = [s for s in _document(source, claim) if s not in avoid and s.strip()]
    if others:
        extra = _closest(text, others, 2)
        yield Example(source.name, claim.id, text, (*gold, *extra), label, "distractors")
        pick = stable_hash("negative", source.name, claim.id) % 4
        wrong = _closest(text, others, 3)[1:]  # the very closest other sentence often supports the claim too
        if pick < 2 and wrong:  # half the claims; one or two sentences, like the gold evidence
            yield Example(source.name, claim.id, text, tuple(wrong[: pick + 1]), Label.NOT_ENOUGH_INFO,
                          "hard-negative")
    if label is Label.SUPPORTED:
        changed = perturb_figure(text, " ".join(gold), claim.id)
        if changed is not None:
            yield Example(source.name, claim.id, changed, gold, Label.REFUTED, "numeric-perturbation")


def training_examples(root: Path, sets: tuple[str, ...] = TRAINING_SETS) -> list[Example]:
    """Every training example from the named sets (train split, or the training half)."""
    unknown = [name for name in sets if name not in LICENCES]
    if unknown:
        raise ValueError(f"not allowed for training: {', '.join(unknown)} (allowed: {', '.join(LICENCES)})")
    examples = []
    for name in sets:
        source = _load_source(name, root, "dev" if name in SINGLE_FILE_SETS else "train")
        for claim in _claims(source, training=True):
            examples.extend(_training_examples(source, claim))
    return examples


@dataclass(frozen=True)
class ClaimEvidence:
    """A training claim with its gold sentences and the sentences of the document they come from."""

    source: str
    group: str
    claim: str
    label: Label
    gold: tuple[str, ...]
    document: tuple[str, ...]  # empty for sets without documents (FEVER-Symmetric)


def training_claims(root: Path, sets: tuple[str, ...] = TRAINING_SETS
                    ) -> tuple[list[ClaimEvidence], dict[str, list[str]]]:
    """The training claims of the named sets with their evidence, and per set every sentence of its corpus
    (the pool a retriever draws from; for sets without documents, every claim's gold sentences)."""
    claims: list[ClaimEvidence] = []
    pools: dict[str, list[str]] = {}
    for name in sets:
        source = _load_source(name, root, "dev" if name in SINGLE_FILE_SETS else "train")
        for claim in _claims(source, training=True):
            label = claim.label.as_label()
            text = clean_claim(claim.claim)
            gold = _evidence(source, claim, text)
            if label is not None and gold:
                claims.append(ClaimEvidence(name, claim.id, text, label, gold, tuple(_document(source, claim))))
        pool = [s for sentences in source.sentences.values() for s in sentences if s.strip()]
        pools[name] = list(dict.fromkeys(pool or [s for c in claims if c.source == name for s in c.gold]))
    return claims, pools


def _gold_examples(source: _Source) -> list[Example]:
    examples = []
    for claim in _claims(source, training=False):
        label = claim.label.as_label()
        text = clean_claim(claim.claim)
        gold = _evidence(source, claim, text)
        if label is not None and gold:
            examples.append(Example(source.name, claim.id, text, gold, label, "gold"))
    return examples


def _with_distractors(source: _Source) -> list[Example]:
    """Gold sentences plus the two closest other sentences of the same document, as retrieval would give."""
    examples = []
    for example in _gold_examples(source):
        claim = next(c for c in source.dataset.claims if c.id == example.group)
        others = [s for s in _document(source, claim) if s not in example.sentences and s.strip()]
        sentences = (*example.sentences, *_closest(example.claim, others, 2))
        examples.append(Example(example.source, example.group, example.claim, sentences, example.label, "distractors"))
    return examples


def _climate_fever(root: Path) -> list[Example]:
    """Climate-FEVER claims (DISPUTED left out) with their five annotated candidate sentences."""
    labels = {"SUPPORTS": Label.SUPPORTED, "REFUTES": Label.REFUTED, "NOT_ENOUGH_INFO": Label.NOT_ENOUGH_INFO}
    return [
        Example("climate-fever", row["claim_id"], row["claim"], tuple(e["evidence"] for e in row["evidences"]),
                labels[row["claim_label"]], "candidates")
        for row in _read_jsonl(root / "climate-fever" / "climate-fever.jsonl") if row["claim_label"] in labels
    ]


def dev_examples(root: Path) -> dict[str, list[Example]]:
    """Held-out examples with gold evidence, by set: never trained on."""
    check_covid = _load_source("check-covid", root, "dev")
    return {
        "check-covid dev": _gold_examples(check_covid),
        "check-covid dev, gold + 2 other sentences": _with_distractors(check_covid),
        "citation-integrity dev": _gold_examples(_load_source("citation-integrity", root, "dev")),
        "fever-symmetric held-out half": _gold_examples(_load_source("fever-symmetric", root, "dev")),
        "wice held-out half": _gold_examples(_load_source("wice", root, "dev")),
        "climate-fever (all, 5 candidates)": _climate_fever(root),
    }
