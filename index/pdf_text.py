"""A PDF's text through pypdf, within limits: characters extracted, seconds spent, and whether anyone still
wants it (issue 28, item 4).

A few kilobytes of PDF can inflate to millions of characters: a 16 KB page of 250,000 short text operators
took pypdf 50 s and gave 5,000,000 characters. The limits are checked at every operator of a page that shows
text, inside the page, through pypdf's `visitor_operand_before` hook, so a bomb stops soon after it passes one
and an upload soon after its client leaves; again on each page's extracted text, and before each page pdfplumber
searches for tables. Parsing one content stream (at most pypdf's 75 MB) happens before its first operator is
seen and is not interrupted. The time is the reading thread's CPU time, so a busy server does not refuse a
PDF it would read when idle. `python bench/pdf_bomb.py` measures the worst cases.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from index.pdf_tables import with_tables
from service.errors import ClientGoneError, UnreadableDocumentError

MAX_EXTRACTED_CHARS = 50_000_000  # text extracted from one PDF, at most (uploads: server.max_upload_chars)
_SHOWS_TEXT = frozenset({b"Tj", b"TJ", b"'", b'"', "Tj", "TJ", "'", '"'})
# a content stream that may show text, or draw a form that may: pages without any are read without the hook,
# which lets pypdf skip parsing them (a chart or a map draws no text)
_MAY_SHOW_TEXT = re.compile(rb"T[jJ*]|['\"]|\bDo\b")


@dataclass(frozen=True)
class ExtractLimits:
    """How much reading one PDF may cost: `max_chars` characters, `max_seconds` seconds (None: no limit), and
    `stop`, set when nobody wants the text any more (the uploading client left, the server is stopping)."""

    max_chars: int = MAX_EXTRACTED_CHARS
    max_seconds: float | None = None
    stop: threading.Event | None = None


class _Budget:
    """The limits, counted while pypdf extracts (one per PDF): the characters drawn so far (`visit`), the
    characters extracted so far (`read`: a font can turn one drawn byte into several), CPU time, the flag."""

    def __init__(self, limits: ExtractLimits, source: str) -> None:
        self.limits, self.source, self.drawn, self.read = limits, source, 0, 0
        self.deadline = time.thread_time() + limits.max_seconds if limits.max_seconds is not None else None

    def spend(self, drawn: int = 0, read: int = 0) -> None:
        self.drawn, self.read = self.drawn + drawn, self.read + read
        if max(self.drawn, self.read) > self.limits.max_chars:
            raise UnreadableDocumentError(f"{self.source}: the PDF's text runs past {self.limits.max_chars:,} "
                                          "characters (VERICLAIM_SERVER__MAX_UPLOAD_CHARS for uploads)")
        if self.deadline is not None and time.thread_time() > self.deadline:
            raise UnreadableDocumentError(f"{self.source}: reading the PDF took longer than "
                                          f"{self.limits.max_seconds:g} s (VERICLAIM_SERVER__MAX_EXTRACT_SECONDS)")
        if self.limits.stop is not None and self.limits.stop.is_set():
            raise ClientGoneError("the client disconnected before its upload was read; nothing was stored")

    def visit(self, operator: Any, operands: Any, *_: Any) -> None:
        """pypdf's `visitor_operand_before`: every operator counts against the time, text against the characters."""
        self.spend(drawn=_shown_chars(operands) if operator in _SHOWS_TEXT else 0)


def _shown_chars(operands: Any) -> int:
    """Characters a text-showing operator draws: its string, or a TJ array's strings."""
    if not operands:
        return 0
    last = operands[-1]
    items = last if isinstance(last, list) else [last]
    return sum(len(item) for item in items if isinstance(item, str | bytes))


def pdf_to_text(data: bytes, source: str, limits: ExtractLimits | None = None) -> str:
    """The PDF's text, page by page; a PDF that cannot be read, that runs past `limits` (characters, seconds),
    or that pypdf gives up on in any way, is `UnreadableDocumentError`; a `limits.stop` that is set,
    `ClientGoneError`."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair warnings would print past our one line
    budget = _Budget(limits or ExtractLimits(), source)
    pages: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages:
            contents = page.get_contents()
            shows_text = contents is not None and _MAY_SHOW_TEXT.search(contents.get_data()) is not None
            text = page.extract_text(visitor_operand_before=budget.visit) if shows_text else page.extract_text()
            pages.append(text or "")
            budget.spend(read=len(pages[-1]))
    except (UnreadableDocumentError, ClientGoneError):
        raise
    except Exception as exc:  # crafted files raise anything: LimitReachedError, NotImplementedError (an unknown
        # filter or encryption), RecursionError (deep nesting), DependencyError (JBIG2): all are unreadable
        raise UnreadableDocumentError(f"{source}: unreadable PDF ({type(exc).__name__}: {str(exc)[:200]})") from None
    pages = with_tables(data, pages, before_page=budget.spend)
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise UnreadableDocumentError(f"{source}: the PDF has no extractable text (scanned images?)")
    return text
