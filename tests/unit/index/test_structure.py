"""Reading a document's structure: headings, date lines, list items and tables give each sentence (or row) its
context, while the unit itself stays the exact characters of the text."""

from __future__ import annotations

import itertools

import pytest

from index.structure import Outline

pytestmark = pytest.mark.unit

TIMELINE = """# Orison compute report

## Timeline

2025-03
Orison switches on its Fremont cluster. It holds 4,096 GPUs.

**May 2025**
The cluster doubles.

## Sites

- 2024-11: Orison signs the Fremont lease. The rent is $2M a year.
- Kestrel: 12,288 H100 GPUs. It draws 17 MW.
"""


def readings(text: str) -> dict[str, str]:
    outline = Outline.of(text)
    return {text[u.start:u.end]: outline.reading(u.start, u.end) for u in outline.units()}


def test_a_sentence_keeps_its_heading_path_and_the_date_line_above_it() -> None:
    read = readings(TIMELINE)

    assert read["Orison switches on its Fremont cluster."] == \
        "[2025-03 · Orison compute report › Timeline] Orison switches on its Fremont cluster."
    assert read["It holds 4,096 GPUs."].startswith("[2025-03 · Orison compute report › Timeline]")
    assert read["The cluster doubles."].startswith("[May 2025 · Orison compute report › Timeline]")
    assert read["## Sites"] == "[Orison compute report] ## Sites"  # a heading ends the date above it


def test_a_list_item_keeps_its_date_or_label_for_its_later_sentences() -> None:
    read = readings(TIMELINE)

    assert read["The rent is $2M a year."] == "[2024-11 · Orison compute report › Sites] The rent is $2M a year."
    assert read["It draws 17 MW."] == "[Orison compute report › Sites · Kestrel] It draws 17 MW."
    assert read["Kestrel: 12,288 H100 GPUs."] == "[Orison compute report › Sites] Kestrel: 12,288 H100 GPUs."


def test_a_list_reads_each_item_with_the_line_that_introduces_it() -> None:
    text = ("# Results\n\nRevenue held up in the year.\nRevenue by quarter (USD):\n\n- Q1 FY2024: $118 million\n"
            "- Q2 FY2024: $141 million,\n  a record\n\n- Q3 FY2024: $167 million\n\nCosts rose.\n\n"
            "- Hiring: 40 people\n")
    read = readings(text)

    assert read["Q1 FY2024: $118 million"] == "[Results · Revenue by quarter (USD)] Q1 FY2024: $118 million"
    assert read["Q3 FY2024: $167 million"] == "[Results · Revenue by quarter (USD)] Q3 FY2024: $167 million"
    assert read["Costs rose."] == "[Results] Costs rose."  # the list has ended
    assert read["Hiring: 40 people"] == "[Results] Hiring: 40 people"  # a list no line introduces


def test_units_are_the_exact_characters_and_never_overlap() -> None:
    outline = Outline.of(TIMELINE)
    units = outline.units()

    assert all(TIMELINE[u.start:u.end] == TIMELINE[u.start:u.end].strip() and u.end > u.start for u in units)
    assert all(a.end <= b.start for a, b in itertools.pairwise(units))
    assert "Orison switches on its Fremont cluster." in {TIMELINE[u.start:u.end] for u in units}


SEC = """ACME CORP.
Consolidated Balance Sheets
(In thousands)

| February 29, | August 31, |
| 2024 | 2023 |
| ASSETS |
| Current Assets |
| Cash and cash equivalents | $ | 33,665 | $ | 117,096 |
| Prepaid expenses | 30,000 | — |
| Total Current Assets | 63,665 | 117,096 |
| Net loss | ( 451,319 | ) | $ | ( 1,068,539 | ) |
| Weighted average shares outstanding | 659,550 | 384,512 |

Consolidated Statements of Operations

| Six Months Ended | Three Months Ended |
| February 29, | February 28, | February 29, | February 28, |
| 2024 | 2023 | 2024 | 2023 |
| Total revenue | 1,187,000 | 535,251 | 385,253 | 298,439 |
"""


