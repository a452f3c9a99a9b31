"""Training pairs about figures in filings, written from templates: the verifier learns that a figure stated for
the claim's measure and period decides it, while a figure for another period, measure or company does not.

    figure_pairs(scenarios=2000, seed=0)   # [ContrastPair], about four pairs a scenario

Each scenario is a made-up company, a measure and two periods of one kind (years, quarters, balance-sheet dates)
with a figure each. The evidence states both figures, as prose ("Halcyon Labs' revenue was $412.5 million for fiscal
2024, compared with $388.1 million for fiscal 2023.") or as a table row the way `index.tables` reads one ("… ›
Total revenue — Year Ended December 31, 2024: $412.5 million; Year Ended December 31, 2023: $388.1 million").
From it come (sources `synthetic:figures/KIND`):
- *same*: the figure of a period, written another way ("about $0.41 billion", "$412.5M") → entailment;
- *wrong*: a figure a quarter to double off, or the other period's figure → contradiction;
- *direction*: "rose" / "fell" between the two periods → entailment or contradiction by the figures;
- *other-period*, *other-measure*, *other-company*: the figure claimed for a period, measure or company the
  evidence does not give → neutral;
- *partial*: a true statement joined to one about a measure the evidence does not give → neutral;
- *profit*: "was profitable" / "posted a loss" against a stated net income or net loss → entailment or
  contradiction (phrase-level opposites, not one word swapped).
Every text is generated here (no data set's text), so the pairs carry no licence of their own. Pairs of one
scenario share a group, so they fall on the same side of the dev split.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from training.contrast_pairs import CONTRADICTION, NEUTRAL, ContrastPair

ENTAILMENT = 0
SOURCE = "synthetic:figures"
# no name of the demo corpus or the tests (Northwind, Veridian, Kestrel, Orison): they stay unseen
_FIRST = ("Ashcombe", "Larchmont", "Brackwater", "Halcyon", "Osprey", "Bramble", "Cobalt", "Juniper", "Larkspur",
          "Meridian", "Pinnacle", "Quarry", "Redwater", "Saltmarsh", "Tamarack", "Umber", "Vantage", "Wexford",
          "Alder", "Birchfield", "Cinder", "Dunmore", "Easton", "Foxglove", "Granite", "Harbor", "Ironwood")
_SECOND = ("Holdings", "Corp.", "Inc.", "Labs", "Systems", "Group", "Technologies", "Industries", "Energy",
           "Bancorp", "Therapeutics", "Logistics")
# (how a claim names it, the table row's label, a balance at a date rather than a flow over a period)
_MEASURES = (("revenue", "Total revenue", False), ("net sales", "Net sales", False),
             ("gross profit", "Gross profit", False), ("operating income", "Operating income", False),
             ("research and development expenses", "Research and development", False),
             ("selling, general and administrative expenses", "Selling, general and administrative", False),
             ("interest expense", "Interest expense", False), ("income tax expense", "Income tax expense", False),
             ("capital expenditures", "Capital expenditures", False), ("total assets", "Total assets", True),
             ("total liabilities", "Total liabilities", True),
             ("cash and cash equivalents", "Cash and cash equivalents", True),
             ("long-term debt", "Long-term debt", True), ("inventories", "Inventories", True))
_QUARTERS = (("first", "March 31"), ("second", "June 30"), ("third", "September 30"), ("fourth", "December 31"))


@dataclass(frozen=True)
class _Period:
    claim: str  # how a claim names it: "fiscal 2024"
    prose: str  # how the evidence's prose names it
    header: str  # a table's column header


def _periods(rng: np.random.Generator, balance: bool, year: int) -> tuple[_Period, _Period, _Period]:
    """(this period, the one before, one the evidence does not give), of one kind."""
    headed = rng.random() < 0.5  # one header style for the table's columns

    def annual(y: int) -> _Period:
        forms = (f"fiscal {y}", f"{y}", f"the year ended December 31, {y}", f"fiscal year {y}")
        return _Period(forms[int(rng.integers(4))], forms[int(rng.integers(4))],
                       f"Year Ended December 31, {y}" if headed else f"{y}")

    def quarter(y: int, q: int) -> _Period:
        name, day = _QUARTERS[q]
        forms = (f"Q{q + 1} {y}", f"the {name} quarter of {y}", f"the three months ended {day}, {y}")
        return _Period(forms[int(rng.integers(3))], forms[int(rng.integers(3))], f"Three Months Ended {day}, {y}")

    def at(y: int) -> _Period:
        return _Period((f"as of December 31, {y}", f"at the end of {y}")[int(rng.integers(2))],
                       f"as of December 31, {y}", f"December 31, {y}")

    if balance:
        return at(year), at(year - 1), at(year + 1)
    if rng.random() < 0.6:
        return annual(year), annual(year - 1), annual((year + 1, year - 2)[int(rng.integers(2))])
    q = int(rng.integers(4))
    return quarter(year, q), quarter(year - 1, q), quarter(year, (q + 1) % 4)


def _money(value: float, rng: np.random.Generator, exact: bool = True) -> str:
    """A figure in millions, as a filing or a claim writes it."""
    if exact or rng.random() < 0.5:
        return (f"${value:,.1f} million", f"${value:,.1f}M", f"${value * 1000:,.0f} thousand")[int(rng.integers(3))]
    if value >= 100:
        return f"about ${value / 1000:.2f} billion"
    return f"about ${round(value):,} million"


def _scenario(rng: np.random.Generator, index: int) -> list[ContrastPair]:
    company, other = _company(rng), _company(rng)
    picks = rng.choice(len(_MEASURES), 2, replace=False)
    (measure, label, balance), (measure2, _, _) = _MEASURES[int(picks[0])], _MEASURES[int(picks[1])]
    now, before, elsewhere = _periods(rng, balance, int(rng.integers(2019, 2026)))
    v1 = float(np.round(np.exp(rng.uniform(np.log(5), np.log(9000))), 1))
    v0 = float(np.round(v1 / rng.uniform(0.6, 1.5), 1))
    if abs(v1 - v0) / v0 < 0.03:
        v0 = round(v1 * 0.9, 1)
    if rng.random() < 0.5:
        evidence = (f"{_owner(company)} {measure} was {_money(v1, rng)} {_of(now.prose)}, compared with "
                    f"{_money(v0, rng)} {_of(before.prose)}.")
    else:
        scale = ("(In millions)", "(In thousands)")[int(rng.integers(2))]
        millions = scale == "(In millions)"
        cells = [f"${v:,.1f} million" if millions else f"${v * 1000:,.0f} thousand" for v in (v1, v0)]
        evidence = (f"{company} Consolidated Financial Statements {scale} › {label} — {now.header}: {cells[0]}; "
                    f"{before.header}: {cells[1]}")
    subject = f"{_owner(company)} {measure}"
    wrong = round(v1 * (rng.uniform(0.45, 0.8) if rng.random() < 0.5 else rng.uniform(1.25, 2.2)), 1)
    claims = [(f"{subject} was {_money(v1, rng, exact=False)} {_of(now.claim)}.", ENTAILMENT, "same"),
              (f"{subject} was {_money(wrong if rng.random() < 0.6 else v0, rng)} {_of(now.claim)}.", CONTRADICTION,
               "wrong")]
    neutral = int(rng.integers(4))
    if neutral == 0:
        claims.append((f"{subject} was {_money(v1, rng)} {_of(elsewhere.claim)}.", NEUTRAL, "other-period"))
    elif neutral == 1:
        claims.append((f"{_owner(company)} {measure2} was {_money(v1, rng)} {_of(now.claim)}.", NEUTRAL,
                       "other-measure"))
    elif neutral == 2 and other != company:
        claims.append((f"{_owner(other)} {measure} was {_money(v1, rng)} {_of(now.claim)}.", NEUTRAL,
                       "other-company"))
    else:
        claims.append((f"{subject} was {_money(v1, rng)} {_of(now.claim)}, and its {measure2} was "
                       f"{_money(round(v1 * rng.uniform(0.1, 0.9), 1), rng)}.", NEUTRAL, "partial"))
    if not balance and rng.random() < 0.5:
        up = rng.random() < 0.5
        verb = ("rose", "increased", "grew")[int(rng.integers(3))] if up else ("fell", "declined", "decreased")[
            int(rng.integers(3))]
        target = ENTAILMENT if up == (v1 > v0) else CONTRADICTION
        claims.append((f"{subject} {verb} {_of(now.claim)} compared with {before.claim}.", target, "direction"))
    group = f"figures-{index}"
    return [ContrastPair(f"{SOURCE}/{kind}", group, evidence, claim, target) for claim, target, kind in claims]


def _profit(rng: np.random.Generator, index: int) -> list[ContrastPair]:
    company = _company(rng)
    now, before, _ = _periods(rng, False, int(rng.integers(2019, 2026)))
    value = float(np.round(np.exp(rng.uniform(np.log(1), np.log(7000))), 1))
    loss = rng.random() < 0.5
    stated = "a net loss" if loss else "net income"
    evidence = (f"{company} reported {stated} of {_money(value, rng)} {_of(now.prose)}, compared with "
                f"{('net income' if rng.random() < 0.5 else 'a net loss')} of {_money(round(value * 0.7, 1), rng)} "
                f"{_of(before.prose)}.")
    profitable = (f"{company} was profitable {_of(now.claim)}.", f"{company} made a profit {_of(now.claim)}.",
                  f"{company} earned net income {_of(now.claim)}.")
    unprofitable = (f"{company} was unprofitable {_of(now.claim)}.", f"{company} posted a loss {_of(now.claim)}.",
                    f"{company} lost money {_of(now.claim)}.")
    pick = int(rng.integers(3))
    return [ContrastPair(f"{SOURCE}/profit", f"profit-{index}", evidence, profitable[pick],
                         CONTRADICTION if loss else ENTAILMENT),
            ContrastPair(f"{SOURCE}/profit", f"profit-{index}", evidence, unprofitable[pick],
                         ENTAILMENT if loss else CONTRADICTION)]


def _company(rng: np.random.Generator) -> str:
    return f"{_FIRST[int(rng.integers(len(_FIRST)))]} {_SECOND[int(rng.integers(len(_SECOND)))]}"


def _owner(company: str) -> str:
    return f"{company}'" if company.endswith("s") else f"{company}'s"


def _of(period: str) -> str:
    """ "fiscal 2024" → "for fiscal 2024"; "as of December 31, 2024" stays as it is; "Q1 2024" → "in Q1 2024"."""
    if period.startswith(("as of", "at the end")):
        return period
    return ("in " if period.startswith("Q") or period[:1].isdigit() else "for ") + period


def figure_pairs(scenarios: int = 2000, seed: int = 0) -> list[ContrastPair]:
    """`scenarios` figure scenarios and a quarter as many profit ones (about 4 pairs each)."""
    rng = np.random.default_rng(seed)
    pairs = [pair for i in range(scenarios) for pair in _scenario(rng, i)]
    return pairs + [pair for i in range(scenarios // 4) for pair in _profit(rng, i)]
