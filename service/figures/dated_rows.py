"""Changes stated across two rows of one table whose rows are dated: a filing's compensation table ("Jay Kim Chief
Executive Officer — Year: 2023; Salary ($): $150,000; …; Total ($): $150,000" over the same officer's 2022 row) or
a table labelled by its years ("Year Ended December 31 2023 — Receipts From EMI: $1,237,548; …" over 2022's).
Each such row states one period; two rows of one document with the same caption, label and columns but for the
period, the nearest such, give each column's figures of both periods. Sentences too: two of one document that say
the same but for their period and their one figure ("As of February 28, 2023, the Company has an outstanding
payable to director of $68,630, …" and the same "As of February 28, 2022, … of $35,045, …"), read without their
context. `service.figures.derived_check` computes the change from them.

    row_changes(passages, period, base)   # [RowChange(column, new, old, new_row, old_row), …]
    column_named(claim, "Total ($)")      # whether the claim names that column
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.domain import Passage
from service.figures.change_pairs import just_before, levels, of_period, same_unit, year_ended
from service.figures.operand_words import read_passage
from service.figures.periods import Period, extract_periods
from service.figures.quantities import Quantity

_CELL = re.compile(r"[^;]+")


@dataclass(frozen=True)
class DatedRow:
    """A table row read as a fact, or a sentence, that states one period: its passage, text as read, period, what
    it is without the period (the label, then the column names; a sentence's words) and each column's figure."""

    passage: Passage
    text: str
    period: Period
    key: tuple[str, ...]
    figures: dict[str, Quantity]


@dataclass(frozen=True)
class RowChange:
    column: str
    new: Quantity
    old: Quantity
    new_row: DatedRow
    old_row: DatedRow


def dated_row(passage: Passage, rates: bool = False) -> DatedRow | None:
    """The passage as a dated row: a table row that states one period, or a sentence (without its context) that
    states one period and one figure (its "column" is ""); None for any other. `rates`: percentages are figures
    too (`levels`)."""
    sentence = passage.as_read.endswith(passage.text)  # prose, maybe with its context before it
    text = passage.text if sentence else read_passage(passage)
    first_cell = text.find(";")
    dash = -1 if sentence else text.rfind(" — ", 0, first_cell if first_cell >= 0 else len(text))
    periods = {(p.first_day, p.last_day): p for p in (year_ended(text, p) for p in extract_periods(text))}
    if len(periods) != 1 or (not sentence and (dash < 0 or "\n" in text[dash:])):
        return None
    period = next(iter(periods.values()))
    figures = levels(text, rates)
    if sentence:  # alike another sentence but for its period and its one figure
        if len(figures) != 1 or (figures[0].start < period.end and period.start < figures[0].end):
            return None
        (a, b), (c, d) = sorted([(period.start, period.end), (figures[0].start, figures[0].end)])
        return DatedRow(passage, text, period, (_plain(f"{text[:a]} … {text[b:c]} … {text[d:]}"),), {"": figures[0]})
    label = text[:dash]  # the caption, section and row label: "… › Jay Kim Chief Executive Officer"
    if period.start < dash:  # "Year Ended December 31 2023 — …": the label without its period
        label = text[:period.start] + text[period.end:dash]
    names: list[str] = []
    by_name: dict[str, Quantity] = {}
    for cell in _CELL.finditer(text, dash + 3):
        if cell.start() <= period.start < cell.end():
            continue  # "Year: 2023" is the row's period, not one of its figures
        name = cell.group().rpartition(": ")[0].strip()
        names.append(name)
        inside = [q for q in figures if cell.start() <= q.start < cell.end()]
        if name and len(inside) == 1:
            by_name[name] = inside[0]
    for name in {name for name in names if names.count(name) > 1}:
        by_name.pop(name, None)  # "Fees ($): …; Fees ($): …": which column is which cannot be told by name
    return DatedRow(passage, text, period, (_plain(label), *names), by_name)


def _plain(text: str) -> str:
    return " ".join(text.split()).lower()


def column_named(claim: str, column: str) -> bool:
    """Whether the claim says every word of the column's name ("Total ($)" for "the total compensation", not
    "All other Compensation ($)"): a row's columns share its label, so only its column's own name tells which
    of its figures the claim means."""
    named = _words(column)
    return bool(named) and named <= _words(claim)


def _words(text: str) -> set[str]:
    return {word.lower().removesuffix("s") for word in re.findall(r"[A-Za-z]+", text)}


def row_changes(passages: Sequence[Passage], period: Period | None, base: Period | None,
                rates: bool = False) -> list[RowChange]:
    """The (new, old) figure pairs of each column of two dated rows of one document that differ only by their
    period: the new row's of the claim's `period`, the old row's of `base` (or of the period just before), the
    one nearest it in the document (within `_NEAR` characters: rows of one table, not of another alike)."""
    if period is None:
        return []
    rows = [row for row in (dated_row(p, rates) for p in passages) if row is not None]
    current = [row for row in rows if of_period(period, row.period)]
    before = [row for row in rows
              if (of_period(base, row.period) if base is not None else just_before(row.period, period))]
    changes = []
    for new in current:
        alike = sorted((abs(old.passage.start - new.passage.start), id(old), old) for old in before
                       if old.passage.doc_id == new.passage.doc_id and old.key == new.key
                       and (old.period.first_day, old.period.last_day) != (new.period.first_day, new.period.last_day))
        if not alike or alike[0][0] > _NEAR or (len(alike) > 1 and alike[1][0] == alike[0][0]):
            continue  # none near, or two as near: which one is this row's cannot be told
        old = alike[0][2]
        changes += [RowChange(name, figure, old.figures[name], new, old) for name, figure in new.figures.items()
                    if name in old.figures and same_unit(figure, old.figures[name], rates)]
    return changes


_NEAR = 3000  # characters between two rows of one table at most
