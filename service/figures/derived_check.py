"""The evidence side of a computed figure (`service.figures.derived` reads the claim's): the operands found in the
passages, the arithmetic done and shown, and the relation to what the claim says (see that module's docstring)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Passage, Relation
from service.figures.derived import MIN_MEASURE_WORDS, DerivedClaim, DerivedFinding
from service.figures.periods import Period, extract_periods, periods_align
from service.figures.quantities import Quantity, extract_quantities
from service.figures.quantity_format import format_value
from service.figures.subjects import content_words

_FROM_TO = re.compile(r"\bfrom\s*$", re.IGNORECASE)
_BASE_AFTER = re.compile(r"^[^.;]{0,40}?\b(?:up|down|rising|falling|increasing|decreasing)?\s*(?:from|compared with|"
                         r"compared to|versus|vs\.?|against)\s*$", re.IGNORECASE)

_WINDOW = 80  # characters either side of an operand whose words say what it measures


def check_derived(derived: DerivedClaim, claim: str, passages: Sequence[Passage]) -> DerivedFinding | None:
    """The claim's derived quantity computed from the passages' figures, or None when no passage gives
    operands of the claim's measure."""
    if derived.kind in {"change", "cagr", "difference"}:
        return _check_change(derived, passages)
    if derived.kind == "share":
        return _check_share(derived, passages)
    return _check_total(derived, claim, passages)


def _words_near(text: str, figure: Quantity) -> frozenset[str]:
    """What the passage says the figure measures: in a table row read as a fact ("[context] caption › Revenue —
    2025: $1,240 million; …"), everything that heads the row and the figure's own column name; in prose, its
    clause (the text between the sentence or clause breaks around it)."""
    dash = text.rfind(" — ", 0, figure.start)
    if dash >= 0 and "\n" not in text[dash:figure.start]:
        cell_from = max(text.rfind(";", 0, figure.start), dash + 3)
        return frozenset(content_words(text[:dash]) | content_words(text[cell_from:figure.start]))
    starts = [text.rfind(mark, 0, figure.start) for mark in (". ", "; ", "\n")]
    start = max(starts) + 1 if max(starts) >= 0 else max(0, figure.start - _WINDOW)
    ends = [i for i in (text.find(mark, figure.end) for mark in (". ", "; ", "\n")) if i >= 0]
    end = min(ends) if ends else min(len(text), figure.end + _WINDOW)
    return frozenset(content_words(text[start:end]))


def _measures(words: frozenset[str], near: frozenset[str]) -> bool:
    return not words or len(words & near) / len(words) >= MIN_MEASURE_WORDS


def _row_label_text(text: str) -> str:
    """A table row's label (between the last "›" or "]" and " — "), or "" for prose."""
    dash = text.find(" — ")
    if dash < 0:
        return ""
    return text[max(text.rfind("›", 0, dash), text.rfind("]", 0, dash)) + 1:dash]


_LABEL_FILLER = frozenset({"of", "and", "the", "a", "an", "in", "for", "to", "on", "from", "by", "with"})


def _row_label(text: str, figure: Quantity) -> frozenset[str]:
    """Every word of a table row's label (for a figure in the row's body), "cost" in "Cost of revenue" included."""
    if not 0 <= text.find(" — ") < figure.start:
        return frozenset()
    words = {w.lower().removesuffix("s") for w in re.findall(r"[A-Za-z]+", _row_label_text(text))}
    return frozenset(words - _LABEL_FILLER)


def _plain(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w.removesuffix("s") for w in words)


def _same_unit(a: Quantity, b: Quantity) -> bool:
    """Operands of one measure: the same base unit ("$212 million a year" is dollars), never percentages."""
    base_a, base_b = (a.unit or "count").partition("/")[0], (b.unit or "count").partition("/")[0]
    return base_a == base_b and base_a != "%"


