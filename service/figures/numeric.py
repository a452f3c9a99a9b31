"""Check a claim's figures against the evidence's: the deterministic numeric path of the pipeline.

`match_numbers` pairs each figure in a claim with the figures in an evidence text that are about the same
thing (compatible unit, the same subject words, the same period), and `compare_quantities` decides whether
they agree, with a tolerance that follows the claim's hedge ("about" its rounding, "over" one-sided, a bare
figure ±2 % or its rounding, ±0.5 % when written to four significant digits). `numeric_decision` turns the
pairs into a verdict only when the subject and period line up; otherwise it abstains and the judge decides. A
claim with no figures whose checkable content is a date ("went live in September 2023") goes through
`period_match` instead. Extraction lives in `quantities` and `periods`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from service.domain import Relation
from service.figures.compare import CURRENCIES, base_unit, compare_quantities, units_compatible, written_without_scale
from service.figures.figure_periods import period_of, without_periods
from service.figures.fiscal import on_calendar
from service.figures.periods import Period, extract_periods, periods_align, time_spans
from service.figures.quantities import Qualifier, Quantity, extract_quantities
from service.figures.quantity_format import format_quantity
from service.figures.subjects import (
    bound_contexts,
    content_words,
    counted_noun,
    listed_together,
    measure_words,
    names_conflict,
)
from service.text import sentence_bounds

__all__ = [
    "NumericMatch", "Period", "Qualifier", "Quantity", "claim_tags", "compare_quantities", "extract_periods",
    "extract_quantities", "figures_of", "format_quantity", "match_numbers", "numeric_decision",
]

MIN_SHARED_SUBJECT_WORDS = 1  # subject words a claim figure and an evidence figure must share to align
MIN_SHARED_CLAIM_WORDS = 0.2  # share of the claim's words the evidence sentence must also use
_MAX_PAIRS_PER_FIGURE = 3
# A sentence that retells a claim (a fact-check quoting it, a viral post) does not confirm its figures.
REPORTED_CLAIM = re.compile(
    r"\b(?:claim(?:s|ed|ing)?|viral|hoax|fake|false(?:ly)?|misleading|rumou?rs?|fact[- ]?check\w*|debunk\w*"
    r"|(?:social media|facebook|whatsapp) posts?|tweets?|tweeted|alleg\w+|purport\w*|satir\w+)\b",
    re.IGNORECASE,
)
_REFERENCE_FOR_TAGS = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class NumericMatch:
    """One claim figure set against one evidence figure; offsets index into the texts given."""

    claim: Quantity
    evidence: Quantity
    relation: Relation
    gap: str | None  # "claimed $640M; source says $6.4B — off by 10× (scale slip)"
    subject_aligned: bool
    period_aligned: bool | None  # None when the claim names no period
    subject_score: int = 0  # subject words the two figures share


def match_numbers(claim: str, evidence: str, *, evidence_date: dt.date | None = None,
                  common: frozenset[str] = frozenset(), year_end: int | None = None) -> list[NumericMatch]:
    """Pairs of (claim figure, evidence figure) about the same thing, best first. Never raises on text.
    `common`: words the evidence's document writes in lower case (`subjects.common_words`), no names.
    `year_end`: the month the evidence's document says its fiscal year ends in (`fiscal.fiscal_year_end`): the
    fiscal periods of both sides are put on the calendar with it."""
    claim_figures = figures_of(claim)
    evidence_figures = figures_of(evidence)
    if not claim_figures or not evidence_figures:
        return []
    claim_contexts = _contexts(claim, claim_figures)
    evidence_contexts = _contexts(evidence, evidence_figures)
    claim_periods = [on_calendar(p, year_end) for p in extract_periods(claim) if not p.relative]
    evidence_periods = [on_calendar(p, year_end) for p in extract_periods(evidence, evidence_date)]
    claim_words = content_words(claim)
    # "Cost of revenue" is not the claim's "revenue", nor "Revenue" the claim's "cost of revenue" (a verb, as in
    # "an H200 cost $3.90 an hour", names no measure a table row must have)
    measures = measure_words(claim)
    row_words = (claim_words | measures, measures - claim_words if _COST_OF.search(claim) else frozenset())
    # each evidence figure's own period, read once (only a claim that names a period compares them)
    found = [period_of(evidence, f, evidence_periods, evidence_figures) if claim_periods else None
             for f in evidence_figures]
    ranked: list[tuple[tuple[bool, bool, int, int], NumericMatch]] = []
    for figure, context in zip(claim_figures, claim_contexts, strict=True):
        own_period = period_of(claim, figure, claim_periods, claim_figures)
        scored = [
            (_overlap(context, evidence_contexts[j]), j) for j, candidate in enumerate(evidence_figures)
            if _pairable(figure, candidate, claim, evidence)
        ]
        pairs = []
        for score, j in scored:
            aligned = _is_bound(score, j, scored, evidence, evidence_figures, claim, claim_words, row_words, common)
            if aligned or score > 0:
                match = replace(_pair(figure, evidence_figures[j], aligned, own_period, found[j], evidence_periods),
                                subject_score=score)
                pairs.append((_rank(match, score), match))
        ranked.extend(sorted(pairs, key=lambda pair: pair[0])[:_MAX_PAIRS_PER_FIGURE])
    return [match for _, match in sorted(ranked, key=lambda pair: pair[0])]


_POINTS = re.compile(r"\s*points?\b", re.IGNORECASE)  # "1.5% points" ("percentage points" is read whole)


def figures_of(text: str) -> list[Quantity]:
    """The figures of `text`, less the numbers a period or a stretch of time is written with ("three months ended
    September 30", "for the past 2,000 years") and the gaps between two percentages ("up 2.3 percentage points"),
    which are no level to compare."""
    periods = [(p.start, p.end) for p in extract_periods(text)] + time_spans(text)
    return [q for q in extract_quantities(text) if not any(s < q.end and q.start < e for s, e in periods)
            and not (q.unit == "%" and (_POINTS.match(text, q.end) or q.text.lower().endswith(("point", "points"))))]


def numeric_decision(matches: Sequence[NumericMatch], *,
                     claim_quantities: Sequence[Quantity] | None = None) -> Relation | None:
    """CONTRADICTS on an aligned clear mismatch, CONSISTENT when every claim figure is borne out, else None.

    A pair counts only when its subject is aligned and, if the claim names a period, the period too. Of a
    claim figure's pairs, those sharing the most subject words count; where they both agree and disagree, the
    figure is undecided. Pass `claim_quantities`
    (from `extract_quantities(claim)`) so that a figure with no evidence at all blocks CONSISTENT.
    """
    usable = [m for m in matches if m.subject_aligned and m.period_aligned is not False]
    # an evidence figure one claim figure is borne out by is that figure's, not a conflict for another ("$2.3
    # million a year" is not refuted by the "$100 million" the claim's own "$100 million" matches)
    claimed = {m.evidence for m in usable if m.relation is Relation.CONSISTENT}
    usable = [m for m in usable if m.relation is Relation.CONSISTENT or m.evidence not in claimed]
    # a claim figure found written without its scale ("$2,430,000" as "$ | 2,430") is not refuted by the cells
    # beside it: another column, another period ("$ | 8,459" for the year before)
    unscaled = {m.claim for m in usable
                if m.relation is Relation.NOT_COMPARABLE and written_without_scale(m.claim, m.evidence)}
    usable = [m for m in usable if m.relation is not Relation.CONTRADICTS or m.claim not in unscaled]
    grouped: dict[tuple[int, int], list[NumericMatch]] = {}
    for match in usable:
        grouped.setdefault((match.claim.start, match.claim.end), []).append(match)
    # the evidence figures bound closest to the claim figure's subject speak for it: "€238 for the Scale plan"
    # over "the Team plan cost €149" for the Scale plan's price
    settled = {key: settle({m.relation for m in group if m.subject_score == max(g.subject_score for g in group)})
               for key, group in grouped.items()}
    if Relation.CONTRADICTS in settled.values():
        return Relation.CONTRADICTS
    wanted = {(q.start, q.end) for q in claim_quantities} if claim_quantities is not None else set(settled)
    if wanted and all(settled.get(key) == Relation.CONSISTENT for key in wanted):
        return Relation.CONSISTENT
    return None


def claim_tags(claim: str) -> frozenset[str]:
    """Slices a claim belongs to: "numeric" (has figures), "temporal" (names a period), "hedged"."""
    figures = extract_quantities(claim)
    tags = set()
    if figures:
        tags.add("numeric")
    if extract_periods(claim, _REFERENCE_FOR_TAGS):
        tags.add("temporal")
    if any(q.qualifier != Qualifier.EXACT for q in figures):
        tags.add("hedged")
    return frozenset(tags)


def _pairable(claim: Quantity, evidence: Quantity, claim_text: str, evidence_text: str) -> bool:
    """Worth comparing: money with money (any currency, so mismatches get named), the same explicit unit,
    counts of the same thing, or a bare large figure against money or another large figure."""
    claim_base, evidence_base = base_unit(claim.unit), base_unit(evidence.unit)
    claim_per, evidence_per = _per_unit(claim_text, claim), _per_unit(evidence_text, evidence)
    row = _ROW.search(evidence_text)
    if claim_per and not evidence_per and row and re.search(rf"\bper\s+{re.escape(claim_per)}(?![\w-])",
                                                             evidence_text[:row.start()], re.IGNORECASE):
        evidence_per = claim_per  # a table's caption says what its cells are per ("Prices per GPU-hour, in US dollars")
    if claim_per != evidence_per:
        return False  # "$60,000 per GPU" is not the "$1.1 billion" the clusters cost
    if claim_base in CURRENCIES and evidence_base in CURRENCIES:
        return True
    if claim_base == "count" and evidence_base == "count":
        noun = counted_noun(claim_text, claim.end)
        return noun is not None and noun in _first_words(evidence_text, evidence.end, 3)
    if claim_base is None or evidence_base is None:
        bare_is_large = min(claim.value, evidence.value) >= 1000
        return bare_is_large and units_compatible(claim.unit, evidence.unit)
    return claim_base == evidence_base


_PER = re.compile(r"\s*(?:per|a|an|each|for each|for every)\s+([A-Za-z][A-Za-z0-9-]*)")


def _per_unit(text: str, figure: Quantity) -> str | None:
    """The thing a figure is per ("per GPU", "a share", "each employee"), beyond the rates the parser reads
    itself ("a month"), or None."""
    found = _PER.match(text, figure.end)
    if not found or (figure.unit and "/" in figure.unit):
        return None
    word = found.group(1).lower().rstrip("s")
    return None if word in {"year", "month", "week", "day", "hour", "quarter", "total", "whole", "few", "lot",
                            "record", "result", "rise", "fall", "gain", "loss"} else word


def _first_words(text: str, position: int, count: int) -> frozenset[str]:
    return content_words(" ".join(text[position:position + 80].split()[:count]))


_CONTEXT = re.compile(r"^\[([^\]]*)\]")  # a sentence read with its context: "[2025-03 · Timeline] …"
_COST_OF = re.compile(r"\bcosts?\s+of\b", re.IGNORECASE)
_ROW = re.compile(r" — [^;]*?:\s")  # a table row read as a fact: "… › Revenue — 2025: $1,240 million; …"


def _contexts(text: str, figures: list[Quantity]) -> list[frozenset[str]]:
    """Each figure's subject words. The dates in the text are blanked first, so that "revenue for the three months
    ended September 30, 2025 was $48.2M" binds "revenue", not the date; in a table row read as a fact, every
    value's subject is the row's label with its own column's words."""
    masked = text
    for period in extract_periods(text):
        masked = masked[:period.start] + " " * (period.end - period.start) + masked[period.end:]
    row = _ROW.search(masked)
    if row is None:
        # a figure whose own clause has no words ("Q3 FY2024 (January–March 2024): $167 million") is about what
        # introduces it: the innermost part of the sentence's context ("[… · Revenue by quarter (USD)]")
        bracket = _CONTEXT.match(masked)
        inner = content_words(re.split(r" · | › ", bracket.group(1))[-1]) if bracket else frozenset()
        spans = [(q.start, q.end) for q in figures]
        return [words or inner for words in listed_together(masked, spans, bound_contexts(masked, spans))]
    dash = row.start()
    label = content_words(masked[max(masked.rfind("›", 0, dash), masked.rfind("]", 0, dash)) + 1:dash])
    contexts = []
    for figure in figures:
        if figure.start < dash:
            contexts.append(bound_contexts(masked, [(figure.start, figure.end)])[0])
            continue
        cell = masked[max(masked.rfind(";", 0, figure.start), dash) + 1:figure.start]
        contexts.append(frozenset(label | content_words(cell)))
    return contexts


# words that qualify a measure, or stand for whoever reports it, without naming the measure: "net" alone binds
# "net income" to "interest expense, net"; "the Corporation" is in every sentence of its filing
_QUALIFIERS = frozenset({"net", "gross", "total", "change", "amount", "value", "number", "level", "aggregate",
                         "company", "corporation", "firm", "group", "inc", "business"})


def _overlap(claim_words: frozenset[str], evidence_words: frozenset[str]) -> int:
    return len((claim_words & evidence_words) - _QUALIFIERS)


def _is_bound(score: int, index: int, scored: list[tuple[int, int]], evidence: str, figures: list[Quantity],
              claim: str, claim_words: frozenset[str], row_words: tuple[frozenset[str], frozenset[str]],
              common: frozenset[str]) -> bool:
    """The evidence figure is about the claim's subject: it shares subject words with the claim figure,
    no comparable figure in its sentence shares more, its sentence shares enough of the claim's words,
    names no one else in place of the claim's names, and is not someone's claim retold."""
    # a table row read as a fact is one statement, its caption ("HARBOR ANALYTICS, INC. …") included, and its
    # values are about what its label names: all of it ("Cost of revenue" is not the claim's "revenue")
    row = _ROW.search(evidence)
    if row is not None and figures[index].start > row.start():
        label_text = evidence[max(evidence.rfind("›", 0, row.start()), evidence.rfind("]", 0, row.start())) + 1:
                              row.start()]
        label = measure_words(without_periods(label_text))  # "Years Ended December 31, 2023" is no measure
        allowed, required = row_words  # the words a row's label may use, and those it must
        if not label <= allowed or not required <= label:
            return False
    start, end = (0, len(evidence)) if row else sentence_bounds(evidence, figures[index].start)
    rivals = [s for s, j in scored if start <= figures[j].start < end]
    if score < MIN_SHARED_SUBJECT_WORDS or score < max(rivals):
        return False
    shared = len(claim_words & content_words(evidence[start:end])) / max(len(claim_words), 1)
    if shared < MIN_SHARED_CLAIM_WORDS or REPORTED_CLAIM.search(evidence, start, end):
        return False
    return not names_conflict(claim, evidence[start:end], common)


def _pair(claim: Quantity, evidence: Quantity, aligned: bool, claim_period: Period | None,
          found: Period | None, evidence_periods: list[Period]) -> NumericMatch:
    """`found`: the evidence figure's own period (`period_of`), if its sentence names one."""
    relation, gap = compare_quantities(claim, evidence)
    period_aligned = None
    if claim_period is not None:
        candidates = [found] if found is not None else evidence_periods
        period_aligned = any(periods_align(claim_period, p) for p in candidates)
    return NumericMatch(claim, evidence, relation, gap, aligned, period_aligned)


def without_spans(text: str, found: Sequence[Period | Quantity]) -> str:
    """`text` with each found figure or period blanked out by spaces, so offsets hold even where they overlap."""
    for item in found:
        text = f"{text[:item.start]}{' ' * (item.end - item.start)}{text[item.end:]}"
    return text


def settle(relations: set[Relation]) -> Relation | None:
    """The one decisive relation among `relations` (NOT_COMPARABLE aside), or None when none is or they differ."""
    decisive = relations - {Relation.NOT_COMPARABLE}
    return decisive.pop() if len(decisive) == 1 else None


def _rank(match: NumericMatch, score: int) -> tuple[bool, bool, int, int]:
    """Aligned pairs first, then period-aligned, then more shared subject words, then decisive ones."""
    order = {Relation.CONTRADICTS: 0, Relation.CONSISTENT: 0, Relation.NOT_COMPARABLE: 1}
    return (not match.subject_aligned, match.period_aligned is False, -score, order[match.relation])
