"""The evaluation runner with the shipped fakes: files, resume, mismatches, sampling, scoring rules, slices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import runs
from eval.datasets import Conflicting, Dataset, GoldEvidence, GoldLabel, LabelledClaim, OnError, load_dataset
from eval.runner import RunOptions, query_for, run_eval
from eval.scoring import Scored, choose_scheme, label_metrics
from eval.summary import effective_tags, slices
from service.bootstrap import Components, build
from service.config import Settings
from service.domain import Document
from service.errors import DatasetFormatError, InputError
from service.fakes import HashingEmbedder, KeywordJudge
from service.schemas import CheckResponse, StampOut
from tests.unit.service.test_batch import untimed

pytestmark = pytest.mark.unit

S, R, NEI, C = GoldLabel.SUPPORTED, GoldLabel.REFUTED, GoldLabel.NOT_ENOUGH_INFO, GoldLabel.CONFLICTING
FALCON = "The Falcon cluster has 4,000 GPUs. The Falcon cluster is located in Oslo."
KESTREL = "Kestrel Labs did not open an office in Paris."
DOCUMENTS = [Document("falcon.txt", FALCON), Document("kestrel.txt", KESTREL)]
OSLO = FALCON.index("The Falcon cluster is located")
CLAIMS = [
    LabelledClaim("c1", "The Falcon cluster is located in Oslo.", S,
                  (GoldEvidence("falcon.txt", OSLO, len(FALCON), FALCON[OSLO:]),)),
    LabelledClaim("c2", "Kestrel Labs opened an office in Paris.", R,
                  (GoldEvidence("kestrel.txt", 0, len(KESTREL), KESTREL),), tags=("org",)),
    LabelledClaim("c3", "The moon is made of green cheese.", NEI),
    LabelledClaim("c4", "The Falcon cluster has 9,000 GPUs.", R),
]
COLLECTION = "evaltest"


def dataset(claims: list[LabelledClaim] = CLAIMS, *, name: str = "tiny", binary: bool = False) -> Dataset:
    return Dataset(name, list(claims), DOCUMENTS, binary, "hand-written test claims")


class OtherJudge(KeywordJudge):
    model_sha256 = "1" * 64


def components(home: Path, judge: KeywordJudge | None = None) -> Components:
    built = build(Settings(home=home), embedder=HashingEmbedder(), judge=judge or KeywordJudge())
    built.library.ingest(DOCUMENTS, COLLECTION)
    return built


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def tiny(home: Path) -> Components:
    return components(home)


def options(**changes: object) -> RunOptions:
    return RunOptions(collection=COLLECTION, **changes)  # type: ignore[arg-type]


def predictions(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "predictions.jsonl").read_text().splitlines()]


def test_run_writes_predictions_metrics_report_plots(tiny: Components, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    run = run_eval(tiny.pipeline, dataset(), tmp_path, options=options(), progress=lambda d, t: seen.append((d, t)))
    rows = predictions(tmp_path)
    assert [row["id"] for row in rows] == ["c1", "c2", "c3", "c4"]
    assert {row["verdict"] for row in rows} <= {"SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"}
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics == run.metrics and metrics["claims"] == 4 and metrics["primary_metric"] == "accuracy"
    assert metrics["scoring"]["name"] == "three-way"
    assert metrics["accuracy"] == sum(row["correct"] for row in rows) / 4
    low, high = metrics["ci95"]["accuracy"]
    assert low <= metrics["accuracy"] <= high
    assert set(metrics["selective_accuracy"]) == {"0.5", "0.8", "1.0"}
    assert metrics["evidence"]["claims_with_gold_spans"] == 2
    assert metrics["evidence"]["gold_evidence_recall"] == 1.0  # both gold sentences are retrieved
    assert metrics["stamp"]["model_file"] == "keyword-judge" and metrics["stamp"]["collection"] == COLLECTION
    assert metrics["latency"]["p50_ms"] > 0 and metrics["latency"]["wall_throughput_per_s"] > 0
    assert seen[0] == (0, 4) and seen[-1] == (4, 4)
    report = (tmp_path / "report.md").read_text()
    assert "# Evaluation: tiny" in report and "## Reproducibility stamp" in report
    assert "](plots/confusion_matrix.png)" in report and (tmp_path / "plots" / "confusion_matrix.png").is_file()


def test_rows_are_scored_as_the_numeric_engine_and_judge_decide(tiny: Components, tmp_path: Path) -> None:
    run_eval(tiny.pipeline, dataset(), tmp_path, options=options())
    verdicts = {row["id"]: row["verdict"] for row in predictions(tmp_path)}
    assert verdicts == {"c1": "SUPPORTED", "c2": "REFUTED", "c3": "NOT_ENOUGH_INFO", "c4": "REFUTED"}
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["accuracy"] == 1.0 and metrics["evidence"]["citation_precision"] == 1.0


def test_a_row_is_the_verdict_as_v1_check_answers_it_and_the_stamp_is_the_verdicts(tiny: Components,
                                                                                      tmp_path: Path) -> None:
    """predictions.jsonl and the stamp keep their documented format, made from the domain values as written."""
    run = run_eval(tiny.pipeline, dataset(CLAIMS[:1]), tmp_path, options=options())

    [row] = predictions(tmp_path)
    verdict = tiny.pipeline.check(query_for(CLAIMS[0], options()))
    answered = CheckResponse.of(verdict).model_dump(mode="json")
    assert list(row) == ["id", "gold", "correct", "tags", *answered]
    assert untimed(row) == {"id": "c1", "gold": "SUPPORTED", "correct": True, "tags": row["tags"], **untimed(answered)}
    stamp = StampOut.of(verdict.stamp).model_dump()
    assert list(run.metrics["stamp"])[:len(stamp)] == list(stamp)
    assert {key: run.metrics["stamp"][key] for key in stamp} == stamp


def test_resume_continues_without_duplicating_ids(tiny: Components, tmp_path: Path) -> None:
    first = run_eval(tiny.pipeline, dataset(), tmp_path, options=options(limit=2))
    assert first.checked == 2 and first.metrics["claims"] == 2
    with (tmp_path / "predictions.jsonl").open("a") as handle:
        handle.write('{"id": "c3", "verd')  # a crash mid-write leaves a cut-off line
    second = run_eval(tiny.pipeline, dataset(), tmp_path, options=options())
    ids = [row["id"] for row in predictions(tmp_path)]
    assert sorted(ids) == ["c1", "c2", "c3", "c4"] and len(ids) == len(set(ids))
    assert (second.resumed, second.checked, second.metrics["claims"]) == (2, 2, 4)
    third = run_eval(tiny.pipeline, dataset(), tmp_path, options=options())
    assert (third.resumed, third.checked) == (4, 0) and len(predictions(tmp_path)) == 4


def test_a_different_run_in_the_same_folder_is_an_error_unless_restarted(home: Path, tiny: Components,
                                                                          tmp_path: Path) -> None:
    run_eval(tiny.pipeline, dataset(), tmp_path, options=options(limit=1))
    with pytest.raises(InputError, match=r"different run .*dataset: was 'tiny', now 'other'.*--restart"):
        run_eval(tiny.pipeline, dataset(name="other"), tmp_path, options=options())
    with pytest.raises(InputError, match="conflicting: was 'drop', now 'class'"):
        run_eval(tiny.pipeline, dataset(), tmp_path, options=options(conflicting="class"))
    relabelled = [LabelledClaim("c1", CLAIMS[0].claim, R), *CLAIMS[1:]]
    with pytest.raises(InputError, match="gold label changed for 1 claim"):
        run_eval(tiny.pipeline, dataset(relabelled), tmp_path, options=options())
    other_model = components(home, OtherJudge())
    with pytest.raises(InputError, match=r"stamp\.model_sha256"):
        run_eval(other_model.pipeline, dataset(), tmp_path, options=options())
    run = run_eval(other_model.pipeline, dataset(), tmp_path, options=options(), restart=True)
    assert (run.resumed, run.checked) == (0, 4)
    assert {row["stamp"]["model_sha256"] for row in predictions(tmp_path)} == {"1" * 64}


def test_sample_is_deterministic_and_grows_by_extension() -> None:
    claims = [LabelledClaim(f"c{i}", f"claim {i}", S) for i in range(50)]
    ids = lambda chosen: [claim.id for claim in chosen]  # noqa: E731
    ten = runs.select_claims(claims, sample=10, seed=7)
    assert ids(ten) == ids(runs.select_claims(claims, sample=10, seed=7)) and len(set(ids(ten))) == 10
    assert ids(ten) != ids(runs.select_claims(claims, sample=10, seed=8))
    assert ids(runs.select_claims(claims, sample=20, seed=7))[:10] == ids(ten)
    assert ids(runs.select_claims(claims, sample=10, seed=7, limit=3)) == ids(ten)[:3]
    assert ids(runs.select_claims(claims, limit=3)) == ["c0", "c1", "c2"]


def test_conflicting_as_a_class_is_counted_wrong(tiny: Components, tmp_path: Path) -> None:
    disputed = LabelledClaim("c5", "The Falcon cluster is located in Oslo.", C)
    run = run_eval(tiny.pipeline, dataset([*CLAIMS, disputed]), tmp_path, options=options(conflicting="class"))
    metrics = run.metrics
    assert metrics["scoring"]["name"] == "three-way+conflicting"
    assert metrics["labels"] == ["SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO", "CONFLICTING"]
    assert metrics["per_label"]["CONFLICTING"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert metrics["confusion_matrix"][3] == [1, 0, 0, 0] and metrics["accuracy"] == 4 / 5
    assert metrics["macro_f1"] == pytest.approx((2 / 3 + 1 + 1 + 0) / 4)  # SUPPORTED has P 1/2, R 1
    assert [row["correct"] for row in predictions(tmp_path)][-1] is False
    assert "never predicts CONFLICTING" in (tmp_path / "report.md").read_text()


def test_binary_supported_refuted_counts_nei_predictions_wrong(tiny: Components, tmp_path: Path) -> None:
    claims = [CLAIMS[0], CLAIMS[1], LabelledClaim("c3", CLAIMS[2].claim, R)]  # the moon claim gets NEI
    run = run_eval(tiny.pipeline, dataset(claims, binary=True), tmp_path, options=options())
    metrics = run.metrics
    assert metrics["scoring"]["name"] == "supported-refuted"
    assert metrics["accuracy"] == pytest.approx(2 / 3)
    # SUPPORTED: P 1, R 1; REFUTED: P 1, R 1/2 → F1 2/3; macro over {S, R} only
    assert metrics["macro_f1"] == pytest.approx((1 + 2 / 3) / 2)
    assert "NOT_ENOUGH_INFO is not a gold class" in (tmp_path / "report.md").read_text()


def test_scoring_rules_on_hand_computed_cases() -> None:
    wice = choose_scheme(True, [S, NEI])
    assert wice.name == "supported-vs-not" and "NOT_ENOUGH_INFO" in wice.rule
    gold = [wice.cls(label) for label in ("SUPPORTED", "SUPPORTED", "SUPPORTED", "NOT_ENOUGH_INFO", "NOT_ENOUGH_INFO")]
    pred = [wice.cls(label) for label in ("SUPPORTED", "SUPPORTED", "REFUTED", "REFUTED", "SUPPORTED")]
    result = label_metrics(wice, gold, pred, bootstrap=50)
    assert result["accuracy"] == pytest.approx(3 / 5)
    assert result["f1_supported"] == pytest.approx(2 / 3)
    assert result["macro_f1"] == pytest.approx((2 / 3 + 1 / 2) / 2)
    assert result["confusion_matrix"] == [[2, 1], [1, 1]]

    fever = choose_scheme(True, [S, R])
    assert fever.name == "supported-refuted"
    gold = [Scored.SUPPORTED, Scored.SUPPORTED, Scored.REFUTED, Scored.REFUTED]
    pred = [Scored.SUPPORTED, Scored.NOT_ENOUGH_INFO, Scored.REFUTED, Scored.SUPPORTED]
    result = label_metrics(fever, gold, pred, bootstrap=50)
    assert result["accuracy"] == 0.5 and "f1_supported" not in result
    assert result["macro_f1"] == pytest.approx((1 / 2 + 2 / 3) / 2)  # NEI is not averaged in
    assert choose_scheme(False, [S, R, NEI]).name == "three-way"
    assert choose_scheme(False, [S, C]).averaged[-1] is Scored.CONFLICTING


def test_slices_by_tag_and_default_tags() -> None:
    assert effective_tags(LabelledClaim("x", "Spending rose about 40% in 2024.", S)) == ["hedged", "numeric",
                                                                                          "temporal"]
    assert effective_tags(LabelledClaim("y", "Spending rose about 40% in 2024.", S, tags=("econ",))) == ["econ"]
    rows = [{"gold": "SUPPORTED", "verdict": "SUPPORTED", "tags": ["numeric", "temporal"]},
            {"gold": "REFUTED", "verdict": "SUPPORTED", "tags": ["numeric"]},
            {"gold": "REFUTED", "verdict": "REFUTED", "tags": []}]
    result = slices(rows, choose_scheme(False, [S, R]))
    assert list(result) == ["numeric", "temporal", "untagged"]
    assert result["numeric"]["n"] == 2 and result["numeric"]["accuracy"] == 0.5
    assert result["numeric"]["macro_f1"] == pytest.approx((2 / 3 + 0 + 0) / 3)
    assert result["untagged"] == {"n": 1, "accuracy": 1.0, "macro_f1": pytest.approx(1 / 3)}


BAD_CLAIMS = "\n".join([
    '{"id": "c1", "claim": "The Falcon cluster is located in Oslo.", "label": "SUPPORTED"}',
    '{"id": "c2", "claim": "Kestrel Labs opened an office in Paris.", "label": "REFUTED"}',
    '{"id": "c3", "claim": "broken',
    '{"id": "c4", "claim": "The moon is made of green cheese.", "label": "NEI"}',
    '{"id": "c5", "claim": "Anything.", "label": "MAYBE"}',
]) + "\n"


def test_bad_rows_stop_with_the_line_or_are_skipped_and_reported(tiny: Components, tmp_path: Path) -> None:
    path = tmp_path / "claims.jsonl"
    path.write_text(BAD_CLAIMS)
    with pytest.raises(DatasetFormatError, match=r"claims.jsonl, line 3: invalid JSON"):
        load_dataset("native", path)
    loaded = load_dataset("native", path, on_error=OnError.SKIP, conflicting=Conflicting.DROP)
    assert [claim.id for claim in loaded.claims] == ["c1", "c2", "c4"]
    out = tmp_path / "run"
    metrics = run_eval(tiny.pipeline, loaded, out, options=options(on_error="skip")).metrics
    assert metrics["skipped_rows"]["count"] == 2 and metrics["claims"] == 3
    assert any("line 5: unknown label 'MAYBE'" in message for message in metrics["skipped_rows"]["messages"])
    report = (out / "report.md").read_text()
    assert "## Left out" in report and "line 3: invalid JSON" in report


def test_claims_the_verifier_trained_on_are_left_out_and_counted() -> None:
    from eval.trained_claims import in_training_half, without_trained_claims

    many = [LabelledClaim(f"w{i}", f"Claim number {i}.", NEI) for i in range(40)]
    metadata = {"sets": ["wice"]}
    kept, left_out = without_trained_claims(dataset(many, name="wice"), "dev", metadata)
    assert [c.id for c in kept.claims] == [c.id for c in many if not in_training_half("wice", c.id)]
    assert left_out == 40 - len(kept.claims) > 0
    assert kept.documents == DOCUMENTS
    untouched, none = without_trained_claims(dataset(many, name="tiny"), "dev", metadata)
    assert (len(untouched.claims), none) == (40, 0)


def test_gold_documents_searches_only_each_claims_evidence(tiny: Components, tmp_path: Path) -> None:
    misfiled = LabelledClaim("m1", "The Falcon cluster is located in Oslo.", S,
                             (GoldEvidence("kestrel.txt", 0, len(KESTREL), KESTREL),))
    claims = [misfiled, CLAIMS[2]]  # the moon claim has no gold evidence: it searches the whole collection
    run_eval(tiny.pipeline, dataset(claims), tmp_path, options=options())
    assert "falcon.txt" in {p["doc_id"] for p in predictions(tmp_path)[0]["passages"]}
    with pytest.raises(InputError, match="evidence: was 'retrieved', now 'gold-documents'"):
        run_eval(tiny.pipeline, dataset(claims), tmp_path, options=options(evidence="gold-documents"))
    run = run_eval(tiny.pipeline, dataset(claims), tmp_path, options=options(evidence="gold-documents"), restart=True)
    rows = {row["id"]: row for row in predictions(tmp_path)}
    assert {p["doc_id"] for p in rows["m1"]["passages"]} <= {"kestrel.txt"}
    assert rows["m1"]["verdict"] != "SUPPORTED"  # Oslo is only in falcon.txt, which it may not see
    assert run.metrics["stamp"]["evidence"] == "gold-documents" and run.metrics["searched_whole_collection"] == 1
    assert "repeated_claim_texts" not in run.metrics
    assert "oracle retrieval; 1 claims with no gold evidence" in (tmp_path / "report.md").read_text()


def test_source_searches_only_the_documents_a_claim_names(tiny: Components, tmp_path: Path) -> None:
    about_kestrel = LabelledClaim("k1", "The Falcon cluster is located in Oslo.", S, source=frozenset({"kestrel.txt"}))
    claims = [about_kestrel, CLAIMS[2]]  # the moon claim names no source: it searches the whole collection
    run = run_eval(tiny.pipeline, dataset(claims), tmp_path, options=options(evidence="source"))
    rows = {row["id"]: row for row in predictions(tmp_path)}
    assert {p["doc_id"] for p in rows["k1"]["passages"]} <= {"kestrel.txt"}
    assert rows["k1"]["verdict"] != "SUPPORTED"
    assert run.metrics["stamp"]["evidence"] == "source" and run.metrics["searched_whole_collection"] == 1
    assert "the source it names (its report; 1 claims naming none" in (tmp_path / "report.md").read_text()


def test_claim_texts_repeated_with_another_label_cap_accuracy(tiny: Components, tmp_path: Path) -> None:
    twin = LabelledClaim("c1-twin", CLAIMS[0].claim, R)
    run = run_eval(tiny.pipeline, dataset([*CLAIMS, twin]), tmp_path, options=options())
    assert run.metrics["repeated_claim_texts"] == {"claims": 2, "texts": 1, "accuracy_ceiling": 4 / 5}
    assert run.metrics["accuracy"] <= 4 / 5
    assert "accuracy cannot exceed 0.800" in (tmp_path / "report.md").read_text()
    alone = run_eval(tiny.pipeline, dataset(), tmp_path / "alone", options=options())
    assert alone.metrics["repeated_claim_texts"] is None


def test_not_supported_confidence_is_one_minus_p_supported_where_labels_collapse() -> None:
    wice, fever = choose_scheme(True, [S, NEI]), choose_scheme(True, [S, R])
    probabilities = {"SUPPORTED": 0.2, "REFUTED": 0.45, "NOT_ENOUGH_INFO": 0.35}
    refuted = {"verdict": "REFUTED", "confidence": 0.45, "probabilities": probabilities}
    assert wice.confidence(refuted) == pytest.approx(0.8)
    assert fever.confidence(refuted) == 0.45  # REFUTED is its own class there
    assert wice.confidence({**refuted, "verdict": "SUPPORTED", "confidence": 0.6}) == 0.6
    assert wice.confidence({"verdict": "REFUTED", "confidence": 0.45}) == 0.45  # rows from before probabilities


def test_gold_quotes_without_offsets_are_located_in_the_ingested_corpus(tmp_path: Path) -> None:
    """Issue 28, item 15: native claims whose corpus came as files (`--corpus`) get their gold spans from the
    stored documents, so citation precision and gold-evidence recall are scored."""
    from eval.collections import with_located_evidence

    components = build(Settings(home=tmp_path), embedder=HashingEmbedder(), judge=KeywordJudge())
    text = "Acme reported revenue of $6.4 billion in 2023. It employs 200,000 people."
    components.library.ingest([Document("acme.txt", text)], "files")
    claims = [LabelledClaim("c1", "Acme employs 200,000 people.", GoldLabel.SUPPORTED,
                            (GoldEvidence("acme.txt", -1, -1, "It employs 200,000 people."),
                             GoldEvidence("acme.txt", -1, -1, "not in the text"),
                             GoldEvidence("gone.txt", -1, -1, "It employs"))),
              LabelledClaim("c2", "Acme grew.", GoldLabel.NOT_ENOUGH_INFO)]

    located = with_located_evidence(Dataset("mine", claims, [], False, ""), components.library, "files")

    first, missing, elsewhere = located.claims[0].evidence
    assert text[first.start:first.end] == "It employs 200,000 people."
    assert (missing.start, elsewhere.start) == (-1, -1)
    assert located.claims[1] == claims[1]
