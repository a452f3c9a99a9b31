"""check / ask with the shipped fakes: validation, the no-evidence shortcut, verified citations, stamps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from service.asking import NO_ANSWER
from service.bootstrap import Components, build
from service.config import Settings
from service.domain import Decider, Document, Label, Passage
from service.errors import (
    ClaimTooLongError,
    CollectionNotFoundError,
    EmptyClaimError,
    InvalidCollectionError,
    TextTooLongError,
)
from service.evidence import Query
from service.fakes import HashingEmbedder, KeywordJudge

pytestmark = pytest.mark.unit

ACME = Document(
    "reports/acme.txt",
    "Acme Corporation reported revenue of $6.4 billion in 2023. The weather in Paris was mild that spring.\n\n"
    "Acme employs 200,000 people worldwide. Acme did not open a factory in Brazil.",
)
NATURE = Document("nature.md", "Bananas are yellow fruit. Penguins live in Antarctica. The river flooded in 1998.")
UNRELATED_CLAIM = "Sleepy dragons knit sweaters quietly"  # no hashed bucket in common with the corpus


@pytest.fixture
def components(tmp_path: Path) -> Components:
    built = build(Settings(home=tmp_path, max_claim_chars=80), embedder=HashingEmbedder(), judge=KeywordJudge())
    built.library.ingest([ACME, NATURE])
    return built


def judge_of(components: Components) -> KeywordJudge:
    judge = components.pipeline.judge
    assert isinstance(judge, KeywordJudge)
    return judge


def stored_text(components: Components, doc_id: str) -> str:
    return components.library.snapshot().documents[doc_id].text


# ---- validation and the no-evidence shortcut -------------------------------------------------------------

def test_the_unrelated_claim_really_shares_nothing_with_the_corpus() -> None:
    claim, *documents = HashingEmbedder().encode([UNRELATED_CLAIM, ACME.text, NATURE.text])
    assert max(float(claim @ document) for document in documents) == 0.0


def test_no_related_evidence_is_not_enough_info_without_calling_the_judge(components: Components) -> None:
    verdict = components.pipeline.check(Query(UNRELATED_CLAIM))

    assert verdict.label is Label.NOT_ENOUGH_INFO
    assert verdict.citations == ()
    assert verdict.passages == ()
    assert judge_of(components).calls == 0
    assert 0.0 <= verdict.confidence <= 1.0
    assert "judge_ms" not in verdict.timings and "total_ms" in verdict.timings


def test_an_empty_collection_is_not_enough_info_without_calling_the_judge(tmp_path: Path) -> None:
    empty = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge())
    empty.library.ingest([Document("gone.txt", "Acme revenue was $6.4 billion in 2023.")])
    empty.library.delete(["gone.txt"])  # a collection that exists and holds nothing

    verdict = empty.pipeline.check(Query("Acme revenue was $6.4 billion in 2023"))

    assert verdict.label is Label.NOT_ENOUGH_INFO
    assert verdict.citations == ()
    assert judge_of(empty).calls == 0


def test_a_collection_never_written_is_not_found_not_a_verdict(tmp_path: Path) -> None:
    fresh = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge())

    with pytest.raises(CollectionNotFoundError, match="'defualt'"):
        fresh.pipeline.check(Query("Acme revenue was $6.4 billion in 2023", "defualt"))
    assert judge_of(fresh).calls == 0


@pytest.mark.parametrize("claim", ["", "   ", "\n\t "])
def test_an_empty_claim_is_refused(components: Components, claim: str) -> None:
    with pytest.raises(EmptyClaimError):
        components.pipeline.check(Query(claim))
    with pytest.raises(EmptyClaimError):
        components.pipeline.ask(Query(claim))
    assert judge_of(components).calls == 0


def test_an_over_long_claim_is_refused(components: Components) -> None:
    with pytest.raises(ClaimTooLongError, match="81 characters; the limit is 80"):
        components.pipeline.check(Query("x" * 81))
    with pytest.raises(ClaimTooLongError):
        components.pipeline.ask(Query("Acme? " * 20))
    assert judge_of(components).calls == 0


def test_a_claim_at_the_limit_is_accepted_and_padding_does_not_count(components: Components) -> None:
    claim = ("Acme revenue was $6.4 billion in 2023 " * 3)[:80]
    assert components.pipeline.check(Query(claim)).claim == claim
    padded = components.pipeline.check(Query(f"   {claim}   \n"))
    assert padded.claim == claim


def test_an_invalid_collection_is_refused(components: Components) -> None:
    with pytest.raises(InvalidCollectionError):
        components.pipeline.check(Query("Acme revenue", collection="../default"))


# ---- verdicts and citations ------------------------------------------------------------------------------

def test_a_matching_figure_is_supported_by_the_numeric_path_with_its_citation(components: Components) -> None:
    verdict = components.pipeline.check(Query("Acme revenue was $6.4 billion in 2023"))

    assert verdict.label is Label.SUPPORTED
    assert judge_of(components).calls == 0  # a clear numeric match needs no LLM
    assert verdict.citations[0].quote == "Acme Corporation reported revenue of $6.4 billion in 2023."
    for citation in verdict.citations:
        assert stored_text(components, citation.doc_id)[citation.start:citation.end] == citation.quote
    assert [(n.claim_value, n.evidence_value, n.relation.value) for n in verdict.numeric] == [
        ("$6.4B", "$6.4B", "consistent")
    ]
    assert verdict.passages and all(p.scores["dense"] >= 0.25 for p in verdict.passages)


def test_a_scale_slip_is_refuted_with_the_gap_named(components: Components) -> None:
    verdict = components.pipeline.check(Query("Acme revenue was $640 million in 2023"))

    assert verdict.label is Label.REFUTED
    assert judge_of(components).calls == 0
    assert "10×" in verdict.rationale
    assert verdict.numeric[0].relation.value == "contradicts" and "10×" in (verdict.numeric[0].gap or "")
    assert verdict.numeric[0].citation == verdict.citations[0]


def test_a_share_whole_the_claim_retrieval_missed_is_retrieved_on_its_own(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    settings.retrieval.top_k = 1
    built = build(settings, embedder=HashingEmbedder(), judge=KeywordJudge())
    built.library.ingest([Document("rnd.txt", "Research and development took $310 million at Pellucid in 2025."),
                          Document("revenue.txt", "Pellucid revenue in 2025 was $1,240 million.")])
    claim = "Research and development took about a quarter of Pellucid's revenue in 2025"
    found, _ = built.pipeline.finder.evidence(Query(claim))
    assert [p.doc_id for p in found] == ["rnd.txt"]  # the claim's own retrieval misses the whole

    verdict = built.pipeline.check(Query(claim))

    assert verdict.label is Label.SUPPORTED and "$310M of $1.24B is 25.0%" in verdict.rationale
    assert {c.doc_id for c in verdict.citations} == {"rnd.txt", "revenue.txt"}


def test_with_numeric_decisions_off_the_judge_decides(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, judge={"numeric_decides": False})
    built = build(settings, embedder=HashingEmbedder(), judge=KeywordJudge())
    built.library.ingest([ACME])

    verdict = built.pipeline.check(Query("Acme revenue was $640 million in 2023"))

    assert judge_of(built).calls == 1
    assert verdict.numeric and verdict.numeric[0].relation.value == "contradicts"


def test_a_judged_verdict_cites_the_stored_text(components: Components) -> None:
    verdict = components.pipeline.check(Query("Acme Corporation reported revenue"))

    assert verdict.label is Label.SUPPORTED
    assert judge_of(components).calls == 1
    assert verdict.citations[0].quote == "Acme Corporation reported revenue of $6.4 billion in 2023."
    for citation in verdict.citations:
        assert stored_text(components, citation.doc_id)[citation.start:citation.end] == citation.quote
    assert 0.0 <= verdict.confidence <= 1.0


def test_a_refuted_verdict_also_carries_citations(components: Components) -> None:
    verdict = components.pipeline.check(Query("Acme did open a factory in Brazil"))

    assert verdict.label is Label.REFUTED
    assert [c.quote for c in verdict.citations] == ["Acme did not open a factory in Brazil."]


def test_citations_whose_text_does_not_match_the_stored_document_are_dropped(components: Components) -> None:
    snapshot = components.library.snapshot()
    text = ACME.text
    start = text.index("Acme employs")
    end = text.index("worldwide.") + len("worldwide.")
    genuine = Passage(ACME.doc_id, start, end, text[start:end], score=1.0)

    citation = snapshot.cite(genuine)
    assert citation is not None
    assert (citation.doc_id, citation.start, citation.end, citation.quote) == (ACME.doc_id, start, end, genuine.text)

    assert snapshot.cite(replace(genuine, text="Acme employs 300,000 people worldwide.")) is None
    assert snapshot.cite(replace(genuine, start=start + 1)) is None
    assert snapshot.cite(replace(genuine, doc_id="elsewhere.txt")) is None


def test_the_verdict_is_stamped_and_timed(components: Components) -> None:
    verdict = components.pipeline.check(Query("Acme employs people worldwide"))
    judge = judge_of(components)

    stamp = verdict.stamp
    assert stamp.model_file == judge.model_name
    assert stamp.model_sha256 == judge.model_sha256
    assert stamp.prompt_name == judge.prompt_name and stamp.prompt_sha256 == judge.prompt_sha256
    assert stamp.embedding_model == "hashing-64"
    assert stamp.index_version == components.library.snapshot().version != "empty"
    assert {"retrieve_ms", "numeric_ms", "judge_ms", "total_ms"} <= set(verdict.timings)
    assert verdict.timings["total_ms"] >= max(v for k, v in verdict.timings.items() if k != "total_ms")


def test_doc_ids_filter_is_respected(components: Components) -> None:
    claim = "Acme revenue was $6.4 billion in 2023"

    filtered = components.pipeline.check(Query(claim, doc_ids=["nature.md"]))

    assert all(p.doc_id == "nature.md" for p in filtered.passages)
    assert all(c.doc_id == "nature.md" for c in filtered.citations)
    assert filtered.label is not Label.SUPPORTED
    unfiltered = components.pipeline.check(Query(claim, doc_ids=["reports/acme.txt"]))
    assert unfiltered.label is Label.SUPPORTED


def test_top_k_limits_the_evidence(components: Components) -> None:
    verdict = components.pipeline.check(Query("Acme revenue employs people in 2023", top_k=1))
    assert len(verdict.passages) == 1


# ---- ask -------------------------------------------------------------------------------------------------

def test_ask_returns_an_answer_with_verified_citations(components: Components) -> None:
    answer = components.pipeline.ask(Query("How many people does Acme employ?"))

    assert (answer.answer, answer.kind, answer.abstained, answer.phrased) == ("200,000", "count", False, False)
    assert [c.quote for c in answer.citations] == ["Acme employs 200,000 people worldwide."]
    assert answer.stamp.prompt_name == "extractive"
    assert judge_of(components).calls == 0  # no model writes an extractive answer
    for citation in answer.citations:
        assert stored_text(components, citation.doc_id)[citation.start:citation.end] == citation.quote
    assert answer.stamp.index_version == components.library.snapshot().version
    assert "total_ms" in answer.timings


def test_a_question_is_searched_in_the_documents_words_too(components: Components) -> None:
    finder, query = components.pipeline.finder, Query("What is the staff headcount?", top_k=2)
    reworded = "What is the staff headcount? people employee employees"

    alone, _ = finder.evidence(query)
    both, _ = finder.evidence(query, also=reworded)

    assert "Acme employs 200,000 people worldwide." not in [p.text for p in alone]
    assert [p.text for p in both[:len(alone)]] == [p.text for p in alone]  # the question's own come first
    assert "Acme employs 200,000 people worldwide." in [p.text for p in both]
    assert len({(p.doc_id, p.start, p.end) for p in both}) == len(both)  # a sentence found twice is listed once
    answer = components.pipeline.ask(Query("How many staff does Acme have?", top_k=1))
    assert answer.answer == "200,000"
    assert len({(p.doc_id, p.start, p.end) for p in answer.passages}) == len(answer.passages)


def test_ask_without_evidence_says_so_without_calling_the_judge(components: Components) -> None:
    answer = components.pipeline.ask(Query(UNRELATED_CLAIM + "?"))

    assert answer.answer == NO_ANSWER
    assert answer.abstained
    assert answer.citations == ()
    assert judge_of(components).calls == 0


def test_a_phrased_answer_is_the_judges_wording_when_it_quotes_only_figures_of_the_source(
        components: Components) -> None:
    answer = components.pipeline.ask(Query("How many people does Acme employ?"), phrase=True)

    assert answer.phrased and answer.answer == "Acme employs 200,000 people worldwide."  # the fake echoes the quote
    assert answer.stamp.prompt_name == judge_of(components).answer_prompt_name
    assert judge_of(components).calls == 1


# ---- statements with nothing to check, compound claims, texts ---------------------------------------------

def test_a_question_gets_the_reason_instead_of_a_check(components: Components) -> None:
    verdict = components.pipeline.check(Query("Does Acme employ 200,000 people?"))

    assert verdict.label is Label.NOT_ENOUGH_INFO
    assert verdict.decided_by is Decider.NOT_CHECKABLE
    assert verdict.reason == "not a checkable statement (a question)"
    assert verdict.citations == () and verdict.passages == ()
    assert judge_of(components).calls == 0


def test_a_statement_with_nothing_to_check_in_an_unknown_collection_is_still_an_error(
        components: Components) -> None:
    with pytest.raises(InvalidCollectionError):
        components.pipeline.check(Query("Does Acme employ people?", collection="../../etc"))


@pytest.mark.parametrize(("claim", "label"), [
    ("Northwind will retire its Heron cluster in 2025.", Label.SUPPORTED),
    ("Northwind will retire its Heron cluster in 2027.", Label.REFUTED),
])
def test_a_prediction_the_documents_state_as_a_plan_gets_their_verdict(tmp_path: Path, claim: str,
                                                                       label: Label) -> None:
    built = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge())
    built.library.ingest([Document("plan.md", "Northwind plans to retire its Heron cluster in 2025.")])

    verdict = built.pipeline.check(Query(claim))

    assert (verdict.label, verdict.decided_by) == (label, Decider.NUMERIC)
    assert verdict.citations[0].quote == "Northwind plans to retire its Heron cluster in 2025."


def test_a_text_checks_the_predictions_its_documents_plan_and_skips_the_others(tmp_path: Path) -> None:
    built = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge())
    built.library.ingest([Document("plan.md", "Northwind plans to retire its Heron cluster in 2025.")])
    text = "Nvidia will be worth $10 trillion by 2030. Northwind will retire its Heron cluster in 2025."

    report = built.pipeline.check_text(Query(text))

    assert [(c.text, c.verdict.label) for c in report.claims] == [
        ("Northwind will retire its Heron cluster in 2025.", Label.SUPPORTED)]
    assert [(s.text, s.reason) for s in report.skipped] == [
        ("Nvidia will be worth $10 trillion by 2030.", "not a checkable statement (a prediction)")]
    assert all(text[c.start:c.end] == c.text for c in [*report.claims, *report.skipped])


def test_a_prediction_no_plan_speaks_of_stays_unchecked(tmp_path: Path) -> None:
    built = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge())
    built.library.ingest([Document("done.md", "Northwind retired its Heron cluster in 2025.")])

    verdict = built.pipeline.check(Query("Northwind will retire its Heron cluster in 2025."))

    assert verdict.decided_by is Decider.NOT_CHECKABLE and verdict.reason == "not a checkable statement (a prediction)"


def test_screening_can_be_turned_off(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, claims={"screen": False, "decompose": False})
    built = build(settings, embedder=HashingEmbedder(), judge=KeywordJudge())
    built.library.ingest([ACME])

    verdict = built.pipeline.check(Query("Does Acme employ 200,000 people?"))

    assert verdict.decided_by is not Decider.NOT_CHECKABLE
    assert verdict.stamp.decider.endswith("llm")  # no "+screen+parts" when the rules are off


def test_a_compound_claim_is_checked_part_by_part(components: Components) -> None:
    claim = "Acme employs 200,000 people and did not open a factory in Brazil."

    verdict = components.pipeline.check(Query(claim))

    assert verdict.decided_by is Decider.PARTS
    assert [p.text for p in verdict.parts] == ["Acme employs 200,000 people",
                                               "Acme did not open a factory in Brazil"]
    labels = {p.verdict.label for p in verdict.parts}
    assert verdict.label is (Label.REFUTED if Label.REFUTED in labels else
                             Label.SUPPORTED if labels == {Label.SUPPORTED} else Label.NOT_ENOUGH_INFO)
    assert [claim[p.start:p.end] for p in verdict.parts] == ["Acme employs 200,000 people",
                                                             "did not open a factory in Brazil"]
    for part in verdict.parts:
        for citation in part.verdict.citations:
            assert stored_text(components, citation.doc_id)[citation.start:citation.end] == citation.quote
    assert verdict.stamp.decider.endswith("+screen+parts6")


def test_a_text_is_checked_sentence_by_sentence(components: Components) -> None:
    text = "Acme employs 200,000 people worldwide. Will Acme open a factory in Brazil?\n\nThanks for reading!"

    report = components.pipeline.check_text(Query(text))

    assert [c.text for c in report.claims] == ["Acme employs 200,000 people worldwide."]
    assert report.claims[0].verdict.label is Label.SUPPORTED
    assert [s.reason for s in report.skipped] == ["not a checkable statement (a question)",
                                                  "not a checkable statement (no statement of fact)"]
    for item in [*report.claims, *report.skipped]:
        assert text[item.start:item.end] == item.text


def test_a_compound_sentence_of_a_text_has_its_parts_offsets_in_the_text(components: Components) -> None:
    text = "Thanks for reading! Acme employs 200,000 people and did not open a factory in Brazil."

    report = components.pipeline.check_text(Query(text))

    [sentence] = report.claims
    assert [text[p.start:p.end] for p in sentence.verdict.parts] == ["Acme employs 200,000 people",
                                                                     "did not open a factory in Brazil"]


def test_an_empty_or_too_long_text_is_refused(tmp_path: Path) -> None:
    built = build(Settings(home=tmp_path, claims={"text_max_chars": 100}), embedder=HashingEmbedder(),
                  judge=KeywordJudge())

    with pytest.raises(EmptyClaimError):
        built.pipeline.check_text(Query("  \n "))
    with pytest.raises(TextTooLongError, match="VERICLAIM_CLAIMS__TEXT_MAX_CHARS"):
        built.pipeline.check_text(Query("Acme employs people. " * 10))


def test_ask_respects_the_doc_ids_filter(components: Components) -> None:
    answer = components.pipeline.ask(Query("Where do penguins and Acme people live?", doc_ids=["nature.md"]))

    assert answer.passages and all(p.doc_id == "nature.md" for p in answer.passages)
    assert all(c.doc_id == "nature.md" for c in answer.citations)


# ---- who decides: the trained verifier or the LLM judge ---------------------------------------------------

def verifier_components(tmp_path: Path, source: str) -> Components:
    from service.fakes import ConstantVerifier

    settings = Settings(home=tmp_path, judge={"verdict_source": source})
    verifier = ConstantVerifier({Label.SUPPORTED: 0.1, Label.REFUTED: 0.7, Label.NOT_ENOUGH_INFO: 0.2})
    built = build(settings, embedder=HashingEmbedder(), judge=KeywordJudge(), verifier=verifier)
    built.library.ingest([ACME])
    return built


def test_the_raw_verifier_decides_when_told_and_the_llm_is_not_called(tmp_path: Path) -> None:
    built = verifier_components(tmp_path, "verifier")

    verdict = built.pipeline.check(Query("Acme Corporation reported revenue"))

    assert verdict.label is Label.REFUTED and verdict.confidence == 0.7
    assert judge_of(built).calls == 0
    assert "verify_ms" in verdict.timings and "judge_ms" not in verdict.timings
    assert verdict.citations and "verifier" in verdict.rationale
    assert verdict.stamp.decider == "verifier:constant-verifier+llm:auto+screen+parts6"
    assert verdict.decided_by is Decider.VERIFIER and verdict.signals is not None


def test_verdict_source_llm_hands_the_decision_to_the_judge(tmp_path: Path) -> None:
    built = verifier_components(tmp_path, "llm")

    verdict = built.pipeline.check(Query("Acme Corporation reported revenue"))

    assert judge_of(built).calls == 1
    assert verdict.label is Label.SUPPORTED and "judge_ms" in verdict.timings
    assert verdict.stamp.decider == "llm+screen+parts6"
