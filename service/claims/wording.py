"""Word-level facts the claim rules share: which words are verbs, pronouns and figures.

No part-of-speech tagger is used (spaCy's English model installs from the package index here only as
third-party re-uploads whose provenance cannot be checked), so verbs are recognised from a lexicon of the
verbs news and filings use, their inflections, and regular past forms; a word the lexicon also knows as a
noun ("costs", "plans") counts as a verb only when no verb follows it at once ("costs rose"), and no word
right after a determiner or a possessive is a verb ("the end", "Northwind's total").
"""

from __future__ import annotations

import re

TOKEN = re.compile(r"[$€£¥]?\d[\d,.]*(?:\s?(?:%|[A-Za-z]+\b))?|[A-Za-z][\w'’&.-]*[\w]|[A-Za-z]|\S")
FIGURE = re.compile(r"^(?:[$€£¥]\s?\d|\d[\d,.]*\s?(?:%|[kKmMbBtT]\b|bn\b|million\b|billion\b|trillion\b)|\d)")

def wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_IRREGULAR = {  # base: (past, participle)
    "be": ("was", "been"), "have": ("had", "had"), "do": ("did", "done"), "say": ("said", "said"),
    "spend": ("spent", "spent"), "lose": ("lost", "lost"), "run": ("ran", "run"), "make": ("made", "made"),
    "sell": ("sold", "sold"), "buy": ("bought", "bought"), "build": ("built", "built"),
    "grow": ("grew", "grown"), "rise": ("rose", "risen"), "fall": ("fell", "fallen"), "win": ("won", "won"),
    "pay": ("paid", "paid"), "hold": ("held", "held"), "take": ("took", "taken"), "get": ("got", "got"),
    "put": ("put", "put"), "cut": ("cut", "cut"), "lead": ("led", "led"), "hit": ("hit", "hit"),
    "draw": ("drew", "drawn"), "bring": ("brought", "brought"), "begin": ("began", "begun"),
    "become": ("became", "become"), "see": ("saw", "seen"), "tell": ("told", "told"), "keep": ("kept", "kept"),
    "leave": ("left", "left"), "go": ("went", "gone"), "come": ("came", "come"), "give": ("gave", "given"),
    "find": ("found", "found"), "show": ("showed", "shown"), "send": ("sent", "sent"), "set": ("set", "set"),
    "shrink": ("shrank", "shrunk"), "lend": ("lent", "lent"), "bid": ("bid", "bid"), "beat": ("beat", "beaten"),
    "bet": ("bet", "bet"), "deal": ("dealt", "dealt"), "seek": ("sought", "sought"), "write": ("wrote", "written"),
    "shut": ("shut", "shut"), "sink": ("sank", "sunk"), "meet": ("met", "met"), "stand": ("stood", "stood"),
    "break": ("broke", "broken"), "choose": ("chose", "chosen"), "drive": ("drove", "driven"),
    "know": ("knew", "known"), "think": ("thought", "thought"), "mean": ("meant", "meant"),
    "feel": ("felt", "felt"), "lay": ("laid", "laid"), "swing": ("swung", "swung"), "bear": ("bore", "born"),
    "let": ("let", "let"),
    "forecast": ("forecast", "forecast"),
}
_REGULAR = wordset("""report announce plan employ own use operate earn post record generate reach exceed double triple
quadruple halve increase decrease decline drop climb jump surge soar slump slide invest acquire launch open close
deploy train host rent lease charge cost price ship deliver produce manufacture consume require need contain
include list add remove hire fire lay expand reduce lower boost return borrow sign complete finish start end
release unveil claim state disclose confirm deny expect project estimate guide target aim intend want serve
power house feature offer provide support allow cover account represent total amount average equal remain
stay continue seem appear fund finance back value file sue settle approve reject ban block narrow widen
install upgrade order receive book sustain attract issue invest raise lift fail miss beat top trail outpace
outsell employ spin merge partner license power cool host rank tie link list move shift pivot slash trim
hike double grow predict warn agree pledge promise commit vow propose announce introduce emit cause kill infect
prevent protect melt""")
_AUXILIARIES = wordset("""is are was were be been being has have had do does did will would can could may
might shall should must won't can't cannot don't doesn't didn't isn't aren't wasn't weren't wouldn't couldn't
shouldn't hasn't haven't hadn't won’t can’t don’t doesn’t didn’t isn’t aren’t wasn’t weren’t wouldn’t couldn’t
shouldn’t hasn’t haven’t hadn’t""")
VERBS: frozenset[str] = frozenset()  # filled below: every inflection of every verb above


def _inflections(base: str) -> set[str]:
    forms = {base}
    if base.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(base + "es")
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        forms.add(base[:-1] + "ies")
    else:
        forms.add(base + "s")
    if base in _IRREGULAR:
        forms.update(_IRREGULAR[base])
    elif base.endswith("e"):
        forms.add(base + "d")
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        forms.add(base[:-1] + "ied")
    else:
        forms.add(base + "ed")
    stem = base + base[-1] if _doubles(base) else base
    forms.add(base[:-1] + "ing" if base.endswith("e") and base not in {"be", "see"} else stem + "ing")
    if base not in _IRREGULAR and not base.endswith(("e", "y")):
        forms.add(stem + "ed")
    return forms


