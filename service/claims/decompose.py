"""Split a compound claim into atomic, self-contained parts, each checked on its own.

"xAI lost $6.4B in 2025 while running 100,000 H100s in Memphis" → "xAI lost $6.4B in 2025" and "xAI was
running 100,000 H100s in Memphis". The rules, on the sentence's surface (see `wording` for why no parser):
- a leading context ("In 2025, ", "According to X, ") is kept in every part;
- a relative clause right after the subject ("Kestrel, which holds 12,288 GPUs, draws 18 MW") is a part;
- two names sharing a predicate ("Veridian and Lumenfold reported losses") give a part each;
- after the main verb, ";" and "and / but / while / whereas / although / yet" (with or without a comma)
  start a new part when what follows is a predicate (the subject is carried: "… and raised $10B"), a
  clause with a pronoun or "the company" as subject (resolved to the claim's subject), a clause with its
  own subject and verb, or the next figure of a list ("$300M in 2023 and $250M in 2024", the words before
  the first figure carried);
- a time expression ending the last of several same-subject parts ("… and raised $10B in 2025") is
  carried to the parts that name no time of their own.
Anything else stays whole: "research and development spending", "between 2020 and 2022", "AT&T"; a claim that
opens with a condition or a time ("When CO2 was higher, the sun was cooler", "If …": the first clause is no
statement of its own); a reporting clause ("…, scientists said"); and what others
expected ("faster than scientists and climate models anticipated").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.claims.part_check import LEADING, is_company_suffix, is_statement, main_verb
from service.claims.wording import (
    ADVERBS,
    POSSESSIVE_PRONOUNS,
    REFERRING,
    SUBJECT_PRONOUNS,
    first_verb,
    is_figure,
    is_past,
    is_verb,
    possessive,
    referent,
    tokens,
    wordset,
)
from service.figures.derived import read_derived

MAX_PARTS = 6
_CONNECTOR = re.compile(r";\s*|,?\s+(?:and|but|while|whereas|although|though|yet)\s+|,\s+(?!\d{3}\b|\d{4}\b)",
                        re.IGNORECASE)
_JOINT = re.compile(r"\b(?:together|combined|in total|between them|altogether|jointly)\b", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s+(?:[^,;]|,(?=\d)){1,40}?\s+and\s+", re.IGNORECASE)
_NAMES_WITH_AND = re.compile(r"\b(?:Procter and Gamble|Johnson and Johnson|Marks and Spencer|Barnes and Noble|"
                             r"Ben and Jerry's|Simon and Schuster|Black and Decker|Arm and Hammer|Crate and Barrel|"
                             r"Bath and Body Works|Dolce and Gabbana|Tiffany and Co|Church and Dwight|"
                             r"Lord and Taylor|Ernst and Young|Standard and Poor's)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"^(?P<head>[^,]{2,80}?),\s+(?P<pronoun>which|who|whose)\s+(?P<rel>(?:[^,]|,(?=\d)){3,}?),\s+"
                       r"(?P<rest>.+)$",
                       re.IGNORECASE | re.DOTALL)
_TRAILING_TIME = re.compile(r"\s+(?:in|during|for|by|since|as of)\s+(?:(?:fiscal(?: year)?|FY|the (?:first|"
                            r"second|third|fourth) quarter of|Q[1-4]|H[12]|the year)\s+)*(?:19|20)\d\d\b$|"
                            r"\s+(?:last|this) (?:year|quarter)$", re.IGNORECASE)
_HAS_TIME = re.compile(r"\b(?:19|20)\d\d\b|\b(?:last|this|next) (?:year|quarter|month)\b|\bQ[1-4]\b",
                       re.IGNORECASE)
# a claim opening with one of these is one statement under a condition or a time: its first clause is not said
# to be so ("If there is a cloud cover, …"); a concession ("While …", "Despite …") says both, and is split
_SUBORDINATE = re.compile(r"^[\W_]*(?:when|whenever|if(?! anything| not| so)|even if|unless|until|whether|"
                          r"as long as)(?=\s)", re.IGNORECASE)  # ("once" is as often "formerly")
# "…, scientists said", "a new study finds", "said Taalas": who says it, nothing to check of its own (but
# "… and reported revenue of $6.4 billion" is a predicate)
_REPORTING_VERB = (r"(?:said|say|says|found|finds|find|reported|noted|argued|argues|added|wrote|writes|warned|"
                   r"told|explained|explains|concluded|concludes)")  # not "reports", "notes": nouns as often
_REPORTING = re.compile(rf"^(?:(?:\S+\s+){{0,4}}{_REPORTING_VERB}|"
                        rf"{_REPORTING_VERB}(?-i:(?:\s+[A-Z][\w.'’-]*){{1,3}}))\W*$", re.IGNORECASE)
# "than scientists and climate models anticipated": what others expected, the comparison's second term
_EXPECTED = re.compile(r"\b(?:anticipated|expected|predicted|thought|projected|forecast|believed|estimated|assumed|"
                       r"feared|hoped|imagined|suggested)\W*$", re.IGNORECASE)
_THAN_ENDS = re.compile(r"\bthan(?:\s+\S+){1,4}\s*$", re.IGNORECASE)  # "… much faster than scientists"
_THAT = re.compile(r"\bthat\b", re.IGNORECASE)  # "said that its cluster, Kestrel, had passed": one clause
_NOT_SUBJECT_START = wordset("""in on at for to of by with from as than over under about into per after before
during since until not no so then which who whom whose that where when""")  # "…, which was more than Meta"
_SINGULAR_OF = {"are": "is", "were": "was", "have": "has"}
# after a bare comma, the verb of a long subject ("The total proceeds from the sales on May 31, 2022, and June 26,
# 2023, were $956,281"), not a predicate of its own: predicates are joined by "and", "while"…
_COPULAS = wordset("is are was were")


@dataclass(frozen=True)
class ClaimPart:
    """One atomic claim: `text` is what is checked; `start:end` the words of the claim it comes from."""

    text: str
    start: int
    end: int


def decompose(claim: str, max_parts: int = MAX_PARTS) -> list[ClaimPart]:
    """The claim's atomic parts; a claim that is not compound (or has more than `max_parts`) is one part."""
    body = claim.strip()
    offset = len(claim) - len(claim.lstrip())
    body = body.rstrip(" .!")
    whole = [ClaimPart(body, offset, offset + len(body))]
    derived = read_derived(body)
    if derived is not None and derived.items:  # "across its seed, Series A and Series B rounds": the operands
        return whole
    lead_match = LEADING.match(body)
    lead = lead_match.group("lead") if lead_match else ""
    if _SUBORDINATE.match(body[len(lead):]):
        return whole
    parts = _split(body[len(lead):], offset + len(lead))
    if len(parts) < 2 or len(parts) > max_parts or not all(is_statement(part.text) for part in parts):
        return whole  # a fragment ("primarily due to …", "investing activities of $80M") is no claim to check
    return [ClaimPart(lead + part.text, part.start, part.end) for part in parts]


