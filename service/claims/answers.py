"""Answer a question from the text: the sentence that answers it, quoted, and for how-much / how-many / when
questions the figure or date the figures engine reads in it. No model writes the answer.

A retrieved sentence answers when
- with its document's title and opening and the lines before it, it holds at least `MIN_COVERAGE` of the
  question's content words, and every name the question asks about is in its document;
- it says something about what is asked of those names (a topic word, or one meaning the same thing:
  `SAME_THING`); a table row, list item or "It …" sentence is read with the lines before it, its section's
  headings and a row's column names, and one opening with "We" or "Our" with its document's opening;
- the periods the question names are its own (or, if it names none, its document's opening's), a period that
  dates another figure ("up from $212 million in fiscal 2023") aside;
- it holds what the question asks for: an amount (money or a percentage, and the measure asked about:
  "revenue", "valuation"), a count (of the thing asked about, or in a unit: "how many megawatts", "how much
  power"), a date (its own, else its date line's), a duration ("18 mo"), or for who/which a new name;
- it is not about something else: another name with none of the asked ones (in it, its headings, or for "The
  company …" the lines before it), another model code ("H100" for "H200"), ordinal ("first phase", "phase one"
  for "second phase"), lettered kind ("Series D" for "Series C") or quarter ("Q1" for "Q2"), or a figure or date
  said to be undisclosed; a heading answers nothing.
Of a sentence's figures, one dated to the period asked, not compared with ("less than the $2B"), under the column
asked or right before the words asked about, or after the measure asked ("valuation" for "worth") answers.
Of the sentences that answer, the one sharing most words with the question (and closest to it in the
embedding space) is quoted. When none answers, the answer is an abstention. A learned `relevance` per sentence
(the NLI verifier's 1 − P(neutral) for the sentence against the question: `Pipeline.ask`) adds to that score,
and from `SURE_RELEVANCE` it stands in for the shared-word tests, so that a question that paraphrases its
answer ("spend annually on air conditioning" for "the yearly bill for keeping the halls cool") is not missed for
its words; every other test above still holds. What
the question asks for, and the words an answer must share with it, are read in `questions` (`Asked`); which
periods a sentence and its figures are for, in `answer_periods`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from service.claims.answer_conflicts import compared_with, conflicts, names_inside_sentences, new_names
from service.claims.answer_periods import other_period_follows, period_follows, periods_fit, same_time
from service.claims.answer_rows import column_name, with_row_units
from service.claims.questions import SAME_THING, AnswerKind, Asked, with_countries
from service.domain import Document, Passage
from service.figures import (
    CURRENCIES,
    Period,
    Quantity,
    content_words,
    extract_periods,
    extract_quantities,
    format_quantity,
)
from service.figures.fiscal import fiscal_year_end

_MEASURED_KINDS = (AnswerKind.AMOUNT, AnswerKind.COUNT)
MIN_COVERAGE = 0.5  # of the question's content words, in the sentence, the one before it and the title
_LEAD = 200  # the document's opening characters count as every sentence's context
_WINDOW = 250  # characters before the sentence that count as its context (a subject named just before)
_DENSE = 0.35  # a sentence that shares few of a question's topic words must be at least this close to it
RELEVANCE_WEIGHT = 1.0  # the learned relevance's weight beside the shared-word score (about 0 to 3)
SURE_RELEVANCE = 0.7  # from this learned relevance, a sentence need not share the question's words
_RATE_WORDS = ("hour", "day", "week", "month", "year")
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_DURATION = re.compile(rf"\b(?:(?<![\d,.])\d[\d,.]*|(?:{_TENS})(?:[\s-](?:{_UNITS}))?|eleven|twelve|thirteen|"
                       rf"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|{_UNITS}|ten|a dozen|a|an|several)"
                       r"[\s-]+(?:hours?|days?|weeks?|months?|years?|minutes?|quarters?)\b|(?<![\d,.])\b\d[\d,.]*\s*"
                       r"(?-i:hrs?|wks?|mos?|yrs?)\b", re.IGNORECASE)  # "18 mo", "an eighteen-month", not "an HR"
_UNIT_WORDS = {"megawatt": "W", "mw": "W", "gigawatt": "W", "gw": "W", "kilowatt": "W", "watt": "W",
               "power": "W", "electricity": "W", "load": "W", "capacity": "W", "token": "", "server": "", "rack": ""}
# "how many megawatts", "how much power": a measurement, not a count
_TABLE_ROW = re.compile(r"^\s*(?:\||[-*•]\s)|\S {3,}\S")  # a table row or list item: its header names the measure
_PRONOUN_START = re.compile(r"\s*(?:it|its|they|their|this|these|that|those|he|she|the company|the firm)\b",
                            re.IGNORECASE)
_HEADING = re.compile(r"\s*#{1,6}\s")
_FIRST_PERSON = re.compile(r"\s*(?:We|Our)\b")  # as written: "US sales" are a country's
_RATE_AFTER = re.compile(r"\s*(?:per|an?|/|each)\s*(hour|hr|day|week|month|mo|year|yr)\b", re.IGNORECASE)
_RATE_NAMES = {"hr": "hour", "mo": "month", "yr": "year", "hour": "hour", "day": "day", "week": "week",
               "month": "month", "year": "year"}


@dataclass(frozen=True)
class Extract:
    """The answering sentence, and the figure or date in it that answers (None for TEXT questions)."""

    passage: Passage
    kind: AnswerKind
    value: str | None  # the figure or date, normalised ("$410M", "2024-03-14")
    written: str | None  # … as the sentence writes it ("roughly $410 million", "14 March 2024")

    @property
    def answer(self) -> str:
        return self.written or self.passage.text.strip()


def extract_answer(question: str, evidence: Sequence[Passage], documents: Mapping[str, Document],
                   relevance: Sequence[float] | None = None) -> Extract | None:
    """The best-supported answer among the evidence sentences, or None (abstain). `relevance`: a learned score
    in [0, 1] for each sentence, when there is one."""
    asked = Asked.of(question)
    if not asked.wanted:
        return None
    best: tuple[float, Extract] | None = None
    for i, passage in enumerate(evidence):
        document = documents.get(passage.doc_id)
        score = _score(asked, passage, document, relevance[i] if relevance else None)
        if score is None:
            continue
        found = _answer_in(passage, asked, fiscal_year_end(document.text) if document else None)
        if found is not None and score is not None and (best is None or score > best[0]):
            best = (score, found)
    return best[1] if best else None


def _score(asked: Asked, passage: Passage, document: Document | None, relevance: float | None) -> float | None:
    """How well the sentence fits the question, or None when it cannot answer it."""
    text = document.text if document else passage.text
    title = re.sub(r"[-_./]+", " ", f"{document.title if document and document.title else ''} {passage.doc_id}")
    lead = f"{title} {text[:_LEAD]}"  # the title and the document's opening name its subject and period
    window = f"{lead} {text[max(_LEAD, passage.start - _WINDOW):passage.end]}"  # … and what precedes the sentence
    sentence, said = passage.text, content_words(f"{passage.text} {passage.text.replace('-', ' ')}")  # "Q-2" whole too
    if _HEADING.match(sentence):  # "## Why prices went up" names a topic, it answers nothing
        return None
    names = _names(text)
    named = f"{window} {passage.as_read} {text[passage.end:passage.end + _WINDOW]}"  # whom: near it, its headings
    context = passage.as_read.partition(sentence)[0] if sentence in passage.as_read else ""  # its headings
    # "The company put …": whom it means is named before it; "We expect …", "Our …": the author, named at the top
    before = text[max(0, passage.start - _WINDOW):passage.start] if _PRONOUN_START.match(sentence) else ""
    context = f"{context} {before} {lead if _FIRST_PERSON.match(sentence) else ''}"
    if not asked.names <= with_countries(content_words(named)) or conflicts(asked, sentence, names, context):
        return None
    around = _share(asked.wanted, with_countries(content_words(window)))
    if _TABLE_ROW.search(sentence) or _PRONOUN_START.match(sentence):
        # a table row, a list item or "It took 3.5 days": what it is about is said in the lines before it, its
        # section's headings and a row's column names ("GPUs per instance: 16"), not its document's title
        reading = passage.as_read
        for heading in (document.title, _heading_title(text)) if document else ():
            reading = reading.replace(heading, " ", 1) if heading and heading not in sentence else reading
        said = said | content_words(f"{reading} {text[max(0, passage.start - _WINDOW):passage.start]}")
    own = _share(asked.topic, said) if asked.topic else 1.0
    dense = passage.scores.get("dense", passage.score)
    sure = relevance is not None and relevance >= SURE_RELEVANCE  # learned: about what is asked, in other words
    if not sure and (around < MIN_COVERAGE or not _related(asked.kind, own, around, dense)
                     or (asked.measures and _share(asked.measures, said) < 1)
                     or (asked.counted and not _counted_said(asked.counted, said))):
        return None
    year_end = fiscal_year_end(text) if document else None
    if not periods_fit(asked.periods, sentence, lead, measured=asked.kind in _MEASURED_KINDS, year_end=year_end) \
            or (asked.wants_name and not new_names(asked, sentence, names)):
        return None
    return around + own + dense + RELEVANCE_WEIGHT * (relevance or 0.0)


@lru_cache(maxsize=8)
def _heading_title(text: str) -> str:
    """The document's opening heading ("# Atlantica Compute plans AI campus …"), which heads every section."""
    first = text.lstrip().partition("\n")[0]
    return first.lstrip("#").strip() if _HEADING.match(first) else ""