def test_sec_table_rows_read_as_facts_with_periods_scale_and_currency() -> None:
    read = readings(SEC)

    assert read["| Cash and cash equivalents | $ | 33,665 | $ | 117,096 |"] == (
        "ACME CORP. Consolidated Balance Sheets (In thousands) › Current Assets › Cash and cash equivalents — "
        "February 29, 2024: $33,665 thousand; August 31, 2023: $117,096 thousand")
    assert read["| Prepaid expenses | 30,000 | — |"].endswith(
        "February 29, 2024: $30,000 thousand; August 31, 2023: none")
    assert read["| Net loss | ( 451,319 | ) | $ | ( 1,068,539 | ) |"].endswith(
        "› Net loss — February 29, 2024: ($451,319 thousand); August 31, 2023: ($1,068,539 thousand)")
    assert "Current Assets" not in read["| Net loss | ( 451,319 | ) | $ | ( 1,068,539 | ) |"]  # closed by its total
    assert read["| Weighted average shares outstanding | 659,550 | 384,512 |"].endswith(
        "February 29, 2024: 659,550; August 31, 2023: 384,512")  # shares are not money
    assert read["| Total revenue | 1,187,000 | 535,251 | 385,253 | 298,439 |"] == (
        "Consolidated Statements of Operations › Total revenue — Six Months Ended February 29, 2024: 1,187,000; "
        "Six Months Ended February 28, 2023: 535,251; Three Months Ended February 29, 2024: 385,253; "
        "Three Months Ended February 28, 2023: 298,439")
    assert "| February 29, | August 31, |" not in read  # header rows are read into the rows, not units


def test_zero_width_cells_of_an_exported_filing_are_empty() -> None:
    """Some filings export with zero-width spaces in their empty cells (23 of FinDVer's 191 reports): they are no
    values, so the row's figures still line up with their periods."""
    table = ("| December 31, | December 31, |\n| 2023 | 2022 |\n"
             "| Intangible assets, net | \u200b | 55,364 | \u200b | 41,799 |\n")

    assert readings(table)["| Intangible assets, net | \u200b | 55,364 | \u200b | 41,799 |"] == (
        "Intangible assets, net — December 31, 2023: 55,364; December 31, 2022: 41,799")


def test_a_one_cell_period_header_spans_the_years_below_it() -> None:
    """A filing's "| Three Months Ended March 31, |" over "| 2024 | 2023 |": 58% of FinDVer's table rows with
    several figures lost their column names when a one-cell header row ended the header rows."""
    table = ("(Dollars in millions)\n\n| Three Months Ended March 31, |\n| 2024 | 2023 |\n"
             "| Net sales | $ | 2,615 | $ | 2,493 |\n")

    assert readings(table)["| Net sales | $ | 2,615 | $ | 2,493 |"] == (
        "(Dollars in millions) › Net sales — Three Months Ended March 31, 2024: $2,615 million; "
        "Three Months Ended March 31, 2023: $2,493 million")


def test_a_label_column_header_gives_the_scale_and_a_one_cell_row_after_the_headers_is_a_section() -> None:
    table = ("| Years Ended December 31, |\n| (In thousands) | 2023 | 2022 |\n| REVENUE |\n"
             "| Licence fees | $ | 1,210 | $ | 905 |\n")

    assert readings(table)["| Licence fees | $ | 1,210 | $ | 905 |"] == (
        "REVENUE › Licence fees — Years Ended December 31, 2023: $1,210 thousand; "
        "Years Ended December 31, 2022: $905 thousand")


def test_rows_labelled_by_their_years_keep_their_column_names() -> None:
    """FinDVer's Mills Music Trust 10-K: a row that opens with its year had been read as four bare figures
    ("2023; $1,237,548; $863,852; $3.11"), its column names lost."""
    table = ("| Year Ended December 31 | Receipts From EMI | Cash Distributions to Unit Holders | Per Unit |\n"
             "| 2023 | $1,237,548 | $ | 863,852 | $ | 3.11 |\n| 2022 | $ 1,127,613 | $ | 800,903 | $ | 2.88 |\n")
    read = readings(table)

    assert read["| 2023 | $1,237,548 | $ | 863,852 | $ | 3.11 |"] == (
        "Year Ended December 31 2023 — Receipts From EMI: $1,237,548; Cash Distributions to Unit Holders: $863,852; "
        "Per Unit: $3.11")
    assert read["| 2022 | $ 1,127,613 | $ | 800,903 | $ | 2.88 |"].startswith("Year Ended December 31 2022 — ")


