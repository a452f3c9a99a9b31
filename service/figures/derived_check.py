"""The evidence side of a computed figure (`service.figures.derived` reads the claim's): the operands found in the
passages, the arithmetic done and shown, and the relation to what the claim says (see that module's docstring)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from service.domain import Passage
from service.figures.change_pairs import changes_in, levels, nearest_period, same_unit
from service.figures.dated_rows import column_named, row_changes
from service.figures.derived_arithmetic import computed_change, finding, shown, spread, value_range
from service.figures.derived_claim import DerivedClaim, DerivedFinding
from service.figures.derived_direction import claim_names
from service.figures.derived_per_unit import check_per_unit
from service.figures.operand_words import following, measures, read_passage, words_near
from service.figures.periods import MONTHS, extract_periods, periods_align
from service.figures.quantities import Quantity, extract_quantities
from service.figures.quantity_format import format_value
from service.figures.subjects import bound_contexts, measure_words


def check_derived(derived: DerivedClaim, claim: str, passages: Sequence[Passage]) -> DerivedFinding | None:
    """The claim's derived quantity computed from the passages' figures, or None when no passage gives
    operands of the claim's measure."""
    if derived.kind in {"change", "cagr", "difference"}:
        return _check_change(derived, claim, passages)
    if derived.kind == "share":
        return _check_share(derived, passages)
    if derived.kind == "ratio":
        return _check_ratio(derived, passages)
    if derived.kind == "per_unit":
        return check_per_unit(derived, passages)
    return _check_total(derived, claim, passages)


def _row_label_text(text: str) -> str:
    """A table row's label (between the last "›" or "]" and " — "), without what it explains in brackets
    ("Total capitalization (total debt plus stockholders' equity)"), or "" for prose."""
    dash = text.find(" — ")
    if dash < 0:
        return ""
    return re.sub(r"\([^)]*\)", " ", text[max(text.rfind("›", 0, dash), text.rfind("]", 0, dash)) + 1:dash])


_ROW_TOTAL = frozenset({"total"})  # "Total revenue" is the claim's "revenue"
_LABEL_FILLER = frozenset({"of", "and", "the", "a", "an", "in", "for", "to", "on", "from", "by", "with"})


def _row_label(text: str, figure: Quantity) -> frozenset[str]:
    """Every word of a table row's label (for a figure in the row's body), "cost" in "Cost of revenue" included."""
    if not 0 <= text.find(" — ") < figure.start:
        return frozenset()
    words = {w.lower().removesuffix("s") for w in re.findall(r"[A-Za-z]+", _row_label_text(text))}
    return frozenset(words - _LABEL_FILLER)


def _plain(words: frozenset[str]) -> frozenset[str]:
    return frozenset(w.removesuffix("s") for w in words)


def _check_change(derived: DerivedClaim, claim: str, passages: Sequence[Passage]) -> DerivedFinding | None:
    """The first pair whose words together tell of the claim's measure, preferring one whose two figures each
    name what is measured (not whose: "Veridian raised $4 billion; its revenue was …" pairs the revenues), then
    one whose sentences only do together ("… at $2.49 per hour. A year earlier, … $3.40 per hour"); last, two
    dated rows or sentences alike but for their period (`_row_changed`)."""
    names = claim_names(claim)
    rates = derived.kind == "change" and bool(_RATE_CHANGE.search(claim)) and bool(_plain(derived.words) & _RATES)
    return _changed(derived, passages, names, rates) or _changed(derived, passages, None, rates) \
        or _row_changed(derived, claim, passages, names, rates)


# "the percentage decrease in the net retention rate … is 6.48%": the relative change, also of a percentage, when
# the measure is one ("92% of our cash … was held abroad" is a share of cash, no level of it)
_RATES = frozenset({"rate", "ratio", "margin", "utilization", "utilisation", "yield", "occupancy", "retention",
                    "churn"})
_RATE_CHANGE = re.compile(r"\bpercent(?:age)?\s+(?:change|increase|decrease|decline|growth|reduction|drop|rise)\b",
                          re.IGNORECASE)


def _changed(derived: DerivedClaim, passages: Sequence[Passage], names: frozenset[str] | None,
             rates: bool = False) -> DerivedFinding | None:
    """The first change the passages give of the claim's measure; with `names`, one each of whose figures names
    the measure itself, whose it is (the claim's `names`) being anywhere in the passage. `rates`: the claim asks
    for the percentage change, so percentages are operands too (101% and 108% is −6.5%); one that conflicts is
    no conflict where their gap in points is the claimed figure (which one the claim means cannot be told)."""
    alone = [(passage, passage, passage) for passage in passages]
    for first, second, passage in [*alone, *following(passages)]:
        text = read_passage(passage)
        for new, old in changes_in(text, levels(text, rates), derived.period, derived.base, rates):
            if not _measured(derived, names, text, (words_near(text, new), words_near(text, old))):
                continue
            cut = len(read_passage(first)) if second is not first else len(text)  # which sentence cites each operand
            operands = tuple((q, first if q.start < cut else second) for q in (new, old))
            found = computed_change(derived, new, old, operands)
            if found is not None:
                return found
    return None


