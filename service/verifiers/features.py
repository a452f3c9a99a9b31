"""The features `FeatureVerifier` reads: cheap text cues and MiniLM similarities for a claim and its evidence.

Every evidence sentence is set against the claim (`pair_cues`): cosine of the two embeddings, how much of
the claim's content the sentence repeats (words, word pairs, names, figures), negation on one side only,
opposite words ("increase" vs "decrease"), figures that disagree (`service.figures.numeric.match_numbers`), dates
that disagree, hedges and length. The sentence that best covers the claim (cosine + word recall) gives
the full row; a few set-level maxima and the union's coverage are added (`SET_FEATURES`), so extra,
unrelated passages do not dilute the signal. The embedding pair vector (|u−v|, u⊙v) of the best sentence
is returned separately; the trained artifact projects it to a few dimensions.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence, Set
from functools import lru_cache

import numpy as np

from service.domain import Relation
from service.figures import STOPWORDS, content_words, match_numbers, match_periods, named_entities, names_conflict
from service.text import NEGATION_CUES, SENTENCE_BREAK

PAIR_FEATURES: tuple[str, ...] = (
    "cosine", "word_recall", "word_precision", "bigram_recall", "words_missing", "claim_negated",
    "evidence_negated", "negation_mismatch", "antonym", "names_missing", "names_conflict", "claim_has_numbers",
    "evidence_has_numbers", "numbers_contradict", "numbers_consistent", "figures_missing", "date_contradicts",
    "date_consistent", "years_missing", "claim_hedged", "evidence_hedged", "length_ratio",
)
SET_FEATURES: tuple[str, ...] = (
    "max_cosine", "mean_top3_cosine", "max_word_recall", "union_word_recall", "any_numbers_contradict",
    "any_numbers_consistent", "any_negation_mismatch", "any_antonym",
)
FEATURES: tuple[str, ...] = PAIR_FEATURES + SET_FEATURES
MAX_SENTENCES = 24  # evidence sentences looked at per claim, in the order given
_TOP = 3

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)*")
_FIGURE_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
HEDGE = re.compile(
    r"\b(?:may|might|could|possibl[ey]|potential(?:ly)?|suggest(?:s|ed|ing)?|likely|unlikely|unclear|preliminary"
    r"|appear(?:s|ed)?|seem(?:s|ed)?|associated|correlat\w*|perhaps|hypothes\w*)\b",
    re.IGNORECASE,
)
# Stem prefixes of opposite words; a pair fires when one side uses one and the other side only the opposite.
ANTONYMS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("increas", "rise", "rose", "risen", "grow", "grew", "gain", "higher", "more", "rais", "boost", "elevat"),
     ("decreas", "declin", "fall", "fell", "drop", "reduc", "lower", "less", "fewer", "loss", "lost", "shrink")),
    (("positiv",), ("negativ",)), (("effectiv", "efficac"), ("ineffectiv", "useless")),
    (("safe",), ("unsafe", "danger", "harm", "toxic")), (("benefit", "help", "improv"), ("harm", "worsen", "hurt")),
    (("caus", "induc", "trigger", "promot"), ("prevent", "protect", "inhibit", "block", "suppress")),
    (("before", "earlier", "prior"), ("after", "later")), (("larg", "big", "major"), ("small", "minor")),
    (("strong",), ("weak",)), (("high",), ("low",)), (("all", "always", "every"), ("none", "never", "some")),
    (("male", "men", "man"), ("female", "women", "woman")), (("first",), ("last",)),
    (("accept", "approv", "agre", "support"), ("reject", "disagre", "oppos", "ban")),
    (("win", "won"), ("lost", "lose")), (("same", "similar"), ("different", "differ")), (("young",), ("old",)),
    (("alive", "surviv"), ("dead", "die", "death")),
    (("true",), ("false",)), (("success",), ("failur", "fail")), (("include", "includ"), ("exclud",)),
)


def passage_sentences(text: str) -> list[str]:
    """A passage's sentences (or table rows), stripped, blanks dropped."""
    return [part.strip() for part in SENTENCE_BREAK.split(text) if part.strip()]


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    """Content words in order, lower-cased and lightly stemmed, figures kept as written (commas dropped)."""
    found = []
    for token in _WORD.findall(text):
        word = token.lower().replace("’", "'").removesuffix("'s").replace(",", "")
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        found.append(_stem(word))
    return tuple(found)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def word_recall(claim: str, sentence: str) -> float:
    """Share of the claim's content words that the sentence also uses."""
    wanted = set(words(claim))
    return len(wanted & set(words(sentence))) / len(wanted) if wanted else 0.0


def _bigrams(sequence: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(sequence))


def _antonym(claim_words: set[str], sentence_words: set[str]) -> float:
    def uses(found: set[str], prefixes: tuple[str, ...]) -> bool:
        return any(word.startswith(prefixes) for word in found)

    for one, other in ANTONYMS:
        for left, right in ((one, other), (other, one)):
            if uses(claim_words, left) and uses(sentence_words, right) and not uses(sentence_words, left):
                return 1.0
    return 0.0


