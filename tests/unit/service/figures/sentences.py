"""Passages for the figures engine's tests: sentences of one document, each right after the one before."""

from __future__ import annotations

from service.domain import Passage


def following(*texts: str, doc_id: str = "filing.md", start: int = 0) -> list[Passage]:
    """The sentences as retrieved passages of `doc_id`, one space between each and the next."""
    found = []
    for text in texts:
        found.append(Passage(doc_id, start, start + len(text), text, 1.0))
        start += len(text) + 1
    return found