def _check_change(derived: DerivedClaim, passages: Sequence[Passage]) -> DerivedFinding | None:
    for passage in passages:
        text = passage.as_read
        figures = [q for q in extract_quantities(text) if q.unit != "%"]
        for pair in _changes_in(text, figures, derived.period, derived.base):
            new, old = pair
            if not _measures(derived.words, _words_near(text, new) | _words_near(text, old)):
                continue
            if old.value == 0:
                continue
            operands = ((new, passage), (old, passage))
            if derived.kind == "difference":
                gap = new.value - old.value
                slack = new.precision + old.precision
                unit = (new.unit or "").partition("/")[0] or None
                arithmetic = f"{_shown(new)} − {_shown(old)} = {format_value(gap, unit)}"
                return _finding(derived, gap, (gap - slack, gap + slack), operands, arithmetic)
            ratio = new.value / old.value
            spread = _spread(new, old)
            if derived.kind == "cagr":
                years = _years_between(derived)
                if years is None or ratio <= 0:
                    continue
                rate = ratio ** (1 / years)
                arithmetic = f"({_shown(new)} / {_shown(old)}) ^ (1/{years:g}) is {(rate - 1) * 100:+.1f}% a year"
                return _finding(derived, rate, (spread[0] ** (1 / years), spread[1] ** (1 / years)), operands,
                                arithmetic)
            arithmetic = f"{_shown(new)} vs {_shown(old)} is {_as_change(ratio)}"
            return _finding(derived, ratio, spread, operands, arithmetic)
    return None


def _changes_in(text: str, figures: Sequence[Quantity], period: Period | None,
                base: Period | None) -> list[tuple[Quantity, Quantity]]:
    """(new, old) pairs the passage states: "A, up from B", "from B to A", "A compared with B", or, when the
    claim names a period, the figure of that period against the one of the period it is measured against
    (`base`, or the period before it, or a year before it)."""
    pairs = []
    for i, first in enumerate(figures):
        for second in figures[i + 1:i + 3]:
            if not _same_unit(first, second):
                continue
            between = text[first.end:second.start]
            if _BASE_AFTER.match(between):
                pairs.append((first, second))
            elif re.fullmatch(r"\s*to\s*", between) and _FROM_TO.search(text[:first.start]):
                pairs.append((second, first))
    if period is not None:
        periods = extract_periods(text)
        dated = [(q, _nearest(text, q, periods)) for q in figures]
        current = [q for q, p in dated if p is not None and periods_align(period, p)]
        before = [q for q, p in dated if p is not None and (periods_align(base, p) if base is not None
                                                              else _just_before(p, period))]
        pairs += [(new, old) for new in current[:1] for old in before[:1] if _same_unit(new, old)]
    return pairs


def _nearest(text: str, figure: Quantity, periods: Sequence[Period]) -> Period | None:
    """The period written closest to the figure within its clause ("$5 million in 2025"; a table row's
    "2025: $2.60", whose values are separated by ";")."""
    def distance(period: Period) -> int | None:
        between = text[period.end:figure.start] if period.end <= figure.start else text[figure.end:period.start]
        return None if ";" in between or (period.start < figure.end and period.end > figure.start) else len(between)

    near = [(d, p) for p in periods if (d := distance(p)) is not None]
    return min(near, key=lambda item: item[0])[1] if near else None


def _just_before(candidate: Period, period: Period) -> bool:
    """Whether `candidate` is what a change in `period` is measured against: the period of the same length right
    before it (2024 before 2025) or a year before it (the third quarter of 2024 for that of 2025)."""
    length = (period.last_day - period.first_day).days
    if abs((candidate.last_day - candidate.first_day).days - length) > 3:
        return False
    gap = (period.first_day - candidate.last_day).days
    year_earlier = abs((period.first_day - candidate.first_day).days - 365) <= 2
    return 0 <= gap <= 3 or year_earlier


def _check_share(derived: DerivedClaim, passages: Sequence[Passage]) -> DerivedFinding | None:
    parts, wholes = [], []
    for passage in passages:
        text = passage.as_read
        periods = extract_periods(text) if derived.period is not None else []
        for figure in extract_quantities(text):
            if figure.unit == "%":
                continue
            when = _nearest(text, figure, periods) if periods else None
            if derived.period is not None and when is not None and not periods_align(derived.period, when):
                continue  # a figure of another period
            near = _words_near(text, figure)
            extra = len(_row_label(text, figure) - derived.whole)  # "Cost of revenue" is not "revenue"
            parts.append((len(derived.words & near), figure, passage))
            # the whole is named by its own words, not the part's, and by no more than them
            wholes.append((len(derived.whole & near) - len(derived.words & near) - extra / 2, figure, passage))
    # a table row is the part or the whole only when its label names nothing more ("Cost of revenue" is not the
    # whole "revenue"): a whole that was not retrieved decides nothing, rather than a wrong one
    parts = [p for p in parts if p[0] and _measures(derived.words, _words_near(p[2].as_read, p[1]))
             and _row_label(p[2].as_read, p[1]) <= _plain(derived.words)]
    wholes = [w for w in wholes if w[0] > 0 and _measures(derived.whole, _words_near(w[2].as_read, w[1]))
              and _row_label(w[2].as_read, w[1]) <= _plain(derived.whole)]
    for _, part, part_passage in sorted(parts, key=lambda item: -item[0]):
        for _, whole, whole_passage in sorted(wholes, key=lambda item: -item[0]):
            if part is whole or not _same_unit(part, whole) or whole.value == 0:
                continue
            share = part.value / whole.value
            arithmetic = f"{_shown(part)} of {_shown(whole)} is {share * 100:.1f}%"
            return _finding(derived, share, _spread(part, whole), ((part, part_passage), (whole, whole_passage)),
                            arithmetic)
    return None