def test_rows_labelled_by_their_years_take_the_currency_their_first_row_writes() -> None:
    table = ("(in thousands)\n\n| Years Ended December 31, | Revenue | Net income |\n| 2023 | $ | 1,000 | $ | 200 |\n"
             "| 2022 | 900 | 150 |\n")

    assert readings(table)["| 2022 | 900 | 150 |"] == (
        "(in thousands) › Years Ended December 31, 2022 — Revenue: $900 thousand; Net income: $150 thousand")


COMPENSATION = ("49\nSummary Compensation Table – Officers\nThe following table sets forth information concerning the "
                "compensation of our named executive officers for the years ended December 31, 2023 and 2022.\n\n"
                "| Salary | Bonus | Total |\n| Name and principal position | Year | ($) | ($) | ($) |\n"
                "| Jay Kim Chief Executive Officer | 2023 | 150,000 | -0- | 150,000 |\n"
                "| Jay Kim Chief Executive Officer | 2022 | 144,000 | 200,000 | 344,000 |\n")


def test_a_header_row_without_the_year_column_names_the_columns_after_it() -> None:
    """FinDVer's REBN 10-K: "Salary | Bonus | … | Total" has no cell over the year column, and its names had been
    lost ("($): $150,000; ($): -0-; …"); the titles above the table's lead-in sentence caption it."""
    read = readings(COMPENSATION)

    assert read["| Jay Kim Chief Executive Officer | 2022 | 144,000 | 200,000 | 344,000 |"] == (
        "49 Summary Compensation Table – Officers › Jay Kim Chief Executive Officer — Year: 2022; Salary ($): "
        "$144,000; Bonus ($): $200,000; Total ($): $344,000")


@pytest.mark.parametrize(("table", "fact"), [
    # the first value column holds no years: a short header row is not aligned right
    ("| Salary | Total |\n| Name | Age | ($) | ($) |\n| Jay Kim | 52 | 150,000 | 150,000 |\n| Ann Lo | 47 | 90,000 "
     "| 90,000 |\n", "Jay Kim — Age: 52; ($): $150,000; ($): $150,000"),
    # two cells fewer than the columns: not named
    ("| Salary | Bonus | Total |\n| Name | Year | Age | ($) | ($) | ($) |\n| Jay Kim | 2023 | 52 | 150,000 | 0 | "
     "150,000 |\n| Jay Kim | 2022 | 51 | 144,000 | 0 | 144,000 |\n",
     "Jay Kim — Year: 2023; Age: 52; ($): $150,000; ($): $0; ($): $150,000"),
])
def test_a_short_header_row_is_aligned_right_only_over_a_year_column(table: str, fact: str) -> None:
    assert readings(table)[table.splitlines()[2]] == fact


def test_footnote_marks_on_every_figure_of_a_row_are_no_columns() -> None:
    """FinDVer's MADL 10-K: "| $ | 4,815.96 | * | $ | 5,046.72 | * |" had been read as four values."""
    table = ("| December 31, 2023 | December 31, 2022 |\n"
             "| NET ASSET VALUE PER UNIT - CLASS B | $ | 4,815.96 | * | $ | 5,046.72 | * |\n"
             "| Total partners' capital | 24,774,942 | 28,035,699 |\n")

    assert readings(table)["| NET ASSET VALUE PER UNIT - CLASS B | $ | 4,815.96 | * | $ | 5,046.72 | * |"] == (
        "NET ASSET VALUE PER UNIT - CLASS B — December 31, 2023: $4,815.96; December 31, 2022: $5,046.72")


def test_a_lone_star_in_an_ownership_table_is_a_value_of_its_own() -> None:
    table = ("| Name | Shares owned | Percent of class |\n| Ann Lo | 15,000 | * |\n| Jay Kim | 2,500,000 | 12.5% |\n")

    assert readings(table)["| Ann Lo | 15,000 | * |"] == "Ann Lo — Shares owned: 15,000; Percent of class: *"


def test_stars_after_counts_in_an_ownership_table_stay_values() -> None:
    """Two classes of stock, a holder under 1% of both: "*" is each percent column's value."""
    table = ("| Name | Common shares | Percent of class | Preferred shares | Percent of class |\n"
             "| Ann Lo | 15,000 | * | 2,000 | * |\n| Jay Kim | 2,500,000 | 12.5% | 400,000 | 40.0% |\n")

    assert readings(table)["| Ann Lo | 15,000 | * | 2,000 | * |"] == (
        "Ann Lo — Common shares: 15,000 Common shares; Percent of class: *; Preferred shares: 2,000 Preferred shares; "
        "Percent of class: *")


