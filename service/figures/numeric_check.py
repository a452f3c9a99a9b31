"""The numeric step of the pipeline: the claim's figures against the figures in the evidence sentences.

A clear decision (every claim figure borne out, or an aligned clear mismatch) settles the verdict without
the LLM, but only from a sentence that tells of what the claim tells of: one that, with its document's title,
uses most of the claim's other words (`MIN_SHARED_CLAIM_WORDS`). A figure alone is not the claim: "born in
1980" bears out the year of "graduated in 1980" but not the claim. Otherwise the comparisons are reported
beside the verdict the verifier or the judge gives. A claim with no figures is
checked by its date instead, where an evidence sentence clearly tells of the same event (`match_periods`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from service.domain import Label, NumericComparison, Passage, Relation
from service.figures.compare import CURRENCIES, base_unit
from service.figures.derived import read_derived
from service.figures.derived_check import check_derived
from service.figures.derived_claim import DerivedClaim, DerivedFinding
from service.figures.fiscal import fiscal_year_end
from service.figures.numeric import (
    NumericMatch,
    compare_quantities,
    figures_of,
    format_quantity,
    match_numbers,
    numeric_decision,
    without_spans,
)
from service.figures.period_match import PeriodMatch, counted, match_periods, period_decision, uses_word
from service.figures.periods import extract_periods
from service.figures.profit_loss import opposite_result
from service.figures.quantities import Quantity
from service.figures.subjects import common_words, content_words, named_entities, outer_context
from service.ports import CollectionView

MIN_SHARED_CLAIM_WORDS = 0.6  # as for date claims (`period_match.MIN_SHARED_EVENT_WORDS`)
# A claim that a figure could be reached is not refuted by another estimate ("sea level could reach seven feet
# by 2100" against "very likely 1–4.3 feet"); one that says a figure was disproven is neither borne out by the
# figure ("the 97% consensus has been disproven" against "97.1% endorsed the consensus") nor refuted by another
# (the evidence then backs the denial). Lower-case "may", so that the month is not read as one.
POSSIBILITY = re.compile(r"\b(?:could|might|may)\s+(?!not\b)(?:well\s+)?[a-z]+")
DENIAL = re.compile(r"\b(?:disprov\w*|refut\w*|debunk\w*|myths?|untrue|hoax|falsely)\b", re.IGNORECASE)
# a figure claimed under a condition is no stated figure ("tax payable was $790 if income before tax was $20,000":
# FinDVer dev, read against the filing's actual tax)
CONDITION = re.compile(r"\b(?:if|assuming|provided that|would have been)\b", re.IGNORECASE)


@dataclass(frozen=True)
class NumericFinding:
    comparisons: tuple[NumericComparison, ...]
    decision: Label | None
    rationale: str
    decisive: tuple[Passage, ...]
    other_period: bool = False  # the claim's measure is in the evidence only for other periods: no conflict
    consistent: bool = False  # every claim figure is borne out, by evidence not close enough to decide alone
    unmatched: bool = False  # a figure the claim states is in no evidence passage, in any wording or place


NO_FINDING = NumericFinding((), None, "", ())  # no evidence, nothing compared


def check_numbers(claim: str, evidence: Sequence[Passage], snapshot: CollectionView,
                  operands: Sequence[Passage] = ()) -> NumericFinding:
    """The claim's figures against the evidence's: a figure it computes (a change, a share, a total: see
    `service.figures.derived`) by doing the arithmetic over the evidence and `operands` (passages retrieved for
    the computation's own terms, such as a share's whole), the figures it states by comparing them with the
    evidence. A claim of what could be is not refuted by figures, nor one of what was disproven or of what holds
    under a condition decided by them (`POSSIBILITY`, `DENIAL`, `CONDITION`): the comparisons are kept, the
    decision is left to the verifier."""
    derived = read_derived(claim)
    found = _check_numbers(claim, derived, evidence, snapshot, operands)
    opposite = opposite_result(claim, evidence) if found.decision is None else None
    if opposite is not None:  # "profitable in 2025" against "a net loss of $6.4 billion for 2025"
        claimed, said, passage = opposite
        comparison = NumericComparison(claimed, said, Relation.CONTRADICTS, None, snapshot.cite(passage))
        found = replace(found, comparisons=(*found.comparisons, comparison), decision=Label.REFUTED, decisive=(
            passage,), rationale=f"The claim says {claimed}; the source reports {said} for it.")
    if not _left_to_arithmetic(derived, found) and (_unmatched(figures_of(claim), evidence) or (
            derived is not None and derived.kind == "change" and _change_unstated(derived, evidence))):
        found = replace(found, unmatched=True)
    if (found.decision is Label.REFUTED and POSSIBILITY.search(claim)) or (
            found.decision is not None and (DENIAL.search(claim) or CONDITION.search(claim))):
        return replace(found, decision=None, rationale="", decisive=())  # compared, not decided
    return found


def _left_to_arithmetic(derived: DerivedClaim | None, found: NumericFinding) -> bool:
    """Whether the claim's figures are for the arithmetic to bear out, not a figure stated anywhere: a computed
    figure ("grew 15%") is once it was computed. Not computed (its operands not found), the claimed figure is
    one more stated figure: a "15%" no evidence gives anywhere leaves the verifier nothing to support it with."""
    return derived is not None and any(comparison.claim_value == derived.text for comparison in found.comparisons)


def _unmatched(claim_figures: Sequence[Quantity], evidence: Sequence[Passage]) -> bool:
    """Whether some amount the claim states (money, a percentage, a measurement: not a bare count, which a list
    can bear out without stating it, "two films in 2005") agrees with no figure anywhere in the evidence,
    whatever it is said to be about, nor overlaps one ("400" and "more than 400"): nothing there can bear the
    claim out ("valued at $30 billion" beside "raised $4 billion")."""
    amounts = [figure for figure in claim_figures if figure.unit not in (None, "count")]
    found = [figure for passage in evidence for figure in figures_of(passage.as_read)]
    return any(not any(_may_be(claimed, figure) for figure in found) for claimed in amounts)


def _change_unstated(derived: DerivedClaim, evidence: Sequence[Passage]) -> bool:
    """A change the claim states and the arithmetic could not check ("cut its reserved H100 price by 10 percent")
    that no evidence passage gives as a change: the "10 to 20 percent" egress adds to a bill is no cut."""
    claimed = [figure for figure in figures_of(derived.text) if figure.unit == "%"]
    found = [figure for passage in evidence for text in (passage.as_read,) for figure in figures_of(text)
             if figure.unit == "%" and _CHANGE_AROUND.search(text[max(0, figure.start - 80):figure.end + 25])]
    return any(not any(_may_be(claim, figure) for figure in found) for claim in claimed)


def _may_be(claimed: Quantity, found: Quantity) -> bool:
    """The evidence's figure bears the claimed one out, or overlaps it in the same unit; a bare number counts as
    the claim's money (a table cell, "( 944,768 )", often leaves its "$" to the cell before; a percentage keeps
    its "%")."""
    if found.unit is None and base_unit(claimed.unit) in CURRENCIES:
        found = replace(found, unit=claimed.unit)
    relation, _ = compare_quantities(claimed, found)
    return relation is Relation.CONSISTENT or (relation is Relation.NOT_COMPARABLE and claimed.unit == found.unit)


def _check_numbers(claim: str, derived: DerivedClaim | None, evidence: Sequence[Passage],
                   snapshot: CollectionView, operands: Sequence[Passage]) -> NumericFinding:
    if derived is None:
        return _check_stated(claim, evidence, snapshot)
    seen = {(p.doc_id, p.start) for p in evidence}
    found = check_derived(derived, claim, [*evidence, *(p for p in operands if (p.doc_id, p.start) not in seen)])
    if found is None and derived.kind == "per_unit":  # not computed: compared as stated ("$30,000 per GPU")
        return _check_stated(claim, evidence, snapshot)
    # the computed figure's own words ("grew 15%") are not a stated figure to compare
    stated = claim[:derived.start] + " " * (derived.end - derived.start) + claim[derived.end:]
    plain = _check_stated(stated, evidence, snapshot, dates=False)
    if found is None:
        return plain
    # a stated figure that is one of the computation's operands ("tripled … to $640 million") is borne out by it
    others = [figure for figure in figures_of(stated)
              if not any(_same_figure(figure, operand) for operand, _ in found.operands)]
    return _with_derived(plain, found, snapshot, others=bool(others))


def _same_figure(claimed: Quantity, operand: Quantity) -> bool:
    """The claimed figure is the operand, to their rounding."""
    return claimed.unit == operand.unit and abs(claimed.value - operand.value) <= claimed.precision + operand.precision


def _with_derived(plain: NumericFinding, found: DerivedFinding, snapshot: CollectionView,
                  others: bool) -> NumericFinding:
    """The stated figures' finding with the computed one added: a conflict of either refutes; SUPPORTED when
    the computed figure holds, the claim says no more than it (`DerivedClaim.supports`) and states no other
    figure, or they hold too."""
    passages = tuple({(p.doc_id, p.start): p for _, p in found.operands}.values())
    comparisons = plain.comparisons + tuple(
        NumericComparison(claim_value=found.claim.text, evidence_value=found.arithmetic, relation=found.relation,
                          gap=found.gap, citation=snapshot.cite(passage)) for passage in passages)
    said = "conflicts with" if found.relation is Relation.CONTRADICTS else "bears out"
    rationale = f"Computed from the source: {found.arithmetic}, which {said} the claimed {found.claim.text}."
    if found.relation is Relation.CONTRADICTS:
        return NumericFinding(comparisons, Label.REFUTED, rationale, passages + plain.decisive)
    if found.relation is Relation.CONSISTENT and found.claim.supports and plain.decision is not Label.REFUTED and (
            not others or plain.decision is Label.SUPPORTED):
        return NumericFinding(comparisons, Label.SUPPORTED, rationale, passages + plain.decisive)
    return replace(plain, comparisons=comparisons)


def _check_stated(claim: str, evidence: Sequence[Passage], snapshot: CollectionView, *,
                  dates: bool = True) -> NumericFinding:
    claim_figures = figures_of(claim)
    dated = [(passage, _passage_date(snapshot, passage)) for passage in evidence]
    if not claim_figures:
        return check_dates(claim, dated, snapshot) if dates else NO_FINDING
    found: list[tuple[NumericMatch, Passage]] = []
    for passage, date in dated:
        document = snapshot.documents.get(passage.doc_id)
        found.extend((match, passage) for match in match_numbers(
            claim, passage.as_read, evidence_date=date, common=_common_around(snapshot, passage, claim),
            year_end=fiscal_year_end(document.text) if document else None))
    relation = numeric_decision([match for match, _ in found], claim_quantities=claim_figures)
    in_period = [m for m, _ in found if m.subject_aligned and m.period_aligned is not False]
    other_period = not in_period and any(m.subject_aligned and m.period_aligned is False for m, _ in found)
    comparisons = tuple(
        NumericComparison(
            claim_value=format_quantity(match.claim),
            evidence_value=format_quantity(match.evidence),
            relation=match.relation,
            gap=match.gap,
            citation=snapshot.cite(passage),
        )
        for match, passage in found
        if match.subject_aligned
    )
    if relation is None:
        return NumericFinding(comparisons, None, "", (), other_period=other_period)
    deciding = [(m, p) for m, p in found if m.subject_aligned and m.period_aligned is not False
                and m.relation is relation]
    words = content_words(without_spans(claim, [*claim_figures, *extract_periods(claim)]))
    if not any(_tells_of(words, passage) for _, passage in deciding):
        return NumericFinding(comparisons, None, "", (), consistent=relation is Relation.CONSISTENT)
    decisive = tuple({(p.doc_id, p.start): p for _, p in deciding}.values())
    if relation is Relation.CONTRADICTS:
        gaps = "; ".join(dict.fromkeys(m.gap or "" for m, _ in deciding if m.gap))
        return NumericFinding(comparisons, Label.REFUTED, f"The figures disagree: {gaps}.", decisive)
    pairs = "; ".join(dict.fromkeys(f"{format_quantity(m.claim)} ~ {format_quantity(m.evidence)}"
                                    for m, _ in deciding))
    return NumericFinding(comparisons, Label.SUPPORTED, f"Every figure in the claim matches the source ({pairs}).",
                          decisive)


def check_dates(claim: str, evidence: Sequence[tuple[Passage, dt.date | None]],
                snapshot: CollectionView) -> NumericFinding:
    """A figure-free claim's date against the date the evidence gives for the same event."""
    found: list[tuple[PeriodMatch, Passage]] = [
        (match, passage) for passage, date in evidence
        for match in match_periods(claim, passage.as_read, evidence_date=date, title=_title_text(passage),
                                   common=_common_around(snapshot, passage, claim))
    ]
    comparisons = tuple(
        NumericComparison(match.claim.text, match.evidence.text, match.relation, match.gap, snapshot.cite(passage))
        for match, passage in found
    )
    relation = period_decision([match for match, _ in found])
    if relation is None:
        return NumericFinding(comparisons, None, "", ())
    kept = [id(m) for m in counted([m for m, _ in found])]
    deciding = [(m, p) for m, p in found if m.relation is relation and id(m) in kept]
    decisive = tuple({(p.doc_id, p.start): p for _, p in deciding}.values())
    if relation is Relation.CONTRADICTS:
        gaps = "; ".join(dict.fromkeys(m.gap or "" for m, _ in deciding))
        return NumericFinding(comparisons, Label.REFUTED, f"The dates disagree: {gaps}.", decisive)
    pairs = "; ".join(dict.fromkeys(f"{m.claim.text} ~ {m.evidence.text}" for m, _ in deciding))
    return NumericFinding(comparisons, Label.SUPPORTED, f"The claim's date matches the source ({pairs}).", decisive)