_NOT_NAMES = frozenset({"The", "A", "An", "Its", "Their", "Both", "All", "Together", "Combined"})


def _check_total(derived: DerivedClaim, claim: str, passages: Sequence[Passage]) -> DerivedFinding | None:
    owners = {m.group(1).lower() for m in re.finditer(r"\b(\w+)'s\b", claim)}  # "Corvid's": whose, not an operand
    names = [w.lower() for w in dict.fromkeys(re.findall(r"\b[A-Z][\w-]*\b", claim[: derived.start]))
             if w.lower() not in owners and w not in _NOT_NAMES]
    if len(names) < 2:
        return None
    found: list[tuple[Quantity, Passage]] = []
    used: set[tuple[str, int, int]] = set()
    for name in names:
        hit = None
        for passage in sorted(passages, key=lambda p: name not in _row_label_text(p.as_read).lower()):
            text = passage.as_read
            if name.lower() not in text.lower():
                continue
            at = text.lower().index(name.lower())
            candidates = [q for q in extract_quantities(text) if (q.unit or "count") == (derived.unit or "count")
                          and q.start >= at and (passage.doc_id, passage.start, q.start) not in used
                          and _measures(derived.words, _words_near(text, q))]
            if candidates:
                hit = (candidates[0], passage)
                used.add((passage.doc_id, passage.start, candidates[0].start))
                break
        if hit is None:
            return None
        found.append(hit)
    total = sum(q.value for q, _ in found)
    arithmetic = " + ".join(format_value(q.value, q.unit) for q, _ in found) + \
        f" = {format_value(total, found[0][0].unit)}"
    spread = sum(q.precision for q, _ in found)
    return _finding(derived, total, (total - spread, total + spread), tuple(found), arithmetic)


def _years_between(derived: DerivedClaim) -> float | None:
    if derived.period is None or derived.base is None:
        return None
    years = round((derived.period.last_day - derived.base.last_day).days / 365.25)
    return float(years) if years >= 1 else None


def _shown(figure: Quantity) -> str:
    return format_value(figure.value, (figure.unit or "").partition("/")[0] or None)


def _spread(numerator: Quantity, denominator: Quantity) -> tuple[float, float]:
    """The ratio's range given each figure's rounding (half a unit of its last digit)."""
    low_d = max(denominator.value - denominator.precision, 1e-12)
    return ((numerator.value - numerator.precision) / (denominator.value + denominator.precision),
            (numerator.value + numerator.precision) / low_d)


def _as_change(ratio: float) -> str:
    percent = (ratio - 1) * 100
    return f"{percent:+.1f}%" if abs(percent) < 150 else f"×{ratio:.2f} ({percent:+.0f}%)"


def _finding(derived: DerivedClaim, computed: float, spread: tuple[float, float],
             operands: tuple[tuple[Quantity, Passage], ...], arithmetic: str) -> DerivedFinding:
    low, high = derived.low, derived.high
    inside = (low is None or computed >= low) and (high is None or computed <= high)
    overlaps = (low is None or spread[1] >= low) and (high is None or spread[0] <= high)
    relation = Relation.CONSISTENT if inside else Relation.NOT_COMPARABLE if overlaps else Relation.CONTRADICTS
    gap = None if inside else f"claimed {derived.text}; {arithmetic}"
    return DerivedFinding(derived, relation, computed, operands, arithmetic, gap)
