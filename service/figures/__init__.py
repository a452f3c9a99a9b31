"""The figures engine: numbers, quantities, dates and periods read from text and compared.

    finding = check_numbers(claim, evidence, collection)   # the pipeline's numeric step: comparisons, decision
    quantities = extract_quantities("well over $500M")     # value, unit, scale, hedge, bounds, offsets
    periods = extract_periods("in Q3 2024")                 # granularity, start and end days, offsets

Modules: `quantities` (figures in a sentence) with its vocabulary (`quantity_vocab`), written numbers
(`number_words`) and display (`quantity_format`); `periods` (dates and periods); `subjects` (what a figure is
about); `numeric` (pairing and comparing a claim's figures with the evidence's); `period_match` (a date
claim's date against the evidence's); `numeric_check` (the pipeline's step over retrieved passages). Outside
this package, import from here.
"""

from service.figures.compare import CURRENCIES
from service.figures.derived import read_derived
from service.figures.derived_claim import DerivedClaim
from service.figures.numeric import claim_tags, match_numbers, numeric_decision
from service.figures.numeric_check import NO_FINDING, NumericFinding, check_dates, check_numbers
from service.figures.period_match import match_periods
from service.figures.periods import Granularity, Period, extract_periods, periods_align
from service.figures.quantities import Quantity, extract_quantities
from service.figures.quantity_format import format_quantity
from service.figures.quantity_vocab import Qualifier
from service.figures.subjects import (
    STOPWORDS,
    bound_contexts,
    content_words,
    counted_noun,
    named_entities,
    names_conflict,
)
from service.text import sentence_bounds

__all__ = [
    "CURRENCIES",
    "NO_FINDING",
    "STOPWORDS",
    "DerivedClaim",
    "Granularity",
    "NumericFinding",
    "Period",
    "Qualifier",
    "Quantity",
    "bound_contexts",
    "check_dates",
    "check_numbers",
    "claim_tags",
    "content_words",
    "counted_noun",
    "extract_periods",
    "extract_quantities",
    "format_quantity",
    "match_numbers",
    "match_periods",
    "named_entities",
    "names_conflict",
    "numeric_decision",
    "periods_align",
    "read_derived",
    "sentence_bounds",
]
