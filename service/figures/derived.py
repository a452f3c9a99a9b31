"""Figures a claim computes rather than states: a change ("revenue grew about 200%", "spending tripled", "fell by a
third", "the percentage decrease in total liabilities from December 31, 2022, to December 31, 2023, is 27.3%", or
a direction alone, "the price rose": `service.figures.derived_direction`; a change or a difference named in words,
"the net change in X … was a decrease of $N": `service.figures.derived_noun`), a share ("compute was more than half
of operating costs") and a total ("the two clusters together hold over 16,000 GPUs"), checked by doing the
arithmetic on the figures the evidence states.

    derived = read_derived(claim)                         # None when the claim computes nothing
    found = check_derived(derived, claim, passages)       # the operands, the computed value, the relation
                                                          # (service/figures/derived_check.py)

Claim side: the quantity and its hedge (the bounds `service.figures.quantities` gives "about 200%", "more than
half"), the words of the measure, and the claim's period. Evidence side, one passage at a time (as read, so a
table row carries its column's period):
- a change: "A, up from B" / "A, down from B" / "from B to A" / "A, compared with B", or a table row (or a list
  "…, respectively") with the claim's period and the period before it; computed (A − B) / B;
- a share: the part and the whole, each a figure whose words name it ("compute … $1.5 billion",
  "operating costs … $2.8 billion"), in the same unit; computed part / whole;
- a total: each entity the claim names with one figure of the claim's unit; computed their sum.
Only operands the passage says are of the claim's measure count (most of the claim's measure words near the
figure, or on the row). Operands in different currencies, a zero base, or a passage that gives no clear pair
decide nothing, and the finding says why. The relation is CONSISTENT when the computed value lies inside the
claim's bounds (a bare figure: ±2 % of it; a percentage: to its last digit, ±0.5 points for "15%"), CONTRADICTS
when it lies outside the bounds widened by the operands' rounding, else not comparable.
"""

from __future__ import annotations

import re
from dataclasses import replace

from service.figures.derived_claim import (
    DerivedClaim,
    as_ratio,
    bounds,
    claim_measure_words,
    percent_bounds,
)
from service.figures.derived_direction import read_direction
from service.figures.derived_noun import read_change_noun, read_difference
from service.figures.derived_per_unit import read_per_unit
from service.figures.derived_vocab import (
    CAGR,
    CHANGE,
    CUT,
    DOWN,
    FACTOR_WORDS,
    FRACTION_CHANGE,
    FRACTIONS,
    LISTED,
    MULTIPLE,
    MULTIPLES,
    PART_AFTER,
    SHARE,
    SIZE_OF,
    TIMES,
    TOTAL,
    TRANSITIVE_CHANGE,
)
from service.figures.periods import Period, extract_periods
from service.figures.quantities import extract_quantities
from service.figures.quantity_vocab import Qualifier
from service.figures.subjects import content_words

# "from 2024 to 2025", "between the years 2022 and 2023": the change is measured against the first
_COMPARED = re.compile(r",?\s*(?:compared\s+(?:to|with)|versus|vs\.?|against)\s+(?:the\s+)?(?:fiscal\s+|year\s+)?",
                       re.IGNORECASE)
_FROM = re.compile(r"\b(?:from|between)(?:\s+the)?(?:\s+(?:fiscal\s+)?years?)?\s*$", re.IGNORECASE)


