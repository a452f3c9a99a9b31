#!/usr/bin/env bash
# Verdict quality on the dev splits, in one go, then one table:
#   Check-COVID macro-F1 (3-way) · FEVER-Symmetric accuracy (S/R; an NEI verdict is wrong)
#   Climate-FEVER macro-F1 (3-way, DISPUTED dropped) · WiCE F1 of SUPPORTED vs not · each set's ECE
# Each set is one `vericlaim eval run --format SET` run into $OUT/SET (metrics.json, report.md, plots). A run
# continues where an earlier one into the same folder stopped; RESTART=1 starts over.
#
#   bench/quality.sh                    # full dev sets: ~4 min on 2 CPU cores once each corpus is ingested
#   LIMIT=20 bench/quality.sh           # the first 20 claims of each set
#   SAMPLE=50 SEED=1 bench/quality.sh   # a seeded random 50 of each set (use a fresh OUT or RESTART=1)
#   EVIDENCE=gold-documents OUT=runs/quality-gold bench/quality.sh
#                                       # each claim searches only its gold evidence's documents (oracle retrieval)
# "ceiling" is the most accuracy a run can reach when claim texts recur with another gold label (FEVER-Symmetric
# pairs every claim with a supporting and a refuting sentence; with full retrieval both get one verdict).
# Other knobs: DATASETS (default ../shared/datasets), OUT (default runs/quality).
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${VERICLAIM_DATASETS:-${DATASETS:-$(cd .. && pwd)/shared/datasets}}  # beside the checkout by default
OUT=${OUT:-runs/quality}
BIN=$([[ -x .venv/bin/vericlaim ]] && echo .venv/bin || dirname "$(command -v vericlaim)")
SETS=(check-covid fever-symmetric climate-fever wice)

args=()
[[ -n ${LIMIT:-} ]] && args+=(--limit "$LIMIT")
[[ -n ${SAMPLE:-} ]] && args+=(--sample "$SAMPLE" --seed "${SEED:-0}")
[[ -n ${RESTART:-} ]] && args+=(--restart)
[[ -n ${EVIDENCE:-} ]] && args+=(--evidence "$EVIDENCE")

for set in "${SETS[@]}"; do
    echo "== $set" >&2
    "$BIN/vericlaim" eval run --format "$set" "$DATA/$set" --split dev --out "$OUT/$set" ${args[@]+"${args[@]}"}
done

"$BIN/python" - "$OUT" "${SETS[@]}" <<'PY'
import json
import sys
from pathlib import Path

HEADLINE = {"check-covid": "macro_f1", "fever-symmetric": "accuracy", "climate-fever": "macro_f1",
            "wice": "f1_supported"}
out, sets = Path(sys.argv[1]), sys.argv[2:]
print(f"\n{'set (dev)':<16} {'claims':>6}  {'headline metric':<22} {'value':>6}  {'95% CI':<15} {'accuracy':>8} "
      f"{'ceiling':>7} {'ECE':>6} {'p50 ms':>7}  scoring")
for name in sets:
    m = json.loads((out / name / "metrics.json").read_text())
    key = HEADLINE[name]
    if not m.get("claims"):
        print(f"{name:<16} {0:>6}  no scored claims")
        continue
    ci = m["ci95"].get(key)
    ci_text = f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "–"
    repeated = m.get("repeated_claim_texts")
    ceiling = f"{repeated['accuracy_ceiling']:.3f}" if repeated else "–"
    print(f"{name:<16} {m['claims']:>6}  {key:<22} {m[key]:>6.3f}  {ci_text:<15} {m['accuracy']:>8.3f} "
          f"{ceiling:>7} {m['expected_calibration_error']:>6.3f} {m['latency']['p50_ms']:>7.0f}  {m['scoring']['name']}")
print(f"\nreports: {out}/<set>/report.md")
PY
