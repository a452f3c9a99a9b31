"""Whether a part cut from a compound claim is a statement of its own: a subject, then a finite verb.

    main_verb(words)          # index of the verb the subject governs, or None ("The adjusted operating income
                              # margin increased": "increased", not "operating")
    is_statement(part_text)   # False for "despite the challenges faced in 2022", "relies heavily on related
                              # party liabilities", "Inc. ceased mining operations", "a net cash increase"

Long analytical claims (FinDVer's 40–80 words) are full of "-ing" modifiers ("operating and investing
activities"), participles ("driven by", "related to") and trailing reasons ("primarily due to …") that the
surface rules of `decompose` can mistake for a new predicate. Such a cut leaves a fragment that the verifier
reads as a claim of its own and may refute. `decompose` keeps a claim whole unless every part passes this check.
"""

from __future__ import annotations

import re
from itertools import pairwise

from service.claims.wording import ADVERBS, NOUN_TOO, first_verb, is_verb, tokens, wordset

# a part opening with one of these continues another clause: a reason, a concession, a comparison, a modifier
_CONTINUES = wordset("""despite due primarily largely mainly partly partially alongside including excluding amid
after before while with without as because since although though which who whose whom respectively also and or
but nor even especially particularly notably compared relative relating leading resulting driven offset thanks
along plus than such thereby amidst given indicating reflecting suggesting highlighting coupled like
whereby""")
_COMPANY_SUFFIXES = wordset("inc llc l.l.c ltd corp co lp l.p n.a plc s.a ag n.v llp limited incorporated")
# words after which an "-ed" form is a modifier, not a finite verb: "for all reported periods", "as evaluated by"
_BEFORE_PARTICIPLE = wordset("""of for in on at to from with by into over under about as than more less most many
much no such newly like""")
_QUANTIFIERS = wordset("all some any each every")  # "for all reported periods", but "they each signed"
_BE = wordset("is are was were be been being am has have had will would can could may might shall should must "
              "do does did")
# a claim's leading context, kept in every part: "In 2025, ", "According to X, ", "As of December 31, 2023, "
LEADING = re.compile(r"^(?P<lead>(?:in|during|by|since|after|before|according to|as of|last|this|on|at|for)\b"
                     r"[^,]{1,60}(?:,\s*(?:19|20)\d\d)?,\s+)", re.IGNORECASE)


def main_verb(words: list[str], start: int = 0) -> int | None:
    """The first verb from `start` that can be a clause's finite verb: an "-ing" form counts only after a form of
    "be" or another auxiliary ("is running"), not as a modifier ("operating income", "investing activities"); a
    word that is also a noun ("costs", "increase") not when nothing follows it ("a net cash increase")."""
    verb = first_verb(words, start)
    while verb is not None and not _finite(words, verb):
        verb = first_verb(words, verb + 1)
    return verb


def is_statement(text: str) -> bool:
    """A subject and a finite verb, in a part that does not open by continuing another clause."""
    lead = LEADING.match(text)
    words = [t.group() for t in tokens(text[lead.end():] if lead else text)]
    if len(words) < 2:  # "Sales fell" is one
        return False
    first = words[0]
    gerund_subject = first.endswith("ing") and is_verb(words[1])  # "spending fell 5%", not "experiencing losses"
    if first.lower() in _CONTINUES or is_company_suffix(first) \
            or (first.islower() and first.endswith(("ly", "ing")) and not gerund_subject):
        return False
    if any(a == b and a[0].isalpha() for a, b in pairwise(words)):  # "Adjusted Adjusted"
        return False
    verb = main_verb(words)
    if verb is None:  # a present tense the lexicon lacks, after a name: "Bergwerk Cloud bills in euros"
        verb = next((i for i in range(1, min(len(words), 6)) if words[i - 1][0].isupper() and words[i].islower()
                     and words[i].endswith("s") and not words[i].endswith(("ss", "'s", "’s"))), None)
    if verb is None or verb == 0 or words[verb - 1].lower().endswith(("'s", "’s")):  # "The company's could lead"
        return False
    return not first.islower() or verb <= 6  # a clause's own subject is short: "gross margins were impacted"


def is_company_suffix(word: str) -> bool:
    """"Inc.", "LLC's", "L.P.": what follows a company's name after a comma, not a name or a clause of its own."""
    return re.sub(r"['’]s?$", "", word).rstrip(".").lower() in _COMPANY_SUFFIXES


def _finite(words: list[str], index: int) -> bool:
    word = words[index].lower()
    if index > 0 and words[index - 1].lower() == "to":  # "their ability to continue": an infinitive
        return False
    if word.endswith("ing"):
        back = index - 1
        while back >= 0 and words[back].lower() in ADVERBS | {"not", "n't"}:
            back -= 1
        return back >= 0 and words[back].lower() in _BE
    if word in NOUN_TOO:  # a verb when something follows, not first ("Costs of …") nor after one ("project costs")
        return index > 0 and words[index - 1].lower() not in NOUN_TOO and index + 1 < len(words) \
            and (len(words[index + 1]) > 1 or words[index + 1].isalnum())
    if not word.endswith("ed") or index == 0:
        return True
    before = words[index - 1].lower()
    return not (before in _BEFORE_PARTICIPLE
                or (before in _QUANTIFIERS and index > 1 and words[index - 2].lower() in _BEFORE_PARTICIPLE))
