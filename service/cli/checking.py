"""`check`, `check-text`, `search` and `ask`: a claim, a text, a query or a question against a collection."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.cli.common import (
    CollectionOption,
    DocIdOption,
    JsonOption,
    SinceOption,
    TopKOption,
    UntilOption,
    components,
    out,
    print_json,
    query_dates,
    read_text_argument,
    reports_errors,
)
from service.cli.printing import print_citations, print_verdict
from service.config import Settings


@reports_errors
def check(
    claim: Annotated[str, typer.Argument(help="The claim to verify.")],
    collection: CollectionOption = None,
    top_k: TopKOption = None,
    doc_id: DocIdOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    explain: Annotated[bool, typer.Option(help="Have the LLM judge write the rationale (slower).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Verify a claim: SUPPORTED, REFUTED or NOT_ENOUGH_INFO, with cited quotes."""
    from service.evidence import validate_text
    from service.python_api import Vericlaim

    settings = Settings()
    validate_text(claim, settings.max_claim_chars)
    first, last = query_dates(since, until)  # before the models load
    response = Vericlaim(components(settings)).check(claim, collection=collection, top_k=top_k, doc_ids=doc_id,
                                                     since=first, until=last, explain=explain)
    if as_json:
        print_json(response)
    else:
        print_verdict(response)


@reports_errors
def check_text(
    path: Annotated[Path, typer.Argument(help="A text file (an article, a draft); '-' reads standard input.")],
    collection: CollectionOption = None,
    top_k: TopKOption = None,
    doc_id: DocIdOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check every checkable sentence of a text; the others are listed with the reason they were not checked."""
    from service.evidence import validate_text_to_check
    from service.python_api import Vericlaim
    from service.schemas import SpanCheckOut

    settings = Settings()
    text = read_text_argument(path)
    validate_text_to_check(text, settings.claims.text_max_chars)  # before the models load
    first, last = query_dates(since, until)
    response = Vericlaim(components(settings)).check_text(text, collection=collection, top_k=top_k,
                                                          doc_ids=doc_id, since=first, until=last)
    if as_json:
        print_json(response)
        return
    rows = sorted([(c.start, c) for c in response.claims] + [(s.start, s) for s in response.skipped],
                  key=lambda row: row[0])
    for _, row in rows:
        out.print(f"[{row.start}:{row.end}]", markup=False, highlight=False)
        if isinstance(row, SpanCheckOut):
            print_verdict(row.result, "  ")
        else:
            out.print(f"  SKIPPED  {row.text}", markup=False, highlight=False)
            out.print(f"    reason: {row.reason}", markup=False, highlight=False)


@reports_errors
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    collection: CollectionOption = None,
    top_k: TopKOption = None,
    doc_id: DocIdOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ranked evidence sentences with document id, offsets and scores (the verifier's retrieval)."""
    from service.bootstrap import build_finder
    from service.evidence import Query
    from service.schemas import PassageOut, SearchResponse

    request = Query(query, collection, top_k, doc_id, *query_dates(since, until))
    passages, snapshot = build_finder(Settings()).search(request)
    response = SearchResponse(query=query, index_version=snapshot.version,
                              passages=[PassageOut.of(p) for p in passages])
    if as_json:
        print_json(response)
        return
    for rank, passage in enumerate(response.passages, start=1):
        out.print(f"{rank}. {passage.doc_id} [{passage.start}:{passage.end}] ({passage.score:.3f}) {passage.text}",
                  markup=False, highlight=False)


@reports_errors
def ask(
    question: Annotated[str, typer.Argument(help="A question about your documents.")],
    collection: CollectionOption = None,
    top_k: TopKOption = None,
    doc_id: DocIdOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    phrase: Annotated[bool, typer.Option(help="Have the LLM reword the quoted answer; kept only if every figure "
                                         "in it is in the quote (slower).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from your documents: the figure or date and the sentence that says it, quoted."""
    from service.evidence import validate_text
    from service.python_api import Vericlaim

    settings = Settings()
    validate_text(question, settings.max_claim_chars, "question")
    first, last = query_dates(since, until)
    response = Vericlaim(components(settings)).ask(question, collection=collection, top_k=top_k, doc_ids=doc_id,
                                                   since=first, until=last, phrase=phrase)
    if as_json:
        print_json(response)
        return
    out.print(response.answer + (f"  ({response.kind}: {response.value})" if response.value else ""),
              markup=False, highlight=False)
    print_citations(response.citations)
