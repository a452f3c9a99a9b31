"""Training pairs that teach the verifier two distinctions its data leaves out: evidence about something else is
neutral, not a contradiction; and a claim that says the opposite word of its evidence is a contradiction.

    off_topic(claims, pools)      # the claim against a retrieved sentence of another document → neutral
    other_entity(claims)          # the claim about another named entity, against its own evidence → neutral
    opposites(claims)             # a supported claim with one word turned to its opposite → contradiction
    same_scene_only(pair)         # SNLI-family "contradiction" between two different scenes → "not entailed"

Inputs are `Claim`s: a claim with the evidence that supports, refutes or does not settle it, from the in-domain
training claims (`training.training_pairs.training_claims`) and the fact-verification NLI sets (FEVER-NLI,
FEVER-RTE, FM2, SciFact, whose premise is the claim's evidence). Every pair made from a claim keeps the claim's
source prefix and group, so it falls on the same side of the dev split as the claim's own pairs
(`training.nli_pairs.is_dev`), and its source names what made it (`…/off-topic`), so the dev slice reports
each kind on its own.

What each assumes, said plainly: a sentence retrieved from another document is taken not to settle the claim
(mostly true; a sentence from another abstract on the same question sometimes does, so these labels are noisy);
a claim about an entity its evidence never names is not settled by it; the opposite of a word the evidence
supports is refuted by it (only words with a clear opposite, and only when the evidence does not already hold
the opposite word). SNLI, counterfactual SNLI and Breaking-NLI label two descriptions of different scenes
*contradiction* (their annotators assumed one scene); where the claim shares under half its content words with
the premise, such a pair is kept as two-way "not entailed", which is all it says about evidence that is about
something else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from eval.trained_claims import stable_hash

NEUTRAL, CONTRADICTION, NOT_ENTAILMENT = 2, 1, 3  # `training.nli_pairs.TARGETS` indexes, and the two-way target
SCENE_SETS = ("snli", "cad-snli", "breaking-nli")
SCENE_OVERLAP = 0.5  # below this share of the claim's content words in the premise: different scenes
_WORD = re.compile(r"[A-Za-z]+")
_STOPWORDS = frozenset([
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "of", "in", "on", "at", "to",
    "for", "with", "by", "and", "or", "but", "not", "no", "nor", "it", "its", "this", "that", "these", "those",
    "there", "here", "their", "they", "them", "he", "she", "his", "her", "him", "we", "our", "you", "your", "i",
    "my", "me", "as", "from", "up", "into", "out", "over", "under", "off", "while", "who", "whom", "which",
    "what", "where", "when", "why", "how", "than", "then", "so", "such", "very", "can", "could", "will", "would",
    "should", "may", "might", "must", "shall", "has", "have", "had", "having", "do", "does", "did", "doing",
    "just", "also", "some", "any", "all", "both", "each", "other", "another", "own", "same", "only", "more",
    "most", "too", "again", "further", "once", "about", "above", "below", "between", "through", "during",
    "before", "after"])


@dataclass(frozen=True)
class Claim:
    source: str  # "nli:fever-rte", "domain:check-covid": the prefix decides the dev split with the group
    group: str
    claim: str
    evidence: str
    target: int  # 0 entailment, 1 contradiction, 2 neutral, 3 not entailed
    document: str = ""  # what "another document" means: pool sentences of this document are not drawn


@dataclass(frozen=True)
class ContrastPair:
    source: str
    group: str
    premise: str
    hypothesis: str
    target: int


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(text) if w.lower() not in _STOPWORDS}


def overlap(claim: str, evidence: str) -> float:
    """Share of the claim's content words that the evidence holds (crudely stemmed)."""
    words = content_words(claim)
    return len(words & content_words(evidence)) / len(words) if words else 1.0


def same_scene_only(set_name: str, premise: str, hypothesis: str, target: int) -> int:
    """The target to train an SNLI-family pair on: a contradiction between different scenes → not entailed."""
    if set_name in SCENE_SETS and target == CONTRADICTION and overlap(hypothesis, premise) < SCENE_OVERLAP:
        return NOT_ENTAILMENT
    return target


# ---- about something else ---------------------------------------------------------------------------------------

def off_topic(claims: Sequence[Claim], pools: dict[str, list[tuple[str, str]]], *, share: int = 1,
              top: int = 5) -> list[ContrastPair]:
    """For one claim in `share` (by hash), one of the `top` BM25 neighbours of the claim among its set's pool
    (`pools[source]`: (document, sentence)) that comes from another document and is not its evidence → neutral."""
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    out: list[ContrastPair] = []
    for source, pool in pools.items():
        chosen = [c for c in claims if c.source == source and stable_hash("off-topic", c.group) % share == 0]
        if not chosen or not pool:
            continue
        retriever = bm25s.BM25()
        retriever.index(bm25s.tokenize([text for _, text in pool], stopwords="en", stemmer=stemmer,
                                       show_progress=False), show_progress=False)
        k = min(len(pool), top + 8)
        found, _ = retriever.retrieve(bm25s.tokenize([c.claim for c in chosen], stopwords="en", stemmer=stemmer,
                                                     show_progress=False), k=k, show_progress=False, n_threads=1)
        for claim, row in zip(chosen, np.asarray(found), strict=True):
            candidates = [pool[i][1] for i in row if pool[i][0] != claim.document and pool[i][1] != claim.evidence
                          and pool[i][1] not in claim.evidence and overlap(claim.claim, pool[i][1]) < 0.9][:top]
            if candidates:
                premise = candidates[stable_hash("off-topic pick", claim.group) % len(candidates)]
                out.append(ContrastPair(f"{source}/off-topic", claim.group, premise, claim.claim, NEUTRAL))
    return out


