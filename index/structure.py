"""A document's structure, read from its text: headings, date lines, lists and tables, so that every sentence
(or table row) can be read with what its author put around it.

    outline = Outline.of(text)          # line-based: cheap enough to rebuild whenever a snapshot loads
    outline.units()                     # the citable units in order: sentences, list items' sentences, table rows
    outline.context_at(start)           # "2025-03 · Timeline": the heading path, date line and list item above
    outline.reading(start, end)         # what models read: "[2025-03 · Timeline] Orison switches on …", or a
                                        # table row as a fact ("Cash and cash equivalents — February 29, 2024:
                                        # $33,665 thousand; …")

The text is never changed: a unit is a span `text[start:end]` (what a citation quotes); its context and its
reading are derived from the lines around it. What is recognised, line by line:
- headings: Markdown `#`…`######`, setext underlines (`===`, `---`); a heading ends the date line above it;
- date lines: a line that is only a date or period ("2025-03", "March 2025", "Q3 2024:", "**2024**"), and a
  list item that opens with one ("- 2025-03: Orison switches on …"): the date of what follows, until the
  next date line or heading (an item's date: until the item ends);
- list items (`-`, `*`, `+`, `•`, `1.`, `1)`): each item's sentences are units of their own; a sentence after
  an item's first keeps the item's label ("Kestrel: …") or opening words;
- tables: runs of `| … |` lines (Markdown tables, and the SEC filings' style where "$" and "( 451,319 | )"
  take cells of their own and period headers span several rows): each data row is a unit, read as a fact with
  its caption, section row and column headers, its values with the table's scale ("In millions",
  "(in thousands)") written in ("$5,693 million") (index/tables.py).
Everything else is prose, split into sentences by `service.text.split_sentences` (pysbd). A table that cannot
be made sense of (ragged rows, no header that fits) is still read row by row, its cells joined with "; ".
Time and memory are linear in the text's length.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from index.tables import TABLE_RULE, Line, Table, read_table, scale_of
from service.text import SENTENCE_BREAK, Span, split_sentences

MAX_CONTEXT_CHARS = 160  # a context longer than this is cut (an over-long heading or caption)
_CAPTION_LINE = 80  # prose lines right above a table caption it when this short (or when the last ends with ":")
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_LIST = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+•]|\d{1,3}[.)])[ \t]+(?=\S)")
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_MARKUP = re.compile(r"[*_`#>]+")
_MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|"
           "september|october|november|december")
_DATE = (rf"(?:(?:19|20)\d\d-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?"
         rf"|(?:(?:\d{{1,2}}\s+)?(?:{_MONTHS})\.?(?:\s+\d{{1,2}},?)?\s+(?:19|20)\d\d)"
         rf"|(?:(?:Q[1-4]|H[12]|FY)\s*(?:19|20)\d\d)|(?:(?:fiscal|calendar)(?:\s+year)?\s+(?:19|20)\d\d)"
         rf"|(?:(?:19|20)\d\d))")
_DATE_LINE = re.compile(rf"^\s*(?P<date>{_DATE})\s*[:.—–-]?\s*$", re.IGNORECASE)
_DATED_ITEM = re.compile(rf"^(?P<date>{_DATE})\s*(?:[:—–]|-\s)\s*(?=\S)", re.IGNORECASE)
_ITEM_LABEL = re.compile(r"^(?P<label>[^:.!?]{1,40}):\s+(?=\S)")
@dataclass(frozen=True)
class Unit:
    start: int
    end: int
    kind: str  # "sentence" | "heading" | "row"


@dataclass(frozen=True)
class _Marker:
    """Something that gives context from `start` on: a heading (level 1–6), a date, or a list item's label."""

    start: int
    kind: str  # "heading" | "date" | "item"
    level: int
    text: str
    end: int = -1  # where an item's context stops (its last character); -1: until replaced


def _lines(text: str) -> list[Line]:
    lines, start = [], 0
    for piece in text.split("\n"):
        lines.append(Line(start, start + len(piece), piece))
        start += len(piece) + 1
    return lines


def _clean(text: str) -> str:
    return " ".join(_MARKUP.sub(" ", text).split()).strip(" :—–-")


