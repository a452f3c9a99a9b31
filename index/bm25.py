"""BM25 over chunk and sentence texts (bm25s, Snowball-stemmed English, numbers kept whole as tokens such as
`6.4` and `200,000`): building, loading, and tokenising a query the same way."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

TOKEN_PATTERN = r"(?u)\b\w+(?:[.,]\d+)*\b"


def bm25_tokens(texts: Sequence[str]) -> list[list[str]]:
    import bm25s

    return cast("list[list[str]]", bm25s.tokenize(list(texts), **_tokenizer(), return_ids=False))


def build_bm25(texts: Iterable[str]) -> object | None:
    """A BM25 index over `texts` (None when there are none, or when no text has a word BM25 can index, such
    as a collection of "!" and stop words), built from token ids: no token strings per text."""
    import bm25s

    tokenized = bm25s.tokenize(texts, **_tokenizer(), return_ids=True)
    if not tokenized.ids or not tokenized.vocab:
        return None
    retriever = bm25s.BM25()
    retriever.index(tokenized, show_progress=False)
    return cast(object, retriever)  # an opaque handle: bm25s has no type information


def _tokenizer() -> dict[str, object]:
    return {"stopwords": "en", "stemmer": _stemmer(), "token_pattern": TOKEN_PATTERN, "show_progress": False}


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def load_bm25(path: Path) -> object | None:
    if not path.is_dir():
        return None
    import bm25s

    return cast(object, bm25s.BM25.load(str(path), show_progress=False))
