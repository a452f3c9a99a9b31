"""A figure per unit the evidence does not state but gives the parts of: "Orison's cluster cost about $60,000 per
GPU" against "Orison paid $1.2 billion for 20,000 H100 GPUs". The claim's amount per thing (money, "per", "for
each", "a" or "an" and the thing counted; not a time, which is a rate, nor a share, whose figures filings state)
is checked by dividing the one amount of the claim's measure and currency by the one count of that thing that a
passage gives, both in one sentence, or by the sum of a table's column when the sentence gives the amount for
as many things as the table has rows ("The three clusters cost $1.1 billion" over three clusters' "GPUs"
cells). Anything less clear (two amounts, two counts, no count) decides nothing, and the figure is compared as
stated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Passage
from service.figures.change_pairs import SENTENCE_BREAK
from service.figures.derived_arithmetic import finding, shown, spread
from service.figures.derived_claim import DerivedClaim, DerivedFinding, bounds, claim_measure_words
from service.figures.operand_words import measures, read_passage, words_near
from service.figures.periods import Period, extract_periods, periods_align
from service.figures.quantities import Quantity, extract_quantities
from service.figures.quantity_vocab import CURRENCY_PREFIXES, Qualifier

_CURRENCIES = frozenset(CURRENCY_PREFIXES.values())
_NOT_COUNTED = (r"(?:hours?|days?|weeks?|months?|years?|quarters?|annum|shares?|units?|diluted|basic|common|person|"
                r"capita|head|cent)\b")
# the thing ends its phrase ("$30,000 a GPU."; not "$40 million a source said")
_PER = re.compile(rf"\s+(?:per|for each|for every|an?)\s+(?:single\s+)?(?!{_NOT_COUNTED})(?P<noun>[A-Za-z][\w-]*)"
                  r"(?=\s*(?:[.,;:)]|$|\s(?:in|for|on|at|from|during|across|over|and|or)\b))", re.IGNORECASE)


def read_per_unit(claim: str, period: Period | None) -> DerivedClaim | None:
    """The claim's amount per thing counted ("about $60,000 per GPU"), or None."""
    for amount in extract_quantities(claim):
        if amount.unit not in _CURRENCIES:
            continue  # a rate ("USD/month") or no money
        per = _PER.match(claim, amount.end)
        if per is None:
            continue
        low, high = (amount.low, amount.high) if amount.qualifier != Qualifier.EXACT else bounds(amount.value, "")
        noun = per.group("noun")
        words = claim_measure_words(claim, [(amount.start, per.end())])
        return DerivedClaim("per_unit", low, high, claim[amount.start:per.end()], amount.start, per.end(), words,
                            unit=amount.unit, period=period, items=(noun,))
    return None


def check_per_unit(derived: DerivedClaim, passages: Sequence[Passage]) -> DerivedFinding | None:
    """The one amount of the claim's measure over the one count of its thing, from one sentence; None when
    either is missing or not alone."""
    noun = _stem(derived.items[0])
    for passage in passages:
        text = read_passage(passage)
        figures = extract_quantities(text)
        if any(q.unit == derived.unit and _each(text, q) for q in figures) or not _in_period(derived, text):
            continue  # it states an amount per thing ("at $60,000 each"), compared as stated; or another period
        amounts = [q for q in figures if q.unit == derived.unit and measures(derived.words, words_near(text, q))]
        counts = [q for q in figures if (q.unit or "count") == "count" and q.value > 0 and _counts(text, q, noun)]
        if len(amounts) != 1 or len(counts) != 1:
            continue
        amount, count = amounts[0], counts[0]
        if SENTENCE_BREAK.search(text, min(amount.end, count.end), max(amount.start, count.start)):
            continue  # "The clusters cost $1.1 billion. Corvid plans to add 8,192 GPUs": not the GPUs it paid for
        operands = ((amount, passage), (count, passage))
        per = amount.value / count.value
        arithmetic = f"{shown(amount)} / {shown(count)} {derived.items[0]} = {shown(_per(amount, per))} each"
        return finding(derived, per, spread(amount, count), operands, arithmetic)
    return _summed(derived, passages, noun)


