"""Figures a claim computes (a change, a share, a total): read from the claim, computed from the evidence's figures,
the arithmetic shown, and no decision from operands that do not line up."""

from __future__ import annotations

import pytest

from service.domain import Passage, Relation
from service.figures.derived import read_derived
from service.figures.derived_check import check_derived

pytestmark = pytest.mark.unit

VERIDIAN = "Revenue for the year reached $640 million, up from $212 million in fiscal 2023."
HARBOR = ("HARBOR › Revenue — Three Months Ended September 30, 2025: $48,210 thousand; Three Months Ended "
          "September 30, 2024: $41,730 thousand; Nine Months Ended September 30, 2025: $139,455 thousand")
LATTICE = "Lattice › H100 — 2024: $3.40; 2025: $2.60; 2026: $2.10"
SITES = ["[Northwind sites] Kestrel — Site: Rotterdam; GPUs: 12,288 H100; Power (MW): 17",
         "[Northwind sites] Osprey — Site: Groningen; GPUs: 16,384 B200; Power (MW): 29"]
FLEET = ["Kestrel holds 12,288 GPUs.", "Heron holds 7,712 GPUs.", "Northwind has 40,000 GPUs in all."]
COSTS = ["Veridian spent well over $1.5 billion on cloud compute during the year.",
         "Operating costs totalled $2.8 billion."]


def passages(*texts: str) -> list[Passage]:
    return [Passage(f"d{i}.md", 0, len(text), text, 1.0) for i, text in enumerate(texts)]


PELLUCID = ("[Pellucid Systems: annual results 2025 › Income statement] Amounts in millions of US dollars. › Revenue — "
            "2025: $1,240 million; 2024: $860 million; 2023: $410 million")
HALOFORM = ["[2023] Seed round: $40 million.", "[2024] Series A: $180 million, led by a sovereign fund.",
            "[2025] Series B: $540 million.",
            "[2025 · Series B] The company said it would spend $300 million of it on compute and $90 million on\n"
            "  hiring.",
            "Haloform had 120 employees at the end of 2023 and 420 at the end of 2025."]
INCOME = ("[Pellucid › Income statement] Amounts in millions of US dollars. › Cost of revenue — 2025: $620 million; "
          "2024: $470 million; 2023: $210 million")


