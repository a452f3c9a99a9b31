"""The real pipeline: MiniLM embeddings, FAISS + BM25 on disk, the Gemma judge through llama.cpp."""

from __future__ import annotations

import json

import pytest

from service.bootstrap import Components, finder_config, load_calibration, pipeline_config
from service.calibration import adjust
from service.domain import Decider, Label
from service.evidence import EvidenceFinder, Query
from service.pipeline import Pipeline
from tests.integration.conftest import DEMO, ROOT

pytestmark = pytest.mark.integration


def demo_claims() -> list[dict]:
    lines = (DEMO / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_demo_corpus_is_indexed_with_manifest(real: Components) -> None:
    snapshot = real.library.snapshot("demo")
    on_disk = sorted(p.relative_to(DEMO / "docs").as_posix() for p in (DEMO / "docs").iterdir())
    assert sorted(snapshot.documents) == on_disk
    assert snapshot.vectors.shape == (len(snapshot.chunks), 384)
    folder = real.library.store("demo").folder
    manifest = json.loads((folder / (folder / "CURRENT").read_text().split()[0] / "manifest.json").read_text())
    assert manifest["embedding_model"] == "all-MiniLM-L6-v2"
    assert manifest["dimension"] == 384
    assert set(manifest["documents"]) == set(on_disk)


def test_reingesting_unchanged_corpus_is_a_no_op(real: Components) -> None:
    before = real.library.snapshot("demo").version
    summary = real.library.ingest(real.library.read_files([DEMO / "docs"]), "demo")
    assert not summary.changed and len(summary.unchanged) == len(real.library.snapshot("demo").documents)
    assert real.library.snapshot("demo").version == before


def test_search_finds_the_sentence_with_the_figure(real: Components) -> None:
    passages, _ = real.pipeline.finder.search(Query("How many H100 GPUs does the Kestrel cluster hold?", "demo"))
    assert passages[0].doc_id == "northwind-cluster.md"
    assert "12,288 H100" in passages[0].text


def test_every_citation_and_passage_is_the_exact_source_text(real: Components) -> None:
    """Over every demo claim, through the real judge: quotes equal the user's own file at the offsets."""
    snapshot = real.library.snapshot("demo")
    cited = 0
    for row in demo_claims():
        verdict = real.pipeline.check(Query(row["claim"], "demo"))
        assert verdict.label in Label
        assert 0.0 <= verdict.confidence <= 1.0
        assert verdict.stamp.model_sha256 and verdict.stamp.index_version == snapshot.version
        assert verdict.timings["total_ms"] > 0
        for span in [*verdict.citations, *verdict.passages]:
            stored = snapshot.documents[span.doc_id].text
            text = getattr(span, "quote", None) or span.text
            assert stored[span.start:span.end] == text
            if span.doc_id.endswith((".md", ".txt")):  # stored unchanged: offsets index the user's file
                source = (DEMO / "docs" / span.doc_id).read_text(encoding="utf-8")
                assert source[span.start:span.end] == text
        cited += len(verdict.citations)
    assert cited > 0


def test_claim_with_no_related_evidence_skips_the_judge(real: Components) -> None:
    verdict = real.pipeline.check(Query("Penguins migrate across the Sahara each spring.", "demo"))
    assert verdict.label is Label.NOT_ENOUGH_INFO
    assert "judge_ms" not in verdict.timings
    assert verdict.citations == ()


def test_ask_answers_with_verified_citations(real: Components) -> None:
    answer = real.pipeline.ask(Query("How many GPUs are in the Kestrel cluster?", "demo"))
    assert (answer.kind, answer.value, answer.abstained) == ("count", "12,288", False)
    assert answer.citations and "12,288" in answer.citations[0].quote
    snapshot = real.library.snapshot("demo")
    for citation in answer.citations:
        assert snapshot.documents[citation.doc_id].text[citation.start:citation.end] == citation.quote


def test_the_llm_judge_path_reads_label_probabilities_and_writes_a_rationale(real: Components) -> None:
    llm_decides = Pipeline(real.pipeline.config, real.pipeline.finder,  # no verifier: the Gemma judge decides
                           real.pipeline.judge)
    verdict = llm_decides.check(Query("Northwind did not disclose how long the first training run lasted.", "demo"))

    assert "judge_ms" in verdict.timings
    assert verdict.label in Label and 0.0 <= verdict.confidence <= 1.0
    assert verdict.rationale.strip()
    assert verdict.stamp.prompt_name == "verify_claim.v1" and len(verdict.stamp.prompt_sha256) == 64


def test_the_bundled_calibration_decides_when_chosen_and_skips_the_tiny_llm(real: Components) -> None:
    """The bundled calibration fits the bundled verifier; Gemma earned no sure gain in it, so it is not asked."""
    settings = real.settings.model_copy(update={"judge": real.settings.judge.model_copy(
        update={"verdict_source": "calibrated"})})
    calibration = load_calibration(settings, real.pipeline.verifier)
    assert calibration is not None and not calibration.llm_helps(real.pipeline.judge.model_sha256)
    finder = EvidenceFinder(finder_config(settings), real.library, real.pipeline.finder.retriever)
    calibrated = Pipeline(pipeline_config(settings), finder, real.pipeline.judge, real.pipeline.verifier, calibration)

    verdict = calibrated.check(Query("Northwind's Kestrel cluster is the largest AI cluster in Europe.", "demo"))

    assert verdict.decided_by in (Decider.NUMERIC, Decider.CALIBRATED)
    assert verdict.signals is not None and verdict.signals.verifier is not None and verdict.signals.llm is None
    assert "judge_ms" not in verdict.timings
    assert verdict.stamp.decider.startswith("calibrated:")


def test_by_default_the_bundled_calibration_sets_the_verifiers_confidence(real: Components) -> None:
    """Fitted for the bundled verifier on claims it never trained on: its temperature and rule confidences
    apply, its combiner does not."""
    assert real.pipeline.calibration is not None and real.settings.judge.verdict_source == "verifier"
    temperature = real.pipeline.calibration.verifier_temperature

    verdict = real.pipeline.check(Query("Northwind's Kestrel cluster is the largest AI cluster in Europe.", "demo"))

    assert verdict.decided_by is Decider.VERIFIER and "+confidence:" in verdict.stamp.decider  # no figure to rule on
    assert verdict.signals is not None and verdict.signals.verifier is not None
    calibration = real.pipeline.calibration
    adjusted = adjust(verdict.signals.verifier, calibration.verifier_offsets, temperature)
    assert verdict.confidence == round(adjusted[verdict.label], 4)


def test_explain_has_the_real_llm_write_the_rationale(real: Components) -> None:
    verdict = real.pipeline.check(Query("Northwind's Kestrel cluster holds 12,288 H100 GPUs.", "demo"), explain=True)

    assert "judge_ms" in verdict.timings
    assert verdict.signals is not None and verdict.signals.llm is not None
    llm_label = max(verdict.signals.llm, key=verdict.signals.llm.__getitem__)
    if llm_label is verdict.label:  # its text is shown, as commentary, since the numeric rule decided
        assert verdict.decided_by is Decider.NUMERIC
        assert "LLM commentary (it did not decide): " in verdict.rationale
        assert len(verdict.rationale.split("LLM commentary (it did not decide): ")[1].strip()) > 0
    else:  # text written for another label is left out
        assert "LLM" not in verdict.rationale


def test_a_compound_claim_with_one_false_part_is_refuted_by_that_part(real: Components) -> None:
    verdict = real.pipeline.check(Query("Northwind's Kestrel cluster holds 12,288 H100 GPUs and draws 25 MW.", "demo"))

    assert verdict.decided_by is Decider.PARTS
    assert len(verdict.parts) == 2
    holds, draws = verdict.parts
    assert "12,288" in holds.text and holds.verdict.label is Label.SUPPORTED
    assert "25 MW" in draws.text and draws.verdict.label is Label.REFUTED  # the documents say 17 MW
    assert verdict.label is Label.REFUTED


def test_a_question_the_documents_do_not_answer_gets_no_figure(real: Components) -> None:
    answer = real.pipeline.ask(Query("At what valuation did Veridian raise money in February 2024?", "demo"))

    assert answer.abstained and answer.citations == () and answer.value is None


def test_the_example_article_is_checked_sentence_by_sentence(real: Components) -> None:
    text = (ROOT / "examples" / "claim-structure" / "article.txt").read_text(encoding="utf-8")

    report = real.pipeline.check_text(Query(text, "demo"))

    assert report.claims and report.skipped
    reasons = {s.reason for s in report.skipped}
    assert {"not a checkable statement (a question)", "not a checkable statement (a prediction)"} <= reasons
    snapshot = real.library.snapshot("demo")
    for item in [*report.claims, *report.skipped]:
        assert text[item.start:item.end] == item.text
    for item in report.claims:
        for citation in item.verdict.citations:
            assert snapshot.documents[citation.doc_id].text[citation.start:citation.end] == citation.quote