_GROUP = re.compile(r"\b(?:the|its|their|all)\s+(?P<n>two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+"
                    r"(?P<noun>[A-Za-z][\w-]*s)\b", re.IGNORECASE)  # "The three clusters cost $1.1 billion"
_NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _summed(derived: DerivedClaim, passages: Sequence[Passage], noun: str) -> DerivedFinding | None:
    """"The three clusters cost $1.1 billion" over a table with three rows, each with a count of the thing in a
    column named for it ("Alder — GPUs: 6,144"): the amount over the column's sum. Exactly as many rows of one
    table as the sentence says, no more, no fewer."""
    for passage in passages:
        text = read_passage(passage)
        group = _GROUP.search(text)
        amounts = [q for q in extract_quantities(text) if q.unit == derived.unit]
        if group is None or len(amounts) != 1 or not _in_period(derived, text):
            continue
        n = group.group("n").lower()
        wanted = _NUMBER_WORDS.index(n) + 2 if n in _NUMBER_WORDS else int(n)
        cells = [(p, q) for p in passages if p.doc_id == passage.doc_id and p is not passage
                 for q in [_column_count(read_passage(p), noun)] if q is not None]
        tables = {read_passage(p).partition(" — ")[0].rpartition("]")[0] for p, _ in cells}
        if len(cells) != wanted or len(tables) != 1:
            continue
        total = sum(q.value for _, q in cells)
        amount = amounts[0]
        operands = ((amount, passage), *((q, p) for p, q in cells))
        shown_counts = " + ".join(shown(q) for _, q in cells)
        each = _per(amount, amount.value / total)
        arithmetic = f"{shown(amount)} / ({shown_counts}) {derived.items[0]} = {shown(each)} each"
        return finding(derived, amount.value / total, spread(amount, _per(amount, total)), operands, arithmetic)
    return None


def _column_count(text: str, noun: str) -> Quantity | None:
    """The count in a table row's column named for the thing ("Alder — GPUs: 6,144; Power (MW): 9"), or None."""
    for cell in re.finditer(r"(?:—|;)\s*(?P<column>[^:;—]+?):\s*", text):
        if _stem(cell.group("column").strip().split()[-1]) == noun:
            figure = next(iter(extract_quantities(text[cell.end():].split(";")[0])), None)
            return figure if figure is not None and (figure.unit or "count") == "count" else None
    return None


def _each(text: str, figure: Quantity) -> bool:
    """Whether the figure is itself an amount per thing ("$60,000 per GPU", "$60,000 each")."""
    return bool(_PER.match(text, figure.end) or re.match(r"\s*(?:each|apiece|a piece)\b", text[figure.end:]))


def _in_period(derived: DerivedClaim, text: str) -> bool:
    """A claim about a period is computed only from a passage that names it and no other."""
    if derived.period is None:
        return True
    periods = extract_periods(text)
    return bool(periods) and all(periods_align(derived.period, period) for period in periods)


def _counts(text: str, figure: Quantity, noun: str) -> bool:
    """Whether the count is of the thing: the thing ends the words written after the figure ("20,000 H100
    GPUs."; not "3 GPU clusters", nor "8 GPUs apiece", whose figure is a count per something else)."""
    phrase = _COUNTED.match(text, figure.end)
    return phrase is not None and _stem(phrase.group("noun")) == noun


_COUNTED = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?P<noun>[A-Za-z][\w-]*)(?=\s*(?:[.,;:)]|$|\s(?:in|for|on|at|from|during|"
                      r"across|over|and|or|to|with|that|which|by|as|were|was|are|is)\b))", re.IGNORECASE)


def _stem(word: str) -> str:
    return word.lower().removesuffix("s")


def _per(amount: Quantity, value: float) -> Quantity:
    return Quantity(value, value, value, amount.unit, Qualifier.EXACT, "", 0, 0, None, 0.0)
