"""Tables read as facts (index/structure.py finds them): each body row of a Markdown or SEC-style pipe table
becomes "caption › section › label — column: value; …", its figures written with the table's scale and
currency ("$5,693 million"), its column names built from header rows that may span several columns or rows
("Three Months Ended" over "September 30," over "2025"). The cells themselves are index/table_cells.py's.

What is recognised: a Markdown header above the last rule line before the first row with figures (a row whose
only cell is its first, such as an HTML caption, joins the caption; an empty first header cell still stands for
the label column); the leading rows of an SEC table that hold no figure but years, one-cell rows among them
spanning every column ("Years Ended December 31," over "2023 | 2022") and rows of empty cells skipped; "$" and
"( 451,319 | )" cells of their own; "(In thousands)" / "In millions" in the caption or headers; "(MW)",
"($ millions)" or "(%)" at the end of a column name; section rows of one cell, closed by a "Total" row; rows
that count shares, GPUs or people get no currency or scale. Filings export the tables of one statement as one
block: a row of empty cells after figures, followed by header rows, starts the next table. A table with no
figures keeps every row but its first as a fact. A table wider than `MAX_TABLE_COLUMNS` is read row by row,
its cells joined.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from index.table_cells import (
    YEAR_CELL,
    currency_of,
    header_unit,
    is_header,
    is_value,
    merged_cells,
    scale_of,
    split_cells,
    stated_currency,
    value_text,
)
from service.text import TIME_WORDS

MAX_TABLE_COLUMNS = 64  # wider tables are read as text, cell by cell
TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_NOT_MONEY = re.compile(r"\b(?:shares?|units?|employees|headcount|staff|people|users|customers|subscribers|stores|"
                        r"locations|sites|facilities|gpus?|chips|accelerators|servers|nodes|ratio|"
                        r"percent(?:age)?|margin|days|months|years|number|count)\b",
                        re.IGNORECASE)  # rows whose figures are not money


@dataclass(frozen=True)
class Line:
    start: int
    end: int  # without the line break
    text: str


@dataclass
class Table:
    rows: list[Line]
    caption: str
    scale: str | None
    section_of: dict[int, str] = field(default_factory=dict)  # row start → the section row above it
    units: str = ""  # what the prose right above says the figures are in ("Prices in USD"): see `stated_units`
    facts: dict[int, str] = field(default_factory=dict)  # row start → the row read as a fact


def read_table(table: Table, lines: Sequence[Line], text: str) -> None:
    """Each body row of `table` read as a fact (`table.facts`), with its section row and column headers. A row
    of empty cells after a row with figures ends one table and starts the next, with its own headers (filings
    export the tables of one statement as one block)."""
    marked = [(line, bool(TABLE_RULE.match(line.text))) for line in lines]
    rows = [(line, merged_cells(split_cells(line.text))) for line, rule in marked if not rule]
    if any(len(cells) > MAX_TABLE_COLUMNS for _, cells in rows):
        for line, cells in rows:
            table.facts[line.start] = "; ".join(cells[:MAX_TABLE_COLUMNS])
        return
    caption, scale = table.caption, table.scale
    for part in _parts(marked, rows):
        table.caption, table.scale = caption, scale
        _read_part(table, *part)
    table.caption = caption


_Rows = Sequence[tuple[Line, list[str]]]


def _parts(marked: Sequence[tuple[Line, bool]], rows: _Rows) -> list[tuple[list[tuple[Line, bool]], _Rows]]:
    """The tables of one block, each with its lines and rows: split at each row of empty cells that follows a
    row with figures and comes before header rows of their own (an empty row between body rows is a spacer)."""
    bounds, start, figures = [], 0, False
    for i, (_, cells) in enumerate(rows):
        if not cells and figures and _headers_follow(rows, i + 1):
            bounds.append((start, i))
            start, figures = i + 1, False
        figures = figures or _has_figures(cells)
    bounds.append((start, len(rows)))
    spans = [(rows[first][0].start, rows[stop - 1][0].start, first, stop) for first, stop in bounds if first < stop]
    lines: list[list[tuple[Line, bool]]] = [[] for _ in spans]
    k = 0
    for line, rule in marked:  # one pass: each line goes to the part whose rows span it
        while k < len(spans) - 1 and line.start > spans[k][1]:
            k += 1
        if spans and spans[k][0] <= line.start <= spans[k][1]:
            lines[k].append((line, rule))
    return [(lines[k], rows[first:stop]) for k, (_, _, first, stop) in enumerate(spans)]


def _year_labels(headers: Sequence[Sequence[str]], body: _Rows) -> bool:
    """Whether an SEC table's rows are labelled by their years ("Year Ended December 31 | Receipts From EMI | …"
    over "2023 | $1,237,548 | …"): two rows or more open with a year and hold figures, or one does and a header
    row names its label column as one of times ("Twelve months ending February 28," over "2024 | $ | 872,272")."""
    dated = [cells for _, cells in body if len(cells) > 1 and YEAR_CELL.match(cells[0]) and _has_figures(cells)]
    return len(dated) >= 2 or (len(dated) == 1 and any(len(h) == len(dated[0]) and TIME_WORDS.search(h[0])
                                                       for h in headers))


def _has_figures(cells: Sequence[str]) -> bool:
    return any(is_value(c) and not YEAR_CELL.match(c) for c in cells[1:])


def _headers_follow(rows: _Rows, start: int) -> bool:
    """Whether the rows from `start` open with column headers: up to the next row with figures, no figure but
    years, and a row of several cells among them."""
    for _, cells in rows[start:]:
        if _has_figures(cells) or (not is_header(cells) and cells):
            return False
        if len(cells) > 1:
            return True
    return False


def _read_part(table: Table, marked: Sequence[tuple[Line, bool]], rows: _Rows) -> None:
    headers, body_from, markdown = _header_rows(table, marked, rows)
    table.scale = table.scale or scale_of(table.caption) or scale_of(" ".join(c for h in headers for c in h)) \
        or scale_of(table.units)
    body = rows[body_from:]
    years = not markdown and _year_labels(headers, body)
    widths = [len(cells) - 1 for _, cells in body
              if len(cells) > 1 and (markdown or not is_value(cells[0]) or (years and YEAR_CELL.match(cells[0])))]
    shape = _Shape(values=max(set(widths), key=widths.count) if widths else 0, markdown=markdown, years=years)
    shape.columns = _columns(headers, shape.values, markdown=markdown, dated=_dated_column(headers, body, shape.values))
    shape.money = _money_columns(body, shape.values, markdown, years)
    sign = currency_of(table.caption) or stated_currency(table.units)
    if sign and not shape.money:
        # "Amounts in millions of US dollars" (its caption) or "Prices in USD per GPU-hour, …" (the paragraph
        # above): its value columns are money, but not those that count ("GPUs per instance") or give a unit of
        # their own ("Power (MW)")
        named = len(shape.columns) == shape.values
        shape.money = {j: sign for j in range(shape.values)
                       if not named or not (_NOT_MONEY.search(shape.columns[j]) or header_unit(shape.columns[j]))}
    shape.label_header = headers[-1][0] if (markdown or years) and headers and len(headers[-1]) == shape.values + 1 \
        else ""
    section = ""
    for line, cells in body:
        if not cells:
            continue
        if len(cells) == 1 and not is_value(cells[0]):
            section = table.facts[line.start] = cells[0].rstrip(":")
            continue
        label, fact = _row_fact(cells, shape, table.scale)
        head = " › ".join(part for part in (table.caption, section, label) if part)
        table.facts[line.start] = f"{head} — {fact}" if head else fact
        if label.lower().startswith("total"):
            section = ""  # a section's total closes it


@dataclass
class _Shape:
    """How a table's body rows are read: value columns, their names, which hold money, the label column's name."""

    values: int
    markdown: bool
    years: bool = False  # an SEC table whose rows are labelled by their years ("| 2023 | $1,237,548 | …")
    columns: list[str] = field(default_factory=list)
    money: dict[int, str] = field(default_factory=dict)
    label_header: str = ""


def _header_rows(table: Table, marked: Sequence[tuple[Line, bool]], rows: Sequence[tuple[Line, list[str]]]
                 ) -> tuple[list[list[str]], int, bool]:
    """(column header rows, the first body row, Markdown?). In a Markdown table, the rows above its last rule line
    before the first row with figures (a row whose only cell is its first, such as an HTML caption, joins the
    caption), each with its label-column cell first even when that cell is empty; in an SEC-style table (no rule
    lines), the leading rows that hold no figure but years: one-cell rows among them span every column ("Years
    Ended December 31," over "2023 | 2022"), rows of empty cells are skipped, and one-cell rows after the last
    row of several cells are the body's first section, not headers. A table with no figures has one header row
    at most: its other rows are its facts."""
    first_data = next((i for i, (_, cells) in enumerate(rows) if _has_figures(cells)), len(rows))
    rules = [line.start for line, rule in marked
             if rule and (first_data == len(rows) or line.start < rows[first_data][0].start)]
    headers: list[list[str]] = []
    body_from = 0
    if rules:
        for line, cells in rows:
            if line.start > rules[-1]:
                break
            body_from += 1
            raw = split_cells(line.text)
            if len(cells) == 1 and raw[0] == cells[0]:
                table.caption = " ".join(part for part in (table.caption, cells[0]) if part)
            elif cells:
                headers.append([raw[0], *merged_cells(raw[1:])])
        return headers, body_from, True
    scanned, last = 0, first_data if first_data < len(rows) else min(1, len(rows))  # no figures: one header row
    while scanned < last and (not rows[scanned][1] or is_header(rows[scanned][1])):
        scanned += 1
        if len(rows[scanned - 1][1]) > 1:
            body_from = scanned  # up to the last row of several cells; one-cell rows after it are sections
    headers = [cells for _, cells in rows[:body_from] if cells]
    return headers, body_from, False


def _row_fact(cells: Sequence[str], shape: _Shape, scale: str | None) -> tuple[str, str]:
    """(the row's label, its values named by column): money columns get the table's currency and scale; rows
    that count something other than money (shares, GPUs, employees) get neither."""
    labelled = shape.markdown or not is_value(cells[0]) or (shape.years and YEAR_CELL.match(cells[0]))
    label, figures = (cells[0], list(cells[1:])) if labelled else ("", list(cells))
    aligned = len(figures) == shape.values
    counted = bool(_NOT_MONEY.search(label))
    written = []
    for j, value in enumerate(figures):
        currency = shape.money.get(j, "") if aligned and not counted else ""
        scaled = None if counted else scale if not shape.money or (aligned and j in shape.money) else None
        unit = header_unit(shape.columns[j]) if aligned and len(shape.columns) == len(figures) else None
        name = shape.columns[j] if aligned and len(shape.columns) == len(figures) else ""
        if unit and is_value(value):
            currency, scaled, suffix = unit
            written.append(value_text(value, scaled, currency) + suffix)
        elif _COUNTED_CELL.match(value) and _COUNT_NOUN.match(name) and j not in shape.money \
                and not _MONEY_WORDS.search(name):  # "GPUs: 12,288 H100" → "GPUs: 12,288 H100 GPUs"
            written.append(f"{value} {name}")
        else:
            written.append(value_text(value, scaled, currency) if is_value(value) else value)
    if shape.columns and len(shape.columns) == len(figures):
        written = [f"{name}: {value}" if name else value for name, value in zip(shape.columns, written, strict=True)]
    named = f"{shape.label_header} {label}" if shape.label_header and is_value(label) else label  # "Year 2023"
    return named, "; ".join(written)


_COUNTED_CELL = re.compile(r"^\d[\d,]*(?:\s+[A-Za-z]*\d[A-Za-z0-9-]*)?$")  # a count, maybe with a kind ("H100")
_COUNT_NOUN = re.compile(r"^[A-Za-z][A-Za-z -]{0,23}s$")  # a column named by the things it counts ("GPUs")
_MONEY_WORDS = re.compile(r"\b(?:revenues?|sales|costs?|expenses?|income|profits?|losses|assets|liabilities|"
                          r"earnings|prices?|fees|payments|proceeds|dollars|euros)\b", re.IGNORECASE)
def _money_columns(body: Sequence[tuple[Line, list[str]]], values: int, markdown: bool,
                   years: bool) -> dict[int, str]:
    """The value columns in which some row writes a currency sign (SEC tables write "$" on a column's first row
    and its totals only), each with its sign. `years`: rows labelled by their years (`_year_labels`)."""
    found: dict[int, str] = {}
    for _, cells in body:
        labelled = cells and (not is_value(cells[0]) or (years and YEAR_CELL.match(cells[0])))
        figures = cells[1:] if markdown or labelled else cells
        if len(figures) != values:
            continue
        for j, cell in enumerate(figures):
            sign = cell.lstrip("(")[:1]
            if is_value(cell) and sign in {"$", "€", "£", "¥"}:
                found.setdefault(j, sign)
    return found


def _dated_column(headers: Sequence[Sequence[str]], body: _Rows, values: int) -> bool:
    """Whether the first value column holds each row's year ("| Jay Kim, CEO | 2023 | 150,000 | … |"): a header
    row names it "Year" ("Grant year" is a value, not the row's period), and two rows or more and most of the rows
    with every value hold a year there."""
    if not any(len(row) == values + 1 > 2 and _YEAR_HEADER.fullmatch(row[1].strip()) for row in headers):
        return False
    full = [cells for _, cells in body if len(cells) == values + 1 > 2]
    dated = sum(bool(YEAR_CELL.match(cells[1])) for cells in full)
    return dated >= 2 and 2 * dated > len(full)


_YEAR_HEADER = re.compile(r"(?:fiscal\s+)?year", re.IGNORECASE)


def _columns(headers: Sequence[Sequence[str]], values: int, *, markdown: bool, dated: bool = False) -> list[str]:
    """One name per value column from the header rows: a row of k cells over n columns spans n/k each; a row
    with one cell more than the columns names the label column first (left out); `dated` (the first value column
    holds years, `_dated_column`): a row with one cell fewer names the columns after it, as filings' compensation
    tables write "Salary | Bonus | … | Total" over "Name and principal position | Year | ($) | …"."""
    if not headers or values <= 0:
        return []
    names = [""] * values
    for row in headers:
        cells = list(row)
        if markdown or len(cells) == values + 1:
            cells = cells[1:]
        if len(cells) == values:
            spread = cells
        elif cells and values % len(cells) == 0:
            spread = [c for c in cells for _ in range(values // len(cells))]
        elif dated and len(cells) == values - 1 >= 2:
            spread = ["", *cells]  # "Salary | … | Total" names the columns after the year's
        else:
            continue
        names = [" ".join(part for part in (name, cell) if part) for name, cell in zip(names, spread, strict=True)]
    return [name.strip() for name in names]
