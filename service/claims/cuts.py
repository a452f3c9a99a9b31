"""Where a compound claim may be cut, and what after a cut is no part of its own.

    connectors(text, verb_start)   # the ";", "and", "but", "while", "whereas"… and bare commas after the main verb
                                   # that may start a new part
    no_part(segment, words, …)     # the segment after a cut goes on with what came before: who said it, an
                                   # apposition, a predicate that may belong to a clause inside the part before
    reports_who(segment)           # "…, scientists said", "say scientists", "preliminary research has shown"
    shared_auxiliary(said, words, lead)  # "was" for "… was jailed in 2008 and released in 2010"

A connector is no cut when it joins words inside a phrase rather than clauses: "between 2020 and 2022",
"all but a negligible amount", "more and more evident", "rises and falls", "both the URT and the LRT", verbs
that share what follows ("was born and raised in New York", "owns and operates a Hurricane"), or the
items of a list of examples ("diseases like diabetes, hypertension and obesity make …": no verb since "like").
Such cuts, measured on the Check-COVID and Citation-Integrity training splits, were most of what the splitter
got wrong there: "A recent study showed that kids with intellectual" / "developmental disabilities are …".
"""

from __future__ import annotations

import re

from service.claims.wording import (
    ADVERBS,
    NOUN_TOO,
    REFERRING,
    SUBJECT_PRONOUNS,
    first_verb,
    is_figure,
    is_participle,
    is_past,
    is_verb,
    token_texts,
    verb_at,
    wordset,
)