@pytest.mark.parametrize(("claim", "texts", "relation", "arithmetic"), [
    ("Veridian's revenue grew about 200% in fiscal 2024", [VERIDIAN], Relation.CONSISTENT,
     "$640M vs $212M is ×3.02 (+202%)"),
    ("Veridian roughly tripled its revenue in fiscal 2024", [VERIDIAN], Relation.CONSISTENT, None),
    ("Veridian's revenue doubled in fiscal 2024", [VERIDIAN], Relation.CONTRADICTS, None),
    ("Harbor's revenue rose 15.5% in the three months ended September 30, 2025", [HARBOR], Relation.CONSISTENT,
     "$48.21M vs $41.73M is +15.5%"),
    ("Harbor's revenue rose 25% in the three months ended September 30, 2025", [HARBOR], Relation.CONTRADICTS, None),
    ("Lattice's H100 price fell by about a third from 2024 to 2025", [LATTICE], Relation.CONTRADICTS,
     "$2.6 vs $3.4 is -23.5%"),
    ("Lattice's H100 price fell about 19% from 2025 to 2026", [LATTICE], Relation.CONSISTENT, None),
    ("Compute was more than half of Veridian's operating costs", COSTS, Relation.CONSISTENT,
     "$1.5B of $2.8B is 53.6%"),
    ("Compute was less than a third of Veridian's operating costs", COSTS, Relation.CONTRADICTS, None),
    ("Kestrel and Osprey together hold over 16,000 GPUs", SITES, Relation.CONSISTENT, "12,288 + 16,384 = 28,672"),
    ("Kestrel and Osprey together hold 40,000 GPUs", SITES, Relation.CONTRADICTS, None),
    # a sentence's opening preposition is no operand ("as" is not "has"), nor is the owner before a curly "’s"
    ("As of March 31, 2024, Kestrel and Heron together held 20,000 GPUs", FLEET, Relation.CONSISTENT,
     "12,288 + 7,712 = 20,000"),
    ("Northwind’s Kestrel and Heron together hold 20,000 GPUs", FLEET, Relation.CONSISTENT, "12,288 + 7,712 = 20,000"),
    # one named thing's figure as a multiple of another's
    ("Haloform's Series A was 4.5 times its seed round", HALOFORM, Relation.CONSISTENT, "$180M / $40M = 4.50"),
    ("Haloform's Series B tripled the size of its Series A", HALOFORM, Relation.CONSISTENT, "$540M / $180M = 3.00"),
    ("Haloform's Series B was twice the size of its Series A", HALOFORM, Relation.CONTRADICTS, None),
    # a total of the things listed after its figure
    ("Haloform raised $760 million across its seed, Series A and Series B rounds in total", HALOFORM,
     Relation.CONSISTENT, "$40M + $180M + $540M = $760M"),
    ("Haloform raised more than $1 billion across its seed, Series A and Series B rounds in total", HALOFORM,
     Relation.CONTRADICTS, None),
    # the part named by its own figure's words, across a wrapped line
    ("About a sixth of Haloform's Series B goes to hiring", HALOFORM, Relation.CONSISTENT, "$90M of $540M is 16.7%"),
    # "headcount" is "employees"; each figure keeps the period written after it, not the one across "and"
    ("Haloform's headcount grew about 250% from 2023 to 2025", HALOFORM, Relation.CONSISTENT,
     "420 vs 120 is ×3.50 (+250%)"),
    ("Haloform's headcount doubled from 2023 to 2025", HALOFORM, Relation.CONTRADICTS, None),
    # the period between the verb and its amount; "cost" names a measure
    ("Pellucid's cost of revenue fell in 2025 by about 10%", [INCOME], Relation.CONTRADICTS, None),
    ("Cost of revenue was half of Pellucid's revenue in 2025", [INCOME, PELLUCID], Relation.CONSISTENT,
     "$620M of $1.24B is 50.0%"),
])
def test_the_computed_figure_is_checked_with_its_arithmetic(claim: str, texts: list[str], relation: Relation,
                                                           arithmetic: str | None) -> None:
    derived = read_derived(claim)
    assert derived is not None

    found = check_derived(derived, claim, passages(*texts))

    assert found is not None and found.relation is relation
    if arithmetic:
        assert found.arithmetic == arithmetic
    assert (found.gap is None) == (relation is Relation.CONSISTENT)
    assert found.operands and all(passage.text in texts for _, passage in found.operands)


@pytest.mark.parametrize(("claim", "texts"), [
    ("Revenue rose 10% in 2025", ["Revenue was $0 in 2024 and $5 million in 2025, up from $0 million."]),  # zero base
    ("Revenue rose 10% in 2025", ["Revenue reached €50 million, up from $45 million."]),  # two currencies
    ("Revenue rose 10% in the third quarter of 2025", ["Revenue — 2025: $50 million; 2024: $40 million"]),  # a year
    ("Headcount rose 10% in 2025", [VERIDIAN]),  # figures of another measure
    ("Kestrel and Heron together hold 20,000 GPUs", SITES),  # Heron is not in the evidence
    # one name of three words, not three operands: no sum of its words' figures from four companies
    ("The combined total for accounts payable under the Supplier Finance Program and product liability accruals "
     "as of March 31, 2024, was $402 million",
     ["Amounts due under all of its supplier finance programs were $17 million.",
      "Obligations under the program were $24.2 million and $20.7 million.",
      "Finance lease obligations were $324 million."]),
])
def test_operands_that_do_not_line_up_decide_nothing(claim: str, texts: list[str]) -> None:
    derived = read_derived(claim)
    assert derived is not None

    assert check_derived(derived, claim, passages(*texts)) is None


@pytest.mark.parametrize("claim", ["Revenue was $640 million in fiscal 2024", "Kestrel holds 12,288 GPUs",
                                   "The share price rose after the results", "Half the staff work remotely",
                                   "The operating margin increased by 2.3 percentage points from 5.3% to 7.6%",
                                   "The operating margin rose 2.3% points to 7.6%"])
