"""Whether a part cut from a compound claim is a statement of its own: a subject, then a finite verb.

    main_verb(words)          # index of the verb the subject governs, or None ("The adjusted operating income
                              # margin increased": "increased", not "operating")
    is_statement(part_text)   # False for "despite the challenges faced in 2022", "relies heavily on related
                              # party liabilities", "Inc. ceased mining operations", "a net cash increase"
    well_formed(part_text)    # False for "kids with intellectual" after "showed that", "… on movement in",
                              # "the antibodies from a llama that staved off SARS"

Long analytical claims (FinDVer's 40–80 words) are full of "-ing" modifiers ("operating and investing
activities"), participles ("driven by", "related to") and trailing reasons ("primarily due to …") that the
surface rules of `decompose` can mistake for a new predicate. Such a cut leaves a fragment that the verifier
reads as a claim of its own and may refute. `decompose` keeps a claim whole unless every part passes this check.
"""

from __future__ import annotations

import re
from itertools import pairwise

from service.claims.wording import ADVERBS, NOUN_TOO, first_verb, is_verb, token_texts, wordset

# a part opening with one of these continues another clause: a reason, a concession, a comparison, a modifier
_CONTINUES = wordset("""despite due primarily largely mainly partly partially alongside including excluding amid
after before while with without as because since although though which who whose whom respectively also and or
if unless whether
but nor even especially particularly notably compared relative relating leading resulting driven offset thanks
along plus than such thereby amidst given indicating reflecting suggesting highlighting coupled like
whereby""")
# what opens a clause inside a part: what follows it must have its verb in the same part
_OPENS_CLAUSE = re.compile(r"\b(?:that|which|who|whom|whose|where|whereas|although|though|because)\b|;",
                           re.IGNORECASE)
_RELATIVE = wordset("that which who")
_WORD = re.compile(r"[A-Za-z][\w'’&.-]*\w|[A-Za-z]")
_DETERMINED = re.compile(r"\s*(?:year|quarter|month|week|day|time|period|date|season|point|of|fiscal)\b",
                         re.IGNORECASE)
_PAIRS = (("(", ")"), ("[", "]"), ("“", "”"))
_PARTICLES = wordset("out off over up down")  # "Acme gave up" ("invested in" is a preposition's)
_DETERMINERS = wordset("the a an this these those its their his her our my your every each")
_SAYING = re.compile(r"(?:sa(?:y|ys|id)|show(?:s|ed|n)?|f(?:ind|inds|ound)|know(?:s|n)?|knew|th(?:ink|inks|ought)|"
                     r"mean(?:s|t)?|(?:suggest|report|note|argue|claim|state|announce|confirm|reveal|indicate|"
                     r"conclude|estimate|expect|warn|agree|ensure|hope|demonstrate|prove|observe|discover|determine|"
                     r"disclose|deny|establish|learn|realize|realise|notice|predict|admit|acknowledge|assume|fear|"
                     r"insist|maintain|recognize|recognise|understand|decide|emphasize|stress|imply|assert|allege|"
                     r"explain|add|write|believe|concern|worry)(?:s|es|d|ed|ied)?|proven|understood|wrote|written|"
                     r"worried|evidence|fact|likely|clear|possible)$", re.IGNORECASE)  # "showed that kids …"
# a part ending in one of these was cut inside a phrase: "… on movement in", "… vaccine doses even"
_DANGLING = wordset("""in on at for to of by with from into than as so even the a an its their this that and or not
such both either neither""")
_COMPANY_SUFFIXES = wordset("inc llc l.l.c ltd corp co lp l.p n.a plc s.a ag n.v llp limited incorporated")
# words after which an "-ed" form is a modifier, not a finite verb: "for all reported periods", "as evaluated by"
_BEFORE_PARTICIPLE = wordset("""of for in on at to from with by into over under about as than more less most many
much no such newly like""")
_SUBORDINATE_LEAD = wordset("after before since on")
_PERIOD_NOUNS = wordset("months month years year quarter quarters weeks week days day period periods")
_PARTICIPLE_FORMS = wordset("""held led paid sold built grown risen fallen won taken given made spent lost run brought
begun seen told kept left gone come found shown sent set written known thought meant felt""")
_QUANTIFIERS = wordset("all some any each every")  # "for all reported periods", but "they each signed"
_AGENT_START = wordset("the its their his her various several many higher lower strong weak increased decreased")
_BE = wordset("is are was were be been being am has have had will would can could may might shall should must "
              "do does did")
