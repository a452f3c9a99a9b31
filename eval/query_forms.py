"""How a claim is put to the retriever (issue 27, item 4): as written, with its names and figures said twice,
or as written and part by part, the rankings fused.

Each form is one or more query texts (`query_texts`); `fuse` merges their rankings by reciprocal rank, the
whole claim's first. `bench/retrieval.py --query-forms boosted,parts` measures them on the dev sets: neither
beat the claim as written (README, "Retrieval"), so a check searches the claim as written and these forms live
here, with the measurements, not in the service.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from service.claims.decompose import decompose
from service.domain import Passage
from service.figures.subjects import STOPWORDS

FUSION_K = 60  # reciprocal-rank constant, as the hybrid retriever's own fusion uses
# a capitalised word ("Northwind", "COVID-19", "H100"; not a function word such as a first "The"), or a figure
# as written ("6.4", "12,288"; not the "100" of "H100")
_NAME = re.compile(r"\b[A-Z][\w&-]*[A-Za-z0-9]")
_FIGURE = re.compile(r"(?<![\w.,-])\d+(?:[.,]\d+)*%?")


class QueryForm(StrEnum):
    WRITTEN = "written"  # the claim as written
    BOOSTED = "boosted"  # the claim, then its names and figures once more (BM25 counts them twice)
    PARTS = "parts"  # the claim as written and each part of a compound claim, searched apart and fused


def query_texts(claim: str, form: QueryForm) -> list[str]:
    """The texts to search for `claim` under `form`, the claim as written first."""
    if form is QueryForm.BOOSTED:
        names = [name for name in _NAME.findall(claim) if name.lower() not in STOPWORDS]
        salient = [*names, *_FIGURE.findall(claim)]
        return [f"{claim} {' '.join(dict.fromkeys(salient))}".strip()] if salient else [claim]
    if form is QueryForm.PARTS:
        parts = [part.text for part in decompose(claim)]
        return [claim, *parts] if len(parts) > 1 else [claim]
    return [claim]


def fuse(rankings: Sequence[Sequence[Passage]], k: int) -> list[Passage]:
    """The best `k` passages over several rankings by reciprocal rank (ties: the earlier ranking's order). A
    passage keeps the scores of its first ranking, the whole claim's where it was found there."""
    if len(rankings) == 1:
        return list(rankings[0][:k])
    scores: dict[tuple[str, int], float] = {}
    first: dict[tuple[str, int], Passage] = {}
    for ranking in rankings:
        for rank, passage in enumerate(ranking, 1):
            key = (passage.doc_id, passage.start)
            scores[key] = scores.get(key, 0.0) + 1.0 / (FUSION_K + rank)
            first.setdefault(key, passage)
    order = sorted(first, key=lambda key: -scores[key])  # sorted() is stable: first-seen wins a tie
    return [first[key] for key in order[:k]]