def _doubles(base: str) -> bool:
    """"run" → "running", "plan" → "planned": a short consonant-vowel-consonant verb doubles its last letter."""
    return (len(base) <= 4 and base not in {"open", "list", "post", "host"} and base[-1] not in "aeiouwxy"
            and base[-2] in "aeiou" and base[-3] not in "aeiou")


VERBS = frozenset(form for base in (*_IRREGULAR, *_REGULAR) for form in _inflections(base)) | _AUXILIARIES
PAST = frozenset(past for past, _ in _IRREGULAR.values()) | {"was", "were", "had", "did"}
PARTICIPLES = frozenset(participle for _, participle in _IRREGULAR.values()) | {"been"}
NOUN_TOO = wordset("""cost costs price prices plan plans power house record records post posts target targets
use uses need needs back return returns list lists offer offers support total totals average value values
report reports guide file files ship ships release releases charge charges deal deals claim claims state states
fund funds estimate estimates forecast forecasts project projects increase increases decline declines drop
drops jump jumps sales order orders issue issues books profits spending results earnings account accounts amount
amounts""")
_NOT_VERBS = wordset("""hundred red bed need seed feed speed proceed indeed united limited based
shared related associated denominated""")  # the last three: modifiers ("liabilities related to benefits")
SUBJECT_PRONOUNS = frozenset({"it", "they", "he", "she"})
POSSESSIVE_PRONOUNS = frozenset({"its", "their", "his", "her"})
REFERRING = re.compile(r"^(?:the|this|that)\s+(?:company|firm|startup|start-up|lab|group|business|chipmaker|"
                       r"maker|provider|operator|developer|organisation|organization)\b", re.IGNORECASE)
ADVERBS = wordset("""also still then later now recently already just since subsequently reportedly
again both""")


def tokens(text: str) -> list[re.Match[str]]:
    return list(TOKEN.finditer(text))


def token_texts(text: str) -> list[str]:
    """The text of each of `tokens(text)`."""
    return [t.group() for t in tokens(text)]


_DETERMINERS = wordset("the a an this these those its their his her our my your every")


def is_verb(word: str) -> bool:
    """A finite or participle verb form: in the lexicon, or a regular past ('-ed') that is not a known noun."""
    lower = word.lower().strip("'’")
    if lower in VERBS:
        return True
    return len(lower) > 4 and lower.endswith("ed") and lower.isalpha() and lower not in _NOT_VERBS


def is_figure(word: str) -> bool:
    return bool(FIGURE.match(word))


def is_participle(word: str) -> bool:
    """"jailed", "given", "sent": a past participle ("rose", "fell", "grew" are pasts only)."""
    lower = word.lower()
    return lower in PARTICIPLES or (lower.endswith("ed") and is_verb(lower))


def is_past(word: str) -> bool:
    lower = word.lower()
    return lower in PAST or (lower.endswith("ed") and is_verb(lower))


def first_verb(words: list[str], start: int = 0) -> int | None:
    """Index of the first verb in `words[start:]`. A noun-or-verb word followed by a verb counts as a noun, and
    so does a word right after a determiner or a possessive ("the end", "Northwind's total"), and "May" after
    the first word (a month: the modal is written "may" there)."""
    for index in range(start, len(words)):
        if not is_verb(words[index]):
            continue
        if words[index].lower() in NOUN_TOO and index + 1 < len(words) and is_verb(words[index + 1]):
            continue
        if index > 0 and (_noun_follows(words[index - 1]) or words[index] == "May"):  # "March through May 2020"
            continue
        return index
    return None


def _noun_follows(word: str) -> bool:
    lower = word.lower()
    return lower in _DETERMINERS or (lower.endswith(("'s", "’s", "s'", "s’")) and word[0].isupper())


def referent(subject: str) -> str:
    """Who a later "it"/"its" means: the owner in "Veridian's revenue" ("Veridian"), else the subject."""
    owner = re.match(r"^(.+?)['’]s?\s", subject)
    return owner.group(1) if owner else subject


def possessive(subject: str) -> str:
    """"Veridian" → "Veridian's", "Northwind Labs" → "Northwind Labs'"."""
    return subject + ("'" if subject.endswith("s") else "'s")


def verb_at(words: list[str], index: int) -> bool:
    """Whether a verb opens `words` at `index` (after adverbs); a capitalised word is none ("… and List A
    cricket", "founded Twitter and Block": a predicate after a connector is written in lower case, so a
    headline's "… and Hires 40 People" is not cut)."""
    while index < len(words) and words[index].lower() in ADVERBS:
        index += 1
    return index < len(words) and first_verb(words, index) == index and is_verb(words[index]) \
        and words[index][:1].islower()
