"""What HTTP requests may carry: pydantic models for the request bodies, each turned into the core's `Query`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, model_validator

from index.dates import DateRange, first_day, last_day
from service.evidence import Query


def _day(read: Callable[[str], date]) -> BeforeValidator:
    """A date given as the string YYYY, YYYY-MM or YYYY-MM-DD, read as one day by `read` (its first or its last).
    Nothing else is a date here: a number would otherwise be read as seconds since 1970."""

    def parse(value: object) -> date | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError("a date is a string: YYYY, YYYY-MM or YYYY-MM-DD")
        return read(value)

    return BeforeValidator(parse)


class Strict(BaseModel):
    """A request body: an unknown field (a misspelled `top_kk`) is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class QueryRequest(Strict):
    """What check, check/text, ask and search share: where to look. `since`/`until`: see index/dates.py."""

    top_k: int | None = Field(None, ge=1, le=50, description="Evidence sentences to use.")
    collection: str | None = Field(None, description="Collection to search (default: the configured one).")
    doc_ids: list[str] | None = Field(None, description="Only use evidence from these documents.")
    since: Annotated[date | None, _day(first_day)] = Field(
        None, description="Only documents dated on or after this: YYYY, YYYY-MM or YYYY-MM-DD (its first day). "
        "Undated documents are left out.")
    until: Annotated[date | None, _day(last_day)] = Field(
        None, description="Only documents dated on or before this: YYYY, YYYY-MM or YYYY-MM-DD (its last day). "
        "Undated documents are left out.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        DateRange.of(self.since, self.until)  # ValueError when since is after until
        return self

    def asked(self) -> str:
        """The text the request is about (the claim, the question, the text or the search query)."""
        raise NotImplementedError

    def to_query(self) -> Query:
        return Query(self.asked(), self.collection, self.top_k, self.doc_ids, self.since, self.until)


class CheckRequest(QueryRequest):
    claim: str = Field(description="The claim to verify.")
    explain: StrictBool = Field(False, description="Have the LLM judge write the rationale even when the verdict "
                          "does not need it (slower).")

    def asked(self) -> str:
        return self.claim


class BatchCheckRequest(QueryRequest):
    claims: list[str] = Field(min_length=1, description="Claims to verify, each as /v1/check would, in order "
                              "(at most VERICLAIM_SERVER__MAX_BATCH_CLAIMS).")
    explain: StrictBool = Field(False, description="As in /v1/check, for every claim.")

    def asked(self) -> str:
        return self.claims[0]

    def queries(self) -> list[Query]:
        return [Query(claim, self.collection, self.top_k, self.doc_ids, self.since, self.until)
                for claim in self.claims]


class AskRequest(QueryRequest):
    question: str = Field(description="A question about the documents.")
    phrase: StrictBool = Field(False, description="Have the LLM reword the quoted answer as a sentence; its wording is "
                         "kept only if every figure in it is in the quote (slower).")

    def asked(self) -> str:
        return self.question


class TextCheckRequest(QueryRequest):
    text: str = Field(description="A text (an article, a draft): each checkable sentence in it is checked.")

    def asked(self) -> str:
        return self.text


class SearchRequest(QueryRequest):
    query: str = Field(description="What to look for.")

    def asked(self) -> str:
        return self.query


class DocumentRequest(Strict):
    doc_id: str = Field(min_length=1, max_length=512)
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    collection: str | None = None
