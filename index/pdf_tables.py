"""Tables in PDFs: pdfplumber finds them by their ruling lines, and each is written in its place on its page as a
Markdown table, so that structure reading (index/structure.py, index/tables.py) reads its rows as facts. Only
pages with enough figures to hold a table are searched, at most `MAX_TABLE_PAGES` of them; a PDF whose tables
cannot be read keeps its pypdf text."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from service.errors import ClientGoneError, UnreadableDocumentError

_FIGURE = re.compile(r"\d[\d,.]*")
_TABLE_FIGURES = 6  # pages with fewer figures than this are not searched for tables
MAX_TABLE_PAGES = 300  # pages of one PDF searched for tables, at most


def with_tables(data: bytes, pages: Sequence[str], before_page: Callable[[], None] | None = None) -> list[str]:
    """The pages' text (pypdf's), with each page that holds tables replaced by pdfplumber's reading of it.
    `before_page` is called before each page is searched (a reading budget: what it raises stops the reading)."""
    found = pdf_pages_with_tables(data, [i for i, page in enumerate(pages)
                                         if len(_FIGURE.findall(page)) >= _TABLE_FIGURES], before_page)
    return [found.get(i, page) for i, page in enumerate(pages)]


def pdf_pages_with_tables(data: bytes, page_numbers: Sequence[int],
                          before_page: Callable[[], None] | None = None) -> dict[int, str]:
    """For each given page on which pdfplumber finds tables (by their ruling lines): the page's text with each
    table written in its place as a Markdown table, so that structure reading (index/structure.py) reads its
    rows as facts. Pages without tables are left out (their pypdf text stays); a PDF whose tables cannot be
    read gives none, and its text is still ingested."""
    found: dict[int, str] = {}
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number in list(page_numbers)[:MAX_TABLE_PAGES]:
                if before_page is not None:
                    before_page()
                page = pdf.pages[number]
                tables = sorted(page.find_tables(), key=lambda table: table.bbox[1])
                if tables:
                    found[number] = _page_with_tables(page, tables)
                page.close()
    except (UnreadableDocumentError, ClientGoneError):  # the reading budget is spent, or nobody wants the text
        raise
    except Exception:  # pdfminer raises many kinds on odd files; the text alone is still a document
        logging.getLogger(__name__).debug("no tables read from a PDF", exc_info=True)
        return {}
    return found


def _page_with_tables(page: Any, tables: Sequence[Any]) -> str:
    """The page's text above, between and below its tables, the tables written as Markdown in their places."""
    parts, top = [], 0.0
    for table in tables:
        _, table_top, _, bottom = table.bbox
        if table_top > top:
            parts.append(page.crop((0, top, page.width, table_top)).extract_text() or "")
        parts.append(_markdown_table(table.extract()))
        top = max(top, bottom)
    if top < page.height:
        parts.append(page.crop((0, top, page.width, page.height)).extract_text() or "")
    return "\n\n".join(part.strip() for part in parts if part.strip())


def _markdown_table(rows: Sequence[Sequence[str | None]]) -> str:
    """A table's rows as Markdown, the first row its header; cells on one line, without bars."""
    cleaned = [[" ".join((cell or "").replace("|", "/").split()) for cell in row] for row in rows]
    cleaned = [row for row in cleaned if any(row)]
    if len(cleaned) < 2 or max(len(row) for row in cleaned) < 2:
        return ""
    lines = ["| " + " | ".join(row) + " |" for row in cleaned]
    return "\n".join([lines[0], "|" + "---|" * len(cleaned[0]), *lines[1:]])