class Outline:
    """The structure of one document's text (see the module docstring)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._blocks: list[tuple[str, int, int]] = []  # (heading | row | prose | item, start, end) in order
        self._split: list[Unit] | None = None
        self._markers: list[_Marker] = []
        self._tables: list[Table] = []
        self._recent = ("", -1)  # the last prose block's short closing lines (up to five), cleaned, and its end
        self._read()
        self._starts = [m.start for m in self._markers]
        self._headings = {start for kind, start, _ in self._blocks if kind == "heading"}

    @classmethod
    def of(cls, text: str) -> Outline:
        return cls(text)

    def units(self) -> list[Unit]:
        """The citable units in order; prose is split into sentences here, on first call (pysbd is the slow part:
        the context and readings need only the lines)."""
        if self._split is None:
            self._split = []
            for kind, start, end in self._blocks:
                if kind in {"heading", "row"}:
                    self._split.append(Unit(start, end, kind))
                else:
                    # a line break inside a block is a wrap, not a sentence's end (pysbd would cut there):
                    # read as a space, which keeps every offset
                    self._split.extend(Unit(start + s, start + e, "sentence")
                                       for s, e in split_sentences(self.text[start:end].replace("\n", " ")))
        return list(self._split)

    def spans(self) -> list[Span]:
        return [(u.start, u.end) for u in self.units()]

    # ---- reading the lines -------------------------------------------------------------------------------------

    def _read(self) -> None:
        lines = _lines(self.text)
        i = 0
        prose: list[Line] = []
        while i < len(lines):
            line = lines[i]
            stripped = line.text.strip()
            setext = i + 1 < len(lines) and stripped and _SETEXT.match(lines[i + 1].text) \
                and not _LIST.match(line.text) and not _TABLE_ROW.match(line.text) and not prose_continues(prose)
            if not stripped:
                self._flush(prose)
                i += 1
            elif _ATX.match(line.text) or setext:
                self._flush(prose)
                self._heading(line, 1 if setext and lines[i + 1].text.strip()[0] == "=" else None)
                i += 2 if setext else 1
            elif _TABLE_ROW.match(line.text):
                self._flush(prose)
                text, ended = self._recent
                caption = text if 0 <= line.start - ended <= 3 else ""  # prose right above, a blank line at most
                end = i
                while end < len(lines) and (_TABLE_ROW.match(lines[end].text) or TABLE_RULE.match(lines[end].text)):
                    end += 1
                self._table(lines[i:end], caption)
                i = end
            elif _LIST.match(line.text):
                self._flush(prose)
                end = i + 1
                indent = len(_LIST.match(line.text).group("indent"))  # type: ignore[union-attr]
                while end < len(lines) and lines[end].text.strip() and not _LIST.match(lines[end].text) \
                        and not _TABLE_ROW.match(lines[end].text) \
                        and len(lines[end].text) - len(lines[end].text.lstrip()) > indent:
                    end += 1
                self._item(lines[i:end], indent)
                i = end
            elif _DATE_LINE.match(_clean(line.text) or "-"):
                self._flush(prose)
                self._markers.append(_Marker(line.start, "date", 7, _clean(line.text)))
                self._blocks.append(("heading", *_strip(self.text, line.start, line.end)))
                i += 1
            else:
                prose.append(line)
                i += 1
        self._flush(prose)

    def _flush(self, prose: list[Line]) -> None:
        """Split the pending prose lines into sentences (its last short lines may caption a table below)."""
        if not prose:
            return
        start, end = prose[0].start, prose[-1].end
        self._blocks.append(("prose", start, end))
        short: list[str] = []
        for line in reversed(prose[-5:]):
            if len(line.text.strip()) > _CAPTION_LINE and not (not short and line.text.rstrip().endswith(":")):
                break
            short.insert(0, _clean(line.text))
        self._recent = (" ".join(short), end)
        prose.clear()

    def _heading(self, line: Line, setext_level: int | None) -> None:
        match = _ATX.match(line.text)
        level = len(match.group(1)) if match else (setext_level or 2)
        title = _clean(match.group(2) if match else line.text)
        self._markers.append(_Marker(line.start, "heading", level, title))
        self._blocks.append(("heading", *_strip(self.text, line.start, line.end)))

    def _item(self, lines: Sequence[Line], indent: int) -> None:
        first = lines[0]
        marker = _LIST.match(first.text)
        assert marker is not None
        body_start = first.start + marker.end()
        end = lines[-1].end
        body = self.text[body_start:end]
        dated = _DATED_ITEM.match(body)
        label = _ITEM_LABEL.match(body)
        if dated:
            self._markers.append(_Marker(first.start, "date", 8 + indent, _clean(dated.group("date")), end))
        elif label and not _DATE_LINE.match(label.group("label")):
            self._markers.append(_Marker(body_start + label.end(), "item", 9 + indent, _clean(label.group("label")),
                                         end))
        self._blocks.append(("item", body_start, end))
        first_break = SENTENCE_BREAK.search(body)
        if not dated and not label and first_break and body[first_break.end():].strip():
            words = _clean(body[: first_break.start()]).split()
            lead = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
            self._markers.append(_Marker(body_start + first_break.start(), "item", 9 + indent, lead, end))

    def _table(self, lines: Sequence[Line], caption: str) -> None:
        rows = [line for line in lines if not TABLE_RULE.match(line.text)]
        table = Table(rows, caption, scale_of(caption))
        read_table(table, lines, self.text)
        self._tables.append(table)
        for row in rows:
            if row.start in table.facts:
                self._blocks.append(("row", *_strip(self.text, row.start, row.end)))

    # ---- context ------------------------------------------------------------------------------------------------

    def context_at(self, position: int, *, dated: bool = True) -> str:
        """The heading path, date (unless not `dated`) and list item that hold at `position`:
        "2025-03 · Report › Timeline"."""
        headings: dict[int, str] = {}
        date: tuple[int, str] | None = None
        items: list[tuple[int, str]] = []
        upto = bisect.bisect_right(self._starts, position)
        for marker in self._markers[:upto]:
            if marker.start == position and marker.kind == "heading":  # a heading's context: the headings above it
                headings = {lv: t for lv, t in headings.items() if lv < marker.level}
                date, items = None, []
                continue
            if marker.start == position and marker.kind == "date":
                continue  # nor is a date line its own context
            if marker.kind == "heading":
                headings = {lv: t for lv, t in headings.items() if lv < marker.level}
                headings[marker.level] = marker.text
                date, items = None, []
            elif marker.kind == "date":
                if marker.end == -1 or position <= marker.end:
                    date = (marker.level, marker.text)
            elif marker.end >= position:
                items = [(lv, t) for lv, t in items if lv < marker.level] + [(marker.level, marker.text)]
        path = " › ".join(headings[level] for level in sorted(headings))
        parts = [part for part in (date[1] if date and dated else "", path, *(t for _, t in items)) if part]
        context = " · ".join(dict.fromkeys(parts))
        return context if len(context) <= MAX_CONTEXT_CHARS else context[: MAX_CONTEXT_CHARS - 1] + "…"

    def reading(self, start: int, end: int) -> str:
        """What a model reads for the unit `text[start:end]`: a table row as its fact, a sentence with its
        context in brackets, or the text itself when it has none."""
        text = self.text[start:end]
        for table in self._tables:
            if table.rows and table.rows[0].start <= start <= table.rows[-1].end:
                fact = table.facts.get(_row_start(table, start))
                if fact:
                    context = self.context_at(table.rows[0].start)
                    return f"[{context}] {fact}" if context else fact
        context = self.context_at(start, dated=start not in self._headings)
        if not context or context in text:
            return text
        return f"[{context}] {text}"


def prose_continues(prose: Sequence[Line]) -> bool:
    """A line directly under prose with a `---` below it is prose over a rule, not a setext heading, when the
    prose above it runs on (more than one line)."""
    return len(prose) > 1


def _strip(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _row_start(table: Table, position: int) -> int:
    for row in table.rows:
        if row.start <= position <= row.end:
            return row.start
    return -1


def units_of(text: str) -> Iterator[Unit]:
    """The document's citable units in order (`Outline.units`)."""
    yield from Outline.of(text).units()
