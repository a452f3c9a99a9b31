"""`ask` rules read from the seventh question set's misses (our own documents and wording): a sentence is about
the names its headings or, for "The company …", the lines before it give; another lettered round ("Series D" for
"Series C") and a date said not to be set answer nothing; "according to …" says who, not what; what something is
"worth" is its valuation, and the figure after that word answers; a table row is read with its column names; a
heading answers nothing; a country's adjective searches for the country."""

from __future__ import annotations

import pytest

from service.claims.answers import extract_answer
from service.claims.questions import Asked, search_wording
from service.domain import Document
from tests.unit.service.claims.test_answer_rules import passage

pytestmark = pytest.mark.unit

BRIEF = Document("brief.md", "# Briefing notes: Quorvel AI\n\n## Leadership\n\n- Chief scientist: Anouk Brezel, "
                 "co-founder, who runs a research group of about 180 people.\n\n## Funding\n\n- Series C of €400 "
                 "million in 2025, led by Damsgaard Capital.\n- Series D of €1.3 billion in October 2026, led by "
                 "Ostervik Partners, at a post-money valuation of €11 billion.\n", title="Quorvel AI briefing")
NEWS = Document("news.txt", "Tarnholm Compute plans campus near Sines\n\nTarnholm said the campus would use a "
                "closed-loop cooling system. The company put the total investment at €2.8 billion over five years, "
                "making it one of the largest projects in the Iberian peninsula this year. Karuvo intends to drill "
                "a second well; no date has been given for that well to start producing.", title="Tarnholm news")


def test_a_sentence_is_about_the_names_of_its_headings() -> None:
    sentence = "Chief scientist: Anouk Brezel, co-founder, who runs a research group of about 180 people."
    read = passage(BRIEF, sentence, f"[Briefing notes: Quorvel AI › Leadership] {sentence}")

    found = extract_answer("Who heads research at Quorvel AI?", [read], {BRIEF.doc_id: BRIEF}, relevance=[0.6])

    assert found is not None and found.passage.text == sentence
    unheaded = passage(BRIEF, sentence)  # read without its headings, the person is someone other than Quorvel
    assert extract_answer("Who heads research at Quorvel AI?", [unheaded], {BRIEF.doc_id: BRIEF},
                          relevance=[0.6]) is None


def test_a_sentence_opening_with_another_name_is_about_that_one_whatever_its_headings() -> None:
    document = Document("brief.md", "# Quorvel AI\n\n## Competitors\n\nIts rivals include Mistral AI.\n\n"
                        "Mistral AI raised €600 million in 2025.\n", title="Quorvel AI")
    sentence = "Mistral AI raised €600 million in 2025."
    read = passage(document, sentence, f"[Quorvel AI › Competitors] {sentence}")

    assert extract_answer("How much did Quorvel raise in 2025?", [read], {document.doc_id: document},
                          relevance=[0.6]) is None


def test_the_company_is_the_one_named_before_it() -> None:
    sentence = ("The company put the total investment at €2.8 billion over five years, making it one of the largest "
                "projects in the Iberian peninsula this year.")

    found = extract_answer("What's the overall price tag on Tarnholm's campus?", [passage(NEWS, sentence)],
                           {NEWS.doc_id: NEWS})

    assert found is not None and found.written == "€2.8 billion"


def test_another_lettered_round_does_not_answer() -> None:
    series_d = ("Series D of €1.3 billion in October 2026, led by Ostervik Partners, at a post-money valuation of "
                "€11 billion.")
    read = passage(BRIEF, series_d, f"[Briefing notes: Quorvel AI › Funding] {series_d}")

    assert extract_answer("Who led Quorvel's Series C round?", [read], {BRIEF.doc_id: BRIEF},
                          relevance=[0.8]) is None
    found = extract_answer("Who led Quorvel's Series D round?", [read], {BRIEF.doc_id: BRIEF}, relevance=[0.8])
    assert found is not None and found.passage.text == series_d


def test_what_a_company_is_worth_is_its_valuation() -> None:
    series_d = ("Series D of €1.3 billion in October 2026, led by Ostervik Partners, at a post-money valuation of "
                "€11 billion.")
    read = passage(BRIEF, series_d, f"[Briefing notes: Quorvel AI › Funding] {series_d}")

    asked = Asked.of("What was Quorvel worth after its latest funding round?")
    found = extract_answer(asked.question, [read], {BRIEF.doc_id: BRIEF}, relevance=[0.6])

    assert not asked.measures  # the round's "funding" measures nothing, nor must a sentence say "worth"
    assert found is not None and found.written == "€11 billion"
    contract = Document("deal.txt", "Quorvel signed a $10 billion contract with Ostervik.", title="Deal")
    worth = extract_answer("How much is Quorvel's contract with Ostervik worth?",
                           [passage(contract, contract.text)], {contract.doc_id: contract})
    assert worth is not None and worth.written == "$10 billion"