_FILE_NAME_JOINS = re.compile(r"[-_.]+")


def _tells_of(claim_words: frozenset[str], passage: Passage) -> bool:
    """Whether the passage (with its document's title) uses most of the claim's words besides its figures."""
    if not claim_words:
        return True
    said = content_words(passage.as_read) | content_words(_title_text(passage))
    used = sum(uses_word(said, word) for word in claim_words)  # in any tense: "rose to 14 MW", "rises to 14 MW"
    return used / len(claim_words) >= MIN_SHARED_CLAIM_WORDS


def _title_text(passage: Passage) -> str:
    """The passage's document title, or its id, as words (a title or id made from a file name joins its words
    with hyphens, underscores or dots)."""
    return _FILE_NAME_JOINS.sub(" ", passage.title or passage.doc_id)


# words that make a percentage a change, up to 80 characters before it or 25 after: "rose 12%", "a 10% cut", "30
# percent below", "a decrease of 1,570 homes and $0.6 billion in value, or 28% and 25%, respectively"
_CHANGE_AROUND = re.compile(r"\b(?:ris\w*|rose|grew|grow\w*|increas\w*|climb\w*|jump\w*|surg\w*|soar\w*|gain\w*|"
                            r"up|fell|fall\w*|drop\w*|declin\w*|decreas\w*|shr[au]nk\w*|slid\w*|slump\w*|down|"
                            r"cut\w*|reduc\w*|lower\w*|rais\w*|hik\w*|slash\w*|trim\w*|higher|more|less|fewer|below|"
                            r"above|growth|change\w*|discount\w*|premium|year[- ]on[- ]year|yoy)\b", re.IGNORECASE)
_AROUND = 3000  # characters each side of a passage whose lower-case words say which capitalised words are common


def _common_around(snapshot: CollectionView, passage: Passage, claim: str) -> frozenset[str]:
    """Words that name no one else near the passage: those its document writes in lower case (a sentence-initial
    "Power" or "Revenue" is a common word), and, where the document names the claim's subjects there too, the
    names of its title ("Northwind Labs brings its second cluster online" over a sentence about its Kestrel)."""
    document = snapshot.documents.get(passage.doc_id)
    text = document.text[max(0, passage.start - _AROUND):passage.end + _AROUND] if document else passage.text
    common = common_words(text)
    if named_entities(claim) & content_words(text):
        common |= named_entities(outer_context(passage.as_read))
    return common


def _passage_date(snapshot: CollectionView, passage: Passage) -> dt.date | None:
    document = snapshot.documents.get(passage.doc_id)
    return _date(document.date) if document else None


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
