"""Changes and differences a claim names in words rather than with a verb and a percentage: "the percentage
decrease in total liabilities from December 31, 2022, to December 31, 2023, is 27.3%", "the Partnership's net
change in X", "… was a decrease of $2,670,546", "$380 million more than in 2024", "52.8% less than the net
income in 2022". Read by `service.figures.derived.read_derived`, which gives each its periods.
"""

from __future__ import annotations

import re

from service.figures.derived_claim import DerivedClaim, as_ratio, bounds, claim_measure_words
from service.figures.derived_direction import MORE
from service.figures.derived_vocab import CHANGE_NOUN, DIFFERENCE
from service.figures.periods import Period
from service.figures.quantities import Quantity, extract_quantities
from service.figures.quantity_vocab import Qualifier

_FALLS = frozenset({"decrease", "decline", "drop", "reduction"})
# "… than (the net income) in 2022": the comparison is with a period, its words lower-case (no other owner)
_THAN_PERIOD = re.compile(r"(?:\s+(?:the|that|those|it|its|in|for|of|during|a|an|year|[a-z][a-z-]*)){0,6}?\s+"
                          r"(?:in\s+|for\s+|during\s+)?(?:fiscal\s+|fy\s*)?\d{4}\b")
# whose a measure is ("USCF Investments'"); not a line item's own possessive ("Stockholders' equity")
_OWNER = re.compile(r"\b(?!(?:Stock|Share)holders|Partners|Members|Owners)[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){0,3}"
                    r"(?:['’]s|s['’])(?=\s)")


def read_change_noun(claim: str, period: Period | None) -> DerivedClaim | None:
    """"The percentage decrease in total liabilities from December 31, 2022, to December 31, 2023, is about 27.3%"
    (a change, as a ratio: 0.727), "The increase in net income from 2022 to 2023 was $4.2 million" (a difference);
    the measure is what the noun is of, every word of it (`measure_share`: "net income" is not "income from
    operations"). A money change of no stated direction ("The change in … is $105M") is left alone: which way
    it went is not said."""
    match = CHANGE_NOUN.match(claim)
    if not match:
        return None
    amount = next(iter(extract_quantities(match.group("amount"))), None)
    if amount is None:
        return None
    noun, said = match.group("noun").lower(), claim[match.end("amount"):]
    told = re.search(r"\ban?\s+(?P<way>increase|decrease|decline|rise)\s+of\s*$", claim[: match.start("amount")],
                     re.IGNORECASE)  # "… was a decrease of $2,670,546"
    way = told.group("way").lower() if told and noun == "change" else ""
    falls = noun in _FALLS or way in _FALLS or bool(re.search(r"[-−–]\s*[$€£]?\d", match.group("amount"))) or bool(
        noun == "change" and re.match(r"\W*(?:an?\s+)?(?:[\d.,]+\s*%\s+)?(?:decrease|decline|drop)\b", said))
    if len(_OWNER.findall(match.group("measure"))) > 1:
        return None  # "Global Banking's … and Global Wealth's net interest income": a sum no reader computes
    # whose the measure is says nothing of the measure ("net income before income taxes" of "USCF Investments'")
    words = claim_measure_words(_OWNER.sub(" ", match.group("measure")), [])
    # "…, representing a 20.57% decrease", "…, which equals the cash used …": the claim says more than the change
    rest = re.sub(r"\b(?:in|for|during|over)\s+(?:fiscal\s+)?\d{4}\b|\byear[- ]over[- ]year\b|\(unaudited\)", "", said)
    alone = re.fullmatch(r"\W*(?:(?:an?\s+)?(?:increase|decrease|decline|drop|rise)\b)?\W*", rest) is not None
    start, end = match.start("amount"), match.end("amount")
    if amount.unit == "%":
        lower, upper = as_ratio(amount, down=falls)
        return DerivedClaim("change", lower, upper, claim[start:end], start, end, words, period=period,
                            measure_share=1.0, cut_off=as_ratio(amount, down=falls, cut=True), supports=alone)
    rises = noun in {"increase", "growth", "rise"} or way in {"increase", "rise"} or (
        noun == "change" and re.match(r"\W*(?:an?\s+)?increase\b", said))
    if not (falls or rises) or match.group("percent"):
        return None
    low, high = (amount.low, amount.high) if amount.qualifier != Qualifier.EXACT else _stated_bounds(amount)
    if falls:
        low, high = (-high if high is not None else None), (-low if low is not None else None)
    return DerivedClaim("difference", low, high, claim[start:end], start, end, words, unit=amount.unit,
                        period=period, measure_share=1.0, supports=alone)


def _stated_bounds(amount: Quantity) -> tuple[float, float]:
    """A bare amount written to four or more significant digits ("$82,093,000") holds to its last digit; a
    rounder one ("$4.2 million") to 2 %."""
    digits = re.sub(r"\D", "", amount.text).lstrip("0").rstrip("0")
    if len(digits) >= 4:
        return amount.value - amount.precision, amount.value + amount.precision
    low, high = bounds(amount.value, "")
    return low or 0.0, high or 0.0


def read_difference(claim: str, period: Period | None) -> DerivedClaim | None:
    """"$380 million more than in 2024": the gap between two figures of one measure."""
    match = DIFFERENCE.search(claim)
    if not match:
        return None
    amount = next((q for q in extract_quantities(claim[: match.start()]) if q.end >= match.start() - 2), None)
    if amount is None or re.search(r"\b(?:percentage\s+)?(?:points?|pp|bps|basis\s+points?)\s*$", claim[:match.start()],
                                   re.IGNORECASE):
        return None  # "2.5 percentage points lower than": a gap between two rates, not a change
    less = re.match(r"(?:less|lower|fewer|smaller)", match.group(0), re.IGNORECASE) is not None
    if amount.unit == "%":  # "net income in 2023 was approximately 52.8% less than in 2022": a change
        if not _THAN_PERIOD.match(claim, match.end()):
            return None  # "20% higher than Beta's revenue": against another company, not another period
        lower, upper = as_ratio(amount, down=less)
        more = MORE.search(claim, match.end())  # "…, due to increased losses": a reason, not the measure
        measured = claim[: more.start()] if more else claim
        return DerivedClaim("change", lower, upper, claim[amount.start:match.end()], amount.start, match.end(),
                            claim_measure_words(measured, [(amount.start, match.end())]), period=period,
                            cut_off=as_ratio(amount, down=less, cut=True), supports=more is None)
    low, high = (amount.low, amount.high) if amount.qualifier != Qualifier.EXACT else bounds(amount.value, "")
    if less:
        low, high = (-high if high is not None else None), (-low if low is not None else None)
    return DerivedClaim("difference", low, high, claim[amount.start:match.end()], amount.start, match.end(),
                        claim_measure_words(claim, [(amount.start, match.end())]), unit=amount.unit, period=period)