def test_a_sentence_above_a_lead_in_is_no_caption() -> None:
    text = ("Total revenue was $5.2 million in 2023.\nThe following table sets forth our costs for the years ended "
            "December 31, 2023 and 2022, by kind.\n\n| Item | 2023 | 2022 |\n|---|---|---|\n"
            "| Cost of revenue | 3.0 | 2.0 |\n")

    assert readings(text)["| Cost of revenue | 3.0 | 2.0 |"] == "Cost of revenue — 2023: 3.0; 2022: 2.0"


def test_a_year_column_that_is_no_row_s_period_gets_no_names_shifted() -> None:
    """"Grant year" is a value of the row, not its period: "Awards | Awards" does not name the columns after it."""
    table = ("| Awards | Awards |\n| Name | Grant year | Options | Value |\n| Ann Lo | 2021 | 5,000 | 12,000 |\n"
             "| Jay Kim | 2022 | 7,000 | 15,000 |\n")

    assert readings(table)["| Ann Lo | 2021 | 5,000 | 12,000 |"] == (
        "Ann Lo — Grant year: 2021; Options: 5,000 Options; Value: 12,000")


def test_a_lead_in_sentence_that_does_not_introduce_a_table_keeps_the_title_above_out() -> None:
    text = ("Summary Compensation Table – Officers\nOur officers were paid in cash only during the years ended "
            "December 31, 2023 and 2022, as they were in earlier years.\n\n"
            "| Name | Salary |\n|---|---|\n| Jay Kim | 150,000 |\n")

    assert readings(text)["| Jay Kim | 150,000 |"] == "Jay Kim — Salary: 150,000"


@pytest.mark.parametrize(("table", "row", "fact"), [
    # one dated row under a header with a cell for the label column
    ("| Twelve months ending February 28, | Amortization expense |\n| 2024 | $ | 872,272 |\n"
     "| Total | $ | 872,272 |\n", "| 2024 | $ | 872,272 |",
     "Twelve months ending February 28, 2024 — Amortization expense: $872,272"),
    # a lone row that opens with a year-like figure, its label column not named as one of times, stays figures
    ("| Founded | Employees |\n| 2019 | 1,200 |\n| Total | 1,200 |\n", "| 2019 | 1,200 |", "2019; 1,200"),
])
def test_one_row_opening_with_a_year_is_labelled_by_it_only_when_the_headers_say_so(table: str, row: str,
                                                                                      fact: str) -> None:
    assert readings(table)[row] == fact


@pytest.mark.parametrize(("table", "row", "fact"), [
    ("| | 2024 | 2023 |\n|---|---|---|\n| Revenue | $ | 10 | $ | 5 |\n", "| Revenue | $ | 10 | $ | 5 |",
     "Revenue — 2024: $10; 2023: $5"),
    ("| | Revenue | Cost |\n|---|---|---|\n| 2024 | 10 | 5 |\n", "| 2024 | 10 | 5 |", "2024 — Revenue: 10; Cost: 5"),
])
def test_an_empty_first_header_cell_still_stands_for_the_label_column(table: str, row: str, fact: str) -> None:
    assert readings(table)[row] == fact


def test_a_row_of_empty_cells_before_new_headers_starts_the_next_table_of_a_block() -> None:
    block = ("| Year Ended December 31, |\n| (In thousands) | 2023 | 2022 |\n"
             "| Net cash used in operating activities | $ | (78,325) | $ | (67,567) |\n"
             "| \u200b | \u200b | \u200b |\n"
             "| Interest income | 900 | 700 |\n"
             "| \u200b | \u200b | \u200b |\n"
             "| December 31, |\n| (In thousands) | 2023 | 2022 |\n"
             "| Employee compensation expenses | $ | 3,910 | $ | 5,295 |\n")
    read = readings(block)

    assert read["| Employee compensation expenses | $ | 3,910 | $ | 5,295 |"] == (
        "Employee compensation expenses — December 31, 2023: $3,910 thousand; December 31, 2022: $5,295 thousand")
    assert read["| Interest income | 900 | 700 |"].startswith(  # a spacer between body rows splits nothing
        "Interest income — Year Ended December 31, 2023: $900 thousand")
    assert "| 2023 | 2022 |" not in " ".join(read)  # the second table's headers are no facts


