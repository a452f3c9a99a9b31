"""Tables read as facts (index/structure.py finds them): each body row of a Markdown or SEC-style pipe table
becomes "caption › section › label — column: value; …", its figures written with the table's scale and
currency ("$5,693 million"), its column names built from header rows that may span several columns or rows
("Three Months Ended" over "September 30," over "2025").

What is recognised: a Markdown header above the last rule line before the first row with figures (a one-cell
row there, such as an HTML caption, joins the caption); the leading rows of an SEC table that hold no figure but
years; "$" and "( 451,319 | )" cells of their own; "(In thousands)" / "In millions" in the caption or headers;
"(MW)", "($ millions)" or "(%)" at the end of a column name; section rows of one cell, closed by a "Total" row;
rows that count shares, GPUs or people get no currency or scale. A table wider than `MAX_TABLE_COLUMNS` is read
row by row, its cells joined.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_TABLE_COLUMNS = 64  # wider tables are read as text, cell by cell
TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_SCALE = re.compile(r"\bin\s+(thousands|millions|billions)\b", re.IGNORECASE)
_NUMBER_CELL = re.compile(r"^\(?\s*[-−–]?\s*[$€£¥]?\s*\(?\s*\d[\d,]*(?:\.\d+)?\s*%?\s*\)?$")
_YEAR_CELL = re.compile(r"^(?:19|20)\d\d$")
_DASH_CELL = re.compile(r"^[—–-]+$")
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
    facts: dict[int, str] = field(default_factory=dict)  # row start → the row read as a fact


def scale_of(text: str) -> str | None:
    found = _SCALE.search(text)
    return {"thousands": "thousand", "millions": "million", "billions": "billion"}[found.group(1).lower()] \
        if found else None


_CAPTION_CURRENCY = re.compile(r"\b(?:in\s+(?:thousands|millions|billions)\s+of\s+(?P<of>(?:US\s+|U\.S\.\s+)?dollars|"
                               r"euros|pounds|yen)|(?P<code>USD|EUR|GBP|JPY))\b", re.IGNORECASE)
_CURRENCY_SIGNS = {"dollars": "$", "usd": "$", "euros": "€", "eur": "€", "pounds": "£", "gbp": "£", "yen": "¥",
                   "jpy": "¥"}


def currency_of(text: str) -> str:
    """The currency sign a caption gives every figure of its table ("Amounts in millions of US dollars" → "$"),
    or ""."""
    found = _CAPTION_CURRENCY.search(text)
    if not found:
        return ""
    word = (found.group("of") or found.group("code")).split()[-1].lower()
    return _CURRENCY_SIGNS.get(word, "")


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))  # zero-width cells of exported filings


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.translate(_INVISIBLE).strip() for cell in inner.split("|")]


def _merged(cells: Sequence[str]) -> list[str]:
    """SEC-style cells joined: "$" with the figure after it, "( 451,319" with its ")", a lone "%" with the figure
    before it; empty cells dropped."""
    out: list[str] = []
    pending = ""
    for cell in cells:
        if cell in {"$", "€", "£", "¥"}:
            pending += cell
            continue
        if cell in {")", "%", ")%", "%)"} and out:
            out[-1] += cell
            continue
        if cell:
            out.append(pending + cell)
        pending = ""
    joined = [" ".join(c.replace("( ", "(").replace(" )", ")").split()) for c in out]
    return [f"({c[0]}{c[2:]}" if len(c) > 2 and c[0] in "$€£¥" and c[1] == "(" else c for c in joined]


def _is_value(cell: str) -> bool:
    return bool(_NUMBER_CELL.match(cell.replace(" ", ""))) or bool(_DASH_CELL.match(cell))


def _is_header(cells: Sequence[str]) -> bool:
    """A row of column headers: no figure other than years (and dates such as "February 29,")."""
    return bool(cells) and all(not _is_value(c) or _YEAR_CELL.match(c) for c in cells)


def _value_text(cell: str, scale: str | None, currency: str = "") -> str:
    """A figure cell written for reading: "(451,319)" → "($451,319 thousand)" with the table's scale and (for a
    cell without one) the currency the table's other figures carry."""
    if _DASH_CELL.match(cell):
        return "none"
    negative = cell.startswith("(") and cell.rstrip("%").endswith(")")
    core = cell.strip("()").strip()
    percent = core.endswith("%")
    core = core.rstrip("%").strip()
    currency = core[0] if core[:1] in {"$", "€", "£", "¥"} else "" if percent else currency
    number = core.lstrip("$€£¥").strip()
    written = f"{currency}{number}" + ("%" if percent else f" {scale}" if scale else "")
    return f"({written})" if negative else written


