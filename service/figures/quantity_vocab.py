"""The closed vocabulary of quantities: hedges, currencies, units and rates, as regex alternations.

Kept apart from the parser so the tables can be read (and extended) at a glance. Every table maps the
surface form, lower-cased unless case matters, to what it means.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Qualifier(StrEnum):
    """How a figure is hedged: the bounds it implies on the true value."""

    EXACT = "exact"
    APPROX = "approx"
    OVER = "over"
    AT_LEAST = "at_least"
    UNDER = "under"
    AT_MOST = "at_most"
    RANGE = "range"


# phrase → (qualifier, low factor, high factor); None means unbounded on that side.
HEDGES: dict[str, tuple[Qualifier, float | None, float | None]] = {
    **dict.fromkeys(
        ["about", "around", "roughly", "approximately", "approx.", "approx", "some", "an estimated",
         "estimated", "circa", "ca.", "~", "≈", "just about", "in the region of", "on the order of",
         "close to", "an average of", "averaging"],
        (Qualifier.APPROX, 0.95, 1.05)),
    **dict.fromkeys(["nearly", "almost", "just under", "just shy of", "shy of", "just below"],
                    (Qualifier.APPROX, 0.9, 1.0)),
    **dict.fromkeys(["just over", "just above", "slightly more than", "a little over", "a little more than"],
                    (Qualifier.APPROX, 1.0, 1.1)),
    **dict.fromkeys(
        ["over", "more than", "above", "in excess of", "upwards of", "exceeding", "greater than", "well over",
         "well above", "north of", ">", "higher than", "well in excess of", "beyond"],
        (Qualifier.OVER, 1.0, None)),
    **dict.fromkeys(["at least", "no less than", "no fewer than", "a minimum of", "minimum of", "≥", ">="],
                    (Qualifier.AT_LEAST, 1.0, None)),
    **dict.fromkeys(
        ["under", "less than", "below", "fewer than", "<", "well under", "well below", "lower than"],
        (Qualifier.UNDER, None, 1.0)),
    **dict.fromkeys(
        ["at most", "up to", "no more than", "a maximum of", "maximum of", "≤", "<=", "as many as",
         "as much as", "as high as", "not more than"],
        (Qualifier.AT_MOST, None, 1.0)),
}
TRAILING_HEDGES: dict[str, tuple[Qualifier, float | None, float | None]] = {
    **dict.fromkeys(["+", "-plus", " plus", " or more", " and up", " and above", " or higher"],
                    (Qualifier.AT_LEAST, 1.0, None)),
    **dict.fromkeys([" or less", " or fewer", " or lower"], (Qualifier.AT_MOST, None, 1.0)),
    " or so": (Qualifier.APPROX, 0.95, 1.05),
}
RANGE_OPENERS = ("between", "from")

# Symbols and codes written before the figure ("US$5", "€166", "USD 5").
CURRENCY_PREFIXES: dict[str, str] = {
    "us$": "USD", "u.s.$": "USD", "$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP",
    "gbp": "GBP", "¥": "JPY", "jpy": "JPY", "₹": "INR", "inr": "INR", "rs.": "INR", "rs": "INR",
    "c$": "CAD", "cad": "CAD", "a$": "AUD", "aud": "AUD", "chf": "CHF", "cny": "CNY", "rmb": "CNY",
    # ISO codes only for these: "kroner" is Danish or Norwegian, "won" an English verb
    **{code.lower(): code for code in ("DKK", "SEK", "NOK", "PLN", "CZK", "HUF", "KRW", "HKD", "SGD", "NZD",
                                        "BRL", "MXN", "ZAR", "TWD", "ILS", "AED", "SAR", "MYR", "KES", "IDR",
                                        "THB")},
    "rm": "MYR", "ksh": "KES",  # the Malaysian ringgit and the Kenyan shilling as written there
}
# Prefixes read only as written here, never in another case: "Rm 1203" is a room, "RS232" a serial port.
CASED_CURRENCY_PREFIXES = ("RM", "Rs", "Rs.", "RS.", "RS ", "KSh", "Ksh", "KSH")  # "RS 500 crore", not "RS232"
# Units written after the figure: surface → (unit, multiplier into the unit).
UNIT_SUFFIXES: dict[str, tuple[str, float]] = {
    "%": ("%", 1.0), "percent": ("%", 1.0), "per cent": ("%", 1.0), "pct": ("%", 1.0),
    "percentage points": ("%", 1.0), "percentage point": ("%", 1.0),
    "us dollars": ("USD", 1.0), "dollars": ("USD", 1.0), "dollar": ("USD", 1.0), "usd": ("USD", 1.0),
    "euros": ("EUR", 1.0), "euro": ("EUR", 1.0), "eur": ("EUR", 1.0), "pounds sterling": ("GBP", 1.0),
    "pounds": ("GBP", 1.0), "gbp": ("GBP", 1.0), "yen": ("JPY", 1.0), "jpy": ("JPY", 1.0),
    "rupees": ("INR", 1.0), "inr": ("INR", 1.0),
    "bytes": ("bytes", 1.0), "kb": ("bytes", 1e3), "mb": ("bytes", 1e6), "gb": ("bytes", 1e9),
    "tb": ("bytes", 1e12), "pb": ("bytes", 1e15), "kilobytes": ("bytes", 1e3), "megabytes": ("bytes", 1e6),
    "gigabytes": ("bytes", 1e9), "terabytes": ("bytes", 1e12), "petabytes": ("bytes", 1e15),
    "w": ("W", 1.0), "kw": ("W", 1e3), "mw": ("W", 1e6), "gw": ("W", 1e9), "tw": ("W", 1e12),
    "watts": ("W", 1.0), "kilowatts": ("W", 1e3), "megawatts": ("W", 1e6), "gigawatts": ("W", 1e9),
    "watt": ("W", 1.0), "kilowatt": ("W", 1e3), "megawatt": ("W", 1e6), "gigawatt": ("W", 1e9),
    "wh": ("Wh", 1.0), "kwh": ("Wh", 1e3), "mwh": ("Wh", 1e6), "gwh": ("Wh", 1e9), "twh": ("Wh", 1e12),
}
# Rates ("€238 a month") → periods per year, so rates can be converted.
RATES: dict[str, float] = {"day": 365.0, "week": 52.0, "month": 12.0, "mo": 12.0, "quarter": 4.0,
                           "year": 1.0, "yr": 1.0, "annum": 1.0}
RATE_WORDS: dict[str, str] = {"daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
                              "annually": "year", "yearly": "year", "per annum": "year"}


def alternation(phrases: object) -> str:
    """A regex alternation of literal phrases, longest first so the longest one wins."""
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))  # type: ignore[call-overload]


def currency_symbol(code: str) -> str:
    """Display prefix for a currency code ("USD" → "$"); other codes are written "CHF "."""
    return {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}.get(code, f"{code} ")