def test_a_table_without_figures_keeps_its_rows() -> None:
    read = readings("| Name | Title |\n| Ann Lee | Chief Financial Officer |\n| Bo Chan | Director |\n")

    assert read["| Ann Lee | Chief Financial Officer |"] == "Ann Lee — Title: Chief Financial Officer"
    assert read["| Bo Chan | Director |"] == "Bo Chan — Title: Director"


def test_a_markdown_table_names_each_value_by_its_column() -> None:
    text = "Our clusters:\n\n| Cluster | GPUs | Power |\n|---|---|---|\n| Kestrel | 12,288 H100 | 17 MW |\n"

    assert readings(text)["| Kestrel | 12,288 H100 | 17 MW |"] == \
        "Our clusters › Kestrel — GPUs: 12,288 H100 GPUs; Power: 17 MW"  # a count is named by what it counts


def test_a_caption_that_names_the_currency_gives_it_to_every_figure() -> None:
    text = ("Amounts in millions of US dollars.\n\n| Item | 2025 | 2024 |\n|---|---|---|\n"
            "| Research and development | 310 | 250 |\n")

    assert readings(text)["| Research and development | 310 | 250 |"].endswith(
        "› Research and development — 2025: $310 million; 2024: $250 million")


def test_the_paragraph_above_a_table_may_say_what_its_figures_are_in() -> None:
    text = ("Prices in USD per GPU-hour, Linux, excluding storage, networking and egress. \"Reserved\" prices assume "
            "a prepaid commitment for the whole term.\n\n"
            "| Provider | GPUs per instance | Power (kW) | On-demand | 1-year reserved |\n|---|---|---|---|---|\n"
            "| Norvessa Cloud | 8 | 10 | 3.85 | 2.90 |\n")

    assert readings(text)["| Norvessa Cloud | 8 | 10 | 3.85 | 2.90 |"] == (
        "Norvessa Cloud — GPUs per instance: 8; Power (kW): 10 kW; On-demand: $3.85; 1-year reserved: $2.90")


def test_a_short_caption_that_names_the_currency_leaves_counts_alone() -> None:
    text = ("Prices in USD per GPU-hour.\n\n| Provider | GPUs per instance | On-demand |\n|---|---|---|\n"
            "| Norvessa Cloud | 8 | 3.85 |\n")

    assert readings(text)["| Norvessa Cloud | 8 | 3.85 |"].endswith(
        "Norvessa Cloud — GPUs per instance: 8; On-demand: $3.85")


@pytest.mark.parametrize("above", [
    "Revenue rose to USD 5 million last year, as shown below.",  # an amount in a currency, not the table's unit
    # a paragraph (too long to caption the table) that tells something of the prices, not what they are in
    "Prices in USD are listed on the providers' pages, which we checked on 15 January 2027 for this edition.",
    "Costs in USD rose 5% year on year, driven by hiring across both offices and a new data centre lease.",
    "The table below sets out the interest rates on our loans in euros and the maturities of each facility.",
    "Prices in USD per GPU-hour.\n\nSome other paragraph in between.",  # not right above
])
def test_a_currency_named_elsewhere_is_not_the_tables(above: str) -> None:
    text = f"{above}\n\n| Provider | On-demand |\n|---|---|\n| Norvessa Cloud | 3.85 |\n"

    assert readings(text)["| Norvessa Cloud | 3.85 |"].endswith("Norvessa Cloud — On-demand: 3.85")


@pytest.mark.parametrize("table", [
    "| a | b |\n| 1 | 2 | 3 | 4 | 5 |\n| x |\n| 7 | | | 9 |\n",  # ragged rows
    "| " + " | ".join(str(i) for i in range(10_000)) + " |\n| x | 1 |\n",  # 10,000 columns
    "| | |\n| | |\n",  # empty cells only
    "|\n||\n|||\n",  # bars only
])
def test_a_malformed_table_is_read_as_text_without_failing(table: str) -> None:
    outline = Outline.of("Before.\n\n" + table + "\nAfter.")

    units = outline.units()

    assert units[0].kind == "sentence" and units[-1].kind == "sentence"
    assert all(isinstance(outline.reading(u.start, u.end), str) for u in units)
