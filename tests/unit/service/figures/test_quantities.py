"""Extraction and normalisation of figures: scales, written numbers, currencies, units, hedges, ranges."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.figures.number_words import parse_written_number, to_words
from service.figures.quantities import Qualifier, Quantity, extract_quantities
from service.figures.quantity_format import format_quantity

pytestmark = pytest.mark.unit


def only(text: str) -> Quantity:
    found = extract_quantities(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("$500M GPU spend", 500e6, "USD"),
        ("a 120-megawatt AI campus", 120e6, "W"),  # a unit joined by a hyphen, in the singular
        ("a 40-MW first phase", 40e6, "W"),
        ("lost $6.4 billion in 2025", 6.4e9, "USD"),
        ("100,000 H100s", 100_000, "count"),
        ("around $2.5B", 2.5e9, "USD"),
        ("<40bln active parameters", 40e9, "count"),
        ("€238 a month", 238, "EUR/month"),
        ("a 5k run", 5e3, "count"),
        ("3 thousand", 3e3, None),
        ("£3.2m", 3.2e6, "GBP"),
        ("€5 mn", 5e6, "EUR"),
        ("USD 5bn", 5e9, "USD"),
        ("US$ 5 million", 5e6, "USD"),
        ("¥2 trillion", 2e12, "JPY"),
        ("$1.2tn", 1.2e12, "USD"),
        ("5 lakh", 5e5, None),
        ("2 crore rupees", 2e7, "INR"),
        ("Rs 2.8 lakh crore", 2.8e12, "INR"),
        ("85%", 85, "%"),
        ("85 percent", 85, "%"),
        ("12.5 per cent", 12.5, "%"),
        ("10 GW", 10e9, "W"),
        ("2.5 TB", 2.5e12, "bytes"),
        ("300 kWh", 300e3, "Wh"),
        ("6 billion dollars", 6e9, "USD"),
        ("40 euros", 40, "EUR"),
        ("DKK 2.4 billion", 2.4e9, "DKK"),  # other currencies by their ISO code
        ("SEK 300m", 300e6, "SEK"),
        ("try 5 times", 5, "count"),  # no code that is also an English word ("TRY")
        ("RM 410 million", 410e6, "MYR"),  # the ringgit, and a code written against its number
        ("RM410 million", 410e6, "MYR"),
        ("USD5m in fees", 5e6, "USD"),
        ("KSh1.2bn", 1.2e9, "KES"),
        ("Rs500 crore", 5e9, "INR"),
        ("Rs.500 crore", 5e9, "INR"),
        ("RS 500 crore", 5e9, "INR"),  # in capitals, as headlines write it
        ("RMB 5 billion", 5e9, "CNY"),
        ("Room Rm 1203", 1203, None),  # these prefixes only as written: a room, not ringgit
        ("40k A100s", 40e3, "count"),  # a model code is no currency written against its number
    ],
)
def test_scales_currencies_and_units(text: str, value: float, unit: str | None) -> None:
    quantity = only(text)
    assert quantity.value == pytest.approx(value)
    assert quantity.unit == unit


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("half a billion dollars", 5e8),
        ("six hundred people", 600),
        ("two million three hundred thousand", 2.3e6),
        ("one and a half million", 1.5e6),
        ("a dozen eggs", 12),
        ("twenty-five", 25),
        ("a hundred and five", 105),
    ],
)
def test_written_numbers(text: str, value: float) -> None:
    assert only(text).value == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "qualifier", "low", "high"),
    [
        ("well over $500M", Qualifier.OVER, 500e6, None),
        ("more than 20 people", Qualifier.OVER, 20, None),
        ("at least 7%", Qualifier.AT_LEAST, 7, None),
        ("500+ employees", Qualifier.AT_LEAST, 500, None),
        ("under $50", Qualifier.UNDER, None, 50),
        ("<40bln parameters", Qualifier.UNDER, None, 40e9),
        ("up to 20 million Americans", Qualifier.AT_MOST, None, 20e6),
        ("nearly 300,000 deaths", Qualifier.APPROX, 270_000, 300_000),
        ("about $2.5B", Qualifier.APPROX, 2.375e9, 2.625e9),
        ("roughly 40 people", Qualifier.APPROX, 38, 42),
        ("~$10M", Qualifier.APPROX, 9.5e6, 10.5e6),
        ("$100 or so", Qualifier.APPROX, 95, 105),
        ("$6.4B", Qualifier.EXACT, 6.4e9, 6.4e9),
    ],
)
def test_hedges_set_bounds(text: str, qualifier: Qualifier, low: float | None, high: float | None) -> None:
    quantity = only(text)
    assert quantity.qualifier == qualifier
    assert quantity.low == (None if low is None else pytest.approx(low))
    assert quantity.high == (None if high is None else pytest.approx(high))


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("between 80% and 90%", 80, 90, "%"),
        ("Between 80 and 90 percent", 80, 90, "%"),
        ("80–90%", 80, 90, "%"),
        ("80-90%", 80, 90, "%"),
        ("$2-3 billion", 2e9, 3e9, "USD"),
        ("5 to 10 million people", 5e6, 10e6, "count"),
    ],
)
def test_ranges(text: str, low: float, high: float, unit: str) -> None:
    quantity = only(text)
    assert quantity.qualifier == Qualifier.RANGE
    assert (quantity.low, quantity.high) == (pytest.approx(low), pytest.approx(high))
    assert quantity.value == pytest.approx((low + high) / 2)
    assert quantity.unit == unit


def test_from_to_is_a_change_not_a_range() -> None:
    assert [q.value for q in extract_quantities("rates rose from 3.4% to 6.8%")] == [3.4, 6.8]


@pytest.mark.parametrize(
    "text",
    ["COVID-19 spread in 2020", "The H100 and the A100", "March 5, 2024", "27 ott 2021", "the 1990s",
     "Q3 2024", "FY2024", "at 10:30", "2024-03-05", "a 5G phone", "one of them", "billions of dollars"],
)
def test_ignores_years_dates_names_and_vague_words(text: str) -> None:
    assert extract_quantities(text) == []


def test_offsets_index_the_text() -> None:
    text = "Revenue was about $2.5B in 2025, up 12%."
    for quantity in extract_quantities(text):
        assert text[quantity.start:quantity.end] == quantity.text
    assert [q.text for q in extract_quantities(text)] == ["about $2.5B", "12%"]


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        ("Pricing is €166 for Claude Teams and €238 for OpenAI Pro.", ["Claude Teams", "OpenAI Pro"]),
        ("We plan $500M GPU spend.", ["GPU spend"]),
        ("OpenAI Pro costs €166", ["OpenAI Pro costs"]),
    ],
)
def test_binds_each_figure_to_its_nearest_subject(text: str, subjects: list[str]) -> None:
    assert [q.subject for q in extract_quantities(text)] == subjects


@pytest.mark.parametrize(
    ("text", "shown"),
    [("$6.4 billion", "$6.4B"), ("85 percent", "85%"), ("200000", "200,000"), ("about $2.5B", "about $2.5B"),
     ("between 80% and 90%", "80–90%"), ("€238 a month", "€238 a month"), ("over €1.2M", "over €1.2M"),
     ("6.9 million", "6.9 million"), ("2.5 TB", "2.5 TB")],
)
def test_format_quantity(text: str, shown: str) -> None:
    assert format_quantity(only(text)) == shown


# Property-based: every way of writing a number we support parses back to the same value.
_MANTISSA = st.decimals(min_value=1, max_value=999, places=2, allow_nan=False, allow_infinity=False)
_STYLES = [
    ("{m} million", 1e6), ("{m}M", 1e6), ("{m} mn", 1e6), ("{m}mln", 1e6), ("{m} billion", 1e9),
    ("{m}B", 1e9), ("{m}bn", 1e9), ("{m} bln", 1e9), ("{m} trillion", 1e12), ("{m}T", 1e12),
    ("{m}k", 1e3), ("{m} thousand", 1e3), ("{m} lakh", 1e5), ("{m} crore", 1e7), ("{m}", 1.0),
]
_CURRENCIES = [("${}", "USD"), ("US${}", "USD"), ("USD {}", "USD"), ("€{}", "EUR"), ("£{}", "GBP"),
               ("¥{}", "JPY"), ("{} dollars", "USD"), ("{}", None)]


@settings(max_examples=200, deadline=None)
@given(mantissa=_MANTISSA, style=st.sampled_from(_STYLES), currency=st.sampled_from(_CURRENCIES))
def test_round_trip_scaled_and_currency_forms(mantissa: object, style: tuple[str, float],
                                              currency: tuple[str, str | None]) -> None:
    pattern, scale = style
    figure = pattern.format(m=mantissa)
    text = f"They reported {currency[0].format(figure)} for the year."
    quantity = only(text)
    assert quantity.value == pytest.approx(float(mantissa) * scale)  # type: ignore[arg-type]
    if currency[1]:
        assert quantity.unit == currency[1]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=2, max_value=999_999_999))
def test_round_trip_thousands_separators_and_words(value: int) -> None:
    assert only(f"a total of {value:,} items").value == value
    assert only(f"a total of {to_words(value)} items").value == value


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0.01, max_value=99.99), st.sampled_from(["{}%", "{} percent", "{} per cent"]))
def test_round_trip_percentages(value: float, style: str) -> None:
    written = f"{value:.2f}"
    quantity = only(f"It rose {style.format(written)} last week")
    assert (quantity.value, quantity.unit) == (pytest.approx(float(written)), "%")


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=1, max_value=5e14, allow_nan=False, allow_infinity=False),
    st.sampled_from(["USD", "EUR", "GBP", "%", "count", None, "bytes", "W"]),
    st.sampled_from([Qualifier.EXACT, Qualifier.APPROX, Qualifier.OVER, Qualifier.UNDER]),
)
def test_format_quantity_round_trips(value: float, unit: str | None, qualifier: Qualifier) -> None:
    value = float(f"{value:.4g}")
    if unit == "%":
        value = min(value, 999.0)
    quantity = Quantity(value, value, value, unit, qualifier, "", 0, 0)
    parsed = only(f"It was {format_quantity(quantity)} things")
    assert math.isclose(parsed.value, value, rel_tol=1e-3)
    assert parsed.qualifier == qualifier


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_arbitrary_text(text: str) -> None:
    for quantity in extract_quantities(text):
        assert text[quantity.start:quantity.end] == quantity.text


_SOUP = ["$", "5", "0", ",", ".", " ", "-", "–", "between", "and", "to", "%", "bn", "M", "about", "half", "a",
         "billion", "<", "~", "+", "€", "k", "2025", "Q3"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SOUP)))
def test_never_raises_on_figure_like_soup(parts: list[str]) -> None:
    text = "".join(parts)
    for quantity in extract_quantities(text):
        assert math.isfinite(quantity.value)


# ---- "a"/"an" before a number word, and hyphenated number words ------------------------------------------

@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("a five-year power purchase agreement", []),  # an article and a duration adjective, not 6
        ("an eight-hour shift", []),
        ("a three-day strike", []),
        ("two-thirds of users", []),  # a fraction, not 2
        ("a five star hotel", [5.0]),  # the article belongs to the noun phrase: five, not six
        ("a hundred people", [100.0]),
        ("a dozen eggs", [12.0]),
        ("a million users", [1e6]),
        ("half a billion dollars", [5e8]),
        ("a half-million tonnes", [5e5]),
        ("one and a half million people", [1.5e6]),
        ("twenty-five people", [25.0]),
        ("five people signed", [5.0]),
    ],
)
def test_articles_only_count_as_one_before_a_multiplier(text: str, values: list[float]) -> None:
    assert [q.value for q in extract_quantities(text)] == pytest.approx(values)


@pytest.mark.parametrize(
    ("phrase", "value"),
    [("a five", 5.0), ("a hundred", 100.0), ("an eight", 8.0), ("a half", 0.5), ("one and a half", 1.5)],
)
def test_parse_written_number_reads_the_article_as_one_only_before_a_multiplier(phrase: str, value: float) -> None:
    assert parse_written_number(phrase) == pytest.approx(value)


def test_a_serial_port_is_no_rupee_amount() -> None:
    assert extract_quantities("Connect the RS232 port") == []


@pytest.mark.parametrize("text", ["revenue in FY2025-26 was ₹7,012 crore", "in the 2025/26 financial year sales were "
                                  "₹7,012 crore", "FY25-26 sales of ₹7,012 crore"])
def test_a_fiscal_year_named_by_both_its_years_is_no_figure(text: str) -> None:
    assert [quantity.text for quantity in extract_quantities(text)] == ["₹7,012 crore"]
