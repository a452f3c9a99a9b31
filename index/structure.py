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
  an item's first keeps the item's label ("Kestrel: …") or opening words; a list right below a line ending
  with ":" ("Revenue by quarter (USD):") reads every item with that line;
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

from index.structure_lines import (
    ATX,
    DATE_LINE,
    DATED_ITEM,
    ITEM_LABEL,
    LIST,
    SETEXT,
    TABLE_ROW,
    clean,
    in_list,
    lines_of,
    prose_continues,
    strip_span,
)
from index.table_cells import scale_of, stated_units
from index.tables import TABLE_RULE, Line, Table, read_table
from service.text import SENTENCE_BREAK, Span, split_sentences

MAX_CONTEXT_CHARS = 160  # a context longer than this is cut (an over-long heading or caption)
_CAPTION_LINE = 80  # prose lines right above a table caption it when this short (or when the last ends with ":")
_INTRODUCES_TABLE = re.compile(r"(?:the\s+)?following\s+tables?\b|the\s+tables?\s+below\b", re.IGNORECASE)


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


class Outline:
    """The structure of one document's text (see the module docstring)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._blocks: list[tuple[str, int, int]] = []  # (heading | row | prose | item, start, end) in order
        self._split: list[Unit] | None = None
        self._markers: list[_Marker] = []
        self._tables: list[Table] = []
        # the last prose block's short closing lines (up to five), cleaned, its end, and the sentence of its last
        # lines that says what its figures are in ("Prices in USD per GPU-hour, …"), however long
        self._recent = ("", -1, "")
        self._lead_in = ("", -1)  # the last prose block's closing line when it ends with ":", cleaned, and its end
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
        lines = lines_of(self.text)
        i = 0
        prose: list[Line] = []
        while i < len(lines):
            line = lines[i]
            stripped = line.text.strip()
            setext = i + 1 < len(lines) and stripped and SETEXT.match(lines[i + 1].text) \
                and not LIST.match(line.text) and not TABLE_ROW.match(line.text) and not prose_continues(prose)
            if not stripped:
                self._flush(prose)
                i += 1
            elif ATX.match(line.text) or setext:
                self._flush(prose)
                self._heading(line, 1 if setext and lines[i + 1].text.strip()[0] == "=" else None)
                i += 2 if setext else 1
            elif TABLE_ROW.match(line.text):
                self._flush(prose)
                text, ended, units = self._recent
                near = 0 <= line.start - ended <= 3  # prose right above, a blank line at most
                caption, units = (text, units) if near else ("", "")
                end = i
                while end < len(lines) and (TABLE_ROW.match(lines[end].text) or TABLE_RULE.match(lines[end].text)):
                    end += 1
                self._table(lines[i:end], caption, units)
                i = end
            elif LIST.match(line.text):
                self._flush(prose)
                self._lead(lines, i)
                end = i + 1
                indent = len(LIST.match(line.text).group("indent"))  # type: ignore[union-attr]
                while end < len(lines) and lines[end].text.strip() and not LIST.match(lines[end].text) \
                        and not TABLE_ROW.match(lines[end].text) \
                        and len(lines[end].text) - len(lines[end].text.lstrip()) > indent:
                    end += 1
                self._item(lines[i:end], indent)
                i = end
            elif DATE_LINE.match(clean(line.text) or "-"):
                self._flush(prose)
                self._markers.append(_Marker(line.start, "date", 7, clean(line.text)))
                self._blocks.append(("heading", *strip_span(self.text, line.start, line.end)))
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
        lead_in = False
        for k, line in enumerate(reversed(prose[-5:])):
            if len(line.text.strip()) > _CAPTION_LINE and not (not short and line.text.rstrip().endswith(":")):
                if k == 0 and _INTRODUCES_TABLE.match(clean(line.text)):
                    lead_in = True  # "The following table sets forth …": the title above it captions the table
                    continue
                break
            if lead_in and line.text.rstrip().endswith((".", "!", "?")):
                break  # a sentence above the lead-in, not a title
            short.insert(0, clean(line.text))
        self._recent = (" ".join(short), end, stated_units(" ".join(clean(line.text) for line in prose[-5:])))
        last = prose[-1].text.rstrip()
        self._lead_in = (clean(last), end) if last.endswith(":") and len(last) <= _CAPTION_LINE else ("", -1)
        prose.clear()

    def _lead(self, lines: Sequence[Line], i: int) -> None:
        """A list right below a line that introduces it ("Revenue by quarter (USD):") reads each item with that
        line, up to the list's end (its items, their wrapped lines, blank lines between items)."""
        text, ended = self._lead_in
        if not text or not 0 <= lines[i].start - ended <= 3:
            return
        self._lead_in = ("", -1)
        j = i
        while j < len(lines) and in_list(lines, j):
            j += 1
        self._markers.append(_Marker(lines[i].start, "item", 8, text, lines[j - 1].end))

    def _heading(self, line: Line, setext_level: int | None) -> None:
        match = ATX.match(line.text)
        level = len(match.group(1)) if match else (setext_level or 2)
        title = clean(match.group(2) if match else line.text)
        self._markers.append(_Marker(line.start, "heading", level, title))
        self._blocks.append(("heading", *strip_span(self.text, line.start, line.end)))

    def _item(self, lines: Sequence[Line], indent: int) -> None:
        first = lines[0]
        marker = LIST.match(first.text)
        assert marker is not None
        body_start = first.start + marker.end()
        end = lines[-1].end
        body = self.text[body_start:end]
        dated = DATED_ITEM.match(body)
        label = ITEM_LABEL.match(body)
        if dated:
            self._markers.append(_Marker(first.start, "date", 8 + indent, clean(dated.group("date")), end))
        elif label and not DATE_LINE.match(label.group("label")):
            self._markers.append(_Marker(body_start + label.end(), "item", 9 + indent, clean(label.group("label")),
                                         end))
        self._blocks.append(("item", body_start, end))
        first_break = SENTENCE_BREAK.search(body)
        if not dated and not label and first_break and body[first_break.end():].strip():
            words = clean(body[: first_break.start()]).split()
            lead = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
            self._markers.append(_Marker(body_start + first_break.start(), "item", 9 + indent, lead, end))

    def _table(self, lines: Sequence[Line], caption: str, units: str = "") -> None:
        rows = [line for line in lines if not TABLE_RULE.match(line.text)]
        table = Table(rows, caption, scale_of(caption), units=units)
        read_table(table, lines, self.text)
        self._tables.append(table)
        for row in rows:
            if row.start in table.facts:
                self._blocks.append(("row", *strip_span(self.text, row.start, row.end)))

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


def _row_start(table: Table, position: int) -> int:
    for row in table.rows:
        if row.start <= position <= row.end:
            return row.start
    return -1


def units_of(text: str) -> Iterator[Unit]:
    """The document's citable units in order (`Outline.units`)."""
    yield from Outline.of(text).units()
