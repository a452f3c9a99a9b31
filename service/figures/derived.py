"""Figures a claim computes rather than states: a change ("revenue grew about 200%", "spending tripled", "fell by a
third"), a share ("compute was more than half of operating costs") and a total ("the two clusters together hold
over 16,000 GPUs"), checked by doing the arithmetic on the figures the evidence states.

    derived = read_derived(claim)                         # None when the claim computes nothing
    found = check_derived(derived, claim, passages)       # the operands, the computed value, the relation
                                                          # (service/figures/derived_check.py)

Claim side: the quantity and its hedge (the bounds `service.figures.quantities` gives "about 200%", "more than
half"), the words of the measure, and the claim's period. Evidence side, one passage at a time (as read, so a
table row carries its column's period):
- a change: "A, up from B" / "A, down from B" / "from B to A" / "A, compared with B", or a table row with the
  claim's period and the period before it; computed (A − B) / B;
- a share: the part and the whole, each a figure whose words name it ("compute … $1.5 billion",
  "operating costs … $2.8 billion"), in the same unit; computed part / whole;
- a total: each entity the claim names with one figure of the claim's unit; computed their sum.
Only operands the passage says are of the claim's measure count (most of the claim's measure words near the
figure, or on the row). Operands in different currencies, a zero base, or a passage that gives no clear pair
decide nothing, and the finding says why. The relation is CONSISTENT when the computed value lies inside the
claim's bounds (a bare figure: ±2 % of it, or ±0.5 points for a percentage), CONTRADICTS when it lies outside
the bounds widened by the operands' rounding, else not comparable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from service.domain import Passage, Relation
from service.figures.periods import Period, extract_periods
from service.figures.quantities import Quantity, extract_quantities
from service.figures.quantity_vocab import Qualifier
from service.figures.subjects import content_words

_UP = r"rose|risen|rises|grew|grown|grows|increased|increases|climbed|jumped|surged|soared|gained|expanded|up"
_DOWN = r"fell|fallen|falls|dropped|drops|declined|declines|decreased|decreases|shrank|shrunk|slid|slumped|down"
_CHANGE = re.compile(rf"\b(?P<verb>{_UP}|{_DOWN})\s+(?:by\s+)?(?P<amount>(?:(?:about|around|roughly|nearly|"
                     rf"almost|over|more than|less than|under|at least|some|approximately)\s+)?\d[\d.,]*\s*"
                     rf"(?:%|percent|per cent))", re.IGNORECASE)
_MULTIPLE = re.compile(r"\b(?P<hedge>(?:roughly|about|nearly|almost|more than|over)\s+)?(?P<word>doubled|tripled|"
                       r"trebled|quadrupled|halved)\b", re.IGNORECASE)
_FRACTION_CHANGE = re.compile(rf"\b(?P<verb>{_UP}|{_DOWN})\s+by\s+(?P<hedge>(?:about|roughly|nearly|almost|more than|"
                              r"over|less than)\s+)?(?:a|one)\s+(?P<part>half|third|quarter|fifth)\b", re.IGNORECASE)
_SHARE = re.compile(r"\b(?P<hedge>(?:about|roughly|nearly|almost|more than|over|less than|under|at least)\s+)?"
                    r"(?P<part>half|a third|one third|two thirds|a quarter|one quarter|three quarters|a fifth|"
                    r"one fifth|a sixth|one sixth|a tenth|one tenth|"
                    r"\d[\d.]*\s*(?:%|percent|per cent))\s+of\s+(?P<whole>[^,.;]{3,60})", re.IGNORECASE)
_PART_AFTER = re.compile(r"\s+(?:goes|go|went|is going|are going|is spent|are spent|was spent|were spent|work|works|"
                         r"worked|is|are|was|were)\s+(?:to|on|in|into|for)\s+", re.IGNORECASE)
_CAGR = re.compile(r"\b(?:compound(?:ed)? annual (?:growth )?rate|CAGR|a year on average|annually on average)\b",
                   re.IGNORECASE)
_DIFFERENCE = re.compile(r"\b(?:more|less|higher|lower|greater|fewer|bigger|smaller)\s+than\b", re.IGNORECASE)
_TOTAL = re.compile(r"\b(?:together|combined|in total|in all|between them)\b", re.IGNORECASE)
_MULTIPLES = {"doubled": 2.0, "tripled": 3.0, "trebled": 3.0, "quadrupled": 4.0, "halved": 0.5}
_FRACTIONS = {"half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3, "a quarter": 0.25,
              "one quarter": 0.25, "three quarters": 0.75, "a fifth": 0.2, "one fifth": 0.2, "a sixth": 1 / 6,
              "one sixth": 1 / 6, "a tenth": 0.1, "one tenth": 0.1, "third": 1 / 3, "quarter": 0.25, "fifth": 0.2}
_HEDGE_BOUNDS = {"about": (0.9, 1.1), "around": (0.9, 1.1), "roughly": (0.9, 1.1), "approximately": (0.9, 1.1),
                 "some": (0.9, 1.1), "nearly": (0.9, 1.0), "almost": (0.9, 1.0), "more than": (1.0, None),
                 "over": (1.0, None), "at least": (1.0, None), "less than": (None, 1.0), "under": (None, 1.0)}
_CHANGE_WORDS = frozenset(content_words(" ".join(f"{_UP}|{_DOWN}".split("|"))) | {"percent", "cent"})
MIN_MEASURE_WORDS = 0.5  # share of the claim's measure words a passage must use near its operands


@dataclass(frozen=True)
class DerivedClaim:
    kind: str  # "change" | "cagr" | "difference" | "share" | "total"
    low: float | None  # bounds of the claimed value: a change as a ratio (+200 % → 2.0), a share (0.5), a total
    high: float | None
    text: str  # the claim's words for it: "about 200%", "tripled", "more than half", "over 16,000 GPUs"
    start: int
    end: int
    words: frozenset[str]  # the measure's content words ("revenue"; for a share, the part's)
    whole: frozenset[str] = frozenset()  # a share's whole ("operating", "costs")
    unit: str | None = None  # a total's unit
    period: Period | None = None  # the period the claim is about (a change's later one)
    base: Period | None = None  # a change's earlier period, when the claim names it ("from 2024 to 2025")


@dataclass(frozen=True)
class DerivedFinding:
    claim: DerivedClaim
    relation: Relation
    computed: float | None
    operands: tuple[tuple[Quantity, Passage], ...]
    arithmetic: str  # "$640M vs $212M is +201.9%"
    gap: str | None  # the claimed value against the computed one, when they disagree


def _bounds(value: float, hedge: str) -> tuple[float | None, float | None]:
    factors = _HEDGE_BOUNDS.get(" ".join(hedge.lower().split()))
    if factors is None:
        return value * 0.98, value * 1.02
    low, high = factors
    return (value * low if low is not None else None), (value * high if high is not None else None)


def read_derived(claim: str) -> DerivedClaim | None:
    """The derived quantity the claim asserts, or None (see the module docstring for what is read)."""
    periods = [p for p in extract_periods(claim) if not p.relative]
    base = None
    span = re.fullmatch(r"(\d{4})\s*(?:-|–|—|to|and)\s*(\d{4})", periods[0].text) if periods else None
    if len(periods) >= 2 and re.search(r"\bthan\b", claim[periods[0].end:periods[1].start]):
        base, periods = periods[1], [periods[0], *periods[2:]]  # "2025 revenue … more than in 2024"
    if span and re.search(r"\b(?:from|between)\s*$", claim[: periods[0].start]):  # "from 2024 to 2025", one span
        base, target = extract_periods(span.group(1))[0], extract_periods(span.group(2))[0]
        periods = [target, *periods[1:]]
    elif len(periods) >= 2 and re.search(r"\b(?:from|between)\s*$", claim[: periods[0].start]) \
            and re.fullmatch(r"\s*(?:to|and)\s*", claim[periods[0].end:periods[1].start]):
        base, periods = periods[0], periods[1:]  # "from 2024 to 2025": measured against the first
    for reader in (_cagr, _difference, _change, _multiple, _fraction_change, _share, _total):
        found = reader(claim, periods[0] if periods else None)
        if found is not None:
            return replace(found, base=base) if base is not None else found
    return None


def _measure_words(claim: str, spans: Sequence[tuple[int, int]]) -> frozenset[str]:
    kept = claim
    for start, end in sorted(spans, reverse=True):
        kept = kept[:start] + " " + kept[end:]
    for period in extract_periods(kept):  # periods first: a date's day would otherwise read as a figure
        kept = kept[:period.start] + " " * (period.end - period.start) + kept[period.end:]
    for quantity in extract_quantities(kept):
        kept = kept[:quantity.start] + " " * (quantity.end - quantity.start) + kept[quantity.end:]
    return frozenset(content_words(kept) - _CHANGE_WORDS)


def _cagr(claim: str, period: Period | None) -> DerivedClaim | None:
    """"grew at a compound annual rate of about 74% from 2023 to 2025": the yearly rate, as a ratio (1.74)."""
    if not _CAGR.search(claim):
        return None
    rate = next((q for q in extract_quantities(claim) if q.unit == "%"), None)
    if rate is None:
        return None
    low, high = _percent_bounds(rate)
    return DerivedClaim("cagr", 1 + low / 100 if low is not None else None,
                        1 + high / 100 if high is not None else None, rate.text, rate.start, rate.end,
                        _measure_words(claim, [(rate.start, rate.end)]) - {"compound", "annual", "rate", "cagr"},
                        period=period)


def _difference(claim: str, period: Period | None) -> DerivedClaim | None:
    """"$380 million more than in 2024": the gap between two figures of one measure."""
    match = _DIFFERENCE.search(claim)
    if not match:
        return None
    amount = next((q for q in extract_quantities(claim[: match.start()]) if q.end >= match.start() - 2
                   and q.unit != "%"), None)
    if amount is None:
        return None
    low, high = (amount.low, amount.high) if amount.qualifier != Qualifier.EXACT else _bounds(amount.value, "")
    if re.match(r"(?:less|lower|fewer|smaller)", match.group(0), re.IGNORECASE):
        low, high = (-high if high is not None else None), (-low if low is not None else None)
    return DerivedClaim("difference", low, high, claim[amount.start:match.end()], amount.start, match.end(),
                        _measure_words(claim, [(amount.start, match.end())]), unit=amount.unit, period=period)


def _change(claim: str, period: Period | None) -> DerivedClaim | None:
    match = _CHANGE.search(claim)
    if not match or re.search(r"\b(?:make|makes|made|making)\s+$", claim[: match.start()], re.IGNORECASE):
        return None  # "made up about 21% of …" is a share, not a rise
    amount = next((q for q in extract_quantities(match.group("amount")) if q.unit == "%"), None)
    if amount is None:
        return None
    low, high = _percent_bounds(amount)  # of the change, in percent (None: unbounded that way)
    lower: float | None
    upper: float | None
    if re.fullmatch(_DOWN, match.group("verb"), re.IGNORECASE):  # a fall of p % leaves 1 − p/100 of the old value
        lower = 1 - high / 100 if high is not None else None
        upper = 1 - low / 100 if low is not None else 1.0
    else:
        lower = 1 + low / 100 if low is not None else 1.0
        upper = 1 + high / 100 if high is not None else None
    return DerivedClaim("change", lower, upper, match.group(0), match.start(), match.end(),
                        _measure_words(claim, [match.span()]), period=period)


def _percent_bounds(amount: Quantity) -> tuple[float | None, float | None]:
    if amount.qualifier == Qualifier.EXACT:
        return amount.value - 0.5, amount.value + 0.5  # a bare percentage: half a point either way
    return amount.low, amount.high


def _multiple(claim: str, period: Period | None) -> DerivedClaim | None:
    match = _MULTIPLE.search(claim)
    if not match:
        return None
    factor = _MULTIPLES[match.group("word").lower()]
    hedge = (match.group("hedge") or "").strip() or "about"  # "doubled" is rarely exact: read it as "about"
    if factor < 1 and hedge in {"more than", "over"}:  # "more than halved": less than half is left
        hedge = "less than"
    low, high = _bounds(factor, hedge)
    return DerivedClaim("change", low, high, match.group(0), match.start(), match.end(),
                        _measure_words(claim, [match.span()]), period=period)


def _fraction_change(claim: str, period: Period | None) -> DerivedClaim | None:
    match = _FRACTION_CHANGE.search(claim)
    if not match:
        return None
    fraction = _FRACTIONS[match.group("part").lower()]
    down = re.fullmatch(_DOWN, match.group("verb"), re.IGNORECASE) is not None
    low, high = _bounds(fraction, (match.group("hedge") or "about").strip())
    if down:  # "fell by a third": the new value is 2/3 of the old
        low, high = (1 - high if high is not None else None), (1 - low if low is not None else None)
    else:
        low, high = (1 + low if low is not None else None), (1 + high if high is not None else None)
    return DerivedClaim("change", low, high, match.group(0), match.start(), match.end(),
                        _measure_words(claim, [match.span()]), period=period)


def _share(claim: str, period: Period | None) -> DerivedClaim | None:
    match = _SHARE.search(claim)
    if not match:
        return None
    part = match.group("part").lower()
    if part in _FRACTIONS:
        value = _FRACTIONS[part]
    else:
        figure = next((q for q in extract_quantities(part) if q.unit == "%"), None)
        if figure is None:
            return None
        value = figure.value / 100
    low, high = _bounds(value, (match.group("hedge") or "").strip())
    # the whole is what it measures ("revenue"), not whose ("Pellucid's"): a passage about the company's
    # headcount is not its revenue; "half of the round goes to compute" names the part after the whole
    whole_text, part_text = match.group("whole"), claim[: match.start()]
    split = _PART_AFTER.search(whole_text)
    if split:
        whole_text, part_text = whole_text[: split.start()], whole_text[split.end():]
    names = content_words(" ".join(re.findall(r"\b[A-Z][\w-]*", whole_text)))
    whole = (_measure_words(whole_text, []) - names) or _measure_words(whole_text, [])
    words = _measure_words(part_text, []) - whole
    return DerivedClaim("share", low, high, match.group(0), match.start(), match.end(), words, whole,
                        period=period)


def _total(claim: str, period: Period | None) -> DerivedClaim | None:
    if not _TOTAL.search(claim):
        return None
    figures = [q for q in extract_quantities(claim) if q.unit != "%"]
    if len(figures) != 1:
        return None
    total = figures[0]
    low, high = total.low, total.high
    if total.qualifier == Qualifier.EXACT:
        low, high = _bounds(total.value, "")
    noun = frozenset(content_words(" ".join(claim[total.end:].split()[:2])))  # "16,000 GPUs": what is counted
    return DerivedClaim("total", low, high, total.text, total.start, total.end, noun, unit=total.unit,
                        period=period)