_CONNECTOR = re.compile(r";\s*|,?\s+(?:and|but|while|whereas|although|though|yet)\s+|,\s+(?!\d{3}\b|\d{4}\b)",
                        re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+(?:[^,;]|,(?=\d)){1,40}?\s+and\s+", re.IGNORECASE)
_COORDINATED = re.compile(r"\b(?:both|either|neither|between)\s+(?:(?!and\b)\S+\s+){0,3}$", re.IGNORECASE)
_NOT_BEFORE_VERB = wordset("in on at for to of by with from into the a an its their his her our this that")
_OPENS_LIST = re.compile(r"\b(?:such as|like|including|e\.g\.)\s", re.IGNORECASE)
_WORD_PAIRS = {("rises", "falls"), ("ups", "downs"), ("highs", "lows"), ("gains", "losses"), ("in", "out"),
               ("increases", "decreases"), ("pros", "cons"), ("ins", "outs"), ("on", "off"), ("up", "down")}
_ALL_BUT = wordset("all anything nothing everything none everyone no-one nobody")
# "…, scientists said", "a new study finds", "said Taalas": who says it, nothing to check of its own (but
# "… and reported revenue of $6.4 billion" is a predicate)
_REPORTING_VERB = (r"(?:said|say|says|found|finds|find|reported|noted|argued|argues|added|wrote|writes|warned|"
                   r"told|explained|explains|concluded|concludes|shown|showed|shows|suggested|suggests|indicated|"
                   r"indicates|revealed|reveals|claimed|claims|believe|believes|believed|announced|confirmed|"
                   r"insisted|insists|admitted)")  # not "reports", "notes": nouns as often
# "…, say scientists", "…, claims the company": the verb before who says it, in any case
_SAYS_WHO = r"(?:say|says|said|warn|warns|warned|claim|claims|claimed|insist|insists|insisted|argue|argues|argued)"
_REPORTING = re.compile(rf"^(?:(?:\S+\s+){{0,4}}{_REPORTING_VERB}|"
                        rf"{_REPORTING_VERB}(?-i:(?:\s+[A-Z][\w.'’-]*){{1,3}})|"
                        rf"{_SAYS_WHO}(?:\s+(?:the|many|some|most|leading))?(?:\s+[\w.'’-]+){{1,2}})\W*$",
                        re.IGNORECASE)
_EXPECTED = re.compile(r"\b(?:anticipated|expected|predicted|thought|projected|forecast|believed|estimated|assumed|"
                       r"feared|hoped|imagined|suggested)\W*$", re.IGNORECASE)
_THAN_ENDS = re.compile(r"\bthan(?:\s+\S+){1,4}\s*$", re.IGNORECASE)  # "… much faster than scientists"
# after a bare comma, the verb of a long subject ("The total proceeds from the sales on May 31, 2022, and June 26,
# 2023, were $956,281"), not a predicate of its own: predicates are joined by "and", "while"…
_COPULAS = wordset("is are was were")
# a clause opened after the main verb: a predicate or pronoun after it may be that clause's, not the subject's
_EMBEDDED = re.compile(r"\b(?:that|which|who|whom|where|whether)\b(?!\s+(?:year|quarter|month|week|day|time)\b)",
                       re.IGNORECASE)
_GERUND = re.compile(r"\b(?:for|by|of|after|before|without|from|when)\s+[a-z]+ing\b")  # "fined for using phones"
_PASSIVE_END = re.compile(r"\b(?:was|were|been|being|be|is|are)\s+\S+\W*$", re.IGNORECASE)
_SHAREABLE = wordset("is are was were has have had been will would can could may might should must be")
_MODALS = wordset("will would can could may might should must")
_NOT_BARE = _SHAREABLE | wordset("do does did")
_AFTER_PASSIVE = wordset("in on by at for as under during to with from into")  # "… and released in April 2010"
# verbs that happen on their own: "was founded in 2015 and moved to Austin", "was appointed … and resigned"
_ON_ITS_OWN = wordset("""moved relocated resigned retired returned failed declined won expanded closed opened rose fell
grew died left arrived departed collapsed settled recovered increased decreased improved dropped surged soared
slumped jumped climbed doubled tripled halved shrank ended began started continued remained stayed resumed emerged
graduated served went came became""")
_NAMING = wordset("called named known dubbed labelled labeled termed")
_AFTER_PARTICIPLE = wordset("with by in to as for at on from last earlier under into against")


def connectors(text: str, verb_start: int) -> list[re.Match[str]]:
    """The connectors after `verb_start` that may start a new part (not those inside a phrase or a list)."""
    return [cut for cut in _CONNECTOR.finditer(text, verb_start)
            if not _inside_between(text, cut.start()) and not _joins_words(text, cut)
            and not _in_list(text, verb_start, cut)]


def reports_who(segment: str) -> bool:
    """Whether `segment` only says who says it ("scientists said", "say scientists", "said Taalas", "it was
    found"), not what was done ("The merger was announced")."""
    impersonal = segment.split()[:1] in (["it"], ["It"], ["as"], ["As"])  # "…, it was found"
    return bool(_REPORTING.match(segment)) and (impersonal or not _PASSIVE_END.search(segment))


def _modifies(words: list[str]) -> bool:
    """A participle that modifies what comes before it rather than a predicate of its own: "published in The
    Lancet", "compared with white people", "called encephalopathy" ("raised $10B" is a predicate)."""
    first = words[0]
    return first.islower() and (first in _NAMING or (is_past(first) and len(words) > 1
                                                      and words[1].lower() in _AFTER_PARTICIPLE))


def shared_auxiliary(predicate: str, words: list[str], lead: int) -> str:
    """The auxiliaries of the part before that the predicate after "and" shares, followed by a space: a passive
    participle's ("was later jailed … and released in April 2010": "was released"), a modal's before a bare verb
    ("will house 20,000 GPUs, draw 90 MW": "will draw"); "" when there are none to share (a negation is not
    shared, nor "was" with an active verb and its object, "was founded … and raised $10B", a verb that happens on
    its own, "… and moved to Austin", "… and resigned in 2022", or a past that is no participle, "was $5M in 2023
    and rose to $8M")."""
    before = token_texts(predicate)
    shared = []
    for word in before:
        if word.lower() not in _SHAREABLE:
            break
        shared.append(word)
    if not shared or "not" in (word.lower() for word in before[:len(shared) + 1]):
        return ""
    verb, after = words[lead].lower(), words[lead + 1:lead + 2]
    rest = [word for word in before[len(shared):] if word.lower() not in ADVERBS and not word.endswith("ly")]
    was_passive = bool(rest) and is_participle(rest[0])  # "was (later) jailed", not "was $5M"
    passive = was_passive and is_participle(verb) and verb not in _ON_ITS_OWN \
        and (not after or after[0].lower() in _AFTER_PASSIVE)
    bare = shared[0].lower() in _MODALS and not is_past(verb) and not verb.endswith(("s", "ing")) \
        and verb not in _NOT_BARE  # "can be infected … but are unlikely"
    return " ".join(shared[:1] if bare else shared) + " " if passive or bare else ""


def _joins_words(text: str, cut: re.Match[str]) -> bool:
    """A connector inside a phrase: "all but a negligible amount", "more and more evident", "rises and falls",
    "both the URT and the LRT", "born and raised"."""
    before, after = text[:cut.start()].split()[-1:], text[cut.end():].split()[:1]
    if not before or not after:
        return False
    word, pair = cut.group(0).strip(" ,").lower(), (before[0].lower(), after[0].lower())
    if word == "but":
        return pair[0] in _ALL_BUT
    ahead = text[:cut.start()].split()[-2:-1]  # "was born and raised", not "… of power and cost $1B", "in May
    # and cut", "in funding and hired", "its listing and raised"
    shared_object = before[0][:1].islower() and is_verb(before[0]) and not before[0].endswith("ing") \
        and after[0][:1].islower() and is_verb(after[0]) and not {pair[0], pair[1]} & NOUN_TOO \
        and not (ahead and ahead[0].lower() in _NOT_BEFORE_VERB)
    return word == "and" and (pair[0] == pair[1] or pair in _WORD_PAIRS or shared_object
                              or bool(_COORDINATED.search(text[:cut.start()] + " ")))


def _in_list(text: str, verb_start: int, cut: re.Match[str]) -> bool:
    """A comma or "and" inside a list of examples: "diseases like diabetes, hypertension and obesity make …",
    "such as caves and hollowed out trees" (no verb since the list opened)."""
    word = cut.group(0).strip(" ,").lower()
    following = token_texts(text[cut.end():])
    if word not in {"", "and"} or (word == "and" and cut.group(0).startswith(",")
                                   and first_verb(following[:6]) is not None):
        return False  # ", and" and a clause end the list ("…, including Asia, and net income fell")
    if len(following) >= 2 and following[0][:1].islower() and is_verb(following[0]) \
            and (is_figure(following[1]) or following[1].lower() in {"a", "an", "the", "its", "their"}):
        return False  # a predicate and its object: "… products like GPUs and raised $10M" ("hollowed out trees")
    opened = list(_OPENS_LIST.finditer(text, verb_start, cut.start()))
    return bool(opened) and first_verb(token_texts(text[opened[-1].end():cut.start()])) is None


def _inside_between(text: str, position: int) -> bool:
    return any(m.start() < position < m.end() for m in _BETWEEN.finditer(text))


def no_part(segment: str, words: list[str], lead: int, subject: str, previous: str, connector: str) -> bool:
    """Whether the segment after a connector goes on with what came before it: who said it, what others expected,
    an apposition or a participle phrase after a comma, a predicate or pronoun that may be a clause's inside the
    part before ("… proteins that interact with X and are …"), or "while" with a bare "-ing" ("… while speaking")."""
    first = words[lead].lower()
    if (reports_who(segment.strip()) and not any(map(is_figure, words))) \
            or (_EXPECTED.search(segment) and _THAN_ENDS.search(previous) and first_verb(words) == len(words) - 1) \
            or _continues(words[lead:], connector, previous):
        return True
    if connector.strip() == "," and (first in {"a", "an"} or _modifies(words) or segment.lstrip()[:1] in "\"“‘'"):
        return True  # "…, a process referred to as EMH", "…, published last week", "…, called X", "…, "Title\""
    said = previous[len(subject):] if previous.startswith(subject) else previous  # after the subject
    embedded = _EMBEDDED.search(said)
    if embedded and first_verb(token_texts(said[embedded.end():])) is not None \
            and (first in SUBJECT_PRONOUNS or REFERRING.match(segment) or verb_at(words, lead)):
        return True
    return "while" in connector.lower() and ing_predicate(words, lead) \
        and (lead + 1 == len(words) or bool(_GERUND.search(said)))  # "… while speaking", "fined for using … while"


def _continues(words: list[str], connector: str, previous: str) -> bool:
    """A segment that goes on with what came before rather than stating something of its own: the verb of a long
    subject after a bare comma ("The percentage decrease in X from June 30, 2023, to December 31, 2023, is 22%"),
    a modifier (", leaving 5.6M shares outstanding", ", driven by higher sales"), or the next of coordinated "-ing"
    modifiers ("operating and investing activities", "operating, investing, and financing")."""
    first = words[0]
    ing = first.islower() and first.endswith("ing")  # not "Boeing", "Beijing"
    after_comma = connector.strip() == "," and (first.lower() in _COPULAS or ing or words[1:2] == ["by"])
    return after_comma or (ing and previous.rstrip(" ,").lower().endswith("ing"))


def ing_predicate(words: list[str], lead: int) -> bool:
    """"(while) also recognizing increased liabilities": an "-ing" predicate of the claim's subject, not a clause
    with a subject of its own ("while spending fell 5%", "while Boeing delivered 500 jets")."""
    word = words[lead]
    if not (word.islower() and word.endswith("ing")):
        return False
    after = words[lead + 1:lead + 3]
    if not after or not is_verb(after[0]):
        return True
    # "recognizing increased contract liabilities": a participle before a noun; "spending increased 5%": a verb
    return after[0].lower().endswith("ed") and len(after) > 1 and after[1][0].isalpha() \
        and after[1].lower() not in {"by", "to", "from", "in", "at", "sharply", "slightly"}