def read_derived(claim: str) -> DerivedClaim | None:
    """The derived quantity the claim asserts, or None (see the module docstring for what is read)."""
    periods = [p for p in extract_periods(claim) if not p.relative]
    base = None
    span = re.fullmatch(r"(\d{4})\s*(?:-|–|—|to|and)\s*(\d{4})", periods[0].text) if periods else None
    if len(periods) >= 2 and re.search(r"\bthan\b", claim[periods[0].end:periods[1].start]):
        base, periods = periods[1], [periods[0], *periods[2:]]  # "2025 revenue … more than in 2024"
    if span and _FROM.search(claim[: periods[0].start]):  # "from 2024 to 2025", one span
        base, target = extract_periods(span.group(1))[0], extract_periods(span.group(2))[0]
        periods = [target, *periods[1:]]
    elif len(periods) >= 2 and _COMPARED.fullmatch(claim[periods[0].end:periods[1].start]) \
            and periods[0].granularity is periods[1].granularity:
        base, periods = periods[1], [periods[0], *periods[2:]]  # "for 2023 compared to 2021"
    elif len(periods) >= 2 and _FROM.search(claim[: periods[0].start]) \
            and re.fullmatch(r",?\s*(?:to|and)\s*", claim[periods[0].end:periods[1].start]):
        base, periods = periods[0], periods[1:]  # "from 2024 to 2025": measured against the first
    for reader in (read_change_noun, _cagr, read_difference, _ratio, _change, _multiple, _fraction_change, _share,
                   _total, read_per_unit, read_direction):
        found = reader(claim, periods[0] if periods else None)
        if found is not None:
            return replace(found, base=base) if base is not None else found
    return None


def _cagr(claim: str, period: Period | None) -> DerivedClaim | None:
    """"grew at a compound annual rate of about 74% from 2023 to 2025": the yearly rate, as a ratio (1.74)."""
    if not CAGR.search(claim):
        return None
    rate = next((q for q in extract_quantities(claim) if q.unit == "%"), None)
    if rate is None:
        return None
    low, high = percent_bounds(rate)
    return DerivedClaim("cagr", 1 + low / 100 if low is not None else None,
                        1 + high / 100 if high is not None else None, rate.text, rate.start, rate.end,
                        claim_measure_words(claim, [(rate.start, rate.end)]) - {"compound", "annual", "rate", "cagr"},
                        period=period)


def _change(claim: str, period: Period | None) -> DerivedClaim | None:
    """"rose by 15%", "fell 8 percent"; or a change someone makes, "cut its reserved price by 10 percent", whose
    object ("its reserved price") says what is measured."""
    match = CHANGE.search(claim)
    if match and re.search(r"\b(?:make|makes|made|making)\s+$", claim[: match.start()], re.IGNORECASE):
        return None  # "made up about 21% of …" is a share, not a rise
    made = TRANSITIVE_CHANGE.search(claim) if not match else None
    match = match or made
    if not match:
        return None
    amount = next((q for q in extract_quantities(match.group("amount")) if q.unit == "%"), None)
    if amount is None:
        return None
    down = re.fullmatch(rf"{DOWN}|{CUT}", match.group("verb"), re.IGNORECASE) is not None
    lower, upper = as_ratio(amount, down=down)
    # the words of the change itself are no measure; a made change's object is
    said = [match.span("verb"), (match.start("amount") - 3, match.end())] if made else [match.span()]
    return DerivedClaim("change", lower, upper, match.group(0), match.start(), match.end(),
                        claim_measure_words(claim, said), period=period,
                        cut_off=as_ratio(amount, down=down, cut=True))


def _ratio(claim: str, period: Period | None) -> DerivedClaim | None:
    """"Haloform's Series A was 4.5 times its seed round", "the Series B tripled the size of its Series A": one
    named thing's figure as a multiple of another's, as a ratio (4.5)."""
    match = TIMES.match(claim) or SIZE_OF.match(claim)
    if not match:
        return None
    factor = (match.group("factor") or match.group("factor_word")).lower()
    factor_at = match.span("factor") if match.group("factor") else match.span("factor_word")
    value = MULTIPLES.get(factor) or FACTOR_WORDS.get(factor)
    if value is None:
        try:
            value = float(factor)
        except ValueError:
            return None
    hedge = (match.group("hedge") or "").strip().lower()
    if not hedge and not factor[0].isdigit():
        hedge = "about"  # "tripled", "twice" are rarely exact
    first, second = _item(match.group("first")), _item(match.group("second"))
    if not first or not second or value <= 0:
        return None
    low, high = bounds(value, hedge)
    start = match.start("hedge") if match.group("hedge") else factor_at[0]
    end = factor_at[1] + (times.end() if (times := re.match(r"\s+times\b", claim[factor_at[1]:])) else 0)
    return DerivedClaim("ratio", low, high, claim[start:end], start, end, frozenset(),
                        period=period, items=(first, second))


