"""`ask`: retrieve, find the sentence that answers (service/claims/answers.py), quote it with verified offsets.

The LLM only rewords the answer when asked (`phrase`), and its wording is kept only if every figure in it is
a figure of the quote and it carries no prompt markup; otherwise the extracted answer stands.
"""

from __future__ import annotations

from dataclasses import replace

from index.store import Snapshot
from service.claims.answers import extract_answer, question_kind
from service.domain import Answer, Citation, Passage, Stamp
from service.ports import Judge
from service.quantities import extract_quantities

NO_ANSWER = "The documents do not say."
EXTRACTIVE = "extractive"  # the stamp's prompt name when no prompt wrote the answer
CANDIDATES = 10  # sentences retrieved for a question when the request names no top_k
_RELATIVE_TOLERANCE = 0.005


def answer(question: str, evidence: list[Passage], snapshot: Snapshot, judge: Judge, stamp: Stamp,
           timings: dict[str, float], *, phrase: bool = False) -> Answer:
    """The answer to `question` from `evidence` (already retrieved); `timings` is filled in place."""
    found = extract_answer(question, evidence, snapshot.documents) if evidence else None
    extractive = replace(stamp, prompt_name=EXTRACTIVE, prompt_sha256="")
    if found is None:
        return Answer(question, NO_ANSWER, (), extractive, timings, tuple(evidence),
                      kind=question_kind(question).value, abstained=True)
    citations = tuple(c for c in [snapshot.cite(found.passage)] if c is not None)
    result = Answer(question, found.answer, citations, extractive, timings, tuple(evidence), kind=found.kind.value,
                    value=found.value, abstained=not citations)
    if not phrase or not citations:
        return result
    output = judge.answer(question, [found.passage])
    if not faithful(output.text, citations):
        return result
    return replace(result, answer=output.text.strip(), phrased=True, stamp=replace(
        stamp, prompt_name=judge.answer_prompt_name, prompt_sha256=judge.answer_prompt_sha256))


def faithful(text: str, quotes: tuple[Citation, ...]) -> bool:
    """No markup, something said, and every figure in `text` is (to 0.5%) a figure of a quote."""
    if not text.strip() or "<" in text or "passage" in text.lower() or text.strip() == NO_ANSWER:
        return False
    quoted = [q for citation in quotes for q in extract_quantities(citation.quote)]
    return all(any(_same(figure.value, other.value) and figure.unit == other.unit for other in quoted)
               for figure in extract_quantities(text))


def _same(first: float, second: float) -> bool:
    return abs(first - second) <= _RELATIVE_TOLERANCE * max(abs(first), abs(second), 1e-9)
