"""A table row's figures as its table gives them: a row is quoted as written ("| Oxwick Compute | 8 | 2.65 |") but
read as a fact, its column names and its table's currency and scale written in ("Oxwick Compute — GPUs per
instance: 8; On-demand: $2.65", index/tables.py). `answers` takes each figure's column and unit from that fact.

    column_name(passage, figure)          # "On-demand": the column the figure sits under, "" outside a table row
    with_row_units(passage, figures)      # the row's bare "2.65" as the fact's "$2.65" (value, unit, scale)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from service.domain import Passage
from service.figures import Quantity, extract_quantities


def _fact_pairs(passage: Passage) -> list[tuple[str, str]]:
    """(column name, value as the fact writes it) for a table row read as a fact; [] for a sentence."""
    fact = passage.reading.rpartition(" — ")[2] if passage.reading and " — " in passage.reading else ""
    return [(name, value) for name, _, value in (pair.partition(": ") for pair in fact.split("; ")) if value]


def _digits(text: str) -> str:
    return re.sub(r"[^\d.]", "", text)


def column_name(passage: Passage, figure: Quantity) -> str:
    """The name of the column `figure` sits under (found by its digits among the fact's values), or ""."""
    digits = _digits(figure.text)
    return next((name for name, value in _fact_pairs(passage) if digits and digits in _digits(value)), "")


def with_row_units(passage: Passage, figures: Sequence[Quantity]) -> list[Quantity]:
    """`figures` (read from the row as written), each bare one taking the unit, scale and value the fact gives
    the same digits ("2.65" under "Prices in USD …" is $2.65); digits the fact writes with two units stay bare."""
    given: dict[str, Quantity | None] = {}
    for _, value in _fact_pairs(passage):
        found = extract_quantities(value)
        if len(found) == 1 and found[0].unit and found[0].unit != "count":
            digits = _digits(found[0].text)
            seen = given.get(digits, found[0])
            given[digits] = found[0] if seen is not None and seen.unit == found[0].unit else None
    out = []
    for figure in figures:
        stated = given.get(_digits(figure.text)) if not figure.unit else None
        out.append(replace(figure, value=stated.value, low=stated.low, high=stated.high, unit=stated.unit,
                           precision=stated.precision) if stated is not None else figure)
    return out
