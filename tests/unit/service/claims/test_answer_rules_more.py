"""`ask` rules read from the fourth held-out question set's misses (our own documents and wording): a figure or a
"Series B" is no other subject, who/which asks for a new name, a duration written in words, "how many of X's
staff are researchers", "sales" for revenue, money asked for is no percentage, a list label ("Headcount:") is
no name unless the document names it inside a sentence, and the question searched in the documents' words too."""

from __future__ import annotations

import pytest

from service.claims.answers import extract_answer
from service.claims.questions import AnswerKind, Asked, question_kind, search_wording, with_countries
from service.domain import Document, Passage

pytestmark = pytest.mark.unit

MILL = Document("mill.md", "# Tarnwick Compute buys a paper mill at Ruukki\n\nTarnwick Compute will build its "
                "cluster in a disused paper mill at Ruukki. The mill still has its own 90 MW grid connection from "
                "its papermaking days. Converting the mill's two machine halls into data halls is expected to take "
                "about twenty-two months, Okoye said.", title="Tarnwick Compute buys a paper mill")
BRIEF = Document("brief.md", "# Velmora AI: briefing notes\n\n## Company\n\n- Headcount: 146, of whom 61 work in "
                 "research.\n- Last round: a $220 million Series B in May 2026, led by Oster Ventures.\n",
                 title="Velmora AI briefing notes")
PLANS = Document("plans.md", "Lumbrook pricing. Before the change, the Team plan cost €149 a month. Its inference "
                 "bill grew by about 60 percent between the first and third quarters of 2024.", title="Lumbrook")


def passage(document: Document, sentence: str) -> Passage:
    start = document.text.index(sentence)
    return Passage(document.doc_id, start, start + len(sentence), sentence, 0.6, {"dense": 0.6})


def test_a_figure_written_in_capitals_is_no_other_subject() -> None:
    found = extract_answer("How many megawatts can the Ruukki mill pull from the grid today?",
                           [passage(MILL, "The mill still has its own 90 MW grid connection from its papermaking "
                                          "days.")], {MILL.doc_id: MILL})

    assert found is not None and found.value is not None and found.written == "90 MW"


def test_a_duration_may_be_written_in_words() -> None:
    sentence = ("Converting the mill's two machine halls into data halls is expected to take about twenty-two "
                "months, Okoye said.")
    question = "How long will it take Tarnwick to turn the old paper mill into data halls?"

    found = extract_answer(question, [passage(MILL, sentence)], {MILL.doc_id: MILL})

    assert found is None  # who said it may be the company it is about: another name, so not taken as the answer
    unattributed = Document(MILL.doc_id, MILL.text.replace(", Okoye said.", "."), title=MILL.title)
    found = extract_answer(question, [passage(unattributed, sentence.replace(", Okoye said.", "."))],
                           {MILL.doc_id: unattributed})
    assert found is not None and found.written == "twenty-two months"


def test_a_label_the_document_names_inside_a_sentence_is_a_name() -> None:
    document = Document("rounds.md", "The funding rounds of Stratus and Altocloud.\n\n- Stratus: $40 million in "
                        "May.\n- Altocloud: not disclosed.\n", title="Funding rounds")
    asked_about_altocloud = "How much did Altocloud raise?"

    assert extract_answer(asked_about_altocloud, [passage(document, "Stratus: $40 million in May.")],
                          {document.doc_id: document}, relevance=[0.8]) is None


def test_which_asks_for_a_name_the_question_does_not_give() -> None:
    item = passage(BRIEF, "Last round: a $220 million Series B in May 2026, led by Oster Ventures.")

    found = extract_answer("Which investor led Velmora's most recent funding round?", [item],
                           {BRIEF.doc_id: BRIEF})

    assert found is not None and found.passage == item


def test_how_many_of_a_companys_staff_are_researchers_counts_researchers() -> None:
    asked = Asked.of("How many of Velmora's staff are researchers?")

    found = extract_answer(asked.question, [passage(BRIEF, "Headcount: 146, of whom 61 work in research.")],
                           {BRIEF.doc_id: BRIEF}, relevance=[0.8])  # the verifier's reading: about it

    assert asked.counted == frozenset({"researcher"})
    assert found is not None and found.value == "61"


def test_sales_ask_for_an_amount_and_money_asked_for_is_no_percentage() -> None:
    assert question_kind("What were Ashby's sales in Q1 2026?") is AnswerKind.AMOUNT
    question = "What did Lumbrook charge for its Team plan before the price rise?"
    bill = passage(PLANS, "Its inference bill grew by about 60 percent between the first and third quarters of "
                          "2024.")

    assert Asked.of(question).wants_money
    assert extract_answer(question, [bill], {PLANS.doc_id: PLANS}, relevance=[0.8]) is None
    assert not Asked.of("By how much did Lumbrook raise its prices?").wants_money  # a percentage may answer
    found = extract_answer(question, [bill, passage(PLANS, "Before the change, the Team plan cost €149 a month.")],
                           {PLANS.doc_id: PLANS}, relevance=[0.8, 0.8])  # both about it, as the verifier read them
    assert found is not None and found.written is not None and "149" in found.written


def test_a_question_is_also_searched_in_the_documents_words() -> None:
    reworded = search_wording("What were Ashby's sales in Q1 2026?")

    assert reworded.startswith("What were Ashby's sales in Q1 2026?")
    assert "first quarter of 2026" in reworded and "revenue" in reworded
    assert search_wording("Who founded Ashby?") == "Who founded Ashby?"  # nothing to add


# ---- read from the fifth held-out set's misses --------------------------------------------------------------