@lru_cache(maxsize=8)
def _names(text: str) -> frozenset[str]:
    """The document's names (`names_inside_sentences`), read once for all its passages."""
    return names_inside_sentences(text)


def _share(asked: frozenset[str], said: frozenset[str]) -> float:
    """The share of the asked words the text says, a word or one meaning the same thing ("staff" for "people")."""
    return sum(1 for word in asked if word in said or any(word in group and group & said for group in SAME_THING)) \
        / len(asked)


def _related(kind: AnswerKind, own: float, around: float, dense: float) -> bool:
    """Whether the sentence itself is about what is asked: `own` is its share of the topic words (a table
    row's with its header's), `around` the question's words' with the sentence's context."""
    if kind is AnswerKind.TEXT:
        return own >= 0.5 or (own > 0 and around >= 0.75 and dense >= _DENSE)
    return own > 0


def _answer_in(passage: Passage, asked: Asked, year_end: int | None = None) -> Extract | None:
    """The figure, date or text in the sentence that answers; `year_end`: the month its document's fiscal year
    ends in, when it says."""
    text, kind, asked_periods = passage.text, asked.kind, asked.periods
    wanted_rates = {rate for rate in _RATE_WORDS
                    if re.search(rf"\b(?:{rate}|{rate}ly|per {rate})\b", asked.question, re.I)}
    if kind is AnswerKind.TEXT:
        return Extract(passage, kind, None, None)
    if kind is AnswerKind.DURATION:
        span = _DURATION.search(text)
        return Extract(passage, kind, span.group(0), span.group(0)) if span else None
    if kind is AnswerKind.DATE:
        # the sentence's own dates, else its context's: a timeline's date line above it ("[19 May 2026 · …] …")
        own, above = _dates(text, asked_periods), _dates(_date_line(passage), asked_periods)
        if not own and not above:
            return None
        period = min(own, key=lambda p: _distance_to(text, p.start, asked.topic)) if own else above[0]
        iso = period.first_day.isoformat() if period.first_day == period.last_day else \
            f"{period.first_day.isoformat()}/{period.last_day.isoformat()}"
        return Extract(passage, kind, iso, period.text)
    units = {_UNIT_WORDS[word] for word in asked.counted if word in _UNIT_WORDS}
    figures = [q for q in with_row_units(passage, extract_quantities(text))  # a row's "2.65" as its table's $2.65
               if _is_kind(q, kind, units, asked.wants_money)
               and not other_period_follows(text, q, asked_periods, year_end) and not _given(q, asked.figures)]
    if not figures:
        return None
    column_words = asked.measures or asked.wanted  # a table row's figure under the column the question names
    # what a company is "worth" is its valuation: the figure after that word, though "worth" is no measure the
    # sentence must say ("a $10 billion contract" answers what the contract is worth)
    measures = asked.measures | ({"worth"} if "worth" in asked.wanted else frozenset())
    figure = min(figures, key=lambda q: (not _rate_fits(text, q, wanted_rates),
                                         not period_follows(text, q, asked.periods, year_end),
                                         compared_with(text, q.start),
                                         -_column_share(passage, q, column_words),
                                         -_after(text, q, asked.wanted), -_measured_before(text, q, measures),
                                         q.start))
    return Extract(passage, kind, format_quantity(figure), figure.text.strip())


