"""The cells of a pipe table, one at a time (index/tables.py reads the rows): splitting a row into cells, joining
the SEC style's "$" and "( 451,319 | )" cells, telling a figure from a header, writing a figure with its
table's scale and currency, and what a caption or column header says of its figures' scale and currency.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SCALE = re.compile(r"\bin\s+(thousands|millions|billions)\b", re.IGNORECASE)
_NUMBER_CELL = re.compile(r"^\(?\s*[-−–]?\s*[$€£¥]?\s*\(?\s*\d[\d,]*(?:\.\d+)?\s*%?\s*\)?$")
YEAR_CELL = re.compile(r"^(?:19|20)\d\d$")
DASH_CELL = re.compile(r"^[—–-]+$")


def scale_of(text: str) -> str | None:
    found = _SCALE.search(text)
    return {"thousands": "thousand", "millions": "million", "billions": "billion"}[found.group(1).lower()] \
        if found else None


# a currency a caption names for its figures; a code before an amount is the amount's ("USD 5 million", "USD 4.5",
# "USD 1,200"), not the table's unit ("USD 000", "Revenue, USD 2023 vs 2022" are)
_AMOUNT_AFTER = r"(?!\s*(?:\d[\d,]*\.\d|\d{1,3}(?:,\d{3})+|\d+\s*(?:million|billion|thousand|mn|bn|m|k)\b))"
_CAPTION_CURRENCY = re.compile(r"\b(?:in\s+(?:thousands|millions|billions)\s+of\s+(?P<of>(?:US\s+|U\.S\.\s+)?dollars|"
                               rf"euros|pounds|yen)|(?P<code>USD|EUR|GBP|JPY){_AMOUNT_AFTER})\b", re.IGNORECASE)
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


# what a paragraph right above a table says its figures are in: a sentence that opens by saying so and says no
# more of them ("Prices in USD per GPU-hour, Linux, …", "All amounts are in millions of euros."), not one that
# tells something of them ("Costs in USD rose 5%", "Prices in USD are listed on the providers' pages")
_STATED_UNITS = re.compile(r"(?:^|(?<=[.!?:]\s))(?:all\s+)?(?:prices|figures|amounts|values|costs|fees|charges)\s+"
                           r"(?:are\s+)?(?:(?:shown|given|quoted|stated|expressed)\s+)?(?:in|of)\s+"
                           r"(?:(?:thousands|millions|billions)\s+of\s+)?"
                           r"(?:US\s+dollars|U\.S\.\s+dollars|dollars|euros|pounds|yen|USD|EUR|GBP|JPY)\b"
                           r"(?=\s*(?:[,.;:)]|per\b|$))", re.IGNORECASE)


def stated_units(text: str) -> str:
    """The words of `text` (the prose right above a table) that say what its figures are in ("Prices in USD"),
    or "": a table's currency and scale when its caption gives none."""
    found = _STATED_UNITS.search(text)
    return found.group() if found else ""


def stated_currency(units: str) -> str:
    """The currency sign `stated_units` names ("Prices in USD" → "$"), or ""."""
    word = re.findall(r"[A-Za-z]+", units)[-1].lower() if units else ""
    return _CURRENCY_SIGNS.get(word, "")


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))  # zero-width cells of exported filings


def split_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.translate(_INVISIBLE).strip() for cell in inner.split("|")]


_FOOTNOTE_MARK = re.compile(r"[*†‡§]{1,3}")
_MONEY_CELL = re.compile(r"^\(?[$€£¥]\(?\d")


def merged_cells(cells: Sequence[str]) -> list[str]:
    """SEC-style cells joined: "$" with the figure after it, "( 451,319" with its ")", a lone "%" with the figure
    before it; empty cells dropped, and footnote marks ("*", "†") where every figure of the row is an amount of money
    with one (in an ownership or revenue-share table "*" is a value of its own: "less than 1%")."""
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
    marks = [i for i in range(1, len(out)) if _FOOTNOTE_MARK.fullmatch(out[i]) and _MONEY_CELL.match(out[i - 1])]
    if len(marks) >= 2 and len(marks) == sum(map(is_value, out)):  # "| $ | 4,815.96 | * | $ | 5,046.72 | * |"
        out = [cell for i, cell in enumerate(out) if i not in marks]
    joined = [" ".join(c.replace("( ", "(").replace(" )", ")").split()) for c in out]
    return [f"({c[0]}{c[2:]}" if len(c) > 2 and c[0] in "$€£¥" and c[1] == "(" else c for c in joined]


def is_value(cell: str) -> bool:
    return bool(_NUMBER_CELL.match(cell.replace(" ", ""))) or bool(DASH_CELL.match(cell))


def is_header(cells: Sequence[str]) -> bool:
    """A row of column headers: no figure other than years (and dates such as "February 29,")."""
    return bool(cells) and all(not is_value(c) or YEAR_CELL.match(c) for c in cells)


def value_text(cell: str, scale: str | None, currency: str = "") -> str:
    """A figure cell written for reading: "(451,319)" → "($451,319 thousand)" with the table's scale and (for a
    cell without one) the currency the table's other figures carry."""
    if DASH_CELL.match(cell):
        return "none"
    negative = cell.startswith("(") and cell.rstrip("%").endswith(")")
    core = cell.strip("()").strip()
    percent = core.endswith("%")
    core = core.rstrip("%").strip()
    currency = core[0] if core[:1] in {"$", "€", "£", "¥"} else "" if percent else currency
    number = core.lstrip("$€£¥").strip()
    written = f"{currency}{number}" + ("%" if percent else f" {scale}" if scale else "")
    return f"({written})" if negative else written


_HEADER_UNIT = re.compile(r"\(([^()]{1,20})\)\s*$")
_SCALE_WORDS = {"k": "thousand", "thousand": "thousand", "thousands": "thousand", "m": "million", "mn": "million",
                "million": "million", "millions": "million", "b": "billion", "bn": "billion", "billion": "billion",
                "billions": "billion"}


def header_unit(name: str) -> tuple[str, str | None, str] | None:
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
