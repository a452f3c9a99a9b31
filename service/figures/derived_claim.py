"""What a claim's derived quantity is (`DerivedClaim`), what checking it found (`DerivedFinding`), and the bounds a
claim's hedge and wording put on it: shared by the claim readers (`service.figures.derived`) and the evidence side
(`service.figures.derived_check`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.domain import Passage, Relation
from service.figures.derived_vocab import DOWN, HEDGE_BOUNDS, UP
from service.figures.periods import Period, extract_periods
from service.figures.quantities import Quantity, extract_quantities
from service.figures.quantity_vocab import Qualifier
from service.figures.subjects import content_words, measure_words

_CHANGE_WORDS = frozenset(content_words(" ".join(f"{UP}|{DOWN}".split("|"))) | {"percent", "cent"})
MIN_MEASURE_WORDS = 0.5  # share of the claim's measure words a passage must use near its operands


@dataclass(frozen=True)
class DerivedClaim:
    kind: str  # "change" | "cagr" | "difference" | "share" | "ratio" | "total"
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
    items: tuple[str, ...] = ()  # what a ratio compares ("Series A", "seed round") or a total adds up, as named
    measure_share: float = MIN_MEASURE_WORDS  # of `words`, the share an operand's own words must use
    supports: bool = True  # a computed value that holds supports the claim (False: the claim says more than it)
    # the bounds if the claimed figure was cut off at its last digit rather than rounded ("39.78%" of −39.787%):
    # a computed value inside them but outside `low`–`high` decides nothing (filings and their readers do both)
    cut_off: tuple[float | None, float | None] | None = None

    @property
    def whole_measure(self) -> bool:
        """The measure must be named closely: most of its words by the operands, and by a table row that names
        nothing more (a change named as a noun, "the increase in net income", or by its direction alone)."""
        return self.measure_share >= 0.75


@dataclass(frozen=True)
class DerivedFinding:
    claim: DerivedClaim
    relation: Relation
    computed: float | None
    operands: tuple[tuple[Quantity, Passage], ...]
    arithmetic: str  # "$640M vs $212M is +201.9%"
    gap: str | None  # the claimed value against the computed one, when they disagree


def bounds(value: float, hedge: str) -> tuple[float | None, float | None]:
    factors = HEDGE_BOUNDS.get(" ".join(hedge.lower().split()))
    if factors is None:
        return value * 0.98, value * 1.02
    low, high = factors
    return (value * low if low is not None else None), (value * high if high is not None else None)


def claim_measure_words(claim: str, spans: Sequence[tuple[int, int]]) -> frozenset[str]:
    kept = claim
    for start, end in sorted(spans, reverse=True):
        kept = kept[:start] + " " + kept[end:]
    for period in extract_periods(kept):  # periods first: a date's day would otherwise read as a figure
        kept = kept[:period.start] + " " * (period.end - period.start) + kept[period.end:]
    for quantity in extract_quantities(kept):
        kept = kept[:quantity.start] + " " * (quantity.end - quantity.start) + kept[quantity.end:]
    return frozenset(measure_words(kept) - _CHANGE_WORDS)


def percent_bounds(amount: Quantity, *, cut: bool = False) -> tuple[float | None, float | None]:
    """A bare percentage to its last digit ("15%" ±0.5, "76.92%" ±0.005), or with `cut` also cut off there
    ("39.78%" is what 39.787% is cut to); an approximate one written with two decimals or more ("about",
    "approximately", not "nearly") to one unit of its last digit, or with `cut` two ("approximately 27.31%":
    27.30–27.32; its writer hedged the rounding, not the figure); another hedged one by its hedge ("about 15%",
    "more than half"), an approximate one never more narrowly than its rounding ("about 4%": 3.5–4.5)."""
    if amount.qualifier == Qualifier.EXACT:
        return amount.value - amount.precision, amount.value + (2 if cut else 1) * amount.precision
    symmetric = amount.low is not None and amount.high is not None \
        and abs((amount.value - amount.low) - (amount.high - amount.value)) < 1e-9 * max(1.0, abs(amount.value))
    if amount.qualifier == Qualifier.APPROX and symmetric and amount.unit == "%" and 0 < amount.precision <= 0.005:
        spread = (4 if cut else 2) * amount.precision
        return amount.value - spread, amount.value + spread
    if amount.qualifier == Qualifier.APPROX and symmetric and amount.low is not None and amount.high is not None:
        # never narrower than the figure's rounding: "about 4%" is 3.5–4.5, as "4%" is
        return min(amount.low, amount.value - amount.precision), max(amount.high, amount.value + amount.precision)
    return amount.low, amount.high


def as_ratio(amount: Quantity, *, down: bool, cut: bool = False) -> tuple[float | None, float | None]:
    """A change of `amount` percent as bounds on new / old: a fall of p % leaves 1 − p/100 of the old value; an
    unbounded side is bounded by the direction (a rise leaves more than all of it)."""
    low, high = percent_bounds(amount, cut=cut)  # of the change, in percent (None: unbounded that way)
    if down:
        return (1 - high / 100 if high is not None else None), (1 - low / 100 if low is not None else 1.0)
    return (1 + low / 100 if low is not None else 1.0), (1 + high / 100 if high is not None else None)