def _numeric_cues(claim: str, sentence: str) -> tuple[float, float]:
    contradicts = consistent = 0.0
    for match in match_numbers(claim, sentence):
        if not match.subject_aligned or match.period_aligned is False:
            continue
        contradicts = max(contradicts, float(match.relation is Relation.CONTRADICTS))
        consistent = max(consistent, float(match.relation is Relation.CONSISTENT))
    return contradicts, consistent


def _date_cues(claim: str, sentence: str) -> tuple[float, float]:
    relations = {match.relation for match in match_periods(claim, sentence)}
    return float(Relation.CONTRADICTS in relations), float(Relation.CONSISTENT in relations)


def _missing_share(wanted: Set[str], present: Set[str]) -> float:
    return len(wanted - present) / len(wanted) if wanted else 0.0


def pair_cues(claim: str, sentence: str, cosine: float) -> list[float]:
    """One row of `PAIR_FEATURES` for a claim and one evidence sentence."""
    claim_seq, sentence_seq = words(claim), words(sentence)
    claim_set, sentence_set = set(claim_seq), set(sentence_seq)
    shared = claim_set & sentence_set
    claim_bigrams = _bigrams(claim_seq)
    claim_negated, evidence_negated = bool(NEGATION_CUES.search(claim)), bool(NEGATION_CUES.search(sentence))
    names = named_entities(claim)
    claim_figures = set(_FIGURE_TOKEN.findall(claim.replace(",", "")))
    sentence_figures = set(_FIGURE_TOKEN.findall(sentence.replace(",", "")))
    contradicts, consistent = _numeric_cues(claim, sentence) if claim_figures and sentence_figures else (0.0, 0.0)
    date_contradicts, date_consistent = _date_cues(claim, sentence) if _YEAR.search(claim) else (0.0, 0.0)
    claim_years, sentence_years = set(_YEAR.findall(claim)), set(_YEAR.findall(sentence))
    return [
        cosine,
        len(shared) / len(claim_set) if claim_set else 0.0,
        len(shared) / len(sentence_set) if sentence_set else 0.0,
        len(claim_bigrams & _bigrams(sentence_seq)) / len(claim_bigrams) if claim_bigrams else 0.0,
        min(len(claim_set - sentence_set), 10) / 10,
        float(claim_negated),
        float(evidence_negated),
        float(claim_negated != evidence_negated),
        _antonym(claim_set, sentence_set),
        _missing_share(set(names), content_words(sentence)),
        float(names_conflict(claim, sentence)),
        float(bool(claim_figures)),
        float(bool(sentence_figures)),
        contradicts,
        consistent,
        _missing_share(claim_figures, sentence_figures),
        date_contradicts,
        date_consistent,
        float(bool(sentence_years) and bool(claim_years - sentence_years)),
        float(bool(HEDGE.search(claim))),
        float(bool(HEDGE.search(sentence))),
        math.log((len(sentence_seq) + 1) / (len(claim_seq) + 1)),
    ]


def evidence_features(claim: str, sentences: Sequence[str], claim_vector: np.ndarray,
                      sentence_vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(`FEATURES` row, the best sentence's embedding pair vector [|u−v|, u⊙v]) for a claim and its sentences.

    Vectors are L2-normalised embeddings: `claim_vector` shape (d,), `sentence_vectors` shape (n, d).
    With no sentences every feature is 0 and the pair vector is [|u|, 0].
    """
    sentences = list(sentences[:MAX_SENTENCES])
    dimension = claim_vector.shape[0]
    if not sentences:
        return np.zeros(len(FEATURES), np.float32), np.concatenate([np.abs(claim_vector), np.zeros(dimension)])
    vectors = sentence_vectors[: len(sentences)]
    cosines = vectors @ claim_vector
    rows = np.array([pair_cues(claim, text, float(cos)) for text, cos in zip(sentences, cosines, strict=True)])
    column = {name: rows[:, i] for i, name in enumerate(PAIR_FEATURES)}
    relevance = column["cosine"] + column["word_recall"]
    order = np.argsort(-relevance, kind="stable")
    best = int(order[0])
    top = order[:_TOP]
    union = set().union(*(words(sentences[i]) for i in top))
    claim_words = set(words(claim))
    set_row = [
        float(cosines.max()),
        float(cosines[top].mean()),
        float(column["word_recall"].max()),
        len(claim_words & union) / len(claim_words) if claim_words else 0.0,
        float(column["numbers_contradict"].max()),
        float(column["numbers_consistent"].max()),
        float(column["negation_mismatch"][top].max()),
        float(column["antonym"][top].max()),
    ]
    features = np.concatenate([rows[best], np.array(set_row)]).astype(np.float32)
    u, v = claim_vector, vectors[best]
    return features, np.concatenate([np.abs(u - v), u * v]).astype(np.float32)
