"""Is there anything to check? Questions, predictions, opinions, exhortations and filler get a distinct
outcome instead of a verdict that would read as a finding about the documents.

The rules look at the statement's form, in this order:
- a question ("…?", or "Did …" without its mark);
- filler: greetings, thanks, "What a year!", under three words;
- an exhortation or a norm ("Everyone should …", "Buy now");
- a prediction: a bare future ("will", "is going to");
- a first-person feeling or belief ("I love", "I think");
- a value judgement (evaluative words such as "impressive", "rip-off", "never gives up") with no figure or
  date to check;
- a short verbless fragment naming nothing ("Big news today").
A statement that reports what someone said, found or ranked ("Meta said it will spend $40B", "studies show …
will", "was ranked …") is checkable: it is a fact about a statement. Everything else is checkable. The rules
err towards checking: on the public claim sets they screen out 0.3–8.7% of labelled claims
(`python bench/claim_structure.py --datasets ../shared/datasets`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from service.claims.wording import first_verb, is_verb, tokens, wordset

_AUXILIARY_START = re.compile(r"^(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have|had|"
                              r"isn't|aren't|didn't|doesn't)\b", re.IGNORECASE)  # a question without its mark
_EXCLAMATION = re.compile(r"^(?:what an?|how)\b[^.?]*!$", re.IGNORECASE)  # "What a year for Acme!"
_FRAGMENT_WORDS = 5  # a verbless statement this short with no name, figure or date says nothing to check
_NORM = re.compile(r"\b(?:should|ought to|must(?! have)|need to|needs to|has to|have to|had better|deserves?)\b"
                   r"|^(?:let's|let us|don't|do not|never|always|please|stop|start|buy|sell|try|learn|remember|"
                   r"imagine|consider|go|make sure|avoid|check out|read|watch|join|subscribe)\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(?:will|won't|shall|is going to|are going to|'ll|is set to|are set to|is bound to|"
                     r"are bound to|is about to|are about to)\b", re.IGNORECASE)
_REPORTED = re.compile(r"\b(?:said|says|say|announced|announces|told|stated|states|expects?|expected|plans?|"
                       r"planned|projects?|projected|forecasts?|forecast|predicts?|predicted|estimates?|"
                       r"estimated|guided|guidance|according to|reported|reports|claims?|claimed|pledged|"
                       r"promised|warned|confirmed|intends?|aims?|targets?|believes|wrote|argued|"
                       r"agreed|committed|ranked|rated|voted|named|shown|showed|shows|found|finds|suggests?|indicates?|"
                       r"concluded|study|studies|research)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"(?:^|,\s*)(?:i|we)\s+(?:really\s+|truly\s+|honestly\s+|just\s+)?(?:love|like|hate|"
                           r"think|feel|believe|guess|hope|wish|prefer|enjoy|adore|dislike|can't stand|am|"
                           r"'m)\b|"
                           r"\b(?:in my (?:opinion|view)|imo|imho|personally|i think|i feel|i believe|i find)\b",
                           re.IGNORECASE)
_EVALUATIVE = re.compile(r"\b(?:amazing|awesome|impressive|terrible|horrible|awful|beautiful|"
                         r"ugly|brilliant|stupid|genius|overrated|underrated|rip-?off|waste of|boring|exciting|"
                         r"incredible|fantastic|disappointing|ridiculous|insane|crazy|lovely|wonderful|nice|"
                         r"great|bad|good|cool|pathetic|shameful|disgraceful|visionary|legendary|"
                         r"never gives? up|a joke|a scam|overpriced|too expensive|worth it|the future|"
                         r"deserves?|fair|unfair|smart|dumb|beloved|hyped|a bargain|a steal)\b",
                         re.IGNORECASE)
_FIGURE_OR_DATE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|"
                             r"million|billion|trillion|half|double|triple|January|February|March|April|"
                             r"June|July|August|September|October|November|December)\b", re.IGNORECASE)
_FILLER = re.compile(r"^(?:thanks?|thank you|hello|hi|hey|cheers|good (?:morning|evening|night)|welcome|"
                     r"stay tuned|see you|bye|congrat\w*|ok|okay|wow|lol|more on that)\b",
                     re.IGNORECASE)


# evidence that says what is to come: a plan, a schedule or a forecast ("Heron: to be retired at the end of 2025",
# "planned on 50,000 GPUs"); not "due to power costs", "appears to be", "better than expected" or "the projects team"
_PLANNED = re.compile(r"\b(?:will|shall|going to|plans? to|planned|planning to|(?<!appears )(?<!seems )to be \w+ed|"
                      r"scheduled|set to|intends? to|intended to|aims? to|expects? to|expected to|forecasts?|"
                      r"projected to|due (?:in|by|on|to (?:be|arrive|open|start|begin|launch|ship|complete|finish|"
                      r"close|come|go))|upcoming)\b", re.IGNORECASE)


def states_a_plan(text: str) -> bool:
    """Whether evidence `text` speaks of what is to come (a plan, a schedule, a forecast)."""
    return bool(_PLANNED.search(text))


class Reason(StrEnum):
    """Why a statement is not checked."""

    QUESTION = "a question"
    EXHORTATION = "an exhortation or a norm"
    PREDICTION = "a prediction"
    OPINION = "an opinion"
    FILLER = "no statement of fact"


@dataclass(frozen=True)
class Checkworthiness:
    checkable: bool
    reason: Reason | None = None  # why not, when not checkable

    @property
    def explanation(self) -> str:
        """The `reason` a response gives: "not a checkable statement (a prediction)"."""
        return "" if self.reason is None else f"not a checkable statement ({self.reason.value})"


CHECKABLE = Checkworthiness(True)


def checkworthiness(statement: str) -> Checkworthiness:
    """Whether `statement` says something documents can support or refute, and if not, why."""
    text = statement.strip()
    words = [t.group() for t in tokens(text)]
    content = [w for w in words if any(c.isalnum() for c in w)]
    if text.endswith("?") or (_AUXILIARY_START.match(text) and not text.endswith(".") and len(content) > 2):
        return Checkworthiness(False, Reason.QUESTION)
    if (_FILLER.match(text) and not _FIGURE_OR_DATE.search(text)) or len(content) < 3 or _EXCLAMATION.match(text):
        return Checkworthiness(False, Reason.FILLER)
    reported = bool(_REPORTED.search(text))
    if (_NORM.search(text) or _imperative(words)) and not reported:
        return Checkworthiness(False, Reason.EXHORTATION)
    if _future(text) and not reported:
        return Checkworthiness(False, Reason.PREDICTION)
    if _FIRST_PERSON.search(text):
        return Checkworthiness(False, Reason.OPINION)
    if _EVALUATIVE.search(text) and not _FIGURE_OR_DATE.search(text) and not reported:
        return Checkworthiness(False, Reason.OPINION)
    if first_verb(words) is None and not _FIGURE_OR_DATE.search(text) and len(content) <= _FRAGMENT_WORDS \
            and not any(w[0].isupper() for w in content[1:]):
        return Checkworthiness(False, Reason.FILLER)  # a short fragment naming nothing: "Big news today"
    return CHECKABLE


_WILL_NAME = re.compile(r"Will [A-Z][\w’'-]* [a-z]")  # "Will Power won": a name, then lower-case words


def _future(text: str) -> bool:
    """A future tense: "will", "WILL", "is going to" — not the name in "Will Power won the race" (a headline's
    "Nvidia Will Be Worth …" stays a future: the word after the name is capitalised too)."""
    return any(not _WILL_NAME.match(text, m.start()) for m in _FUTURE.finditer(text))


_IMPERATIVE_VERBS = wordset("""test sign check try keep make get use read watch join subscribe follow share click
visit call ask tell let take give see look think stop start remember note plan book compare choose buy sell
install run back up save download upgrade switch contact register learn imagine consider avoid""")


def _imperative(words: list[str]) -> bool:
    """"Test your restore before …", "Sign up for …": a bare verb first, not followed by another verb or by a
    capitalised word ("Check Point reported …" is a company)."""
    return len(words) > 1 and words[0].lower() in _IMPERATIVE_VERBS and words[0][0].isupper() \
        and not is_verb(words[1]) and not words[1][0].isupper()
