"""`ask`: retrieve, find the sentence that answers (service/claims/answers.py), quote it with verified offsets.

The LLM only rewords the answer when asked (`phrase`), and its wording is kept only if every figure and date
in it is one of the quote, the extracted figure or date is among them, and it carries no prompt markup;
otherwise the extracted answer stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from service.claims.answers import extract_answer
from service.claims.questions import question_kind
from service.domain import Answer, Citation, Passage, Stamp
from service.figures import Quantity, extract_periods, extract_quantities
from service.ports import CollectionView, Judge

NO_ANSWER = "The documents do not say."
EXTRACTIVE = "extractive"  # the stamp's prompt name when no prompt wrote the answer
CANDIDATES = 10  # sentences retrieved for a question when the request names no top_k
_RELATIVE_TOLERANCE = 0.005


def answer(question: str, evidence: list[Passage], snapshot: CollectionView, judge: Judge, stamp: Stamp, *,
           phrase: bool = False, relevance: Sequence[float] | None = None) -> Answer:
    """The answer to `question` from `evidence` (already retrieved; `relevance`: a learned score per passage,
    see `extract_answer`); the caller fills in the timings."""
    found = extract_answer(question, evidence, snapshot.documents, relevance) if evidence else None
    extractive = replace(stamp, prompt_name=EXTRACTIVE, prompt_sha256="")
    citation = snapshot.cite(found.passage) if found is not None else None
    if found is None or citation is None:  # nothing answers, or the sentence cannot be quoted: say so
        return Answer(question, NO_ANSWER, (), extractive, {}, tuple(evidence),
                      kind=question_kind(question).value, abstained=True)
    citations = (citation,)
    result = Answer(question, found.answer, citations, extractive, {}, tuple(evidence), kind=found.kind.value,
                    value=found.value)
    if not phrase:
        return result
    output = judge.answer(question, [found.passage])
    if not faithful(output.text, citations, found.written):
        return result
    return replace(result, answer=output.text.strip(), phrased=True, stamp=replace(
        stamp, prompt_name=judge.answer_prompt_name, prompt_sha256=judge.answer_prompt_sha256))


def faithful(text: str, quotes: tuple[Citation, ...], answer: str | None = None) -> bool:
    """No markup, something said, every figure and date in `text` is (to 0.5%) one of a quote, and the
    extracted `answer` (a figure or date), when there is one, is among them."""
    if not text.strip() or "<" in text or "passage" in text.lower() or text.strip() == NO_ANSWER:
        return False
    quoted = " ".join(citation.quote for citation in quotes)
    figures, quoted_figures = extract_quantities(text), extract_quantities(quoted)
    if not all(any(_same_quantity(figure, other) for other in quoted_figures) for figure in figures):
        return False
    if not _days(text) <= _days(quoted):
        return False
    return answer is None or (_days(answer) <= _days(text) and all(
        any(_same_quantity(wanted, figure) for figure in figures) for wanted in extract_quantities(answer)))


def _days(text: str) -> set[tuple[date, date]]:
    return {(period.first_day, period.last_day) for period in extract_periods(text)}


def _same_quantity(first: Quantity, second: Quantity) -> bool:
    """Same value (to 0.5%) and unit; a bare number and a count are the same kind ("200,000" and "200,000 people")."""
    return _kind(first.unit) == _kind(second.unit) and _same(first.value, second.value)


def _kind(unit: str | None) -> str:
    return "" if unit in {None, "count"} else str(unit)


def _same(first: float, second: float) -> bool:
    return abs(first - second) <= _RELATIVE_TOLERANCE * max(abs(first), abs(second), 1e-9)
