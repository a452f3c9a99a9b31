"""Check a claim's date against the evidence's: the numeric path for a claim with no figures whose checkable
content is a date ("went live in September 2023").

`match_periods` sets the claim's date against the date each evidence sentence gives for the same event, and
`period_decision` turns the comparisons into a verdict, or abstains. Figures are paired and compared in
`numeric`, whose reported-claim pattern and span blanking the same-event test reuses; dates are read in `periods`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from service.domain import Relation
from service.figures.numeric import REPORTED_CLAIM, settle, without_spans
from service.figures.periods import Granularity, Period, extract_periods, unresolved_dates
from service.figures.quantities import extract_quantities
from service.figures.subjects import content_words, names_conflict
from service.text import NEGATION, sentence_bounds

__all__ = ["MIN_EVENT_WORDS", "MIN_SHARED_EVENT_WORDS", "PeriodMatch", "counted", "match_periods", "period_decision",
           "uses_word"]

_GRANULARITY_RANK = {granularity: rank for rank, granularity in enumerate(Granularity)}  # day finest
MIN_SHARED_EVENT_WORDS = 0.6  # share of a date claim's words the evidence sentence must use to be the same event
MIN_EVENT_WORDS = 3  # a date claim needs this many content words besides its dates to name an event at all
# a matching date bears out a claim only from a sentence that uses every one of its words: "born 22 November 1968"
# is the same date as "graduated on November 22nd, 1968" and says nothing of graduating (FEVER-Symmetric dev,
# gold documents: 4 of the 14 claims the figures engine decided were such dates, all wrong)
SUPPORTING_EVENT_WORDS = 1.0
# a date that says when something began ("improvement commencing in the second quarter of fiscal 2023") does not
# deny it for a later date ("the improvement seen in fiscal 2024")
_SINCE = re.compile(r"\b(?:since|commencing|beginning|starting|effective)(?:\s+(?:in|on|from|with|at))?"
                    r"(?:\s+the)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class PeriodMatch:
    """The date a claim gives for an event set against the date an evidence sentence gives for it."""

    claim: Period
    evidence: Period
    relation: Relation
    gap: str | None  # "claimed September 2023; source says September 2022"
    whole_event: bool = False  # the sentence (with its title) uses every word of the claim, not only most


def match_periods(claim: str, evidence: str, *, evidence_date: dt.date | None = None,
                  title: str = "", common: frozenset[str] = frozenset()) -> list[PeriodMatch]:
    """The claim's date against the date of the same event in each evidence sentence. Never raises on text.

    Only for a claim with no figures, and only where the sentence clearly tells of the same event: it uses
    most of the claim's words (`MIN_SHARED_EVENT_WORDS`), names no one else, is not negated or a claim
    retold, and, once the dates both sides share are set aside ("fiscal year 2024"), the claim has one date
    left and the sentence one (and no date it gives relative to a time it does not give: "this year" in an
    undated document), as fine as the claim's or finer. Inside → CONSISTENT, disjoint → CONTRADICTS,
    overlapping → NOT_COMPARABLE; every claim date found as such in the sentence → CONSISTENT. A CONSISTENT
    comparison needs the sentence, with its document's `title`, to use all of the claim's words
    (`SUPPORTING_EVENT_WORDS`), not most.
    """
    claim_periods = [p for p in extract_periods(claim) if not p.relative]
    if not claim_periods or extract_quantities(claim) or NEGATION.search(claim):
        return []
    evidence_periods = extract_periods(evidence, evidence_date)
    unread = unresolved_dates(evidence, evidence_date)
    matches: list[PeriodMatch] = []
    for start, end in dict.fromkeys(sentence_bounds(evidence, p.start) for p in evidence_periods):
        found = [p for p in evidence_periods if start <= p.start < end]
        unknown = sum(start <= first < end for first, _ in unread)  # "this year" with no document date
        shared = _same_event(claim, claim_periods, evidence, start, end, title, common)
        if shared is not None:
            whole = shared >= SUPPORTING_EVENT_WORDS
            matches.extend(_ongoing(replace(m, whole_event=whole), evidence)
                           for m in _dates_compared(claim_periods, found, unknown)
                           if m.relation is not Relation.CONSISTENT or whole)
    return matches


def _ongoing(match: PeriodMatch, evidence: str) -> PeriodMatch:
    """A claimed date after the date the sentence says something began is no conflict."""
    began = _SINCE.search(evidence[max(0, match.evidence.start - 40):match.evidence.start])
    if match.relation is Relation.CONTRADICTS and began and match.claim.first_day > match.evidence.first_day:
        return replace(match, relation=Relation.NOT_COMPARABLE, gap=f"{match.gap} — the source says when it began")
    return match


def period_decision(matches: Sequence[PeriodMatch]) -> Relation | None:
    """CONSISTENT or CONTRADICTS when every decisive date comparison says so, else None. A sentence that tells
    of the whole event on the claim's date outweighs one that shares most of its words on another date
    ("Orison switches on its Fremont cluster" under 2025-03 against "The Fremont cluster doubles" under
    2025-06)."""
    return settle({match.relation for match in counted(matches)})


def counted(matches: Sequence[PeriodMatch]) -> list[PeriodMatch]:
    """The comparisons that count: only those whose sentence tells of the whole event when one of them puts it
    on the claim's date (`period_decision`)."""
    if any(m.whole_event and m.relation is Relation.CONSISTENT for m in matches):
        return [m for m in matches if m.whole_event]
    return list(matches)


