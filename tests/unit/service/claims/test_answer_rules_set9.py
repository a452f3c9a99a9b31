"""`ask` rules read from the ninth question set's misses (our own documents and wording): "We" and "Our" in a
call or a release are the company named at its top; a hyphenated name ("Quillbrook-2") is a word of its own; "the
last three months of 2026" is that year's fourth quarter; a period after "in the" dates the figure before it, not
the sentence, and a sentence whose every figure is so dated is not read with its document's period."""

from __future__ import annotations

import pytest

from service.claims.answers import extract_answer
from service.domain import Document
from service.figures.periods import Granularity, extract_periods
from tests.unit.service.claims.test_answer_rules import passage

pytestmark = pytest.mark.unit

CALL = Document("call.txt", "PELLOMAR MICRODEVICES, INC.\nFirst Quarter Fiscal 2027 Earnings Call\n\nNote: Pellomar's "
                "fiscal year ends on 30 September.\n\nOperator: Welcome to the call.\n\nTamsin Holloway: Thanks. "
                "We expect to send the first Quintrel T11 samples to customers in April 2027. Our largest customer in "
                "the quarter was Brenlow Cloud, at about 18% of revenue. Unit shipments of the Quintrel T9 were 90,400 "
                "in the quarter, compared with 61,200 in the fourth quarter of fiscal 2026.", title="Pellomar call")
THREAD = Document("thread.txt", "Training costs thread\n\nuser_one | 3 Feb 2027\n  Wrenmoor-2 cost Dallicott ~$2.1M, "
                  "that's from their CEO on a podcast.", title="thread")


def test_we_in_a_call_is_the_company_named_at_its_top() -> None:
    sentence = "We expect to send the first Quintrel T11 samples to customers in April 2027."

    found = extract_answer("When will customers get their first T11 samples from Pellomar?",
                           [passage(CALL, sentence)], {CALL.doc_id: CALL}, relevance=[0.8])

    assert found is not None and found.answer == "April 2027"


def test_us_in_capitals_is_a_country_not_the_company() -> None:
    document = Document("call.txt", f"{CALL.text} US sales of Brenlow Cloud servers reached 12,000 units in the "
                        "quarter.", title="Pellomar call")
    sentence = "US sales of Brenlow Cloud servers reached 12,000 units in the quarter."

    found = extract_answer("How many units did Pellomar sell in the quarter?", [passage(document, sentence)],
                           {document.doc_id: document}, relevance=[0.8])

    assert found is None


def test_our_largest_customer_answers_which_customer() -> None:
    sentence = "Our largest customer in the quarter was Brenlow Cloud, at about 18% of revenue."

    found = extract_answer("Which customer accounted for the biggest share of Pellomar's sales last quarter?",
                           [passage(CALL, sentence)], {CALL.doc_id: CALL}, relevance=[0.7])

    assert found is not None and found.passage.text == sentence


def test_a_hyphenated_name_is_one_word() -> None:
    sentence = "Wrenmoor-2 cost Dallicott ~$2.1M, that's from their CEO on a podcast."

    found = extract_answer("Roughly how much did Dallicott spend training Wrenmoor-2?",
                           [passage(THREAD, sentence)], {THREAD.doc_id: THREAD}, relevance=[0.6])

    assert found is not None and found.written == "~$2.1M"


@pytest.mark.parametrize(("text", "first_month", "granularity"), [
    ("in the last three months of 2026", 10, Granularity.QUARTER),
    ("the first six months of 2027", 1, Granularity.HALF),
    ("the final 3 months of 2025", 10, Granularity.QUARTER),
])
def test_a_years_first_or_last_months_are_its_quarter_or_half(text: str, first_month: int,
                                                              granularity: Granularity) -> None:
    period = extract_periods(text)[0]

    assert (period.first_day.month, period.granularity) == (first_month, granularity)


def test_a_period_after_in_the_dates_the_figure_before_it() -> None:
    sentence = ("Unit shipments of the Quintrel T9 were 90,400 in the quarter, compared with 61,200 in the fourth "
                "quarter of fiscal 2026.")

    found = extract_answer("How many Quintrel T9s did Pellomar ship in the last three months of 2026?",
                           [passage(CALL, sentence)], {CALL.doc_id: CALL}, relevance=[0.75])

    assert found is not None and found.written == "90,400"  # the call's quarter (fiscal year ends in September)


def test_a_sentence_whose_only_figure_is_dated_is_not_read_with_the_documents_period() -> None:
    document = Document("results.txt", "Pellomar third quarter 2026 results\n\nRevenue was $80 million for the three "
                        "months ended September 30, 2025.", title="Pellomar Q3 2026")
    sentence = "Revenue was $80 million for the three months ended September 30, 2025."

    now = extract_answer("What was Pellomar's revenue in the third quarter of 2026?", [passage(document, sentence)],
                         {document.doc_id: document}, relevance=[0.8])
    then = extract_answer("What was Pellomar's revenue in the third quarter of 2025?", [passage(document, sentence)],
                          {document.doc_id: document}, relevance=[0.8])

    assert now is None and then is not None and then.written == "$80 million"
