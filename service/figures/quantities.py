"""Find the figures in a sentence and normalise them: value, unit, scale, hedge, range and subject.

"well over $500M", "<40bln active parameters", "between 80% and 90%", "€238 a month", "half a billion"
all become a `Quantity` with a value in base units and the bounds its hedge implies.

Why hand-written regexes and not a library: the parser runs on every retrieved sentence, so it must stay
well under a millisecond. `quantulum3` covers units broadly but is slow (tens of ms per sentence, loads a
classifier) and mis-reads scale suffixes such as "bn"/"mln"; `price-parser` reads one price string, not
figures in running text, and ignores hedges and ranges; `pint` converts units but finds nothing in text;
`word2number` raises on unknown words and gives no offsets. The vocabulary we need — a few currencies,
scales, hedges and units — is small and closed, so it lives in `quantity_vocab` and `number_words`, and a
few compiled patterns do the rest. `extract_quantities` never raises.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, replace

from service.figures.number_words import (
    SCALE_SUFFIXES,
    SCALE_WORDS,
    WRITTEN_NUMBER,
    parse_written_number,
)
from service.figures.quantity_vocab import (
    CASED_CURRENCY_PREFIXES,
    CURRENCY_PREFIXES,
    HEDGES,
    RANGE_OPENERS,
    RATE_WORDS,
    RATES,
    TRAILING_HEDGES,
    UNIT_SUFFIXES,
    Qualifier,
    alternation,
)
from service.figures.subjects import bind_subjects, is_countable_word

__all__ = ["Qualifier", "Quantity", "extract_quantities"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Quantity:
    """One figure found in a text, normalised to base units (scale applied)."""

    value: float  # for ranges the midpoint
    low: float | None  # bounds implied by the range or hedge; None = unbounded
    high: float | None
    unit: str | None  # "USD", "EUR", "%", "count", "bytes", "W", "USD/month" … or None
    qualifier: Qualifier
    text: str
    start: int
    end: int
    subject: str | None = None
    precision: float = 0.0  # half a unit of the last digit written ("6.4B" → 5e7)


_OPENER = rf"(?P<opener>\b(?:{'|'.join(RANGE_OPENERS)})\s+)?"
_HEDGE = rf"(?P<hedge>(?:(?<![\w])(?:{alternation(h for h in HEDGES if h[0].isalpha())})\s+)|" \
         rf"(?:{alternation(h for h in HEDGES if not h[0].isalpha())})\s*)?"
_CASED = {prefix.lower() for prefix in CASED_CURRENCY_PREFIXES}
_CURRENCY = (rf"(?P<currency>(?<![\w])(?:(?-i:{alternation(CASED_CURRENCY_PREFIXES)})"
             rf"|{alternation(p for p in CURRENCY_PREFIXES if p not in _CASED)})\s?(?:\|\s*)?)?")
_TAIL = (
    rf"(?:(?P<suffix>{alternation(SCALE_SUFFIXES)})(?![A-Za-z])|\s?(?P<suffix_spaced>bn|mn|mln|bln|tn)\b"
    rf"|\s*(?P<scale_word>{alternation(SCALE_WORDS)})\b)?"
    rf"(?:(?:\s?|-)(?P<unit>{alternation(UNIT_SUFFIXES)})(?![A-Za-z]))?"  # "120 MW", "120-megawatt"
    rf"(?:\s*(?:a|an|per|/|each)\s*(?P<rate>{alternation(RATES)})\b|\s*(?P<rate_word>{alternation(RATE_WORDS)})\b)?"
    rf"(?P<trailing>{alternation(TRAILING_HEDGES)})?"
)
# a number starts a word, unless a currency is written right before it ("RM410 million", "USD5m", "Rs.500")
_NUMBER = r"(?P<number>(?(currency)(?<!\d[.,])|(?<![\w.,])(?<![A-Za-z]-))(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d]))"
DIGIT_QUANTITY = re.compile(_OPENER + _HEDGE + _CURRENCY + _NUMBER + _TAIL + r"(?![A-Za-z0-9])",
                            re.IGNORECASE)
WORD_QUANTITY = re.compile(
    _OPENER + _HEDGE + _CURRENCY + rf"(?P<words>{WRITTEN_NUMBER.pattern})" + _TAIL.replace("suffix", "sfx"),
    re.IGNORECASE,
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
DATE_LIKE = re.compile(
    rf"\b\d{{4}}-\d{{1,2}}-\d{{1,2}}\b|\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b|\b\d{{1,2}}:\d{{2}}\b"
    rf"|\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?=\W|$)"
    rf"|\bFY\s*'?(?:19|20)?\d{{2}}\s*[-–/]\s*\d{{2}}\b|\b(?:19|20)\d{{2}}\s*[-–/]\s*\d{{2}}\b(?![-/.]\d|\s*%)"
    rf"|\b(?:Q[1-4]|H[12]|FY)\s*'?\d{{2,4}}\b|\b\d{{4}}s\b"
    rf"|\b\d{{1,2}}\s+[^\W\d_]{{2,5}}\.?\s+(?:19|20)\d{{2}}\b",  # "27 ott 2021", "2 avr. 2020"
    re.IGNORECASE,
)
_SUFFIX_GROUPS = ("suffix", "sfx", "suffix_spaced", "sfx_spaced")
_RATE_NAMES = {"mo": "month", "yr": "year", "annum": "year"}
_RANGE_JOINER = re.compile(r"\s*(?:-|–|—|to)\s*$|\s+and\s+$", re.IGNORECASE)


def extract_quantities(text: str) -> list[Quantity]:
    """Every figure in `text`, in order, with subjects bound. Never raises."""
    try:
        return _extract(text)
    except Exception:
        log.exception("quantity extraction failed")
        return []


def _extract(text: str) -> list[Quantity]:
    if not text or (not any(c.isdigit() for c in text) and not WRITTEN_NUMBER.search(text)):
        return []
    dates = [m.span() for m in DATE_LIKE.finditer(text)]
    found = [q for m in DIGIT_QUANTITY.finditer(text) if (q := _from_match(m, text)) is not None]
    taken = [(q.start, q.end) for q in found]
    for m in WORD_QUANTITY.finditer(text):
        quantity = _from_match(m, text)
        if quantity is not None and not _overlaps((quantity.start, quantity.end), taken):
            found.append(quantity)
    found = [q for q in found if not _overlaps(_core_span(q, text), dates)]
    merged = _merge_ranges(sorted(found, key=lambda q: q.start), text)
    subjects = bind_subjects(text, [(q.start, q.end) for q in merged])
    return [replace(q, subject=s) for q, s in zip(merged, subjects, strict=True)]


def _from_match(m: re.Match[str], text: str) -> Quantity | None:
    groups = m.groupdict()
    value, precision = _read_value(groups)
    if value is None:
        return None
    unit, multiplier = _read_unit(groups)
    if _looks_like_year(groups, value):
        return None
    value, precision = value * multiplier, precision * multiplier
    qualifier, low, high = _bounds(groups, value)
    if groups.get("words") and value < 2 and unit is None:
        return None
    if unit is None and is_countable_word(text, m.end()):
        unit = "count"
    start = m.start("hedge") if groups.get("hedge") else m.start("currency") if groups.get("currency") \
        else m.start("number" if "number" in groups else "words")
    return Quantity(value, low, high, unit, qualifier, text[start:m.end()], start, m.end(), None, precision)


def _read_value(groups: dict[str, str | None]) -> tuple[float | None, float]:
    words = groups.get("words")
    if words:
        value = parse_written_number(words)
        return value, 0.02 * value if value else 0.0
    number = (groups.get("number") or "").replace(",", "")
    decimals = len(number.partition(".")[2])
    suffix = next((groups[k] for k in _SUFFIX_GROUPS if groups.get(k)), None)
    scale = 1.0
    if suffix:
        if suffix == "m" and not groups.get("currency"):
            return None, 0.0  # "5m" alone is as likely metres as millions
        scale = SCALE_SUFFIXES.get(suffix) or SCALE_SUFFIXES.get(suffix.lower(), 1.0)
    elif scale_word := groups.get("scale_word"):
        scale = SCALE_WORDS[scale_word.lower()]
    value = float(number) * scale
    return (value, 0.5 * 10.0 ** -decimals * scale) if math.isfinite(value) else (None, 0.0)


def _read_unit(groups: dict[str, str | None]) -> tuple[str | None, float]:
    unit, multiplier = None, 1.0
    if currency := groups.get("currency"):
        unit = CURRENCY_PREFIXES[currency.strip(" |").lower()]
    if written := groups.get("unit"):
        suffix_unit, multiplier = UNIT_SUFFIXES[re.sub(r"\s+", " ", written.lower())]
        unit = unit or suffix_unit  # "$5 dollars", "US$ 5 USD": the prefix already said it
    rate = groups.get("rate") or RATE_WORDS.get((groups.get("rate_word") or "").lower())
    if rate and unit:
        unit = f"{unit}/{_RATE_NAMES.get(rate.lower(), rate.lower())}"
    return unit, multiplier


def _looks_like_year(groups: dict[str, str | None], value: float) -> bool:
    number = groups.get("number") or ""
    qualified = ("hedge", "currency", "suffix", "suffix_spaced", "scale_word", "unit")
    bare = not any(groups.get(k) for k in qualified)
    return bare and len(number) == 4 and number.isdigit() and 1800 <= value <= 2100


def _bounds(groups: dict[str, str | None], value: float) -> tuple[Qualifier, float | None, float | None]:
    hedge = re.sub(r"\s+", " ", (groups.get("hedge") or "").strip().lower())
    trailing = (groups.get("trailing") or "").lower()
    qualifier, low_factor, high_factor = HEDGES.get(hedge) or TRAILING_HEDGES.get(trailing) or (
        Qualifier.EXACT, 1.0, 1.0)
    low = None if low_factor is None else value * low_factor
    high = None if high_factor is None else value * high_factor
    return qualifier, low, high


def _merge_ranges(quantities: list[Quantity], text: str) -> list[Quantity]:
    merged: list[Quantity] = []
    for quantity in quantities:
        previous = merged[-1] if merged else None
        if previous is not None and _is_range_pair(previous, quantity, text):
            merged[-1] = _range_of(previous, quantity, text)
        else:
            merged.append(quantity)
    return merged


def _is_range_pair(first: Quantity, second: Quantity, text: str) -> bool:
    between = text[first.end:second.start]
    if len(between) > 6 or not _RANGE_JOINER.match(between) or first.qualifier != second.qualifier:
        return False
    if first.qualifier != Qualifier.EXACT or (first.unit and second.unit and first.unit != second.unit):
        return False
    opener = text[max(0, first.start - 8):first.start].lower().split()
    if "and" in between.lower():
        return bool(opener) and opener[-1] == "between"
    return not (opener and opener[-1] == "from" and "to" in between.lower())


def _range_of(first: Quantity, second: Quantity, text: str) -> Quantity:
    low = first.value
    if second.value >= 1000 and first.value < second.value / 500 and first.precision < 1:
        scale = 10 ** (3 * math.floor(math.log10(second.value) / 3))
        low = first.value * scale  # "$2-3 billion": the scale written once covers both ends
    window_start = max(0, first.start - 8)
    opener_at = text[window_start:first.start].lower().rfind("between")
    start = window_start + opener_at if opener_at >= 0 else first.start
    low, high = min(low, second.value), max(low, second.value)
    return Quantity((low + high) / 2, low, high, second.unit or first.unit, Qualifier.RANGE,
                    text[start:second.end], start, second.end, None, second.precision)


def _core_span(quantity: Quantity, text: str) -> tuple[int, int]:
    digits = re.search(r"\d[\d,.]*", quantity.text)
    if digits is None:
        return quantity.start, quantity.end
    return quantity.start + digits.start(), quantity.start + digits.end()


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)