def _date_line(passage: Passage) -> str:
    """The date line the sentence sits under, as its context gives it first ("[19 May 2026 · Timeline › 2026] …"),
    or "" (a heading's or a title's year dates no sentence)."""
    context = passage.as_read.partition(passage.text)[0] if passage.text in passage.as_read else ""
    first = context.lstrip("[").partition(" · ")[0].strip() if " · " in context else ""
    periods = extract_periods(first)
    return first if len(periods) == 1 and (periods[0].start, periods[0].end) == (0, len(first)) else ""


def _dates(text: str, asked: Sequence[Period]) -> list[Period]:
    """The periods in `text` that can answer when: not the period the question names, nor one holding it."""
    return [period for period in extract_periods(text) if not any(
        period.contains(a) or (same_time(period, a) and not a.contains(period)) for a in asked)]


def _distance_to(text: str, position: int, words: frozenset[str]) -> int:
    """Characters from `position` to the nearest of `words` in `text` (its length when none is there)."""
    found = [abs(m.start() - position) for m in re.finditer(r"\w+", text) if content_words(m.group()) & words]
    return min(found, default=len(text))


def _rate_fits(text: str, quantity: Quantity, rates: set[str]) -> bool:
    """A figure per hour answers an hourly question, not a monthly one; a figure with no rate fits any."""
    rate = (quantity.unit or "").partition("/")[2]
    written = _RATE_AFTER.match(text, quantity.end)
    rate = rate or (_RATE_NAMES.get(written.group(1).lower(), "") if written else "")
    return not rate or not rates or rate in rates