def read_table(table: Table, lines: Sequence[Line], text: str) -> None:
    """Each body row of `table` read as a fact (`table.facts`), with its section row and column headers."""
    marked = [(line, bool(TABLE_RULE.match(line.text))) for line in lines]
    rows = [(line, _merged(_cells(line.text))) for line, rule in marked if not rule]
    if any(len(cells) > MAX_TABLE_COLUMNS for _, cells in rows):
        for line, cells in rows:
            table.facts[line.start] = "; ".join(cells[:MAX_TABLE_COLUMNS])
        return
    headers, body_from, markdown = _header_rows(table, marked, rows)
    table.scale = table.scale or scale_of(table.caption) or scale_of(" ".join(c for h in headers for c in h))
    body = rows[body_from:]
    widths = [len(cells) - 1 for _, cells in body if len(cells) > 1 and (markdown or not _is_value(cells[0]))]
    shape = _Shape(values=max(set(widths), key=widths.count) if widths else 0, markdown=markdown)
    shape.columns = _columns(headers, shape.values, markdown=markdown)
    shape.money = _money_columns(body, shape.values, markdown)
    sign = currency_of(table.caption)
    if sign and not shape.money:  # "Amounts in millions of US dollars": every value column is money
        shape.money = dict.fromkeys(range(shape.values), sign)
    shape.label_header = headers[-1][0] if markdown and headers and len(headers[-1]) == shape.values + 1 else ""
    section = ""
    for line, cells in body:
        if not cells:
            continue
        if len(cells) == 1 and not _is_value(cells[0]):
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
    columns: list[str] = field(default_factory=list)
    money: dict[int, str] = field(default_factory=dict)
    label_header: str = ""


def _header_rows(table: Table, marked: Sequence[tuple[Line, bool]], rows: Sequence[tuple[Line, list[str]]]
                 ) -> tuple[list[list[str]], int, bool]:
    """(column header rows, the first body row, Markdown?). In a Markdown table, the rows above its last rule line
    before the first row with figures (a one-cell row there, such as an HTML caption, joins the caption); in an
    SEC-style table (no rule lines), the leading rows of two or more cells that hold no figure but years."""
    first_data = next((i for i, (_, cells) in enumerate(rows)
                       if any(_is_value(c) and not _YEAR_CELL.match(c) for c in cells[1:])), len(rows))
    rules = [line.start for line, rule in marked
             if rule and (first_data == len(rows) or line.start < rows[first_data][0].start)]
    headers: list[list[str]] = []
    body_from = 0
    if rules:
        for line, cells in rows:
            if line.start > rules[-1]:
                break
            body_from += 1
            if len(cells) == 1:
                table.caption = " ".join(part for part in (table.caption, cells[0]) if part)
            elif cells:
                headers.append(cells)
        return headers, body_from, True
    while body_from < first_data and _is_header(rows[body_from][1]) and len(rows[body_from][1]) > 1:
        headers.append(rows[body_from][1])
        body_from += 1
    return headers, body_from, False