RESULTS = Document("results.txt", "Drystone reports third-quarter 2026 results\n\nRevenue for the third quarter of "
                   "2026 was $612.4 million, up 31% from $467.5 million in the third quarter of 2025. For fiscal 2025 "
                   "as a whole, Drystone reported revenue of $1.86 billion. Corvelle's board approves a budget of "
                   "$2.3bn for the Kulim plant, spread over two phases.", title="Drystone Q3 2026 results")
PLANT = Document("plant.md", "# Orvane's Tampere plant\n\nFinland's economy ministry has agreed to contribute a "
                 "grant of €215 million to Orvane's Tampere packaging plant.", title="Orvane Tampere")


def test_a_quarter_named_by_its_months_is_the_quarter() -> None:
    sentence = "Revenue for the third quarter of 2026 was $612.4 million, up 31% from $467.5 million in the third " \
               "quarter of 2025."

    found = extract_answer("What were Drystone's sales for the July-to-September quarter of 2026?",
                           [passage(RESULTS, sentence)], {RESULTS.doc_id: RESULTS})

    assert found is not None and found.written == "$612.4 million"


def test_a_years_figure_does_not_answer_for_one_of_its_quarters() -> None:  # but the year of some quarters may
    sentence = "For fiscal 2025 as a whole, Drystone reported revenue of $1.86 billion."

    assert extract_answer("What was Drystone's revenue in the fourth quarter of 2025?",
                          [passage(RESULTS, sentence)], {RESULTS.doc_id: RESULTS}) is None
    found = extract_answer("What was Drystone's revenue in 2025?", [passage(RESULTS, sentence)],
                           {RESULTS.doc_id: RESULTS})
    assert found is not None and found.written == "$1.86 billion"


def test_a_figure_the_question_states_is_not_its_answer() -> None:
    sentence = "Corvelle's board approves a budget of $2.3bn for the Kulim plant, spread over two phases."

    assert extract_answer("How much of Corvelle's $2.3bn Kulim budget goes to the first phase?",
                          [passage(RESULTS, sentence)], {RESULTS.doc_id: RESULTS}) is None


def test_a_countrys_adjective_names_the_country() -> None:
    sentence = "Finland's economy ministry has agreed to contribute a grant of €215 million to Orvane's Tampere " \
               "packaging plant."

    found = extract_answer("How big a grant is the Finnish government putting into Orvane's Tampere plant?",
                           [passage(PLANT, sentence)], {PLANT.doc_id: PLANT})

    assert found is not None and found.written == "€215 million"
    assert with_countries(frozenset({"finnish", "grant"})) == {"finnish", "finland", "grant"}
    assert with_countries(frozenset({"portugal"})) == {"portugal", "portuguese"}


def test_the_last_quarter_of_a_year_is_its_fourth() -> None:
    guidance = Document("guidance.txt", "Drystone guidance\n\nFor the fourth quarter of 2026, Drystone expects revenue "
                        "of $640 million to $670 million.", title="Drystone guidance")
    sentence = "For the fourth quarter of 2026, Drystone expects revenue of $640 million to $670 million."

    found = extract_answer("What revenue is Drystone forecasting for the last quarter of 2026?",
                           [passage(guidance, sentence)], {guidance.doc_id: guidance})

    assert found is not None and found.passage.text == sentence
    assert extract_answer("What revenue is Drystone forecasting for the third quarter of 2026?",
                          [passage(guidance, sentence)], {guidance.doc_id: guidance}) is None



@pytest.mark.parametrize(("question", "text", "answer"), [
    # a quarter named without its year, beside the year's total: the quarter's figure answers
    ("What was Acme's revenue in the fourth quarter of 2025?", "Revenue in the fourth quarter was $512 million, "
     "bringing full-year 2025 revenue to $1.86 billion.", "$512 million"),
    # a figure dated by the whole year is not the quarter's, even in a sentence that names both
    ("How much did Acme spend in the fourth quarter of 2025?", "Acme spent $80 million in 2025, of which $30 "
     "million in the fourth quarter of 2025.", "$30 million"),
    # the question's round "$1 billion" is not the answer's "$1.4 billion"
    ("How much did Acme raise in its Series B after a $1 billion Series A?", "Acme raised $1.4 billion in its "
     "Series B.", "$1.4 billion"),
    ("What revenue does Acme expect for the last fiscal quarter of 2026?", "For the fourth fiscal quarter of 2026, "
     "Acme expects revenue of $640 million.", "$640 million"),
])
def test_a_quarters_figure_a_round_figure_and_a_fiscal_quarter(question: str, text: str, answer: str) -> None:
    document = Document("acme.txt", f"Acme results\n\n{text}", title="Acme results")

    found = extract_answer(question, [passage(document, text)], {document.doc_id: document})

    assert found is not None and found.written == answer


def test_a_table_rows_figure_is_the_one_under_the_column_asked_about() -> None:
    row = "| Brindlemark AI | Toronto, Canada | Series C | $310 million | $2.1 billion | July 2026 |"
    header = "| Company | HQ | Round | Amount raised | Post-money valuation | Announced |\n|---|---|---|---|---|---|\n"
    document = Document("rounds.md", f"Funding rounds\n\n{header}{row}", title="Funding rounds")
    start = document.text.index(row)
    fact = ("Funding rounds › Brindlemark AI — HQ: Toronto, Canada; Round: Series C; Amount raised: $310 million; "
            "Post-money valuation: $2.1 billion; Announced: July 2026")
    read = Passage(document.doc_id, start, start + len(row), row, 0.6, {"dense": 0.6}, reading=fact)

    valuation = extract_answer("What valuation did Brindlemark AI get after its round?", [read],
                               {document.doc_id: document})
    raised = extract_answer("How much did Brindlemark AI raise in its round?", [read], {document.doc_id: document})

    assert valuation is not None and valuation.written == "$2.1 billion"
    assert raised is not None and raised.written == "$310 million"
