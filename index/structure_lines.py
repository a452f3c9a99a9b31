"""What a line of a document is, for `index.structure`: a heading (Markdown `#`, setext underline), a list item
(and whether a line belongs to a list run), a date line or dated item, a table row; and the text of a line
without its markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.tables import Line
from service.text import Span

ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
LIST = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+•]|\d{1,3}[.)])[ \t]+(?=\S)")
TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_MARKUP = re.compile(r"[*_`#>]+")
_MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
           "september|october|november|december")
_DATE = (rf"(?:(?:19|20)\d\d-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?"
         rf"|(?:(?:\d{{1,2}}\s+)?(?:{_MONTHS})\.?(?:\s+\d{{1,2}},?)?\s+(?:19|20)\d\d)"
         rf"|(?:(?:Q[1-4]|H[12]|FY)\s*(?:19|20)\d\d)|(?:(?:fiscal|calendar)(?:\s+year)?\s+(?:19|20)\d\d)"
         rf"|(?:(?:19|20)\d\d))")
DATE_LINE = re.compile(rf"^\s*(?P<date>{_DATE})\s*[:.—–-]?\s*$", re.IGNORECASE)
DATED_ITEM = re.compile(rf"^(?P<date>{_DATE})\s*(?:[:—–]|-\s)\s*(?=\S)", re.IGNORECASE)
ITEM_LABEL = re.compile(r"^(?P<label>[^:.!?]{1,40}):\s+(?=\S)")


def lines_of(text: str) -> list[Line]:
    """The text's lines with their offsets (without the newline)."""
    lines, start = [], 0
    for piece in text.split("\n"):
        lines.append(Line(start, start + len(piece), piece))
        start += len(piece) + 1
    return lines


def clean(text: str) -> str:
    """A line's words without Markdown markup or the punctuation that closes a label ("**Q3 2024:**" → "Q3 2024")."""
    return " ".join(_MARKUP.sub(" ", text).split()).strip(" :—–-")


def in_list(lines: Sequence[Line], j: int) -> bool:
    """Line `j` belongs to the list run it follows: an item, an item's wrapped (indented) line, or a blank line
    between two items."""
    text = lines[j].text
    if text.strip():
        return bool(LIST.match(text)) or text[:1].isspace()
    return j + 1 < len(lines) and bool(LIST.match(lines[j + 1].text))


def prose_continues(prose: Sequence[Line]) -> bool:
    """A line directly under prose with a `---` below it is prose over a rule, not a setext heading, when the
    prose above it runs on (more than one line)."""
    return len(prose) > 1


def strip_span(text: str, start: int, end: int) -> Span:
    """`start:end` without the whitespace at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