def _row_fact(cells: Sequence[str], shape: _Shape, scale: str | None) -> tuple[str, str]:
    """(the row's label, its values named by column): money columns get the table's currency and scale; rows
    that count something other than money (shares, GPUs, employees) get neither."""
    label, figures = (cells[0], list(cells[1:])) if shape.markdown or not _is_value(cells[0]) else ("", list(cells))
    aligned = len(figures) == shape.values
    counted = bool(_NOT_MONEY.search(label))
    written = []
    for j, value in enumerate(figures):
        currency = shape.money.get(j, "") if aligned and not counted else ""
        scaled = None if counted else scale if not shape.money or (aligned and j in shape.money) else None
        unit = _header_unit(shape.columns[j]) if aligned and len(shape.columns) == len(figures) else None
        name = shape.columns[j] if aligned and len(shape.columns) == len(figures) else ""
        if unit and _is_value(value):
            currency, scaled, suffix = unit
            written.append(_value_text(value, scaled, currency) + suffix)
        elif _COUNTED_CELL.match(value) and _COUNT_NOUN.match(name) and j not in shape.money \
                and not _MONEY_WORDS.search(name):  # "GPUs: 12,288 H100" → "GPUs: 12,288 H100 GPUs"
            written.append(f"{value} {name}")
        else:
            written.append(_value_text(value, scaled, currency) if _is_value(value) else value)
    if shape.columns and len(shape.columns) == len(figures):
        written = [f"{name}: {value}" if name else value for name, value in zip(shape.columns, written, strict=True)]
    named = f"{shape.label_header} {label}" if shape.label_header and _is_value(label) else label  # "Year 2023"
    return named, "; ".join(written)


_COUNTED_CELL = re.compile(r"^\d[\d,]*(?:\s+[A-Za-z]*\d[A-Za-z0-9-]*)?$")  # a count, maybe with a kind ("H100")
_COUNT_NOUN = re.compile(r"^[A-Za-z][A-Za-z -]{0,23}s$")  # a column named by the things it counts ("GPUs")
_MONEY_WORDS = re.compile(r"\b(?:revenues?|sales|costs?|expenses?|income|profits?|losses|assets|liabilities|"
                          r"earnings|prices?|fees|payments|proceeds|dollars|euros)\b", re.IGNORECASE)
_HEADER_UNIT = re.compile(r"\(([^()]{1,20})\)\s*$")
_SCALE_WORDS = {"k": "thousand", "thousand": "thousand", "thousands": "thousand", "m": "million", "mn": "million",
                "million": "million", "millions": "million", "b": "billion", "bn": "billion", "billion": "billion",
                "billions": "billion"}


def _header_unit(name: str) -> tuple[str, str | None, str] | None:
    """What a column header's trailing "(…)" says of its figures: (currency, scale, unit suffix), e.g.
    "Power (MW)" → ("", None, " MW"), "Revenue ($ millions)" → ("$", "million", ""), "Share (%)" → ("", None,
    "%"); None without one."""
    found = _HEADER_UNIT.search(name)
    if not found:
        return None
    inside = found.group(1).strip()
    words = re.findall(r"[A-Za-z]+", inside.lower())
    sign = next((c for c in inside if c in "$€£¥"), "") or {"usd": "$", "eur": "€", "gbp": "£"}.get(
        next((w for w in words if w in {"usd", "eur", "gbp"}), ""), "")
    scale = next((_SCALE_WORDS[w] for w in words if w in _SCALE_WORDS), None)
    if sign or scale:
        return sign, scale, ""
    if inside == "%":
        return "", None, "%"
    return ("", None, f" {inside}") if len(words) == 1 and len(inside) <= 8 else None


def _money_columns(body: Sequence[tuple[Line, list[str]]], values: int, markdown: bool) -> dict[int, str]:
    """The value columns in which some row writes a currency sign (SEC tables write "$" on a column's first row
    and its totals only), each with its sign."""
    found: dict[int, str] = {}
    for _, cells in body:
        figures = cells[1:] if markdown or (cells and not _is_value(cells[0])) else cells
        if len(figures) != values:
            continue
        for j, cell in enumerate(figures):
            sign = cell.lstrip("(")[:1]
            if _is_value(cell) and sign in {"$", "€", "£", "¥"}:
                found.setdefault(j, sign)
    return found


def _columns(headers: Sequence[Sequence[str]], values: int, *, markdown: bool) -> list[str]:
    """One name per value column from the header rows: a row of k cells over n columns spans n/k each; a row
    with one cell more than the columns names the label column first (left out)."""
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
        else:
            continue
        names = [" ".join(part for part in (name, cell) if part) for name, cell in zip(names, spread, strict=True)]
    return [name.strip() for name in names]