def test_a_date_said_not_to_be_given_answers_nothing() -> None:
    sentence = "Karuvo intends to drill a second well; no date has been given for that well to start producing."

    assert extract_answer("When will Karuvo's second well start producing?", [passage(NEWS, sentence)],
                          {NEWS.doc_id: NEWS}, relevance=[0.8]) is None


def test_according_to_says_who_and_is_no_word_to_share() -> None:
    asked = Asked.of("How long is the wait for an S8 after you place the order, according to the original poster?")

    assert not asked.wanted & {"original", "poster"}
    assert {"wait", "order"} <= asked.wanted
    leading = Asked.of("According to the 10-K how much revenue did Acme report in fiscal 2025?")
    assert {"revenue", "acme"} <= leading.wanted  # no comma: the clause is the question's own


def test_a_table_row_is_read_with_its_column_names() -> None:
    document = Document("prices.html", "Q-90 prices by provider\n\n| Fenlow GPU | Amsterdam, Netherlands | "
                        "fl-q90-16 | 16 | $3.29 |\n", title="Q-90 prices")
    row = "| Fenlow GPU | Amsterdam, Netherlands | fl-q90-16 | 16 | $3.29 |"
    fact = ("Fenlow GPU — Headquarters: Amsterdam, Netherlands; Instance: fl-q90-16; GPUs per instance: 16; "
            "On-demand (per GPU-hour): $3.29")
    question = "How many GPUs come in one Q-90 instance from the Dutch provider?"

    found = extract_answer(question, [passage(document, row, fact)], {document.doc_id: document}, relevance=[0.5])

    assert found is not None and found.written == "16"
    assert "Netherlands" in search_wording(question)  # the document names the country, not its adjective


def test_a_heading_answers_nothing() -> None:
    document = Document("pricing.md", "# Lumbrook pricing\n\n## Why prices went up\n\nLumbrook said the increase "
                        "reflects higher GPU costs.\n", title="Lumbrook pricing")

    found = extract_answer("Why did Lumbrook's prices go up?", [passage(document, "## Why prices went up")],
                           {document.doc_id: document}, relevance=[0.9])

    assert found is None


def test_a_figure_something_is_compared_with_is_not_the_answer() -> None:
    document = Document("thread.txt", "~$1.2B capex for the Brno expansion per their investor call, which is way "
                        "less than the $2B ppl were guessing last year.", title="Halvor thread")

    found = extract_answer("What is Halvor spending on the Brno expansion?", [passage(document, document.text)],
                           {document.doc_id: document})

    assert found is not None and found.written == "~$1.2B"
    plants = Document("plants.txt", "Sales from its new plant reached $200M, while total sales hit $900M.",
                      title="Halvor plants")
    from_plant = extract_answer("What were sales from Halvor's new plant?", [passage(plants, plants.text)],
                                {plants.doc_id: plants})
    assert from_plant is not None and from_plant.written == "$200M"  # "sales from" compares nothing


def test_how_much_load_is_a_measurement_and_a_figure_dated_by_the_period_asked_answers() -> None:
    document = Document("results.txt", "Ushira results\n\nLive IT capacity reached 412 MW at 30 September 2026, "
                        "compared with 355 MW at 30 June 2026.", title="Ushira results")
    sentence = "Live IT capacity reached 412 MW at 30 September 2026, compared with 355 MW at 30 June 2026."

    found = extract_answer("How much live IT load did Ushira have at the end of June 2026?",
                           [passage(document, sentence)], {document.doc_id: document})

    assert found is not None and found.written == "355 MW"
    assert Asked.of("How much borrowing capacity remains under Ushira's credit facility?").kind.value == "amount"


def test_a_figure_dated_by_a_quarter_does_not_answer_for_its_year() -> None:
    opening = "Ushira results. " + "The company builds data centres for AI developers in India. " * 4
    document = Document("results.txt", f"{opening}\n\nUshira reported revenue of $5 million in Q1 2026.",
                        title="Ushira results")
    sentence = "Ushira reported revenue of $5 million in Q1 2026."

    assert extract_answer("What was Ushira's revenue in 2026?", [passage(document, sentence)],
                          {document.doc_id: document}) is None


def test_a_ringgit_amount_answers_what_was_paid() -> None:
    document = Document("timeline.md", "# Ilvaro timeline\n\nIlvaro completes the purchase of a 62-acre site "
                        "from the park's operator for RM 410 million.\n", title="Ilvaro timeline")
    sentence = "Ilvaro completes the purchase of a 62-acre site from the park's operator for RM 410 million."

    found = extract_answer("What did Ilvaro pay for the land?", [passage(document, sentence)],
                           {document.doc_id: document})

    assert found is not None and found.written == "RM 410 million"
