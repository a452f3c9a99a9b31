"""The arithmetic of a computed figure and how it is shown: an operand's possible range given its hedge and
rounding, a ratio's range, a change written as a percentage, and the relation of the computed value to the
claim's bounds (`finding`). Used by `service.figures.derived_check`."""

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