def test_a_claim_that_computes_nothing_is_not_read_as_derived(claim: str) -> None:
    assert read_derived(claim) is None


@pytest.mark.parametrize(("claim", "relation", "arithmetic"), [
    ("Pellucid's 2025 revenue was $380 million more than in 2024", Relation.CONSISTENT, "$1.24B − $860M = $380M"),
    ("Pellucid's 2025 revenue was $600 million more than in 2024", Relation.CONTRADICTS, None),
    ("Pellucid's revenue grew at a compound annual rate of about 74% from 2023 to 2025", Relation.CONSISTENT,
     "($1.24B / $410M) ^ (1/2) is +73.9% a year"),
    ("Pellucid's revenue grew at a compound annual rate of about 20% from 2023 to 2025", Relation.CONTRADICTS, None),
])
def test_differences_and_compound_growth_are_computed_too(claim: str, relation: Relation,
                                                          arithmetic: str | None) -> None:
    derived = read_derived(claim)
    assert derived is not None and derived.kind in {"difference", "cagr"}

    found = check_derived(derived, claim, passages(PELLUCID))

    assert found is not None and found.relation is relation
    if arithmetic:
        assert found.arithmetic == arithmetic


STAFF = "[Pellucid Systems: annual results 2025 › Staff] Pellucid ended 2025 with 2,400 employees."
RND = ("[Pellucid Systems: annual results 2025 › Income statement] Amounts in millions of US dollars. › Research and "
       "development — 2025: $310 million; 2024: $250 million; 2023: $180 million")


@pytest.mark.parametrize(("claim", "part", "whole"), [
    ("Research and development took about a quarter of Pellucid's revenue in 2025", {"research", "development"},
     {"revenue"}),  # the whole is what it measures, not whose
    ("Staff made up about 21% of Corvid's operating costs", {"staff"}, {"operating", "cost"}),  # "made up" is no rise
    ("More than half of the Series B goes to compute", {"compute"}, {"sery"}),  # the part after the whole
])
def test_a_share_reads_its_part_and_its_whole(claim: str, part: set[str], whole: set[str]) -> None:
    derived = read_derived(claim)

    assert derived is not None and derived.kind == "share"
    assert part <= derived.words and derived.whole == whole


def test_a_share_whole_is_never_a_figure_of_another_measure_of_the_same_company() -> None:
    claim = "Research and development took about a quarter of Pellucid's revenue in 2025"
    derived = read_derived(claim)
    assert derived is not None

    assert check_derived(derived, claim, passages(RND, STAFF)) is None  # 2,400 employees is not revenue
    found = check_derived(derived, claim, passages(RND, STAFF, PELLUCID))
    assert found is not None and found.relation is Relation.CONSISTENT and found.arithmetic == (
        "$310M of $1.24B is 25.0%")


def test_two_figures_that_read_equally_as_the_part_decide_nothing() -> None:
    claim = "About a sixth of Haloform's Series B goes to hiring"
    texts = ["[2025] Series B: $540 million.", "Hiring and compute took $300 million and $90 million respectively."]
    derived = read_derived(claim)
    assert derived is not None

    assert check_derived(derived, claim, passages(*texts)) is None


@pytest.mark.parametrize("claim", ["Revenue was 3 billion dollars in 2025",
                                   "The Series B was larger than the Series A"])
def test_a_figure_or_a_comparison_without_a_multiple_is_no_ratio(claim: str) -> None:
    derived = read_derived(claim)
    assert derived is None or derived.kind != "ratio"


def test_hedged_operands_widen_what_the_computation_may_be() -> None:
    claim = "Haloform raised $800 million across its seed, Series A and Series B rounds in total."
    exact = ["[2023] Seed round: $40 million.", "[2024] Series A: $180 million.", "[2025] Series B: $540 million."]
    hedged = [text.replace(": $", ": approximately $") for text in exact]
    derived = read_derived(claim)
    assert derived is not None

    found_exact, found_hedged = (check_derived(derived, claim, passages(*texts)) for texts in (exact, hedged))

    assert found_exact is not None and found_exact.relation is Relation.CONTRADICTS
    assert found_hedged is not None and found_hedged.relation is Relation.NOT_COMPARABLE  # $760M, give or take 10%


