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

from service.claims.cuts import connectors, ing_predicate, no_part, reports_who, shared_auxiliary
from service.claims.part_check import is_statement, leading, main_verb, well_formed
from service.claims.subjects import JOINT, coordinated_names, singular
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
    token_texts,
    tokens,
    verb_at,
    wordset,
)
from service.figures.derived import read_derived

MAX_PARTS = 6
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
_THAT = re.compile(r"\bthat\b", re.IGNORECASE)  # "said that its cluster, Kestrel, had passed": one clause
_SCALED = re.compile(r"%|\b(?:[kmb]n?|thousand|million|billion|trillion)\b", re.IGNORECASE)  # not a bare count
# a clause's subject does not open with these ("…, which was more than Meta")
_NOT_SUBJECT_START = wordset("""in on at for to of by with from as than over under about into per after before
during since until not no so then which who whom whose that where when how what why whether""")
_DETERMINERS = wordset("the a an this that these those its their his her our my your each every both all some many")
_SUBORDINATING = wordset("because when while until although though if that which who whom whose where unless whereas")
_TIME_BEFORE = re.compile(r"\b(?:hours|days|weeks|months|years|decades)\s+(?:before|after)\b", re.IGNORECASE)


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
    lead = leading(body)
    if _SUBORDINATE.match(body[len(lead):]):
        return whole
    parts = _split(body[len(lead):], offset + len(lead))
    if len(parts) < 2 or len(parts) > max_parts or not all(
            is_statement(part.text) and well_formed(part.text) and not reports_who(part.text) for part in parts):
        return whole  # a fragment ("primarily due to …", "kids with intellectual") is no claim to check
    return [ClaimPart(lead + part.text, part.start, part.end) for part in parts]


def _split(text: str, offset: int, depth: int = 0) -> list[ClaimPart]:
    relative = _RELATIVE.match(text)
    if relative and first_verb(token_texts(relative.group("head"))) is None and _verb_leads(relative.group("rest")) \
            and (relative.group("pronoun").lower() == "whose" or _verb_leads(relative.group("rel"))):
        head, rel, rest = relative.group("head"), relative.group("rel"), relative.group("rest")
        rel_start = offset + relative.start("rel")
        owner = possessive(head) if relative.group("pronoun").lower() == "whose" else head
        first = ClaimPart(f"{owner} {rel}", rel_start, rel_start + len(rel))
        rest_parts = _split(f"{head} {rest}", offset + relative.start("rest") - len(head) - 1, depth + 1)
        return [first, *[_clip(part, offset + relative.start("rest")) for part in rest_parts]]
    words, toks = token_texts(text), tokens(text)
    verb = main_verb(words)  # not "operating" in "The adjusted operating income margin increased"
    if verb is None or verb == 0:
        return [ClaimPart(text, offset, offset + len(text))]
    subject_end = toks[verb - 1].end()
    subject = re.sub(r"\s+(?:both|each|all|together)$", "", text[:subject_end], flags=re.IGNORECASE)
    joint = JOINT.search(text)  # "Alder and Birch together hold 16,384 GPUs": one figure for both, not each
    names = [] if joint else coordinated_names(subject)
    if names:
        predicate = text[toks[verb].start():]
        return [ClaimPart(f"{name} {singular(predicate)}", offset, offset + len(text)) for name in names]
    parts, kinds = _split_predicate(text, offset, subject, toks[verb].start(), is_past(words[verb]))
    if depth < 2 and "clause" in kinds:  # a clause with its own subject may be compound itself
        parts = [inner for part, kind in zip(parts, kinds, strict=True)
                 for inner in (_split(part.text, part.start, depth + 1) if kind == "clause" else [part])]
    return parts


def _split_predicate(text: str, offset: int, subject: str, verb_start: int,
                     past: bool) -> tuple[list[ClaimPart], list[str]]:
    """Parts of `text` (subject, then its predicate from `verb_start`) split at the connectors after the verb,
    and the kind of each ("main", "predicate", "pronoun", "clause", "figure")."""
    cuts = [m for m in connectors(text, verb_start)
            if not (m.group(0).strip() == "," and _THAT.search(text, verb_start, m.start()))]
    starts = [0, *(cut.end() for cut in cuts)]
    ends = [*(cut.start() for cut in cuts), len(text)]
    parts: list[ClaimPart] = []
    kinds: list[str] = []
    current, start, end, kind = text[:ends[0]], 0, ends[0], "main"
    pending: int | None = None  # where a bare name ("…, and AMD") starts that may open the next clause
    for cut, segment_start, segment_end in zip(cuts, starts[1:], ends[1:], strict=True):
        if pending is not None:  # "AMD and Intel shipped fewer": the name and this segment are one clause
            built = _clause(text[pending:segment_end], subject, past, current, cut.group(0))
            word = cut.group(0).strip(" ,").lower()
            if not word:  # "… in Bergen, Norway, found that …": the name and what follows go on with the part
                current, end, pending = current + text[end:segment_end], segment_end, None
                continue
            if word != "and":  # "… Firmicutes and Bacteroidetes, whereas IBD is …": the name ends the part
                current, end = current + text[end:cut.start()], cut.start()
                built = _clause(text[segment_start:segment_end], subject, past, current, cut.group(0))
            elif built is not None and built[1] == "clause":
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
    words = token_texts(segment)
    return 0 < len(words) <= 4 and all(w[0].isupper() for w in words) and first_verb(words) is None


