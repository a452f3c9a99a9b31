"""Display a `Quantity` the way a person would write it: "$6.4B", "85%", "200,000", "over €1.2M".

The output parses back to the same value (to four significant digits) with `extract_quantities`.
"""

from __future__ import annotations

from service.figures.quantities import Quantity
from service.figures.quantity_vocab import Qualifier, currency_symbol

_HEDGE_WORDS = {
    Qualifier.APPROX: "about ", Qualifier.OVER: "over ", Qualifier.AT_LEAST: "at least ",
    Qualifier.UNDER: "under ", Qualifier.AT_MOST: "up to ",
}
_COMPACT_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"))
_SCALE_NAMES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
_METRIC = ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""))
_METRIC_UNITS = {"bytes": "B", "W": "W", "Wh": "Wh"}


def format_quantity(quantity: Quantity) -> str:
    """Human form of a quantity, its hedge and its range included."""
    if quantity.qualifier == Qualifier.RANGE and quantity.low is not None and quantity.high is not None:
        low, high = format_value(quantity.low, quantity.unit), format_value(quantity.high, quantity.unit)
        if quantity.unit == "%":
            low = low.removesuffix("%")
        return f"{low}–{high}"
    return _HEDGE_WORDS.get(quantity.qualifier, "") + format_value(quantity.value, quantity.unit)


def format_value(value: float, unit: str | None) -> str:
    """One figure in its unit: "$6.4B", "€238 a month", "85%", "2.5 TB", "6.9 million", "1,234"."""
    base, _, rate = (unit or "").partition("/")
    suffix = f" a {rate}" if rate else ""
    if base == "%":
        return f"{_digits(value)}%{suffix}"
    if base in _METRIC_UNITS:
        return _metric(value, _METRIC_UNITS[base]) + suffix
    if base and base != "count":
        symbol = currency_symbol(base)
        sign = "-" if value < 0 else ""
        return f"{sign}{symbol}{_compact(abs(value))}{suffix}"
    return _spelled(value) + suffix


def _digits(value: float) -> str:
    """Up to four significant digits, thousands separated, no trailing zeros."""
    if abs(value) >= 1e4 and float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return text if "e" not in text else f"{value:,.0f}"


def _compact(value: float) -> str:
    for scale, letter in _COMPACT_SUFFIXES:
        if value >= scale:
            return f"{value / scale:.4g}{letter}"
    return _digits(value)


def _spelled(value: float) -> str:
    for scale, name in _SCALE_NAMES:
        if abs(value) >= scale:
            return f"{value / scale:.4g} {name}"
    return _digits(value)


def _metric(value: float, symbol: str) -> str:
    for scale, prefix in _METRIC:
        if abs(value) >= scale and (prefix or symbol != "B"):
            return f"{value / scale:.4g} {prefix}{symbol}"
    return f"{value:.4g} {'bytes' if symbol == 'B' else symbol}"
