"""The words a computed figure is claimed in: changes ("rose", "fell by a third", "doubled"), multiples ("4.5 times",
"tripled the size of"), shares ("more than half of"), totals ("together", "across its seed, Series A and Series B
rounds"), differences and compound growth, and the bounds each hedge puts on the claimed value. Kept apart from
`service.figures.derived`, which reads a claim with them.
"""

from __future__ import annotations

import re

UP = r"rose|risen|rises|grew|grown|grows|increased|increases|climbed|jumped|surged|soared|gained|expanded|up"
DOWN = r"fell|fallen|falls|dropped|drops|declined|declines|decreased|decreases|shrank|shrunk|slid|slumped|down"
_PERIOD_ASIDE = (r"(?:(?:in|during|over)\s+(?:the\s+)?(?:fiscal\s+|fy\s*)?"
                 r"(?:(?:first|second|third|fourth)\s+quarter\s+of\s+|q[1-4]\s+)?\d{4}\s+)?")  # "fell in 2025 by"
CHANGE = re.compile(rf"\b(?P<verb>{UP}|{DOWN})\s+{_PERIOD_ASIDE}(?:by\s+)?(?P<amount>(?:(?:about|around|"
                     rf"roughly|nearly|almost|over|more than|less than|under|at least|some|approximately)\s+)?"
                     rf"\d[\d.,]*\s*"
                     rf"(?:%|percent|per cent))(?!age\b|\s*points?\b)",  # "2.3 percentage points": no change
                     re.IGNORECASE)
# the change named as a noun, its amount after the verb: "The percentage decrease in total liabilities from
# December 31, 2022, to December 31, 2023, is approximately 27.31%", "The change in net income … is $104,978,000"
CHANGE_NOUN = re.compile(r"^\s*the\s+(?:[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3}['’]s\s+)?"  # "The Partnership's"
                         r"(?:(?:total|net|overall|absolute)\s+)?(?P<percent>(?:percentage|percent)\s+)?"
                         r"(?P<noun>increase|decrease|change|growth|"
                         r"decline|rise|drop|reduction)\s+(?:in|of)\s+(?P<measure>.+?)\s+(?:from|between|"
                         r"for(?=\s+(?:the\s+)?(?:three|six|nine|twelve|fiscal|first|second|third|fourth|q[1-4]\b|"
                         r"\d{4})[^;]{0,60}?\b(?:compared|versus|vs)\b))\s+.+?,?"
                         r"\s+(?:is|was|were|are|amounts?\s+to|came\s+to)\s+(?:calculated\s+to\s+be\s+|precisely\s+|"
                         r"exactly\s+|an?\s+(?:increase|decrease|decline|rise)\s+of\s+)?(?P<amount>"
                         r"(?:(?:about|around|roughly|nearly|almost|approximately|over|more than|less than|under)\s+)?"
                         r"[-−–]?\s*[$€£]?\d(?:[\d.,]*\d)?(?:\s*(?:%|percent|million|billion|thousand))?)",
                         re.IGNORECASE)
# a change someone makes to a figure: "cut its reserved H100 price by 10 percent", "raised prices by 12%"
CUT = r"cut|cuts|reduced|reduces|lowered|lowers|slashed|slashes|trimmed|trims"
RAISE = r"raised|raises|hiked|hikes|boosted|boosts|increased|increases"
TRANSITIVE_CHANGE = re.compile(rf"\b(?P<verb>{CUT}|{RAISE})\s+(?:[^\s.,;]+\s+){{1,6}}?by\s+(?P<amount>(?:(?:about|"
                               rf"around|roughly|nearly|almost|over|more than|less than|under|at least|some|"
                               rf"approximately)\s+)?\d[\d.,]*\s*(?:%|percent|per cent))(?!age\b|\s*points?\b)",
                               re.IGNORECASE)
MULTIPLE = re.compile(r"\b(?P<hedge>(?:roughly|about|nearly|almost|more than|over)\s+)?(?P<word>doubled|tripled|"
                       r"trebled|quadrupled|halved)\b", re.IGNORECASE)
