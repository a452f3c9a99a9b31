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
from functools import lru_cache

from service.domain import Passage
from service.figures import Quantity, extract_quantities


def _fact_pairs(reading: str) -> list[tuple[str, str]]:
    """(column name, value as the fact writes it) for a table row read as a fact; [] for a sentence."""
    fact = reading.rpartition(" — ")[2] if reading and " — " in reading else ""
    return [(name, value) for name, _, value in (pair.partition(": ") for pair in fact.split("; ")) if value]


def _digits(text: str) -> str:
    return re.sub(r"[^\d.]", "", text)


def _columns(pairs: Sequence[tuple[str, str]], figures: Sequence[Quantity]) -> list[tuple[str, str]]:
    """Each figure's (column name, value as the fact writes it), in order: the fact's values are taken left to
    right, each by the first figure with its digits (the same digits, else digits among others: "12,288" in
    "12,288 H100 GPUs"), so that a row's two "8"s are each their own column's."""
    out: list[tuple[str, str]] = []
    k = 0
    for figure in figures:
        digits = _digits(figure.text)
        ahead = range(k, len(pairs))
        at = next((i for i in ahead if digits and digits == _digits(pairs[i][1])), None) if digits else None
        at = at if at is not None else next((i for i in ahead if digits and digits in _digits(pairs[i][1])), None)
        out.append(pairs[at] if at is not None else ("", ""))
        k = at + 1 if at is not None else k
    return out


def column_name(passage: Passage, figure: Quantity) -> str:
    """The name of the column `figure` (a figure of `passage.text`) sits under, or ""."""
    return dict(_names_by_start(passage.text, passage.reading)).get(figure.start, "")


@lru_cache(maxsize=64)
def _names_by_start(text: str, reading: str) -> tuple[tuple[int, str], ...]:
    """Each figure of a row's start and its column's name, read once per row (`answers` asks figure by figure)."""
    figures = extract_quantities(text)
    pairs = _columns(_fact_pairs(reading), figures)
    return tuple((q.start, name) for q, (name, _) in zip(figures, pairs, strict=True))


def with_row_units(passage: Passage, figures: Sequence[Quantity]) -> list[Quantity]:
    """`figures` (read from the row as written), each bare one taking the unit, scale and value the fact gives
    its column ("2.65" under "Prices in USD …" is $2.65); a value the fact writes bare stays bare."""
    out = []
    for figure, (_, value) in zip(figures, _columns(_fact_pairs(passage.reading), figures), strict=True):
        found = extract_quantities(value) if value and not figure.unit else []
        stated = found[0] if len(found) == 1 and found[0].unit and found[0].unit != "count" else None
        out.append(replace(figure, value=stated.value, low=stated.low, high=stated.high, unit=stated.unit,
                           precision=stated.precision) if stated is not None else figure)
    return out