def _split(text: str, offset: int, depth: int = 0) -> list[ClaimPart]:
    relative = _RELATIVE.match(text)
    if relative and first_verb(_words(relative.group("head"))) is None and _verb_leads(relative.group("rest")) \
            and (relative.group("pronoun").lower() == "whose" or _verb_leads(relative.group("rel"))):
        head, rel, rest = relative.group("head"), relative.group("rel"), relative.group("rest")
        rel_start = offset + relative.start("rel")
        owner = possessive(head) if relative.group("pronoun").lower() == "whose" else head
        first = ClaimPart(f"{owner} {rel}", rel_start, rel_start + len(rel))
        rest_parts = _split(f"{head} {rest}", offset + relative.start("rest") - len(head) - 1, depth + 1)
        return [first, *[_clip(part, offset + relative.start("rest")) for part in rest_parts]]
    words, toks = _words(text), tokens(text)
    verb = main_verb(words)  # not "operating" in "The adjusted operating income margin increased"
    if verb is None or verb == 0:
        return [ClaimPart(text, offset, offset + len(text))]
    subject_end = toks[verb - 1].end()
    subject = re.sub(r"\s+(?:both|each|all|together)$", "", text[:subject_end], flags=re.IGNORECASE)
    joint = _JOINT.search(text)  # "Alder and Birch together hold 16,384 GPUs": one figure for both, not each
    names = [] if _NAMES_WITH_AND.search(subject) or joint else _coordinated_names(subject)
    if names:
        predicate = text[toks[verb].start():]
        return [ClaimPart(f"{name} {_agree(predicate)}", offset, offset + len(text)) for name in names]
    parts, kinds = _split_predicate(text, offset, subject, toks[verb].start(), is_past(words[verb]))
    if depth < 2 and "clause" in kinds:  # a clause with its own subject may be compound itself
        parts = [inner for part, kind in zip(parts, kinds, strict=True)
                 for inner in (_split(part.text, part.start, depth + 1) if kind == "clause" else [part])]
    return parts


