"""Several names sharing one predicate ("Veridian and Lumenfold reported losses"): a part for each name, unless
the predicate holds them together or the names are one noun phrase.

    coordinated_names("Veridian and Lumenfold")   # ["Veridian", "Lumenfold"]
    coordinated_names("Shares in Fenwick and Hale")   # []: one noun phrase, "shares in" both
    singular("are profitable")                     # "is profitable": the predicate of one of them

Kept whole: names joined by "and" that are one company ("Procter and Gamble"), names held together by the
predicate ("together", "combined", "equally likely", "each other": `JOINT`), a head noun the names share
("Black, Hispanic, and White Americans": one-word adjectives of origin before a longer last one), a list with no
"and" ("Moreover, Vav1-Cre": a sentence adverb and a name), an "of" before a last one-word name or after an
institution ("The Ministry of Science and Technology", "The Department of Health and Human Services"), and
pieces with lower-case words ("Shares in Fenwick", "Black and Latino communities") or unclosed brackets ("IBD
(ulcerative colitis-UC").
"""

from __future__ import annotations

import re

from service.claims.part_check import is_company_suffix

JOINT = re.compile(r"\b(?:together|combined|in total|between them|altogether|jointly|equally|each other|"
                   r"one another|alike)\b", re.IGNORECASE)
_NAMES_WITH_AND = re.compile(r"\b(?:Procter and Gamble|Johnson and Johnson|Marks and Spencer|Barnes and Noble|"
                             r"Ben and Jerry's|Simon and Schuster|Black and Decker|Arm and Hammer|Crate and Barrel|"
                             r"Bath and Body Works|Dolce and Gabbana|Tiffany and Co|Church and Dwight|"
                             r"Lord and Taylor|Ernst and Young|Standard and Poor's)\b", re.IGNORECASE)
_ADJECTIVAL = re.compile(r"^(?:Black|White|Hispanic|Latin[oax]|Asian|Native|Indigenous|Arab|Jewish|Muslim|"
                         r"Christian|[A-Z]\w+(?:an|ese|ish|ic|i))$")  # "Hispanic", "Chinese", "British", "Iraqi"
_INSTITUTION = re.compile(r"\b(?:Department|Ministry|Bureau|Office|Institute|Institutes|University|School|College|"
                          r"Council|Board|Commission|Agency|Society|Association|Academy|Centre|Center|Museum|"
                          r"Federation|Secretary|Minister|Division|Faculty)\s+of\b")
_INSIDE_NAMES = frozenset({"of", "the", "de", "du", "la", "von", "van", "&"})  # "Bank of America"
_SINGULAR_OF = {"are": "is", "were": "was", "have": "has"}


def coordinated_names(subject: str) -> list[str]:
    """["Veridian", "Lumenfold"] for "Veridian and Lumenfold": two or three capitalised names, else []."""
    if _NAMES_WITH_AND.search(subject) or not re.search(r"\band\b", subject):
        return []
    pieces = re.split(r",\s*(?:and\s+)?|\s+and\s+", subject)
    if len(pieces) < 2 or any(is_company_suffix(piece.partition(" ")[0]) for piece in pieces):
        return []
    if not all(piece and len(piece.split()) <= 4 and piece.count("(") == piece.count(")")
               and all(word[0].isupper() or word.lower() in _INSIDE_NAMES for word in piece.split())
               for piece in pieces):
        return []
    last = pieces[-1].split()
    if any(" of " in f" {piece} " and (len(last) == 1 or _INSTITUTION.search(piece)) for piece in pieces[:-1]):
        return []  # "The Ministry of Science and Technology", "The Department of Health and Human Services": the
        # "and" is the name's ("Bank of America and Wells Fargo" are two)
    if all(len(piece.split()) == 1 and _ADJECTIVAL.search(piece) for piece in pieces[:-1]) and len(last) > 1:
        return []  # "Black, Hispanic, and White Americans": one noun for every adjective ("Ford and General Motors")
    return pieces


def singular(predicate: str) -> str:
    """The predicate made singular for one of several subjects ("are" → "is")."""
    head, _, rest = predicate.partition(" ")
    return f"{_SINGULAR_OF.get(head.lower(), head)} {rest}".strip()
