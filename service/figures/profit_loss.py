"""Profit or loss: a claim that a company made a profit, against a sentence about it that reports a loss for the
same period, is refuted, and the other way round — a word-level opposite the NLI verifier misses ("Northwind was
profitable in 2025" against "Northwind reported a net loss of $6.4 billion for 2025" read as SUPPORTED 0.44).

Decided only when each side says one result and no negation, the sentence names the claim's names (in it or in
its heading or title) and no one else's, speaks of no part of the company (a unit, a segment), tells no one's
claim retold, and, where the claim names a period, names one that aligns with it. Anything else is left to the
rest of the figures engine and the verifier.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Passage
from service.figures.numeric import REPORTED_CLAIM
from service.figures.periods import extract_periods, periods_align
from service.figures.subjects import content_words, named_entities, names_conflict

_LOSS = re.compile(r"\b(?:unprofitable|loss-making|lost (?:money|[$€£]|\d)|net loss(?:es)?|not profitable|no profit|"
                   r"(?:posted|reported|booked|recorded|made|swung to|turned to|fell to) (?:a |an )?(?:net )?loss|"
                   r"in the red)\b", re.IGNORECASE)
_PROFIT = re.compile(r"\b(?:profitable|in the black|net (?:income|profit) of|"
                     r"(?:made|makes|make|turned|turns|turn|posted|reported|booked|recorded|earned|returned to|"
                     r"swung to) (?:a )?(?:net )?profit)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|never|no|neither|nor|without|failed to|unlikely|may|might|could)\b|n't\b",
                       re.IGNORECASE)

# a part of the company ("its cloud unit posted a net loss"): the whole may still have made a profit
_PART = re.compile(r"\b(?:unit|segment|division|subsidiar\w+|arm|business line)s?\b", re.IGNORECASE)

PROFIT, LOSS = "a profit", "a loss"


def result_said(text: str) -> str | None:
    """The one result `text` says, profit or loss ("not profitable" is a loss), or None: neither, both, or
    negated otherwise ("did not post a net loss")."""
    loss = _LOSS.search(text)
    rest = _LOSS.sub(" ", text)
    profit = _PROFIT.search(rest)
    if bool(loss) == bool(profit) or _NEGATION.search(rest):
        return None
    return LOSS if loss else PROFIT


def opposite_result(claim: str, evidence: Sequence[Passage]) -> tuple[str, str, Passage] | None:
    """(the claim's result, the evidence's opposite one, the passage that says it), or None."""
    claimed = result_said(claim)
    names = named_entities(claim)
    if claimed is None or not names:
        return None
    periods = [p for p in extract_periods(claim) if not p.relative]
    for passage in evidence:
        found = result_said(passage.text)
        if found is None or found == claimed or REPORTED_CLAIM.search(passage.text) or _PART.search(passage.text):
            continue
        if not names <= content_words(f"{passage.as_read} {passage.title or ''}") \
                or names_conflict(claim, passage.text):
            continue
        if periods and not any(periods_align(p, q) for p in periods for q in extract_periods(passage.as_read)):
            continue
        return claimed, found, passage
    return None