def _clause(segment: str, subject: str, past: bool, previous: str, connector: str) -> tuple[str, str] | None:
    """The self-contained text of the clause `segment` that follows a connector, and its kind; None when
    the segment does not start a part of its own."""
    words = token_texts(segment)
    lead = 0
    while lead < len(words) - 1 and words[lead].lower() in ADVERBS:
        lead += 1
    if not words or no_part(segment, words, lead, subject, previous, connector):
        return None
    first, toks, owner = words[lead].lower(), tokens(segment), referent(subject)
    misread = any(map(is_figure, token_texts(owner))) or len(token_texts(owner)) > 6  # "… constitutes 100% of"
    if misread and (first in SUBJECT_PRONOUNS | POSSESSIVE_PRONOUNS or REFERRING.match(segment)):
        return None  # whom "it" or "the company" means is not known: no part of its own
    if first in SUBJECT_PRONOUNS and verb_at(words, lead + 1):
        return owner + segment[toks[lead].end():], "pronoun"
    referring = REFERRING.match(segment)
    if referring and verb_at(words, len(token_texts(referring.group(0)))):
        return owner + segment[referring.end():], "pronoun"
    if first in POSSESSIVE_PRONOUNS and first_verb(words, lead + 1) is not None:
        return possessive(owner) + segment[toks[lead].end():], "clause"
    if "while" in connector.lower() and ing_predicate(words, lead):  # "… while (also) recognizing X"
        return f"{subject} {'was' if past else 'is'} {segment}", "predicate"
    if verb_at(words, lead) and not is_figure(words[lead]):
        said = previous[len(subject):] if previous.startswith(subject) else ""
        return f"{subject} {shared_auxiliary(said, words, lead)}{segment}", "predicate"
    if is_figure(words[0]):
        return _next_figure(segment, previous)
    verb = first_verb(words)
    if verb is not None and 1 <= verb <= 6 and words[0].lower() not in _NOT_SUBJECT_START \
            and not any(word.lower() in _SUBORDINATING for word in words[1:verb]) \
            and not _TIME_BEFORE.search(" ".join(words[:verb])) \
            and not _nouns_joined(words, verb, previous, connector):  # "weeks before X was seen", "oil and gas …"
        return segment, "clause"  # its own subject: "… and Veridian rents capacity", "… and costs rose"
    return None


def _next_figure(segment: str, previous: str) -> tuple[str, str] | None:
    """"… $300M in 2023 and $250M in 2024": the next figure of a list, with the words before the first one; None
    when those words hold no verb or the figures are counts after "of" with no time ("the diets of 2,000
    vegetarians and 2,000 meat eaters" is one statement; "deliveries of 1,200 cars in 2023 and 1,500 in 2024" two)."""
    figures = [t for t in tokens(previous) if is_figure(t.group())]
    if not figures or first_verb(token_texts(previous[:figures[0].start()])) is None:
        return None
    counted = re.search(r"\bof\s+$", previous[:figures[0].start()]) and figures[0].group()[0].isdigit() \
        and not _SCALED.search(figures[0].group())
    dated = _HAS_TIME.search(segment) and _HAS_TIME.search(previous[figures[0].end():])  # each figure its own time
    return None if counted and not dated else (previous[:figures[0].start()] + segment, "figure")


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


def _nouns_joined(words: list[str], verb: int, previous: str, connector: str) -> bool:
    """"… let oil and gas companies emit …", "… had prepayments and miscellaneous receivables offsetting …": a
    bare "and" between a verb's one-word object and a lower-case subject of several words whose verb is bare or
    follows an "-ing" word joins nouns, not clauses ("Sales fell and profits rose", "Revenue rose sharply and net
    income fell", "The Fed raised rates and mortgage demand fell" and "… the band and Dennis took over" do)."""
    before = token_texts(previous)[-2:]
    found = words[verb].lower()
    bare = (not is_past(found) and not found.endswith("s")) or words[verb - 1].lower().endswith("ing")
    return connector.strip().lower() == "and" and verb >= 2 and words[0][:1].islower() and bare \
        and words[0].lower() not in _DETERMINERS and len(before) == 2 and is_verb(before[0]) \
        and before[1][:1].islower() and not is_verb(before[1]) and not before[1].endswith("ly")


def _verb_leads(text: str) -> bool:
    words = token_texts(text)
    return bool(words) and verb_at(words, 0)


def _clip(part: ClaimPart, start: int) -> ClaimPart:
    return ClaimPart(part.text, max(part.start, start), part.end)

