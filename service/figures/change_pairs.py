"""The pairs of figures a passage states a change with: "A, up from B", "from B to A", "A compared with B", or
the figure of the claim's period against the one of the period it is measured against (a table row's "2025: $620
million; 2024: $470 million"). `service.figures.derived_check` computes the change from them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace

from service.figures.numeric import figures_of
from service.figures.periods import Granularity, Period, extract_periods, periods_align
from service.figures.quantities import Quantity

_FROM_TO = re.compile(r"\bfrom\s*$", re.IGNORECASE)
_BASE_AFTER = re.compile(r"^[^.;]{0,40}?\b(?:up|down|rising|falling|increasing|decreasing)?\s*(?:from|compared with|"
                         r"compared to|versus|vs\.?|against)\s*$", re.IGNORECASE)

# the next sentence gives the figure of the period before ("… $2.49 per hour. A year earlier, in September 2023,
# the same provider charged $3.40 per hour") or after ("… $3.40. A year later it charged $2.49")
_NEXT_SENTENCE = r"^[^;]{0,60}?[.!]\s+(?:a|one|twelve|three|six)\s+(?:years?|quarters?|months?)\s+"
_EARLIER = re.compile(_NEXT_SENTENCE + r"(?:earlier|before)\b[^.;]{0,60}$", re.IGNORECASE)
_LATER = re.compile(_NEXT_SENTENCE + r"later\b[^.;]{0,60}$", re.IGNORECASE)


# a figure that is the size of a change, not a level: "decreased approximately $30.2 million", "an increase of $5M"
_CHANGE_AMOUNT = re.compile(r"\b(?:increased|decreased|rose|fell|declined|grew|dropped|up|down|(?:an?\s+)?(?:increase|"
                            r"decrease|decline|rise|drop|change|reduction)\s+of)\s+(?:by\s+)?(?:approximately\s+|"
                            r"about\s+|roughly\s+|nearly\s+)?$", re.IGNORECASE)


def levels(text: str, rates: bool = False) -> list[Quantity]:
    """The figures of a passage a change can be computed from (`figures_of`: no number a period is written with,
    "the three months ended …" is no 3), less the size of a change the passage states and, unless `rates` (the
    claim asks for the percentage change of a rate: "the percentage decrease in the net retention rate"),
    percentages."""
    return [q for q in figures_of(text)
            if (rates or q.unit != "%") and not _CHANGE_AMOUNT.search(text[max(0, q.start - 40):q.start])]


def same_unit(a: Quantity, b: Quantity, rates: bool = False) -> bool:
    """Operands of one measure: the same base unit ("$212 million a year" is dollars), percentages only as
    `rates`."""
    base_a, base_b = (a.unit or "count").partition("/")[0], (b.unit or "count").partition("/")[0]
    return base_a == base_b and (rates or base_a != "%")


def changes_in(text: str, figures: Sequence[Quantity], period: Period | None,
               base: Period | None, rates: bool = False) -> list[tuple[Quantity, Quantity]]:
    """(new, old) pairs the passage states: "A, up from B", "from B to A", "A compared with B", or, when the
    claim names a period, the figure of that period against the one of the period it is measured against
    (`base`, or the period before it, or a year before it). `rates`: percentages pair too."""
    pairs = []
    for i, first in enumerate(figures):
        for second in figures[i + 1:i + 3]:
            if not same_unit(first, second, rates):
                continue
            between = text[first.end:second.start]
            if _BASE_AFTER.match(between) or _EARLIER.match(between):
                pairs.append((first, second))
            elif _LATER.match(between) or (re.fullmatch(r"\s*to\s*", between) and _FROM_TO.search(text[:first.start])):
                pairs.append((second, first))
    if period is not None:
        periods = _elided([year_ended(text, p) for p in extract_periods(text)], text)
        # a stated pair counts for the claim's period only if the passage dates nothing else ("$2.49 in September
        # 2024. A year earlier, $3.40" is no change from 2019 to 2020; a quarter's is not the year's)
        if not all(of_period(period, p) or (of_period(base, p) if base is not None else just_before(p, period))
                   for p in periods):
            pairs = []
        respective = respectively(text, figures, periods)
        dated = [(q, respective.get(id(q)) or nearest_period(text, q, periods)) for q in figures]
        current = [q for q, p in dated if p is not None and of_period(period, p)]
        before = [q for q, p in dated if p is not None and (of_period(base, p) if base is not None
                                                              else just_before(p, period))]
        # the figures of each period in one unit, first ones first ("three months ended" is not a column's)
        pairs += [(new, old) for new in current for old in before if same_unit(new, old, rates)]
    return pairs


_ELIDED = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)")
_LIST_ENDS = re.compile(r"\s*(?:[,;:.)]|(?:and|or|were|was|respectively)\b|$)")  # not "2024 results", "2025 guidance"


def _elided(periods: list[Period], text: str) -> list[Period]:
    """A bare year listed right after a day, ending the list, is that day in that year ("as of January 31, 2024
    and 2023, respectively"; not "on January 1, 2023, and 2024 results …"), and one right after a year that ends
    on a day other than 31 December is the year that ends on that day ("the fiscal years ended January 31, 2024
    and 2023": February 2022 to January 2023)."""
    out = list(periods)
    for i in range(1, len(out)):
        first, year = out[i - 1], out[i]
        fiscal = first.granularity is Granularity.YEAR and (first.last_day.month, first.last_day.day) != (12, 31)
        if (first.granularity is Granularity.DAY or fiscal) and year.granularity is Granularity.YEAR \
                and _ELIDED.fullmatch(text[first.end:year.start]) and _LIST_ENDS.match(text, year.end):
            shift = year.last_day.year - first.last_day.year
            try:
                start, end = (day.replace(year=day.year + shift) for day in (first.first_day, first.last_day))
            except ValueError:  # 29 February
                continue
            out[i] = replace(year, first_day=start, last_day=end, granularity=first.granularity)
    return out


def of_period(claimed: Period, found: Period) -> bool:
    """A figure of the claimed period: the same one (`periods_align`), or a calendar year and the balance at its
    end, either way ("from 2022 to 2023" against a balance sheet's "December 31, 2023" and "December 31, 2022";
    "from December 31, 2022 to December 31, 2023" against its columns "2023" and "2022")."""
    year, day = (claimed, found) if claimed.granularity is Granularity.YEAR else (found, claimed)
    return periods_align(claimed, found) or (
        year.granularity is Granularity.YEAR and day.granularity is Granularity.DAY
        and day.last_day == year.last_day and (year.last_day.month, year.last_day.day) == (12, 31))


_YEAR_ENDED = re.compile(r"\b(?:fiscal\s+)?years?\s+ended\s*$", re.IGNORECASE)


def year_ended(text: str, period: Period) -> Period:
    """"The year ended December 31, 2023" is the year that ends that day, not the day."""
    after = period.last_day + dt.timedelta(days=1)
    said = _YEAR_ENDED.search(text[max(0, period.start - 30):period.start])
    if period.granularity is not Granularity.DAY or not said or after.day != 1:  # a month's last day only
        return period
    return replace(period, first_day=after.replace(year=after.year - 1), granularity=Granularity.YEAR)


SENTENCE_BREAK = re.compile(r"(?:^|[a-z)\d])[.!?]\s+[A-Z(]")  # "… in 2022. Revenue was …", not "Inc. or 2.5"
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)


def respectively(text: str, figures: Sequence[Quantity], periods: Sequence[Period]) -> dict[int, Period]:
    """Each figure's period (keyed by `id`) in a sentence that lists as many figures as periods and says
    "respectively" ("… for the years ended December 31, 2023, 2022 and 2021 were $4,398,000, $3,415,000, and
    $3,484,000, respectively"): the first figure is the first period's, and so on."""
    found: dict[int, Period] = {}
    for mark in _RESPECTIVELY.finditer(text):
        start = max(text.rfind(". ", 0, mark.start()), text.rfind("\n", 0, mark.start())) + 1
        listed = [q for q in figures if start <= q.start < mark.start()]
        named = [p for p in periods if start <= p.start < mark.start()]
        if len(listed) >= 2 and len(listed) == len(named):
            found.update((id(q), p) for q, p in zip(listed, named, strict=True))
    return found


def nearest_period(text: str, figure: Quantity, periods: Sequence[Period]) -> Period | None:
    """The period written closest to the figure within its clause ("$5 million in 2025"; a table row's
    "2025: $2.60", whose values are separated by ";")."""
    def distance(period: Period) -> int | None:
        between = text[period.end:figure.start] if period.end <= figure.start else text[figure.end:period.start]
        if ";" in between or (period.start < figure.end and period.end > figure.start):
            return None
        if SENTENCE_BREAK.search(between) and " — " not in between:
            return None  # another sentence's ("(1) Ending backlog is …. Backlog as of December 31, 2023 was …")
        # a period across a clause break is another figure's ("120 at the end of 2023 and 420 at the end of 2025")
        return len(between) + (1000 if re.search(r",|\band\b", between) else 0)

    near = [(d, p) for p in periods if (d := distance(p)) is not None]
    return min(near, key=lambda item: item[0])[1] if near else None


def just_before(candidate: Period, period: Period) -> bool:
    """Whether `candidate` is what a change in `period` is measured against: the period of the same length right
    before it (2024 before 2025) or a year before it (the third quarter of 2024 for that of 2025)."""
    length = (period.last_day - period.first_day).days
    if abs((candidate.last_day - candidate.first_day).days - length) > 3:
        return False
    gap = (period.first_day - candidate.last_day).days
    year_earlier = abs((period.first_day - candidate.first_day).days - 365) <= 2
    return 0 <= gap <= 3 or year_earlier
