"""What a question asks, read once before any evidence sentence: what kind of answer it wants (`question_kind`:
an amount, a count, a date, a duration or text) and what an answering sentence must share with it and hold
(`Asked`): its content words less the question words, the names and periods it asks about, what an amount
measures ("revenue"), what a count counts ("how many customers"), and whether it asks who or which.
`answers` holds the sentences up against it; the question's word tables live here with the rules that read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from service.figures import Period, Quantity, content_words, extract_periods, extract_quantities, named_entities

_MONEY_WORDS = content_words("money put pay paid spend spent cost costs charge charges price bill much")
_QUESTION_WORDS = content_words("how much many what when which who whom whose where why does did do is are was if "
                                "now once roughly approximately about exactly "
                                "were has have had can could will would much many long big large high low "
                                "year date day month quarter number amount total cost price pay paid spend "
                                "spent get got come came")
_AMOUNT = re.compile(r"\bhow (?:much|big|large|high|low|expensive)\b|\b(?:price|cost|amount|share|percentage|"
                     r"fee|bill|budget|discount|valuation|margin|revenue|sales|turnover|profit|income|earnings|"
                     r"loss|spend\w*|pay|paid|charge|capex|"
                     r"commitment|investment|invest|worth|salary|rate)\b", re.IGNORECASE)
_COUNT = re.compile(r"\bhow many\b|\bwhat (?:is |was )?(?:the )?number of\b", re.IGNORECASE)
# "how much power will the campus pull": a measurement in watts, counted like "how many megawatts"
_MEASURED = re.compile(r"\bhow much (?:\w+ ){0,2}?(?P<what>power|electricity|load|(?:(?<=it )|(?<=power )|"
                       r"(?<=generating )|(?<=grid ))capacity)\b", re.IGNORECASE)  # not "borrowing capacity"
_WHEN = re.compile(r"^\s*when\b|\b(?:what|which) (?:year|date|day|month|quarter)\b|\bin which (?:year|month|quarter)\b|"
                   r"\bsince when\b|\bon what date\b", re.IGNORECASE)
_HOW_LONG = re.compile(r"\bhow long\b|\bhow many (?:minutes|hours|days|weeks|months|years)\b", re.IGNORECASE)
_MEASURES = content_words("valuation revenue revenues sales turnover price prices cost costs capex loss losses "
                          "profit income earnings salary fee fees budget margin funding investment spending bill "
                          "commitment")
# what is counted: "how many customers"; "how many of Velloran's staff are researchers" counts researchers
_COUNTED = re.compile(r"\bhow many (?:of (?:the |its |their |[\w-]+['’]s )?(?:[\w-]+ (?:are|were|is|was) )?)?"
                      r"([\w-]+(?: [\w-]+)?)", re.IGNORECASE)
# "what did it charge", "how much did it pay" ask for money; "by how much did the price rise" may be a percentage
_MONEY_ASKED = re.compile(r"\b(?:charge[sd]?|cost|costs|pa(?:y|id|ys)|price[sd]?|fees?|bill(?:ed)?|spen[dt]\w*|"
                          r"invest(?:ed)?|raised?)\b", re.IGNORECASE)
# … unless a change is asked about ("how much did it raise its prices", "by how much"): a percentage may answer
_HOW_MUCH_DID = r"\bhow much (?:did|does|do|has|have|had|will|would|was|were|is) (?:\S+ ){0,3}?"
_RELATIVE_ASKED = re.compile(rf"\b(?:percent\w*|share|margin|rate|growth|discount|by how much|higher|lower|more|"
                             rf"less)\b|%|{_HOW_MUCH_DID}(?:rise|rose|risen|increase|go up|went up|grow|grew|fall|fell|"
                             rf"drop|decline|change)\w*\b|{_HOW_MUCH_DID}(?:raise|hike|cut)\w* (?:its|their|the|"
                             rf"\w+['’]s)\b", re.IGNORECASE)
_WHO_WHICH = re.compile(r"^\s*(?:who|whom|whose|which)\b|\bwhich \w+ (?:did|does|do|is|was|are|were)\b",
                        re.IGNORECASE)
_WHO_WHICH_FIRST = re.compile(r"\s*(?:who|whom|whose|which)\b", re.IGNORECASE)
# "according to the original poster": who says it, not what is asked; "funding round": the round, no measure
_SOURCE = re.compile(r",\s*according to [^,?;]*|^\s*according to [^,?;]*,", re.IGNORECASE)  # a clause of its own
_NO_MEASURE = re.compile(r"\bfunding(?=\s+round)", re.IGNORECASE)
_CAPITALISED = re.compile(r"(?<=\s)[A-Z][a-z]+")  # a capitalised word past the question's first


SAME_THING = [content_words(group) for group in (  # words a question and its answer use for the same thing
    "people employee employees staff headcount worker workers job jobs hire hires",
    "gpu gpus accelerator accelerators chip chips card cards",
    "valuation valued value worth",
    "revenue revenues sales turnover",
    "capex spending spend spent investment invest invested contribute contributed contribution putting",
    "government ministry ministries department agency",
    "price prices cost costs charge charges charged fee fees bill bills billed investment",
    "loss losses lost lose",
    "profit profits earnings",
    "contract contracts deal deals agreement agreements",
    "raise raised raising funding round",
    "start started starts begin began begun beginning launch launched",
    "build building built construct constructed construction",
    "end ended ends close closed finish finished",
    "buy bought purchase purchased acquire acquired",
    "rise rose risen increase increased grow grew grown",
    "fall fell fallen decrease decreased drop dropped decline declined cut",
    "loan loans debt lender lenders borrow borrowed",
    "power electricity mw megawatt megawatts gw gigawatt gigawatts kw kilowatt draw load",
    "customer customers client clients",
    "land site plot",
)]
_COUNTRY = dict(re.findall(r"(\w+):(\w+)", """Finnish:Finland Swedish:Sweden Norwegian:Norway Danish:Denmark
Icelandic:Iceland German:Germany French:France Dutch:Netherlands Belgian:Belgium Spanish:Spain Italian:Italy
Portuguese:Portugal Polish:Poland Austrian:Austria Swiss:Switzerland Irish:Ireland British:Britain Scottish:Scotland
Welsh:Wales Canadian:Canada Mexican:Mexico Brazilian:Brazil Chilean:Chile Argentine:Argentina Chinese:China
Japanese:Japan Korean:Korea Taiwanese:Taiwan Indian:India Malaysian:Malaysia Singaporean:Singapore
Vietnamese:Vietnam Thai:Thailand Indonesian:Indonesia Philippine:Philippines Australian:Australia Israeli:Israel
Emirati:UAE Turkish:Turkey Egyptian:Egypt Nigerian:Nigeria Kenyan:Kenya Estonian:Estonia Latvian:Latvia
Lithuanian:Lithuania Hungarian:Hungary Greek:Greece Romanian:Romania Bulgarian:Bulgaria Ukrainian:Ukraine
Russian:Russia European:Europe"""))  # a question's adjective, the document's country
_SAME_PLACE = {content_words(a) | content_words(b) for a, b in _COUNTRY.items()}


def with_countries(words: frozenset[str]) -> frozenset[str]:
    """`words` and, for a country or its adjective among them, the other ("finnish" and "finland"): a question
    about "the Finnish government" is answered by "Finland's economy ministry", and the reverse."""
    return words.union(*(pair for pair in _SAME_PLACE if pair & words))


_QUARTER = re.compile(r"\bQ([1-4])(?:\s+(?:of\s+)?(\d{4}))?\b", re.IGNORECASE)
_QUARTER_NAMES = ("first", "second", "third", "fourth")


def search_wording(question: str) -> str:
    """What to search the documents with for a question: the question, with a quarter's written-out name ("Q1
    2026": "first quarter of 2026"), the words meaning the same as its words ("sales": "revenue") and a country
    for its adjective ("Dutch": "Netherlands") added, so
    that a sentence that words its answer the documents' way is retrieved."""
    words = content_words(question)
    same = sorted({word for group in SAME_THING if group & words for word in group} - words)
    places = [place for pair in _COUNTRY.items() if content_words(" ".join(pair)) & words for place in pair
              if not content_words(place) & words]
    quarters = [f"{_QUARTER_NAMES[int(m.group(1)) - 1]} quarter" + (f" of {m.group(2)}" if m.group(2) else "")
                for m in _QUARTER.finditer(question)]
    return " ".join([question, *quarters, *same, *places])