def _split_predicate(text: str, offset: int, subject: str, verb_start: int,
                     past: bool) -> tuple[list[ClaimPart], list[str]]:
    """Parts of `text` (subject, then its predicate from `verb_start`) split at the connectors after the verb,
    and the kind of each ("main", "predicate", "pronoun", "clause", "figure")."""
    cuts = [m for m in _CONNECTOR.finditer(text, verb_start) if not _inside_between(text, m.start())
            and not (m.group(0).strip() == "," and _THAT.search(text, verb_start, m.start()))]
    starts = [0, *(cut.end() for cut in cuts)]
    ends = [*(cut.start() for cut in cuts), len(text)]
    parts: list[ClaimPart] = []
    kinds: list[str] = []
    current, start, end, kind = text[:ends[0]], 0, ends[0], "main"
    pending: int | None = None  # where a bare name ("…, and AMD") starts that may open the next clause
    for cut, segment_start, segment_end in zip(cuts, starts[1:], ends[1:], strict=True):
        if pending is not None:  # "AMD and Intel shipped fewer": the name and this segment are one clause
            built = _clause(text[pending:segment_end], subject, past, current, cut.group(0))
            if built is not None and built[1] == "clause":
                segment_start = pending
            else:
                current, end = current + text[end:pending], pending
                built = _clause(text[segment_start:segment_end], subject, past, current, cut.group(0))
            pending = None
        else:
            built = _clause(text[segment_start:segment_end], subject, past, current, cut.group(0))
        if built is None and _bare_name(text[segment_start:segment_end]):
            pending = segment_start
            continue
        if built is None:  # not a part of its own: the connector and the segment stay in the current part
            current, end = current + text[end:segment_end], segment_end
            continue
        parts.append(ClaimPart(current.strip(" ,;"), offset + start, offset + end))
        kinds.append(kind)
        (current, kind), start, end = built, segment_start, segment_end
    if pending is not None:
        current, end = current + text[end:], len(text)
    parts.append(ClaimPart(current.strip(" ,;"), offset + start, offset + end))
    kinds.append(kind)
    return _carry_time(parts, kinds), kinds


def _bare_name(segment: str) -> bool:
    """"AMD" or "Stratus GPU": a short run of capitalised words with no verb."""
    words = _words(segment)
    return 0 < len(words) <= 4 and all(w[0].isupper() for w in words) and first_verb(words) is None