def _item(phrase: str) -> str:
    """A thing as the claim names it, without whose it is or its article ("Haloform's Series B" → "Series B",
    "its seed round." → "seed round")."""
    phrase = re.sub(r"\b(?:in|during|for)\s+(?:fiscal\s+)?\d{4}\b.*$", "", phrase.strip().rstrip(".!?"))
    phrase = re.sub(r"^(?:[\w&-]+['’]s\s+|(?:its|their|his|her|the|a|an)\s+)+", "", phrase.strip(),
                    flags=re.IGNORECASE)
    return " ".join(phrase.split()[:4])


def _multiple(claim: str, period: Period | None) -> DerivedClaim | None:
    match = MULTIPLE.search(claim)
    if not match:
        return None
    factor = MULTIPLES[match.group("word").lower()]
    hedge = (match.group("hedge") or "").strip() or "about"  # "doubled" is rarely exact: read it as "about"
    if factor < 1 and hedge in {"more than", "over"}:  # "more than halved": less than half is left
        hedge = "less than"
    low, high = bounds(factor, hedge)
    return DerivedClaim("change", low, high, match.group(0), match.start(), match.end(),
                        claim_measure_words(claim, [match.span()]), period=period)


def _fraction_change(claim: str, period: Period | None) -> DerivedClaim | None:
    match = FRACTION_CHANGE.search(claim)
    if not match:
        return None
    fraction = FRACTIONS[match.group("part").lower()]
    down = re.fullmatch(DOWN, match.group("verb"), re.IGNORECASE) is not None
    low, high = bounds(fraction, (match.group("hedge") or "about").strip())
    if down:  # "fell by a third": the new value is 2/3 of the old
        low, high = (1 - high if high is not None else None), (1 - low if low is not None else None)
    else:
        low, high = (1 + low if low is not None else None), (1 + high if high is not None else None)
    return DerivedClaim("change", low, high, match.group(0), match.start(), match.end(),
                        claim_measure_words(claim, [match.span()]), period=period)


def _share(claim: str, period: Period | None) -> DerivedClaim | None:
    match = SHARE.search(claim)
    if not match:
        return None
    part = match.group("part").lower()
    if part in FRACTIONS:
        value = FRACTIONS[part]
    else:
        figure = next((q for q in extract_quantities(part) if q.unit == "%"), None)
        if figure is None:
            return None
        value = figure.value / 100
    low, high = bounds(value, (match.group("hedge") or "").strip())
    # the whole is what it measures ("revenue"), not whose ("Pellucid's"): a passage about the company's
    # headcount is not its revenue; "half of the round goes to compute" names the part after the whole
    whole_text, part_text = match.group("whole"), claim[: match.start()]
    split = PART_AFTER.search(whole_text)
    if split:
        whole_text, part_text = whole_text[: split.start()], whole_text[split.end():]
    names = content_words(" ".join(re.findall(r"\b[A-Z][\w-]*", whole_text)))
    whole = (claim_measure_words(whole_text, []) - names) or claim_measure_words(whole_text, [])
    words = claim_measure_words(part_text, []) - whole
    named = _item(whole_text)  # a whole that is a named thing ("Haloform's Series B") is looked up by its name
    return DerivedClaim("share", low, high, match.group(0), match.start(), match.end(), words, whole,
                        period=period, items=(named,) if re.search(r"\b[A-Z]", named) else ())


def _total(claim: str, period: Period | None) -> DerivedClaim | None:
    if not TOTAL.search(claim):
        return None
    figures = [q for q in extract_quantities(claim) if q.unit != "%"]
    if len(figures) != 1:
        return None
    total = figures[0]
    low, high = total.low, total.high
    if total.qualifier == Qualifier.EXACT:
        low, high = bounds(total.value, "")
    noun = frozenset(content_words(" ".join(claim[total.end:].split()[:2])))  # "16,000 GPUs": what is counted
    listed = LISTED.match(claim, total.end)
    items = tuple(item for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", listed.group("items"))
                  if (item := _item(part))) if listed else ()
    return DerivedClaim("total", low, high, total.text, total.start, total.end, noun - {"across"},
                        unit=total.unit, period=period, items=items if len(items) >= 2 else ())