# a claim's leading context, kept in every part: "In 2025, ", "According to X, ", "As of December 31, 2023, ",
# "Across the 312 surveyed plots, "
LEADING = re.compile(r"^(?P<lead>(?:in|during|by|since|after|before|according to|as of|last|this|on|at|for|across|"
                     r"among|from|within|throughout|over|under|following|based on|using)\b"
                     r"[^,]{1,100}(?:,\s*(?:19|20)\d\d)?,\s+)", re.IGNORECASE)


def main_verb(words: list[str], start: int = 0) -> int | None:
    """The first verb from `start` that can be a clause's finite verb: an "-ing" form counts only after a form of
    "be" or another auxiliary ("is running"), not as a modifier ("operating income", "investing activities"); a
    word that is also a noun ("costs", "increase") not when nothing follows it ("a net cash increase")."""
    verb = first_verb(words, start)
    while verb is not None and not _finite(words, verb):
        verb = first_verb(words, verb + 1)
    return verb


def leading(text: str) -> str:
    """The claim's leading context ("In 2025, ", "Across the 312 surveyed plots, "), kept in every part; "" when
    there is none or what `LEADING` matched holds a finite verb ("Under Armour raised prices in 2024, " is a
    clause, not a context)."""
    lead = LEADING.match(text)
    if lead is None:
        return ""
    words = _words(lead.group("lead"))
    if words[0].lower() in _SUBORDINATE_LEAD:  # "After the merger closed, …", "On the day the deal was announced, …"
        return lead.group("lead")
    return "" if any(_clause_verb(words, i) for i in range(1, len(words))) else lead.group("lead")


def _clause_verb(words: list[str], index: int) -> bool:
    """Whether the word at `index` of a leading phrase is a clause's verb: "Under Armour raised", "Under Biden
    unemployment fell", "From 2020 to 2024 revenue doubled," — not a participle that modifies ("the six months
    ended December 31", "one report published last month", "a statement issued Friday", "the nine months
    ending September 30")."""
    word = words[index]
    if not word[:1].islower() or not is_verb(word) or word in NOUN_TOO or word.endswith("ing"):
        return False  # "In one report published …", "For the nine months ending September 30"
    if index == 2 and words[1][:1].isupper():
        return True  # a name and its verb
    if not word.endswith("ed") and word not in _PARTICIPLE_FORMS:
        return True
    return index == len(words) - 1 and words[index - 1].lower() not in _PERIOD_NOUNS  # "… revenue doubled,"


def is_statement(text: str) -> bool:
    """A subject and a finite verb, in a part that does not open by continuing another clause."""
    lead = leading(text)
    words = token_texts(text[len(lead):])
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
        verb = next((i for i in range(1, min(len(words) - 1, 6)) if words[i - 1][0].isupper() and words[i].islower()
                     and words[i].endswith("s") and not words[i].endswith(("ss", "'s", "’s"))), None)
    if verb is None or verb == 0 or words[verb - 1].lower().endswith(("'s", "’s")):  # "The company's could lead"
        return False
    return not first.islower() or verb <= 6  # a clause's own subject is short: "gross margins were impacted"