def _same_days(first: Period, second: Period) -> bool:
    return (first.first_day, first.last_day) == (second.first_day, second.last_day)


def _same_event(claim: str, claim_periods: list[Period], evidence: str, start: int, end: int,
                title: str, common: frozenset[str]) -> float | None:
    """When the sentence tells of the claim's event (most of the claim's words in the sentence), the share of
    them the sentence and the title use; else None."""
    sentence = evidence[start:end]
    if NEGATION.search(sentence) or REPORTED_CLAIM.search(sentence) or names_conflict(claim, sentence, common):
        return None
    words, said = content_words(without_spans(claim, claim_periods)), content_words(sentence)
    missing = [word for word in words if not uses_word(said, word)]
    if len(words) < MIN_EVENT_WORDS or len(words) - len(missing) < MIN_SHARED_EVENT_WORDS * len(words):
        return None
    named = content_words(title)
    return 1 - sum(not uses_word(named, word) for word in missing) / len(words)


def uses_word(said: frozenset[str], word: str) -> bool:
    """The sentence uses the word in some tense or number ("opened", "opens"; "switched", "switches": the light
    stemmer of `content_words` leaves them apart), or one with its first five letters."""
    root = _root(word)
    return word in said or any(_root(other) == root or (len(word) >= 5 and other[:5] == word[:5]) for other in said)


_IRREGULAR = {"rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "grew": "grow", "grown": "grow",
              "held": "hold", "spent": "spend", "drew": "draw", "drawn": "draw", "built": "build", "sold": "sell",
              "bought": "buy", "paid": "pay", "made": "make", "took": "take", "taken": "take", "began": "begin",
              "begun": "begin", "went": "go", "gone": "go", "won": "win", "lost": "lose",
              "led": "lead", "left": "leave", "ran": "run", "brought": "bring"}


def _root(word: str) -> str:
    word = _IRREGULAR.get(word, word)
    for ending in ("ing", "ed", "es", "s", "e"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _dates_compared(claim_periods: list[Period], found: list[Period], unknown: int = 0) -> list[PeriodMatch]:
    """One date against one; with more, the dates both sides give are set aside first, and if every claim
    date is among the sentence's, they all agree. `unknown`: dates the sentence gives that cannot be read ("this
    year" with no document date): one of them may be the claim's event's, so no date is set against the claim's
    alone ("won the cup this year, building on 2018"), though a claim date found as such still agrees."""
    if len(claim_periods) == 1 and len(found) == 1 and not unknown:
        return _date_pair(claim_periods[0], found[0])
    twins = {p: next((q for q in found if _same_days(p, q)), None) for p in claim_periods}
    if all(twins.values()):
        return [PeriodMatch(p, q, Relation.CONSISTENT, None) for p, q in twins.items() if q is not None]
    claimed = [p for p, twin in twins.items() if twin is None]
    given = [q for q in found if not any(_same_days(p, q) for p in claim_periods)]
    return _date_pair(claimed[0], given[0]) if len(claimed) == 1 and len(given) == 1 and not unknown else []


def _date_pair(claimed: Period, given: Period) -> list[PeriodMatch]:
    """A comparison when the source's date is as fine as the claim's and both count the same calendar."""
    as_fine = _GRANULARITY_RANK[given.granularity] <= _GRANULARITY_RANK[claimed.granularity]
    if not as_fine or given.last_day - given.first_day > claimed.last_day - claimed.first_day:
        return []
    if given.fiscal != claimed.fiscal:
        return []
    if claimed.contains(given):
        return [PeriodMatch(claimed, given, Relation.CONSISTENT, None)]
    said = f"claimed {claimed.text}; source says {given.text}"
    if given.last_day < claimed.first_day or claimed.last_day < given.first_day:
        return [PeriodMatch(claimed, given, Relation.CONTRADICTS, said)]
    return [PeriodMatch(claimed, given, Relation.NOT_COMPARABLE, f"{said} — the spans overlap")]