@pytest.mark.parametrize("claim", ["The change in total cash from December 31, 2023 to March 31, 2024 is $51,071.",
                                   "Revenue in all segments rose to $5 million."])
def test_in_total_before_a_noun_is_no_sum(claim: str) -> None:
    derived = read_derived(claim)
    assert derived is None or derived.kind != "total"


@pytest.mark.parametrize(("claim", "texts", "arithmetic"), [
    # QuanTemp dev: "430 of 184 is 233.7%" was computed and refuted "3% of daily calorie intake"
    ("Compute accounts for just 3% of Veridian's operating costs.",
     ["Veridian's compute bill reached $430 million.", "Operating costs totalled $184 million."], None),
    # the same figure read as part and whole is no share (FinDVer dev: "2 of 2 is 100.0%")
    ("Compute took 77% of Veridian's operating costs",
     ["Veridian's compute bill was $2 million.", "Veridian's operating costs were $2 million."], None),
    ("Research and development took about 121% of Pellucid's revenue in 2025",
     ["Pellucid spent $1,500 million on research and development in 2025.",
      "Pellucid revenue in 2025 was $1,240 million."], "$1.5B of $1.24B is 121.0%"),
])
def test_a_part_larger_than_its_whole_is_a_share_only_where_the_claim_says_so(claim: str, texts: list[str],
                                                                                arithmetic: str | None) -> None:
    derived = read_derived(claim)
    assert derived is not None and derived.kind == "share"

    found = check_derived(derived, claim, passages(*texts))

    assert (found.arithmetic if found else None) == arithmetic
    assert found is None or found.relation is Relation.CONSISTENT


LIABILITIES = "[Balance sheet] Total liabilities — December 31, 2023: $1,000; December 31, 2022: $1,376"


@pytest.mark.parametrize(("claim", "relation", "arithmetic"), [
    ("The percentage decrease in total liabilities from December 31, 2022, to December 31, 2023, is approximately "
     "27.33%.", Relation.CONSISTENT, "$1,000 vs $1,376 is -27.3%"),
    # "approximately" on a figure written to two decimals hedges its rounding, not the figure: within one unit of
    # the last digit it is borne out, beyond two (and the operands' rounding) it conflicts (FinDVer dev)
    ("The percentage decrease in total liabilities from December 31, 2022, to December 31, 2023, is approximately "
     "27.31%.", Relation.NOT_COMPARABLE, "$1,000 vs $1,376 is -27.3%"),
    ("The percentage decrease in total liabilities from December 31, 2022, to December 31, 2023, is approximately "
     "27.45%.", Relation.CONTRADICTS, "$1,000 vs $1,376 is -27.3%"),
    ("The percentage decrease in total liabilities from December 31, 2022, to December 31, 2023, is about 27%.",
     Relation.CONSISTENT, "$1,000 vs $1,376 is -27.3%"),
    # one decimal, or a one-sided hedge, keeps the hedge's bounds
    ("The percentage decrease in total liabilities from December 31, 2022, to December 31, 2023, is about 27.0%.",
     Relation.CONSISTENT, "$1,000 vs $1,376 is -27.3%"),
    ("The percentage change in total liabilities from December 31, 2022, to December 31, 2023, is -27.33%.",
     Relation.CONSISTENT, "$1,000 vs $1,376 is -27.3%"),
    # a percentage to two decimals is claimed to its last digit: -27.33% is, -27.40% is not (FinDVer dev)
    ("The percentage decrease in total liabilities from December 31, 2022, to December 31, 2023, is 27.40%.",
     Relation.CONTRADICTS, "$1,000 vs $1,376 is -27.3%"),
    ("The percentage increase in total liabilities from December 31, 2022, to December 31, 2023, is 27.33%.",
     Relation.CONTRADICTS, "$1,000 vs $1,376 is -27.3%"),
    ("The decrease in total liabilities from December 31, 2022, to December 31, 2023, was $376.",
     Relation.CONSISTENT, "$1,000 − $1,376 = -$376"),
    ("The change in total liabilities from December 31, 2022, to December 31, 2023, was $376, a 27.3% decrease.",
     Relation.CONSISTENT, "$1,000 − $1,376 = -$376"),
])
def test_a_change_named_as_a_noun_is_computed(claim: str, relation: Relation, arithmetic: str) -> None:
    derived = read_derived(claim)
    assert derived is not None and derived.base is not None

    found = check_derived(derived, claim, passages(LIABILITIES))

    assert found is not None and (found.relation, found.arithmetic) == (relation, arithmetic)


