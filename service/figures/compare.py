"""Whether one figure bears out another: compatible units (rates converted), the claim's tolerance (a bare figure
±2 % or its rounding, ±0.5 % when written to four significant digits or more, "about" its rounding, "over"
one-sided), and a sentence naming the gap when they differ ("off by 1,000× (million vs billion)")."""

from __future__ import annotations

import math
import re

from service.domain import Relation
from service.figures.quantities import Qualifier, Quantity
from service.figures.quantity_format import format_quantity
from service.figures.quantity_vocab import CURRENCY_PREFIXES, RATES
from service.text import significant_digits

EXACT_TOLERANCE = 0.02  # a bare figure in a claim tolerates 2 % (or its own rounding, if wider)
PRECISE_TOLERANCE = 0.005  # … and one written to four significant digits or more ("$29,922,668") 0.5 %
PRECISE_DIGITS = 4
CURRENCIES = frozenset(CURRENCY_PREFIXES.values())


def compare_quantities(claim: Quantity, evidence: Quantity) -> tuple[Relation, str | None]:
    """Whether `evidence` bears out `claim`, and a sentence describing the gap when it does not."""
    if not units_compatible(claim.unit, evidence.unit):
        units = f"different units ({claim.unit} vs {evidence.unit})"
        return Relation.NOT_COMPARABLE, f"{_said(claim, evidence)} — {units}"
    evidence = _in_rate_of(evidence, claim)
    claim_low, claim_high = _claim_interval(claim)
    evidence_low, evidence_high = _interval(evidence, pad=0.0)
    if claim_low <= evidence_low and evidence_high <= claim_high:
        return Relation.CONSISTENT, None
    padded_low, padded_high = _interval(evidence, pad=evidence.precision)
    if (padded_high < claim_low or claim_high < padded_low) and _scaled_by_caption(claim_low, claim_high, evidence):
        return Relation.NOT_COMPARABLE, (f"{_said(claim, evidence)} — the source's figure is written with no "
                                         "scale (a table in thousands or millions?)")
    if padded_high < claim_low or claim_high < padded_low:
        return Relation.CONTRADICTS, _gap(claim, evidence)
    return Relation.NOT_COMPARABLE, f"{_said(claim, evidence)} — the source's figure is too loose to decide"


_SCALES = (1e3, 1e6, 1e9)
_WRITTEN_SCALE = re.compile(r"\d\s*[A-Za-z]")  # "2.4M", "2.4 million", "2,430 thousand"


def written_without_scale(claim: Quantity, evidence: Quantity) -> bool:
    """Whether `evidence` is the claim's own figure written with no scale of its own ("$2,430,000" as "$ | 2,430",
    the table's "in thousands" caption elsewhere): what `compare_quantities` calls not comparable rather than a
    scale slip."""
    claim_low, claim_high = _claim_interval(claim)
    return _scaled_by_caption(claim_low, claim_high, _in_rate_of(evidence, claim))


def _scaled_by_caption(claim_low: float, claim_high: float, evidence: Quantity) -> bool:
    """Whether the evidence's figure is money or bare, written with no scale of its own ("$ | 2,430": a table
    cell whose "in thousands" caption sits elsewhere), and matches the claim once read in thousands, millions or
    billions: the same figure, not a scale slip ("$2,430,000" against "2,430"). A claim bounded one way only
    ("more than 3,000 employees") has no digits to match."""
    if evidence.unit not in (None, *CURRENCIES) or _WRITTEN_SCALE.search(evidence.text):
        return False
    if math.isinf(claim_low) or math.isinf(claim_high):  # "over 3,000" is no figure to match digits with
        return False
    return any(claim_low <= (evidence.value + evidence.precision) * scale
               and (evidence.value - evidence.precision) * scale <= claim_high for scale in _SCALES)


def units_compatible(claimed: str | None, found: str | None) -> bool:
    """Same base unit (rates convert), or one side bare where the other is a count or money."""
    claimed_base, found_base = base_unit(claimed), base_unit(found)
    if claimed_base is None or found_base is None:
        other = found_base if claimed_base is None else claimed_base
        return other is None or other == "count" or other in CURRENCIES
    return claimed_base == found_base


def base_unit(unit: str | None) -> str | None:
    """"USD" of "USD/month"; None for a bare figure."""
    return unit.partition("/")[0] if unit else None


def _in_rate_of(evidence: Quantity, claim: Quantity) -> Quantity:
    """`evidence` restated per the claim's period ("€2,856 a year" → "€238 a month") when both give one."""
    claim_rate, evidence_rate = (claim.unit or "").partition("/")[2], (evidence.unit or "").partition("/")[2]
    if not claim_rate or not evidence_rate or claim_rate == evidence_rate:
        return evidence
    factor = RATES[evidence_rate] / RATES[claim_rate]

    def scaled(x: float | None) -> float | None:
        return None if x is None else x * factor

    return Quantity(evidence.value * factor, scaled(evidence.low), scaled(evidence.high), claim.unit,
                    evidence.qualifier, evidence.text, evidence.start, evidence.end, evidence.subject,
                    evidence.precision * factor)


def _interval(quantity: Quantity, pad: float) -> tuple[float, float]:
    low = -math.inf if quantity.low is None else quantity.low - pad
    high = math.inf if quantity.high is None else quantity.high + pad
    return low, high


def _claim_interval(claim: Quantity) -> tuple[float, float]:
    """A bare figure tolerates 2 % (0.5 % when written to four significant digits or more: "$29,922,668") or its
    rounding; "about" and ranges their rounding; "over" is taken at its word."""
    if claim.qualifier == Qualifier.EXACT:
        share = PRECISE_TOLERANCE if significant_digits(claim.text) >= PRECISE_DIGITS else EXACT_TOLERANCE
        return _interval(claim, max(claim.precision, share * abs(claim.value)))
    if claim.qualifier in (Qualifier.APPROX, Qualifier.RANGE):
        return _interval(claim, claim.precision)
    return _interval(claim, 0.0)


def _said(claim: Quantity, evidence: Quantity) -> str:
    return f"claimed {format_quantity(claim)}; source says {format_quantity(evidence)}"


def _gap(claim: Quantity, evidence: Quantity) -> str:
    said = _said(claim, evidence)
    if claim.value <= 0 or evidence.value <= 0:
        return said
    ratio = evidence.value / claim.value
    magnitude = abs(math.log10(ratio))
    steps = round(magnitude)
    if steps >= 1 and abs(magnitude - steps) < 0.03:
        claimed, found = _scale_name(claim.value), _scale_name(evidence.value)
        slip = f"{claimed} vs {found}" if steps % 3 == 0 and claimed != found else "scale slip"
        return f"{said} — off by {10 ** steps:,}× ({slip})"
    direction = "higher" if ratio > 1 else "lower"
    if max(ratio, 1 / ratio) >= 2:
        return f"{said} — source is {max(ratio, 1 / ratio):.1f}× {direction}"
    return f"{said} — source is {abs(ratio - 1):.0%} {direction}"


def _scale_name(value: float) -> str:
    names = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"), (1e3, "thousand"))
    return next((name for scale, name in names if value >= scale * 0.999), "units")
