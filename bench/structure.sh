#!/usr/bin/env bash
# Claims whose facts sit in a document's structure (issue 26) or must be computed (issue 30), in one go, then one
# table: the structure gold set (bench/structure_set: 59 claims over date lines, lists and tables in HTML,
# Markdown, an SEC-style filing and a PDF) · the derived gold set (bench/derived_set: 65 claims that compute a
# change, a share or a total) · FinDVer dev half (claims about SEC 10-K/10-Q reports, full retrieval over the
# named reports' paragraphs, with its information-extraction and numerical subsets) · for each: accuracy, by tag,
# gold-paragraph recall@5, and the figures engine's own decisions (how many, how many wrong: the target is none;
# and inside compound claims' parts, how many, how many calling a part of a true claim REFUTED).
# Each set is one `vericlaim eval run` into $OUT/SET (metrics.json, report.md); RESTART=1 starts over.
#
#   bench/structure.sh                  # both sets (FinDVer ingests 191 reports' paragraphs the first time)
#   LIMIT=20 bench/structure.sh         # the first 20 claims of each
#   SETS=structure bench/structure.sh   # the gold set only
#   EVIDENCE=source SETS=findver bench/structure.sh   # each FinDVer claim searches only its own report
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${VERICLAIM_DATASETS:-${DATASETS:-$(cd .. && pwd)/shared/datasets}}
OUT=${OUT:-runs/structure}
BIN=$([[ -x .venv/bin/vericlaim ]] && echo .venv/bin || dirname "$(command -v vericlaim)")
read -r -a SETS <<< "${SETS:-structure derived findver}"

args=()
[[ -n ${LIMIT:-} ]] && args+=(--limit "$LIMIT")
[[ -n ${RESTART:-} ]] && args+=(--restart)

for set in "${SETS[@]}"; do
    echo "== $set" >&2
    if [[ $set == structure || $set == derived ]]; then
        "$BIN/vericlaim" eval run "bench/${set}_set/claims.jsonl" --corpus "bench/${set}_set/docs" \
            --collection "$set-eval" --out "$OUT/$set" ${args[@]+"${args[@]}"}
    else
        "$BIN/vericlaim" eval run --format "$set" "$DATA/$set" --split dev --out "$OUT/$set" ${args[@]+"${args[@]}"} \
            ${EVIDENCE:+--evidence "$EVIDENCE"}
    fi
done

"$BIN/python" - "$OUT" "${SETS[@]}" <<'PY'
import json
import sys
from pathlib import Path

out, sets = Path(sys.argv[1]), sys.argv[2:]
print(f"\n{'set (dev)':<12} {'claims':>6} {'accuracy':>9}  {'95% CI':<15} {'macro-F1':>8} {'ECE':>6} "
      f"{'gold recall':>11} {'p50 ms':>7} {'figures decided/wrong':>22} {'in parts/vs true':>17}  "
      "by tag (accuracy, claims)")
for name in sets:
    m = json.loads((out / name / "metrics.json").read_text())
    ci = m["ci95"].get("accuracy")
    ci_text = f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "–"
    recall = (m.get("evidence") or {}).get("gold_evidence_recall")
    rows = [json.loads(line) for line in (out / name / "predictions.jsonl").read_text().splitlines() if line]
    decided = [r for r in rows if r.get("decided_by") == "numeric"]
    wrong = sum(not r.get("correct") for r in decided)
    # the figures' decisions inside a compound claim's parts, and those that call a part of a true claim REFUTED
    parts = [(r, p["result"]) for r in rows for p in r.get("parts") or [] if p["result"].get("decided_by") == "numeric"]
    against = sum(r["gold"] == "SUPPORTED" and part["verdict"] == "REFUTED" for r, part in parts)
    tags = m.get("slices") or {}
    shown = ", ".join(f"{tag} {v['accuracy']:.2f} ({v['n']})" for tag, v in sorted(tags.items())
                      if tag in {"ie", "numeric", "knowledge", "table", "date-line", "list", "pdf", "sec", "period",
                                 "change", "share", "total", "per-unit", "difference", "cagr"})
    print(f"{name:<12} {m['claims']:>6} {m['accuracy']:>9.3f}  {ci_text:<15} {m.get('macro_f1', float('nan')):>8.3f} "
          f"{m['expected_calibration_error']:>6.3f} {recall if recall is None else round(recall, 3)!s:>11} "
          f"{m['latency']['p50_ms']:>7.0f} {len(decided):>15}/{wrong:<6} {len(parts):>11}/{against:<5}  {shown}")
print(f"\nreports: {out}/<set>/report.md")
PY