def _row_changed(derived: DerivedClaim, claim: str, passages: Sequence[Passage], names: frozenset[str],
                 rates: bool) -> DerivedFinding | None:
    """The change in a column the claim names between two rows of one table dated one period each, or between two
    sentences alike but for their period and figure (`dated_rows`); whose it is (`names`) said in the new one."""
    for pair in row_changes(passages, derived.period, derived.base, rates):
        if pair.column and not column_named(claim, pair.column):
            continue
        near = (words_near(pair.new_row.text, pair.new), words_near(pair.old_row.text, pair.old))
        if _measured(derived, names, pair.new_row.text, near):
            operands = ((pair.new, pair.new_row.passage), (pair.old, pair.old_row.passage))
            found = computed_change(derived, pair.new, pair.old, operands)
            if found is not None:
                return found
    return None


def _measured(derived: DerivedClaim, names: frozenset[str] | None, text: str,
              near: tuple[frozenset[str], frozenset[str]]) -> bool:
    """Whether the two figures' words (`near`) tell of the claim's measure (see `_changed`)."""
    whose = names & measure_words(text) if names is not None else frozenset()
    if not measures(derived.words, near[0] | near[1] | whose, derived.measure_share):
        return False
    if names is not None and not all(measures(derived.words - names, words, derived.measure_share) for words in near):
        return False
    # a row that names more than the measure ("Total liabilities and shareholders' deficit") is another one
    return not (derived.whole_measure and measure_words(_row_label_text(text)) - derived.words - _ROW_TOTAL)


def _check_share(derived: DerivedClaim, passages: Sequence[Passage]) -> DerivedFinding | None:
    parts, wholes = [], []
    for passage in passages:
        text = read_passage(passage)
        periods = extract_periods(text) if derived.period is not None else []
        figures = extract_quantities(text)
        bound = bound_contexts(text, [(q.start, q.end) for q in figures])
        for figure, phrase in zip(figures, bound, strict=True):
            if figure.unit == "%":
                continue
            when = nearest_period(text, figure, periods) if periods else None
            if derived.period is not None and when is not None and not periods_align(derived.period, when):
                continue  # a figure of another period
            near, label = words_near(text, figure), _row_label(text, figure)
            extra = len(label - derived.whole)  # "Cost of revenue" is not "revenue"
            # a table row is the part or the whole only when its label names nothing more ("Cost of revenue" is
            # not the whole "revenue"): a whole that was not retrieved decides nothing, rather than a wrong one.
            # The part is named near its figure, and best by the figure's own phrase ("$300 million of it on
            # compute and $90 million on hiring": $90 million is the hiring)
            as_part = len(derived.words & near) + len(derived.words & phrase) / 10
            if as_part and measures(derived.words, near) and label <= _plain(derived.words | derived.whole):
                parts.append((as_part, figure, passage))
            # the whole is named by its own words, not the part's, and by no more than them
            as_whole = len(derived.whole & near) - len(derived.words & near) - extra / 2
            if as_whole > 0 and measures(derived.whole, near) and label <= _plain(derived.whole):
                wholes.append((as_whole, figure, passage))
    if derived.items:  # a named whole ("Series B") is the figure written by its name, not one sharing its words
        named = _named_figure(derived.items[0], None, passages)
        wholes = [(1.0, named[0], named[1])] if named else []
    parts.sort(key=lambda item: -item[0])
    if len(parts) > 1 and parts[0][0] == parts[1][0] and parts[0][1].value != parts[1][1].value:
        return None  # two figures read equally as the part: no way to tell which one the claim means
    for _, part, part_passage in parts:
        for _, whole, whole_passage in sorted(wholes, key=lambda item: -item[0]):
            # a part larger than its whole is no part of it (QuanTemp dev: "430 of 184 is 233.7%"), nor one as large
            # (the same figure read twice: FinDVer dev, "2 of 2" from "two business segments"), unless the claim
            # says so ("debt was 121% of revenue")
            over = (derived.low or 0) >= 1 or (derived.high or 0) > 1  # the claim's share may pass 100%
            larger = part.value >= whole.value and not over
            if part is whole or not same_unit(part, whole) or whole.value == 0 or larger \
                    or _named_number(part, part_passage) or _named_number(whole, whole_passage):
                continue
            share = part.value / whole.value
            arithmetic = f"{shown(part)} of {shown(whole)} is {share * 100:.1f}%"
            return finding(derived, share, spread(part, whole), ((part, part_passage), (whole, whole_passage)),
                            arithmetic)
    return None


def _named_number(figure: Quantity, passage: Passage) -> bool:
    """A bare number that is part of a name or a formula, written after capitals ("CO 2 emissions", "PM 2.5",
    "GPT 4"): no count to take a share of (Climate-FEVER dev: "2 of 36 is 5.6%" refuted a claim)."""
    before = read_passage(passage)[:figure.start]
    return (figure.unit or "count") == "count" and re.search(r"\b[A-Z]{2,4}\s?$", before) is not None


