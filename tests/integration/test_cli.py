"""The real CLI entry point, as a user runs it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.integration.conftest import DEMO, ROOT, subprocess_env, vericlaim_command

pytestmark = pytest.mark.integration


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*vericlaim_command(), *args], env=subprocess_env(home), capture_output=True,
                          text=True, timeout=600, check=False)


def test_cli_ingest_check_search_ask(cli_home: Path) -> None:
    ingested = run(cli_home, "ingest", str(DEMO / "docs"), "--collection", "ai")
    assert ingested.returncode == 0, ingested.stderr
    assert "7 added" in ingested.stdout

    checked = run(cli_home, "check", "Northwind has spent well over $500 million on compute hardware.",
                  "--collection", "ai", "--json")
    assert checked.returncode == 0, checked.stderr
    verdict = json.loads(checked.stdout)
    assert verdict["verdict"] in {"SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"}
    for citation in verdict["citations"]:
        source = (DEMO / "docs" / citation["doc_id"]).read_text(encoding="utf-8")
        assert source[citation["start"]:citation["end"]] == citation["quote"]

    searched = run(cli_home, "search", "Kestrel H100 count", "--collection", "ai", "--json")
    passages = json.loads(searched.stdout)["passages"]
    assert passages and passages[0]["doc_id"] == "northwind-cluster.md"
    assert passages[0]["start"] < passages[0]["end"]

    asked = run(cli_home, "ask", "How many GPUs does Kestrel hold?", "--collection", "ai", "--json")
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["value"] == "12,288"

    article = ROOT / "examples" / "claim-structure" / "article.txt"
    checked_text = run(cli_home, "check-text", str(article), "--collection", "ai", "--json")
    assert checked_text.returncode == 0, checked_text.stderr
    report = json.loads(checked_text.stdout)
    text = article.read_text(encoding="utf-8")
    assert report["claims"] and report["skipped"]
    for item in report["claims"] + report["skipped"]:
        assert text[item["start"]:item["end"]] == item["text"]
    shown = run(cli_home, "check-text", str(article), "--collection", "ai")
    assert "SKIPPED" in shown.stdout and "reason: not a checkable statement (a question)" in shown.stdout


def test_cli_bad_input_is_one_line_and_nonzero(cli_home: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("The Kestrel cluster holds 12,288 H100 GPUs.", encoding="utf-8")
    assert run(cli_home, "ingest", str(good)).returncode == 0
    before = run(cli_home, "documents", "list", "--json").stdout

    latin = tmp_path / "latin.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 broken")
    cases = [
        (("check", "   "), 2, "empty"),
        (("check", "x" * 5000), 2, "limit"),
        (("check-text", str(tmp_path / "missing.txt")), 2, "no such file"),
        (("check-text", str(latin)), 2, "UTF-8"),
        (("ingest", str(tmp_path / "missing.md")), 2, "no such file"),
        (("ingest", str(exe)), 2, "unsupported file type"),
        (("ingest", str(latin)), 2, "not UTF-8"),
        (("ingest", str(broken)), 2, "PDF"),
        (("ingest", str(good), "--collection", "../x"), 2, "invalid collection"),
        (("documents", "delete", "missing.md"), 3, "no document"),
    ]
    for args, code, words in cases:
        result = run(cli_home, *args)
        assert result.returncode == code, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and words in lines[0], (args, result.stderr)
    assert run(cli_home, "documents", "list", "--json").stdout == before


def test_cli_eval_writes_predictions_metrics_report(cli_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = run(cli_home, "eval", "run", str(DEMO / "claims.jsonl"), "--corpus", str(DEMO / "docs"),
                 "--collection", "demo-eval", "--limit", "4", "--out", str(out))
    assert result.returncode == 0, result.stderr
    predictions = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    assert len(predictions) == 4 and all({"id", "verdict", "gold", "citations"} <= set(p) for p in predictions)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["claims"] == 4 and 0 <= metrics["accuracy"] <= 1
    assert len(metrics["confusion_matrix"]) == 3 and sum(map(sum, metrics["confusion_matrix"])) == 4
    assert "latency" in metrics and metrics["latency"]["p50_ms"] > 0
    assert "# Evaluation" in (out / "report.md").read_text()


def test_cli_eval_with_gold_documents_searches_only_each_claims_documents(cli_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "gold"
    result = run(cli_home, "eval", "run", str(DEMO / "claims.jsonl"), "--corpus", str(DEMO / "docs"),
                 "--collection", "demo-eval", "--limit", "6", "--evidence", "gold-documents", "--out", str(out))
    assert result.returncode == 0, result.stderr
    claims = {c["id"]: c for c in map(json.loads, (DEMO / "claims.jsonl").read_text().splitlines())}
    predictions = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    assert len(predictions) == 6 and any(p["passages"] for p in predictions)
    for prediction in predictions:
        gold = {e["doc_id"] for e in claims[prediction["id"]].get("evidence", [])}
        assert not gold or {p["doc_id"] for p in prediction["passages"]} <= gold, prediction["id"]
        assert set(prediction["probabilities"]) == {"SUPPORTED", "REFUTED", "NOT_ENOUGH_INFO"}
    assert json.loads((out / "metrics.json").read_text())["stamp"]["evidence"] == "gold-documents"
    bad = run(cli_home, "eval", "run", str(DEMO / "claims.jsonl"), "--evidence", "everything", "--out", str(out))
    assert bad.returncode == 2 and "everything" in bad.stderr


def test_cli_demo_shows_a_compound_claim_a_prediction_and_an_answer(cli_home: Path) -> None:
    shown = run(cli_home, "demo")

    assert shown.returncode == 0, shown.stderr
    assert "decided by: parts" in shown.stdout
    assert "reason: not a checkable statement (a prediction)" in shown.stdout
    assert "How many GPUs does the Kestrel cluster hold?\n  12,288\n" in shown.stdout


def test_cli_a_missing_pointer_is_exit_4_until_repair_points_it_back(cli_home: Path) -> None:
    """Issue 28, item 2: a deleted CURRENT is index_corrupt (exit 4), a write refuses rather than start over,
    and `vericlaim repair` points the collection at its newest generation that verifies."""
    assert run(cli_home, "ingest", str(DEMO / "docs" / "northwind-cluster.md"), "--collection", "fix").returncode == 0
    folder = cli_home / "collections" / "fix"
    (folder / "CURRENT").unlink()

    listed = run(cli_home, "documents", "list", "--collection", "fix")
    written = run(cli_home, "ingest", str(DEMO / "docs" / "gpu-rental-prices.txt"), "--collection", "fix")
    assert (listed.returncode, written.returncode) == (4, 4), listed.stderr + written.stderr
    assert listed.stderr.count("\n") == 1 and "vericlaim repair --collection fix" in listed.stderr

    repaired = run(cli_home, "repair", "--collection", "fix")
    assert repaired.returncode == 0, repaired.stderr
    assert "now points at gen-000001 (1 documents)" in repaired.stdout
    assert "northwind-cluster.md" in run(cli_home, "documents", "list", "--collection", "fix").stdout