def _column_share(passage: Passage, figure: Quantity, wanted: frozenset[str]) -> float:
    """For a table row read as a fact ("Funding rounds › Brindlemark AI — Round: Series C; Amount: $310 million"),
    the share of `wanted` in the name of the column the figure sits under; 0 for a sentence."""
    name = column_name(passage, figure) if wanted else ""
    return _share(wanted, content_words(name)) if name else 0.0


def _after(text: str, quantity: Quantity, wanted: frozenset[str]) -> int:
    """How many of the `wanted` words are among the words right after a figure, what it counts or measures ("64
    rented H100s"); a word counts when one begins the other ("research" for "researchers")."""
    after = content_words(" ".join(text[quantity.end:].split()[:3]))
    return sum(1 for word in wanted if any(_stem_match(word, other) for other in after))


def _measured_before(text: str, quantity: Quantity, measures: frozenset[str]) -> bool:
    """Whether the words since the figure before it name the measure asked about ("Series D of €1.3 billion …,
    at a post-money valuation of €11 billion": the second, for what a company is worth)."""
    if not measures:
        return False
    start = max((q.end for q in extract_quantities(text) if q.end <= quantity.start), default=0)
    return _share(measures, content_words(text[start:quantity.start])) > 0


def _counted_said(counted: frozenset[str], said: frozenset[str]) -> bool:
    """Whether the sentence says what is counted: a word, one meaning the same, or one that begins the other
    ("61 work in research" for "researchers")."""
    return bool(_share(counted, said)) or any(_stem_match(word, other) for word in counted for other in said)


def _stem_match(first: str, second: str) -> bool:
    short, long = sorted((first, second), key=len)
    return (long.startswith(short) and len(short) >= 5) or first == second


def _given(figure: Quantity, given: Sequence[Quantity]) -> bool:
    """The figure is one the question itself states, to the finer one's rounding ("$2.3bn" and "$2.3 billion",
    not "$1.4 billion" beside the question's "$1 billion")."""
    return any(figure.unit == other.unit and abs(figure.value - other.value) <= min(figure.precision, other.precision)
               for other in given)


def _is_kind(quantity: Quantity, kind: AnswerKind, units: set[str], money: bool = False) -> bool:
    """An amount is money or a percentage (money only, when `money` is asked for); a count a bare number, or one
    in the unit asked for ("how many megawatts": 17 MW)."""
    base = (quantity.unit or "").partition("/")[0]
    if kind is AnswerKind.AMOUNT:
        return base in CURRENCIES or (base == "%" and not money)
    measured = units - {""}
    return base in measured if measured else base in {"", "count"}
