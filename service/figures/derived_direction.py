"""A change claimed by its direction alone: "Stratus GPU's on-demand H100 price rose between September 2023 and
September 2024", "Noninterest income decreased in the first quarter of 2024 compared to 2023". The claim's figure
is a ratio new / old above 1 (a rise) or below 1 (a fall); `service.figures.derived_check` finds the two figures
the way it does for "grew 15%" and computes it.

Only a verb that says what a named measure did counts: a past tense after the measure ("revenue increased", "the
price rose"), or a transitive one before it ("the company increased its marketing expenses"). "Due to increased
competition" and "an increased net loss" describe something else, "declined to disclose" is no fall, "the company
grew" names no measure, and "increased by half" or "by $5 million" gives a size no rule computes: none is read.
What the claim says beyond the direction — its size in words ("rose sharply"), a reason ("due to …", "driven by
…"), another clause — the figures cannot bear out, so a direction that holds decides nothing there
(`DerivedClaim.supports`), while one the figures contradict still refutes the claim.
"""

from __future__ import annotations

import re

from service.figures.derived_claim import DerivedClaim, claim_measure_words
from service.figures.periods import Period, extract_periods
from service.figures.subjects import measure_words

DIRECTIONS = ("rise", "fall")  # a direction claim's `text`, as its verdict names it ("the claimed rise")
_RISES = "rose|risen|grew|grown|increased|climbed|jumped|surged|soared|went up"
_FALLS = "fell|fallen|dropped|declined|decreased|shrank|shrunk|slid|slumped|went down"
_VERB = re.compile(rf"\b(?:(?P<up>{_RISES})|(?P<down>{_FALLS}))\b", re.IGNORECASE)
# a participle used as an adjective or after a preposition is no claim about the measure's direction
_NOT_AFTER = re.compile(r"\b(?:by|to|of|from|with|an?|the|for|and|or|in|despite|amid|its|their|has|have|had)\s*$",
                        re.IGNORECASE)
# what may follow a direction verb: its size word, its period, its base, or the end of its clause
_FOLLOWS = re.compile(r"\s*(?:$|[.,;]|(?:slightly|significantly|sharply|substantially|materially|modestly|"
                      r"steadily|again|markedly|considerably|year[- ]over[- ]year|in|during|over|between|from|"
                      r"compared|versus|as of|for|to|its|their|the|by|at)\b)", re.IGNORECASE)
_SIZE = re.compile(r"\b(?:slightly|significantly|sharply|substantially|materially|modestly|markedly|considerably)\b",
                   re.IGNORECASE)
# the claim goes on after the direction: a reason or another statement the figures cannot bear out
MORE = re.compile(r"\b(?:due to|driven by|because|as a result|owing to|reflecting|primarily|mainly|largely|"
                   r"partly|partially|offset|while|whereas|despite|although|and|but|which|resulting|leading|"
                   r"contributing|thanks to|on the back of)\b", re.IGNORECASE)

# measures a claim may open with, capitalised ("Revenue increased in 2023"); other capitalised words are names
_MEASURE_NOUNS = frozenset(measure_words("""revenue revenues sales income profit profits loss losses margin margins
    price prices cost costs spending capex expenses earnings ebitda debt cash assets liabilities equity backlog
    inventory inventories demand output production shipments users subscribers customers headcount employees orders"""))
_FILER = frozenset({"company", "companie", "firm", "group", "corporation", "business"})  # "the company's": the filer


def read_direction(claim: str, period: Period | None) -> DerivedClaim | None:
    """A rise (new / old > 1) or a fall (< 1) the claim states without its size, or None."""
    for match in _VERB.finditer(claim):
        if _NOT_AFTER.search(claim[: match.start()]) or not _FOLLOWS.match(claim, match.end()):
            continue
        if not re.search(r"\w", claim[: match.start()]):
            continue  # "Increased costs weighed on …" opens with an adjective
        rest = claim[match.end():]
        said = re.split(r"[;]|,\s+(?!\d)", rest, maxsplit=1)[0]
        if re.search(r"\bby\b", said, re.IGNORECASE) or re.match(r"\s+to\s+[a-z]", rest):
            return None  # "increased by half", "by $5 million": a size no reader computes; "declined to disclose"
        measured = claim[: match.start()] + " " + _object(said)
        words = claim_measure_words(measured, []) - _FILER
        if not words - claim_names(measured):
            return None  # "The company grew in 2023", "Orison grew": no measure to find figures of
        low, high = (1.0 + 1e-9, None) if match.group("up") else (None, 1.0 - 1e-9)
        says_more = MORE.search(_without_periods(rest)) or _SIZE.search(said)  # "rose sharply": a size too
        return DerivedClaim("change", low, high, DIRECTIONS[0] if match.group("up") else DIRECTIONS[1], match.start(),
                            match.end(),
                            words, period=period, measure_share=0.75, supports=not says_more)
    return None


def claim_names(text: str) -> frozenset[str]:
    """The words of the names the text writes capitalised, less the measures a claim may open with ("Revenue")."""
    return measure_words(" ".join(re.findall(r"\b[A-Z][\w-]*", text))) - _MEASURE_NOUNS


def _object(said: str) -> str:
    """A transitive verb's object ("… increased its marketing expenses in 2023" → "marketing expenses")."""
    found = re.match(r"\s*(?:its|their|the)\s+([^,;.]*?)(?=\s+(?:in|during|for|by|from|over|compared|to)\b|[,;.]|$)",
                     said, re.IGNORECASE)
    return found.group(1) if found else ""


def _without_periods(text: str) -> str:
    """`text` without its periods and the words that join two of them ("between … and …", "from … to …")."""
    for period in reversed(extract_periods(text)):
        text = text[:period.start] + text[period.end:]
    return re.sub(r"\b(?:between|from)\s+(?:and|to)\b", " ", text, flags=re.IGNORECASE)