def well_formed(text: str) -> bool:
    """A part that reads on its own: its brackets and quotes close; the clause it opens last ("… showed that
    kids with intellectual", "…; changes in arginine") has its verb; it does not end in a preposition, article or
    conjunction ("… on movement in", not "Beta stepped in") nor in a hyphenated modifier after a preposition or an
    article ("retired from first-class"); and its main clause has a verb outside the relative clause it opens
    ("The same antibodies from a llama that staved off SARS": the only verb is the relative clause's)."""
    last = text.split()[-2:]
    if not last or any(text.count(left) != text.count(right) for left, right in _PAIRS) or text.count('"') % 2:
        return False
    phrasal = len(last) == 2 and is_verb(last[0]) and last[-1].lower() in _PARTICLES
    if (last[-1].lower() in _DANGLING and not phrasal) \
            or (len(last) == 2 and last[0].lower() in _BEFORE_PARTICIPLE | _DETERMINERS
                and _compound_adjective(last[-1])):
        return False  # "… on movement in" (not "Beta stepped in"), "… retired from first-class"
    body = text[len(leading(text)):]
    opens = [m for m in _OPENS_CLAUSE.finditer(body) if _opens(body, m)]
    if opens and first_verb(_words(body[opens[-1].end():])) is None:
        return False
    if opens and opens[0].group().lower() in _RELATIVE:
        after = _words(body[opens[0].end():])
        if after and is_verb(after[0]) and first_verb(_words(body[:opens[0].start()])) is None \
                and _verb_groups(after) < 2:
            return False
    return True


def _opens(body: str, found: re.Match[str]) -> bool:
    """Whether the "that" or "because" found opens a clause: always after a verb of saying or finding ("found that
    fiscal stimulus …"); not "because of", "that year" or "that of Beta"; and not "that" between another verb and
    a singular noun ("sold that unit")."""
    word = found.group().lower()
    after = _words(body[found.end():])[:1]
    if word == "because":
        return after[:1] != ["of"]
    if word != "that" or not after:
        return True
    before = _words(body[:found.start()])[-1:]
    if before and _SAYING.match(before[0]):
        return True  # "found that fiscal stimulus …", "demonstrated that kids …"
    if _DETERMINED.match(body, found.end()):
        return False  # "that year", "that of Beta"
    return not (before and is_verb(before[0]) and after[0][:1].islower() and not after[0].endswith("s")
                and not is_verb(after[0]) and after[0].lower() not in _DETERMINERS)  # "sold that unit"


def _compound_adjective(word: str) -> bool:
    """"first-class", "15th-ranked", "non-sectarian": a hyphenated modifier, which ends no clause (a "lock-up" or a
    "spin-off" may)."""
    head, _, tail = word.rpartition("-")
    return bool(head) and word.islower() and tail.isalpha() and tail not in {"up", "off", "out", "in", "down", "over"}


def _verb_groups(words: list[str]) -> int:
    """How many runs of verbs `words` hold ("are designed and sold": two; "can screen": one)."""
    groups, previous = 0, False
    for word in words:
        verb = is_verb(word)
        groups += verb and not previous
        previous = verb
    return groups


def _words(text: str) -> list[str]:
    """The words of `text`, figures left out ("2023 came" is one figure token to `tokens`: "came" is kept)."""
    return _WORD.findall(text)


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
    after = [*words[index + 1:index + 3], "", ""]
    noun_before = index > 1 and words[index - 2].islower() and words[index - 2].endswith("s")
    if (before.endswith("ing") and before.islower() and noun_before and after[0].isalpha() and after[0].islower()
            and not after[0].endswith("ly") and after[0] not in _BEFORE_PARTICIPLE) \
            or (after[0] == "by" and (after[1][:1].isupper() or after[1].lower() in _AGENT_START)):
        return False  # "receivables offsetting accrued costs", "sales impacted by various …" (not "increased by
        # nearly 5%", "increased by a third", "Government spending boosted growth")
    return not (before in _BEFORE_PARTICIPLE
                or (before in _QUANTIFIERS and index > 1 and words[index - 2].lower() in _BEFORE_PARTICIPLE))