class AnswerKind(StrEnum):
    """What a question asks for, and so what an answer gives."""

    DURATION = "duration"  # how long: a span of time
    AMOUNT = "amount"  # how much: money or a percentage
    COUNT = "count"  # how many
    DATE = "date"  # when
    TEXT = "text"  # anything else: the sentence itself


def question_kind(question: str) -> AnswerKind:
    if _HOW_LONG.search(question):
        return AnswerKind.DURATION
    if _WHEN.search(question):
        return AnswerKind.DATE
    if _WHO_WHICH_FIRST.match(question):  # "Which provider had the cheapest H100?" asks for a name, not a price
        return AnswerKind.TEXT
    if _COUNT.search(question) or _MEASURED.search(question):
        return AnswerKind.COUNT
    if _AMOUNT.search(question):
        return AnswerKind.AMOUNT
    return AnswerKind.TEXT


@dataclass(frozen=True)
class Asked:
    """What a question asks, read once: the words an answering sentence must share, and what it must hold."""

    question: str
    kind: AnswerKind
    wanted: frozenset[str]  # the question's content words, less its question words
    names: frozenset[str]  # the names it asks about ("veridian")
    topic: frozenset[str]  # what it asks about them: `wanted` less names and capitalised words
    periods: tuple[Period, ...]  # the periods it names ("fiscal 2024")
    figures: tuple[Quantity, ...]  # the figures it states ("How much of its $2.3bn budget …"): no answer
    measures: frozenset[str]  # what an amount measures ("revenue", "valuation"): the sentence must say it
    counted: frozenset[str]  # what a count counts ("customers" in "how many customers"): likewise
    wants_name: bool  # who / which: the answer names someone or something the question does not
    wants_money: bool  # what was charged, paid, spent: money, not a percentage


    @classmethod
    def of(cls, question: str) -> Asked:
        kind = question_kind(question)
        periods = tuple(extract_periods(question))
        read = question  # its periods are matched as periods (`answer_periods.periods_fit`), not as words
        for period in reversed(periods):
            read = read[:period.start] + " " + read[period.end:]
        read = _NO_MEASURE.sub(" ", _SOURCE.sub(" ", read))
        wanted = content_words(read) - _QUESTION_WORDS - (
            _MONEY_WORDS if kind is AnswerKind.AMOUNT else frozenset())
        names = named_entities(read) - _QUESTION_WORDS
        topic = wanted - names - content_words(" ".join(_CAPITALISED.findall(question)))
        counted = _COUNTED.search(question) or _MEASURED.search(question)
        return cls(question, kind, wanted, names, topic, periods, tuple(extract_quantities(question)),
                   content_words(read) & _MEASURES if kind is AnswerKind.AMOUNT else frozenset(),
                   content_words(counted.group(1)) - _QUESTION_WORDS if counted else frozenset(),
                   kind is AnswerKind.TEXT and bool(_WHO_WHICH.search(question)),
                   kind is AnswerKind.AMOUNT and bool(_MONEY_ASKED.search(question))
                   and not _RELATIVE_ASKED.search(question))