def _clause(segment: str, subject: str, past: bool, previous: str, connector: str) -> tuple[str, str] | None:
    """The self-contained text of the clause `segment` that follows a connector, and its kind; None when
    the segment does not start a part of its own."""
    words = _words(segment)
    if not words or (_REPORTING.match(segment.strip()) and not any(map(is_figure, words))) \
            or (_EXPECTED.search(segment) and _THAN_ENDS.search(previous) and first_verb(words) == len(words) - 1):
        return None
    lead = 0
    while lead < len(words) - 1 and words[lead].lower() in ADVERBS:
        lead += 1
    first = words[lead].lower()
    if _continues(words[lead:], connector, previous):
        return None
    toks = tokens(segment)
    owner = referent(subject)
    if first in SUBJECT_PRONOUNS and _verb_at(words, lead + 1):
        return owner + segment[toks[lead].end():], "pronoun"
    referring = REFERRING.match(segment)
    if referring and _verb_at(words, len(_words(referring.group(0)))):
        return owner + segment[referring.end():], "pronoun"
    if first in POSSESSIVE_PRONOUNS and first_verb(words, lead + 1) is not None:
        return possessive(owner) + segment[toks[lead].end():], "clause"
    if "while" in connector.lower() and _ing_predicate(words, lead):  # "… while (also) recognizing X"
        return f"{subject} {'was' if past else 'is'} {segment}", "predicate"
    if _verb_at(words, lead) and not is_figure(words[lead]):
        return f"{subject} {segment}", "predicate"
    if is_figure(words[0]):
        figures = [t for t in tokens(previous) if is_figure(t.group())]
        if figures and first_verb(_words(previous)) is not None:
            return previous[:figures[0].start()] + segment, "figure"
        return None
    verb = first_verb(words)
    if verb is not None and 1 <= verb <= 6 and words[0].lower() not in _NOT_SUBJECT_START:
        return segment, "clause"  # its own subject: "… and Veridian rents capacity", "… and costs rose"
    return None


def _continues(words: list[str], connector: str, previous: str) -> bool:
    """A segment that goes on with what came before rather than stating something of its own: the verb of a long
    subject after a bare comma ("The percentage decrease in X from June 30, 2023, to December 31, 2023, is 22%"),
    a modifier (", leaving 5.6M shares outstanding", ", driven by higher sales"), or the next of coordinated "-ing"
    modifiers ("operating and investing activities", "operating, investing, and financing")."""
    first = words[0]
    ing = first.islower() and first.endswith("ing")  # not "Boeing", "Beijing"
    after_comma = connector.strip() == "," and (first.lower() in _COPULAS or ing or words[1:2] == ["by"])
    return after_comma or (ing and previous.rstrip(" ,").lower().endswith("ing"))


def _ing_predicate(words: list[str], lead: int) -> bool:
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


def _carry_time(parts: list[ClaimPart], kinds: list[str]) -> list[ClaimPart]:
    """"xAI lost $6.4B and raised $10B in 2025": the last part's trailing time is the other parts' too,
    when they share its subject and name no time of their own."""
    if len(parts) < 2 or kinds[-1] != "predicate":
        return parts
    time = _TRAILING_TIME.search(parts[-1].text)
    if time is None:
        return parts
    carried = []
    for part, kind in zip(parts[:-1], kinds[:-1], strict=True):
        if kind in {"main", "predicate"} and not _HAS_TIME.search(part.text):
            part = ClaimPart(part.text + time.group(0), part.start, part.end)
        carried.append(part)
    return [*carried, parts[-1]]


def _coordinated_names(subject: str) -> list[str]:
    """["Veridian", "Lumenfold"] for "Veridian and Lumenfold": two or three capitalised names, else []."""
    pieces = re.split(r",\s*(?:and\s+)?|\s+and\s+", subject)
    if len(pieces) < 2 or any(is_company_suffix(piece.partition(" ")[0]) for piece in pieces) \
            or not all(p and p[0].isupper() and len(p.split()) <= 4 for p in pieces):
        return []
    return pieces


def _agree(predicate: str) -> str:
    """The predicate made singular for one of several subjects ("are" → "is")."""
    head, _, rest = predicate.partition(" ")
    return f"{_SINGULAR_OF.get(head.lower(), head)} {rest}".strip()


def _verb_leads(text: str) -> bool:
    words = _words(text)
    return bool(words) and _verb_at(words, 0)


def _verb_at(words: list[str], index: int) -> bool:
    while index < len(words) and words[index].lower() in ADVERBS:
        index += 1
    return index < len(words) and first_verb(words, index) == index and is_verb(words[index])


def _inside_between(text: str, position: int) -> bool:
    return any(m.start() < position < m.end() for m in _BETWEEN.finditer(text))


def _clip(part: ClaimPart, start: int) -> ClaimPart:
    return ClaimPart(part.text, max(part.start, start), part.end)


def _words(text: str) -> list[str]:
    return [t.group() for t in tokens(text)]