@pytest.mark.parametrize("claim", [
    # every word of the measure: "net liabilities" is not "total liabilities"
    "The percentage decrease in net liabilities from December 31, 2022, to December 31, 2023, is 27.33%.",
    # a money change of no stated direction
    "The change in total liabilities from December 31, 2022, to December 31, 2023, was $376.",
])
def test_a_change_named_as_a_noun_needs_its_whole_measure_and_a_direction(claim: str) -> None:
    derived = read_derived(claim)
    assert derived is None or check_derived(derived, claim, passages(LIABILITIES)) is None


def test_a_row_that_names_more_than_the_measure_is_not_its_operand() -> None:
    """"Total liabilities and shareholders' deficit" is not "total liabilities" (FinDVer dev: read first, it
    computed -57.4% where the filing's total liabilities fell 27.3%)."""
    claim = "The percentage decrease in total liabilities from December 31, 2022, to December 31, 2023, is 27.33%."
    deficit = ("[Balance sheet] Total liabilities and shareholders' deficit — December 31, 2023: $101,023,148; "
               "December 31, 2022: $236,908,540")
    derived = read_derived(claim)
    assert derived is not None

    found = check_derived(derived, claim, passages(deficit, LIABILITIES))

    assert found is not None and (found.relation, found.arithmetic) == (Relation.CONSISTENT,
                                                                      "$1,000 vs $1,376 is -27.3%")


RESEARCH = ("Research and development expense incurred by us for the years ended December 31, 2023, 2022 and 2021 "
            "were $4,398,000, $3,415,000, and $3,484,000, respectively.")


@pytest.mark.parametrize(("claim", "relation", "arithmetic"), [
    # figures listed "respectively" belong to the periods in the same order; "the years ended December 31,
    # 2023" is the year 2023 (FinDVer dev)
    ("The percentage increase in the research and development expenses from 2021 to 2023 is 26.2%.",
     Relation.CONSISTENT, "$4.398M vs $3.484M is +26.2%"),
    ("The percentage increase in the research and development expenses from 2022 to 2023 is 26.2%.",
     Relation.CONTRADICTS, "$4.398M vs $3.415M is +28.8%"),
    ("Research and development expenses rose about 29% in 2023.", Relation.CONSISTENT,
     "$4.398M vs $3.415M is +28.8%"),
])
def test_figures_listed_respectively_take_their_periods_in_order(claim: str, relation: Relation,
                                                                 arithmetic: str) -> None:
    derived = read_derived(claim)
    assert derived is not None

    found = check_derived(derived, claim, passages(RESEARCH))

    assert found is not None and (found.relation, found.arithmetic) == (relation, arithmetic)


def test_a_list_after_a_colon_measures_what_follows_the_colon() -> None:
    """"… average cost per operating day: (i) out-of-pocket costs of $12.6 million and $14.8 million …,
    respectively" lists out-of-pocket costs, not the cost per operating day (FinDVer dev)."""
    text = ("The following costs are excluded in calculating average cost per operating day: (i) out-of-pocket "
            "costs reimbursed by customers of $12.6 million and $14.8 million during the years ended December 31, "
            "2023 and 2022, respectively.")
    claim = "The percentage change in operating costs per operating day from 2022 to 2023 is 12.71%."
    derived = read_derived(claim)
    assert derived is not None

    assert check_derived(derived, claim, passages(text)) is None