# ---- another entity ---------------------------------------------------------------------------------------------

_ENTITY = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]{2,})(?:\s+(?:of\s+|the\s+|de\s+)?(?:[A-Z][a-z]+|[A-Z]{2,}))*\b")
_NOT_ENTITIES = frozenset([
    "The", "A", "An", "In", "On", "At", "It", "This", "That", "These", "Those", "He", "She", "They", "We", "I",
    "There", "Here", "His", "Her", "Its", "Their", "Our", "After", "Before", "During", "Since", "When", "While",
    "However"])


def entities(text: str) -> list[str]:
    """Capitalised word runs that are not the sentence's opening function word: names of people, places, firms."""
    found = []
    for match in _ENTITY.finditer(text):
        words = match.group(0).split()
        while words and words[0] in _NOT_ENTITIES:
            words = words[1:]
        if words and not (match.start() == 0 and len(words) == 1 and words[0].lower() in _STOPWORDS):
            found.append(" ".join(words))
    return found


def other_entity(claims: Sequence[Claim], *, share: int = 1) -> list[ContrastPair]:
    """For one claim in `share` whose first named entity its evidence also names: the claim with that entity
    replaced by another claim's entity of as many words that the evidence never names → neutral."""
    by_length: dict[int, list[str]] = {}
    for claim in claims:
        for name in entities(claim.claim):
            by_length.setdefault(len(name.split()), []).append(name)
    names = {length: sorted(set(values)) for length, values in by_length.items()}
    out: list[ContrastPair] = []
    for claim in claims:
        if stable_hash("other-entity", claim.group) % share:
            continue
        mine = [name for name in entities(claim.claim) if name in claim.evidence]
        if not mine:
            continue
        name = mine[0]
        options = names.get(len(name.split()), [])
        for attempt in range(5):
            other = options[stable_hash("other-entity pick", claim.group, str(attempt)) % len(options)] \
                if options else name
            if other != name and other.lower() not in claim.evidence.lower() and name not in other:
                out.append(ContrastPair(f"{claim.source}/other-entity", claim.group, claim.evidence,
                                        claim.claim.replace(name, other), NEUTRAL))
                break
    return out


# ---- opposite words ---------------------------------------------------------------------------------------------

_OPPOSITE_PAIRS = """increase decrease | increased decreased | increases decreases | increasing decreasing |
rise fall | rose fell | risen fallen | rising falling | rises falls | higher lower | more less | greater smaller |
larger smaller | largest smallest | highest lowest | above below | before after | profit loss | profits losses |
profitable unprofitable | gained lost | gain lose | gains losses | positive negative | effective ineffective |
improved worsened | improve worsen | improves worsens | reduced increased | reduces increases | reduce increase |
win lose | won lost | wins loses | maximum minimum | stronger weaker | strong weak | earlier later |
early late | majority minority | accepted rejected | accept reject | success failure | successful unsuccessful |
included excluded | include exclude | male female | alive dead | better worse | best worst | safe unsafe |
younger older | youngest oldest | longer shorter | expanded shrank | cheaper dearer | lowered raised |
growth decline | grew shrank | grow shrink | surplus deficit | always never | private public | legal illegal |
possible impossible | likely unlikely | common rare | north south | east west | inside outside | upper lower |
ancient modern | fictional real | supports opposes | supported opposed | allowed banned | allow ban |
approved rejected"""
_OPPOSITES: dict[str, str] = {}
for _pair in _OPPOSITE_PAIRS.replace("\n", " ").split("|"):
    _first, _second = _pair.split()
    _OPPOSITES.setdefault(_first, _second)
    _OPPOSITES.setdefault(_second, _first)
_OPPOSITE_WORD = re.compile(r"\b(" + "|".join(sorted(_OPPOSITES, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def flip_word(claim: str, evidence: str) -> str | None:
    """The claim with its first opposable word turned to its opposite, or None when it has none, or when the
    evidence holds the opposite already (the edited claim might then be supported elsewhere in it)."""
    evidence_words = {w.lower() for w in _WORD.findall(evidence)}
    for match in _OPPOSITE_WORD.finditer(claim):
        word = match.group(0)
        opposite = _OPPOSITES[word.lower()]
        if opposite in evidence_words:
            continue
        if word[0].isupper():
            opposite = opposite[0].upper() + opposite[1:]
        return claim[: match.start()] + opposite + claim[match.end():]
    return None


def opposites(claims: Iterable[Claim]) -> list[ContrastPair]:
    """Every entailed claim with a word that has an opposite, turned → contradiction."""
    out = []
    for claim in claims:
        if claim.target != 0:
            continue
        flipped = flip_word(claim.claim, claim.evidence)
        if flipped is not None:
            out.append(ContrastPair(f"{claim.source}/opposite", claim.group, claim.evidence, flipped, CONTRADICTION))
    return out