FRACTION_CHANGE = re.compile(rf"\b(?P<verb>{UP}|{DOWN})\s+by\s+(?P<hedge>(?:about|roughly|nearly|almost|more than|"
                              r"over|less than)\s+)?(?:a|one)\s+(?P<part>half|third|quarter|fifth)\b", re.IGNORECASE)
SHARE = re.compile(r"\b(?P<hedge>(?:about|roughly|nearly|almost|more than|over|less than|under|at least)\s+)?"
                    r"(?P<part>half|a third|one third|two thirds|a quarter|one quarter|three quarters|a fifth|"
                    r"one fifth|a sixth|one sixth|a tenth|one tenth|"
                    r"\d[\d.]*\s*(?:%|percent|per cent))\s+of\s+(?P<whole>[^,.;]{3,60})", re.IGNORECASE)
PART_AFTER = re.compile(r"\s+(?:goes|go|went|is going|are going|is spent|are spent|was spent|were spent|work|works|"
                         r"worked|is|are|was|were)\s+(?:to|on|in|into|for)\s+", re.IGNORECASE)
FACTOR_WORDS = {"twice": 2.0, "double": 2.0, "triple": 3.0, "three": 3.0, "four": 4.0, "five": 5.0, "ten": 10.0,
                 "two": 2.0}
_HEDGE = r"(?P<hedge>(?:about|around|roughly|nearly|almost|more than|over|at least|less than|under)\s+)?"
TIMES = re.compile(rf"(?P<first>[^,;]{{2,60}}?)\s+(?:was|is|were|are|came to)\s+{_HEDGE}"
                    rf"(?:(?P<factor>\d+(?:\.\d+)?|two|three|four|five|ten)\s+times|(?P<factor_word>twice|double|"
                    rf"triple))(?:\s+(?:the size of|that of|as (?:large|big|much) as))?\s+(?P<second>[^,;]{{2,60}})$",
                    re.IGNORECASE)
SIZE_OF = re.compile(rf"(?P<first>[^,;]{{2,60}}?)\s+{_HEDGE}(?P<factor>doubled|tripled|trebled|quadrupled)\s+"
                      rf"(?:the size of|that of)\s+(?P<second>[^,;]{{2,60}})$", re.IGNORECASE)
# what a total adds up, listed after its figure: "$760 million across its seed, Series A and Series B rounds"
LISTED = re.compile(r"\s+(?:\w+\s+){0,2}?(?:across|from|over|in|for|between)\s+(?:its|their|the|all)?\s*"
                     r"(?P<items>[^.;]+?(?:,|\s+and)\s+[^.;]+?)\s*(?:rounds?|clusters?|sites?|together|combined|"
                     r"in total|in all|[.;]|$)", re.IGNORECASE)
CAGR = re.compile(r"\b(?:compound(?:ed)? annual (?:growth )?rate|CAGR|a year on average|annually on average)\b",
                   re.IGNORECASE)
DIFFERENCE = re.compile(r"\b(?:more|less|higher|lower|greater|fewer|bigger|smaller)\s+than\b", re.IGNORECASE)
# "in total" closes a phrase ("… rounds in total"); "the change in total cash" is no sum
TOTAL = re.compile(r"\b(?:together|combined|in total(?!\s+[a-z])|in all(?!\s+[a-z])|between them)\b", re.IGNORECASE)
MULTIPLES = {"doubled": 2.0, "tripled": 3.0, "trebled": 3.0, "quadrupled": 4.0, "halved": 0.5}
FRACTIONS = {"half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3, "a quarter": 0.25,
              "one quarter": 0.25, "three quarters": 0.75, "a fifth": 0.2, "one fifth": 0.2, "a sixth": 1 / 6,
              "one sixth": 1 / 6, "a tenth": 0.1, "one tenth": 0.1, "third": 1 / 3, "quarter": 0.25, "fifth": 0.2}
HEDGE_BOUNDS = {"about": (0.9, 1.1), "around": (0.9, 1.1), "roughly": (0.9, 1.1), "approximately": (0.9, 1.1),
                 "some": (0.9, 1.1), "nearly": (0.9, 1.0), "almost": (0.9, 1.0), "more than": (1.0, None),
                 "over": (1.0, None), "at least": (1.0, None), "less than": (None, 1.0), "under": (None, 1.0)}