_NOT_NAMES = frozenset({"The", "A", "An", "Its", "Their", "Both", "All", "Together", "Combined",  # and a sentence's
                        "As", "In", "On", "By", "At", "For", "During", "Since", "From", "Of", "Until", "After",
                        "Before"})  # opening preposition ("As of March 31, 2024, …")


def _check_ratio(derived: DerivedClaim, passages: Sequence[Passage]) -> DerivedFinding | None:
    """One named thing's figure over another's ("Series A: $180 million" over "Seed round: $40 million")."""
    first, second = (_named_figure(item, None, passages) for item in derived.items)
    if first is None or second is None or not same_unit(first[0], second[0]) or second[0].value == 0:
        return None
    ratio = first[0].value / second[0].value
    arithmetic = f"{shown(first[0])} / {shown(second[0])} = {ratio:.2f}"
    return finding(derived, ratio, spread(first[0], second[0]), (first, second), arithmetic)


_ITEM_GAP = 40  # characters at most between a named thing and its figure ("Series A: $180 million")


def _named_figure(item: str, unit: str | None, passages: Sequence[Passage],
                  used: frozenset[tuple[str, int, int]] = frozenset()) -> tuple[Quantity, Passage] | None:
    """The figure written right after `item` is named ("Seed round: $40 million", "Series A raised $180
    million"), nearest over all passages: no other figure, sentence break or context bracket between them.
    `unit`: the figure's unit (None: any that is not a percentage)."""
    pattern = re.compile(rf"\b{re.escape(item)}\b", re.IGNORECASE)
    best: tuple[int, Quantity, Passage] | None = None
    for passage in passages:
        text = read_passage(passage)
        figures = [q for q in extract_quantities(text) if q.unit != "%"]
        for match in pattern.finditer(text):
            after = next((q for q in figures if q.start >= match.end()), None)
            if after is None or (passage.doc_id, passage.start, after.start) in used:
                continue
            if unit is not None and (after.unit or "count") != unit:
                continue
            between = text[match.end():after.start]
            if len(between) > _ITEM_GAP or re.search(r"[\]\[.;]\s|\]", between):
                continue
            if best is None or len(between) < best[0]:
                best = (len(between), after, passage)
    return (best[1], best[2]) if best else None


def _check_listed_total(derived: DerivedClaim, passages: Sequence[Passage]) -> DerivedFinding | None:
    found: list[tuple[Quantity, Passage]] = []
    for item in derived.items:
        used = frozenset((p.doc_id, p.start, q.start) for q, p in found)
        hit = _named_figure(item, derived.unit or "count", passages, used)
        if hit is None:
            return None
        found.append(hit)
    return _totalfinding(derived, found)


def _check_total(derived: DerivedClaim, claim: str, passages: Sequence[Passage]) -> DerivedFinding | None:
    if derived.items:
        return _check_listed_total(derived, passages)
    owners = {m.group(1).lower() for m in re.finditer(r"\b(\w+)['’]s\b", claim)}  # "Corvid's": whose, not an operand
    # a run of capitalised words is one name ("the Supplier Finance Program": one thing, not three operands)
    runs = (" ".join(w for w in run.split() if w not in _NOT_NAMES and w.lower() not in MONTHS)
            for run in re.findall(r"\b[A-Z][\w-]*(?: [A-Z][\w-]*)*\b", claim[: derived.start]))
    names = [run.lower() for run in dict.fromkeys(runs) if run and run.lower() not in owners]
    if len(names) < 2:
        return None
    found: list[tuple[Quantity, Passage]] = []
    used: set[tuple[str, int, int]] = set()
    for name in names:
        hit = None
        named = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)  # a word of its own: not "as" in "has"
        for passage in sorted(passages, key=lambda p: not named.search(_row_label_text(read_passage(p)))):
            text = read_passage(passage)
            where = named.search(text)
            if where is None:
                continue
            at = where.start()
            candidates = [q for q in extract_quantities(text) if (q.unit or "count") == (derived.unit or "count")
                          and q.start >= at and (passage.doc_id, passage.start, q.start) not in used
                          and measures(derived.words, words_near(text, q))]
            if candidates:
                hit = (candidates[0], passage)
                used.add((passage.doc_id, passage.start, candidates[0].start))
                break
        if hit is None:
            return None
        found.append(hit)
    return _totalfinding(derived, found)


def _totalfinding(derived: DerivedClaim, found: list[tuple[Quantity, Passage]]) -> DerivedFinding:
    total = sum(q.value for q, _ in found)
    arithmetic = " + ".join(format_value(q.value, q.unit) for q, _ in found) + \
        f" = {format_value(total, found[0][0].unit)}"
    ranges = [value_range(q) for q, _ in found]
    return finding(derived, total, (sum(low for low, _ in ranges), sum(high for _, high in ranges)), tuple(found),
                    arithmetic)
