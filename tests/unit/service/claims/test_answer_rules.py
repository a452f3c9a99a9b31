"""`ask` rules read from the third held-out question set's misses (our own documents and wording): a timeline
sentence dated by the line above it, "how much power", an abbreviated duration, another quarter, "phase one"
against "the second phase", names written in any script, and a name asked about that is nowhere near the
sentence."""

from __future__ import annotations

from dataclasses import replace

import pytest

from service.claims.answers import extract_answer
from service.claims.questions import AnswerKind, question_kind
from service.domain import Document, Passage

pytestmark = pytest.mark.unit

TIMELINE = Document("timeline.md", "# Harrowgate campus\n\n## 2026\n\n11 June 2026\nMeridel Labs switches on its first "
                    "4,096 accelerators in Hall 1.\n", title="Harrowgate campus timeline")
CAMPUS = Document("campus.md", "Ostrava campus. At full load the Ostrava campus is designed to draw up to 85 MW. "
                  "Insiders are locked up for 18 mo after the listing. The company took delivery of 12,000 GPUs in "
                  "Q1. Phase one is scheduled to go live in the third quarter of 2027.", title="Ostrava campus")
SITES = Document("sites.md", "Brannock builds in Ålesund. Construction at the Ålesund site starts in May 2026. "
                 + "Local officials welcomed the project, which reuses halls empty since 2019. " * 8
                 + "Brannock also holds land near Tromsø.", title="Brannock sites")


def passage(document: Document, sentence: str, reading: str = "") -> Passage:
    start = document.text.index(sentence)
    return Passage(document.doc_id, start, start + len(sentence), sentence, 0.6, {"dense": 0.6}, reading=reading)


def test_a_timeline_sentence_is_dated_by_its_date_line_not_its_headings_year() -> None:
    sentence = "Meridel Labs switches on its first 4,096 accelerators in Hall 1."
    read = passage(TIMELINE, sentence, reading=f"[11 June 2026 · Harrowgate campus timeline › 2026] {sentence}")

    found = extract_answer("When did Meridel first switch on accelerators in Hall 1?", [read],
                           {TIMELINE.doc_id: TIMELINE})

    assert found is not None and (found.value, found.written) == ("2026-06-11", "11 June 2026")
    assert extract_answer("When did Meridel first switch on accelerators in Hall 1?",
                          [replace(read, reading="")], {TIMELINE.doc_id: TIMELINE}) is None


def test_how_much_power_asks_for_a_measurement_not_money() -> None:
    question = "How much power will the Ostrava campus draw at full load?"
    found = extract_answer(question, [passage(CAMPUS, "At full load the Ostrava campus is designed to draw up to "
                                              "85 MW.")], {CAMPUS.doc_id: CAMPUS})

    assert question_kind(question) is AnswerKind.COUNT
    assert found is not None and found.written == "up to 85 MW"


def test_an_abbreviated_duration_answers_how_long() -> None:
    found = extract_answer("How long are Ostrava's insiders locked up after the listing?",
                           [passage(CAMPUS, "Insiders are locked up for 18 mo after the listing.")],
                           {CAMPUS.doc_id: CAMPUS})

    assert found is not None and found.written == "18 mo"


def test_a_sentence_about_another_quarter_does_not_answer() -> None:
    evidence = [passage(CAMPUS, "The company took delivery of 12,000 GPUs in Q1.")]
    documents = {CAMPUS.doc_id: CAMPUS}

    assert extract_answer("How many GPUs did the Ostrava campus take delivery of in Q2?", evidence, documents) is None
    found = extract_answer("How many GPUs did the Ostrava campus take delivery of in the first quarter?", evidence,
                           documents)
    assert found is not None and found.written == "12,000"


def test_phase_one_is_the_first_phase_and_not_the_second() -> None:
    evidence = [passage(CAMPUS, "Phase one is scheduled to go live in the third quarter of 2027.")]
    documents = {CAMPUS.doc_id: CAMPUS}

    assert extract_answer("When will the second phase of the Ostrava campus go live?", evidence, documents) is None
    found = extract_answer("When will the first phase of the Ostrava campus go live?", evidence, documents)
    assert found is not None and found.written == "third quarter of 2027"


def test_a_name_in_another_script_is_a_name_and_must_be_near_the_sentence() -> None:
    documents = {SITES.doc_id: SITES}
    other_site = passage(SITES, "Construction at the Ålesund site starts in May 2026.")
    far = passage(SITES, "Local officials welcomed the project, which reuses halls empty since 2019.")

    assert extract_answer("When does construction start at Brannock's Tromsø site?", [other_site], documents) is None
    found = extract_answer("When does construction start at Brannock's Ålesund site?", [other_site], documents)
    assert found is not None and found.written == "May 2026"
    # the sentence fits the question, but Tromsø is written only far below it
    assert extract_answer("When did local officials welcome Brannock's Tromsø project?", [far], documents) is None
    found = extract_answer("When did local officials welcome Brannock's project?", [far], documents)
    assert found is not None and found.written == "2019"


def test_a_name_in_the_sentences_headings_is_near_it() -> None:
    text = "# Industry report\n\n## Meridel\n\n" + "Filler sentence about the sector. " * 12 + \
        "At full load the campus is designed to draw up to 90 megawatts."
    report = Document("report.md", text, title="Industry report")
    sentence = "At full load the campus is designed to draw up to 90 megawatts."
    read = passage(report, sentence, reading=f"[Industry report › Meridel] {sentence}")

    found = extract_answer("How much power will the Meridel campus draw at full load?", [read],
                           {report.doc_id: report})

    assert found is not None and found.written == "up to 90 megawatts"


def test_a_headings_year_does_not_date_a_sentence() -> None:
    text = "# Acme Corp annual report 2023\n\n## History\n\nAcme was founded by Jane Doe in Leeds.\n"
    report = Document("acme.md", text, title="Acme Corp annual report 2023")
    sentence = "Acme was founded by Jane Doe in Leeds."
    read = passage(report, sentence, reading=f"[Acme Corp annual report 2023 › History] {sentence}")

    assert extract_answer("When was Acme founded?", [read], {report.doc_id: report}) is None


def test_a_quarter_a_figure_is_compared_with_is_not_the_sentences_quarter() -> None:
    results = Document("q.md", "Acme reported revenue of $5.2 million for the fourth-quarter, up from $4.1 million "
                       "in Q3.", title="Acme results")
    evidence = [passage(results, results.text)]

    found = extract_answer("What was Acme's revenue in Q4?", evidence, {results.doc_id: results})
    assert found is not None and found.written == "$5.2 million"
    assert extract_answer("What was Acme's revenue in the second quarter?", evidence, {results.doc_id: results}) \
        is None


def test_an_abbreviation_after_a_or_an_is_no_duration() -> None:
    hired = Document("h.md", "Acme hired an HR consultant for the merger.", title="Acme")

    assert extract_answer("How long did Acme keep its HR consultant?", [passage(hired, hired.text)],
                          {hired.doc_id: hired}) is None
