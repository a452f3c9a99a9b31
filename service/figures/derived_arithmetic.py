"""The arithmetic of a computed figure and how it is shown: an operand's possible range given its hedge and
rounding, a ratio's range, a change written as a percentage, the relation of the computed value to the claim's
bounds (`finding`), and a change, difference or growth rate computed from its two operands (`computed_change`).
Used by `service.figures.derived_check`."""

from __future__ import annotations

import math

from service.domain import Passage, Relation
from service.figures.derived_claim import DerivedClaim, DerivedFinding
from service.figures.quantities import Quantity
from service.figures.quantity_format import format_value


def years_between(derived: DerivedClaim) -> float | None:
    if derived.period is None or derived.base is None:
        return None
    years = round((derived.period.last_day - derived.base.last_day).days / 365.25)
    return float(years) if years >= 1 else None


def shown(figure: Quantity) -> str:
    return format_value(figure.value, (figure.unit or "").partition("/")[0] or None)


def value_range(figure: Quantity) -> tuple[float, float]:
    """What the figure may be: its hedge's bounds ("approximately $10.13"; "over" is open above), widened by its
    rounding (half a unit of its last digit)."""
    low = figure.low if figure.low is not None else 0.0
    high = figure.high if figure.high is not None else math.inf
    return min(low, figure.value) - figure.precision, max(high, figure.value) + figure.precision


def spread(numerator: Quantity, denominator: Quantity) -> tuple[float, float]:
    """The ratio's range given each figure's range (`value_range`)."""
    (low_n, high_n), (low_d, high_d) = value_range(numerator), value_range(denominator)
    return low_n / high_d, high_n / max(low_d, 1e-12)


def as_change(ratio: float) -> str:
    percent = (ratio - 1) * 100
    return f"{percent:+.1f}%" if abs(percent) < 150 else f"×{ratio:.2f} ({percent:+.0f}%)"


def finding(derived: DerivedClaim, computed: float, spread: tuple[float, float],
             operands: tuple[tuple[Quantity, Passage], ...], arithmetic: str) -> DerivedFinding:
    low, high = derived.low, derived.high
    inside = (low is None or computed >= low) and (high is None or computed <= high)
    overlaps = (low is None or spread[1] >= low) and (high is None or spread[0] <= high)
    cut = derived.cut_off  # the claimed figure may have been cut off, not rounded: no conflict
    cut_off = cut is not None and (cut[0] is None or computed >= cut[0]) and (cut[1] is None or computed <= cut[1])
    relation = Relation.CONSISTENT if inside else Relation.NOT_COMPARABLE if overlaps or cut_off else \
        Relation.CONTRADICTS
    gap = None if inside else f"claimed {derived.text}; {arithmetic}"
    return DerivedFinding(derived, relation, computed, operands, arithmetic, gap)


def computed_change(derived: DerivedClaim, new: Quantity, old: Quantity,
                    operands: tuple[tuple[Quantity, Passage], ...]) -> DerivedFinding | None:
    """The claimed difference, growth rate or change computed from the two operands, or None when they cannot
    give it (a zero base, a shrinking figure's growth rate, a gap in points that is the claimed figure)."""
    if old.value == 0:
        return None
    if derived.kind == "difference":
        gap = new.value - old.value
        (low_new, high_new), (low_old, high_old) = value_range(new), value_range(old)
        unit = (new.unit or "").partition("/")[0] or None
        arithmetic = f"{shown(new)} − {shown(old)} = {format_value(gap, unit)}"
        return finding(derived, gap, (low_new - high_old, high_new - low_old), operands, arithmetic)
    ratio = new.value / old.value
    widest = spread(new, old)
    if derived.kind == "cagr":
        years = years_between(derived)
        if years is None or ratio <= 0:
            return None
        rate = ratio ** (1 / years)
        arithmetic = f"({shown(new)} / {shown(old)}) ^ (1/{years:g}) is {(rate - 1) * 100:+.1f}% a year"
        return finding(derived, rate, (widest[0] ** (1 / years), widest[1] ** (1 / years)), operands, arithmetic)
    found = finding(derived, ratio, widest, operands, f"{shown(new)} vs {shown(old)} is {as_change(ratio)}")
    if new.unit == "%" and found.relation is Relation.CONTRADICTS and _points_claimed(derived, new, old):
        return None  # the claimed figure is their gap in points: which one the claim means cannot be told
    return found


def _points_claimed(derived: DerivedClaim, new: Quantity, old: Quantity) -> bool:
    """Whether the claimed change, read as percentage points, is the operands' gap (to their rounding), in the
    same direction (a rate that fell 12% → 10% bears out no increase, in points or not)."""
    if derived.low is None or derived.high is None:
        return False
    claimed = ((derived.low + derived.high) / 2 - 1) * 100
    return abs((new.value - old.value) - claimed) <= new.precision + old.precision
