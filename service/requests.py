"""What HTTP requests may carry: pydantic models for the request bodies, each turned into the core's `Query`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StrictStr, model_validator
from pydantic.config import JsonDict

from index.dates import DateRange, first_day, last_day
from index.loaders import DOC_ID_PATTERN, MAX_DOC_ID, MAX_TITLE, MAX_URL
from service.evidence import Query

# What the OpenAPI schema documents beyond the types, so that a request the schema admits is one the API
# accepts; the checks themselves stay in the core (their own error codes: empty_claim, invalid_collection …).
COLLECTION_NAME = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
NAMED: JsonDict = {"pattern": COLLECTION_NAME}
NOT_BLANK: JsonDict = {"minLength": 1, "pattern": r"\S"}
ISO_DATE: JsonDict = {"pattern": r"^[1-9][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|1[0-9]|2[0-8]))?)?$"}


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
    """A request body: an unknown field (a misspelled `top_kk`) is an error, not silently ignored, and so is
    text that is not Unicode (JSON's `\\udc00` escapes can carry a lone surrogate, which no file can store)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _unicode(self) -> Self:
        for name, value in self:
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str) and not text.isascii():
                    try:
                        text.encode("utf-8")
                    except UnicodeEncodeError:
                        raise ValueError(f"{name}: not valid Unicode text (a lone surrogate)") from None
        return self


class QueryRequest(Strict):
    """What check, check/text, ask and search share: where to look. `since`/`until`: see index/dates.py."""

    top_k: int | None = Field(None, ge=1, le=50, description="Evidence sentences to use.")
    collection: str | None = Field(None, description="Collection to search (default: the configured one).",
                                   json_schema_extra=NAMED)
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

    def to_query(self, text: str | None = None) -> Query:
        """The core's query for `text` (by default what the request asks) with the request's scope."""
        return Query(self.asked() if text is None else text, self.collection, self.top_k, self.doc_ids, self.since,
                     self.until)


class CheckRequest(QueryRequest):
    claim: str = Field(description="The claim to verify.", json_schema_extra=NOT_BLANK)
    explain: StrictBool = Field(False, description="Have the LLM judge write the rationale even when the verdict "
                          "does not need it (slower).")

    def asked(self) -> str:
        return self.claim


class BatchCheckRequest(QueryRequest):
    claims: list[Annotated[str, Field(json_schema_extra=NOT_BLANK)]] = Field(
        min_length=1, description="Claims to verify, each as /v1/check would, in order (at most "
        "VERICLAIM_SERVER__MAX_BATCH_CLAIMS).")
    explain: StrictBool = Field(False, description="As in /v1/check, for every claim.")

    def asked(self) -> str:
        return self.claims[0]

    def queries(self) -> list[Query]:
        return [self.to_query(claim) for claim in self.claims]


class AskRequest(QueryRequest):
    question: str = Field(description="A question about the documents.", json_schema_extra=NOT_BLANK)
    phrase: StrictBool = Field(False, description="Have the LLM reword the quoted answer as a sentence; its wording is "
                         "kept only if every figure in it is in the quote (slower).")

    def asked(self) -> str:
        return self.question


class TextCheckRequest(QueryRequest):
    text: str = Field(description="A text (an article, a draft): each checkable sentence in it is checked.",
                      json_schema_extra=NOT_BLANK)

    def asked(self) -> str:
        return self.text


class SearchRequest(QueryRequest):
    query: str = Field(description="What to look for.", json_schema_extra=NOT_BLANK)

    def asked(self) -> str:
        return self.query


class JobClaim(QueryRequest):
    """One line of a job's JSONL upload: a claim and, optionally, its own id and scope (a line's `collection`
    overrides the job's). Other fields, such as an eval file's `label` and `evidence`, are ignored, so a labelled
    claims file can be submitted as it is."""

    model_config = ConfigDict(extra="ignore")
    claim: str = Field(description="The claim to verify.", json_schema_extra=NOT_BLANK)
    id: StrictStr | StrictInt | None = Field(None, description="Echoed in the line's result.")

    def asked(self) -> str:
        return self.claim


class DocumentRequest(Strict):
    doc_id: str = Field(min_length=1, max_length=MAX_DOC_ID, pattern=DOC_ID_PATTERN,
                        description="No control characters (a line break, NUL …): an id must be readable and "
                        "deletable over HTTP.")
    text: str = Field(json_schema_extra=NOT_BLANK)
    title: str | None = Field(None, max_length=MAX_TITLE)
    url: str | None = Field(None, max_length=MAX_URL)
    date: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD, any real date (a time may follow a "
                             "full date; the schema's pattern, for fuzzers, stops at day 28).",
                             json_schema_extra=ISO_DATE)
    collection: str | None = Field(None, json_schema_extra=NAMED)
