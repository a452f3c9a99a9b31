"""The llama.cpp judge's costs: the kept prompt opening against a full read, and the rationale with and
without a JSON grammar.

    python bench/judge.py [--llm gemma3-270m|smollm2-135m|qwen2.5-coder-1.5b|PATH.gguf] [--claims 6]

For the first `--claims` demo claims, each with three passages of the demo corpus:
1. Label probabilities as `LlamaJudge` reads them (the fixed opening kept in the context, read once), against
   the same judge made to read each whole prompt from scratch: seconds a claim, and the largest difference in
   a probability. (A model with sliding-window attention, Gemma 3, reads every prompt whole both ways.)
2. The rationale after the chosen label, greedy, up to 40 tokens: under the GBNF grammar the judge used to use,
   against plain generation that stops at the closing quote (what it does now): seconds a rationale, and how
   many of the texts are the same.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.config import Settings
from service.domain import Passage
from service.judge import LlamaJudge, format_evidence
from service.models import resolve_llm

DEMO = Path(__file__).resolve().parents[1] / "service" / "demo"
GRAMMAR = 'root ::= char{1,200} "\\"}"\nchar ::= [^"\\\\\\x00-\\x1f]'


def cases(count: int) -> list[tuple[str, list[Passage]]]:
    claims = [json.loads(line)["claim"] for line in (DEMO / "claims.jsonl").read_text().splitlines() if line]
    texts = [path.read_text(encoding="utf-8")[:350] for path in sorted((DEMO / "docs").iterdir())]
    return [(claim, [Passage(f"doc-{k}", 0, len(texts[(i + k) % len(texts)]), texts[(i + k) % len(texts)], 1.0)
                     for k in range(3)]) for i, claim in enumerate(claims[:count])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", default=Settings().models.llm)
    parser.add_argument("--claims", type=int, default=6)
    args = parser.parse_args()
    from llama_cpp import LlamaGrammar

    with tempfile.TemporaryDirectory() as home:
        path = resolve_llm(args.llm, Settings(home=Path(home)).models_dir)
        judge = LlamaJudge(path, rationale_tokens=0)
        llm = judge._llm
        kept_s = whole_s = grammar_s = plain_s = 0.0
        worst, same = 0.0, 0
        for claim, passages in cases(args.claims):
            started = time.perf_counter()
            kept = judge.judge(claim, passages).probabilities
            kept_s += time.perf_counter() - started
            opening = judge._chat(judge._template.format(claim=claim, evidence=format_evidence(passages)))
            tokens = judge._tokens(opening + '{"verdict": "')
            started = time.perf_counter()
            llm.reset()
            llm.eval(tokens)
            whole = judge._label_softmax()
            whole_s += time.perf_counter() - started
            worst = max(worst, *(abs(kept[label] - whole[label]) for label in kept))
            label = max(kept, key=lambda key: kept[key])
            prompt = f'{opening}{{"verdict": "{label.value}", "rationale": "'
            started = time.perf_counter()
            constrained = llm.create_completion(prompt, max_tokens=40, temperature=0.0,
                                                grammar=LlamaGrammar.from_string(GRAMMAR, verbose=False))
            grammar_s += time.perf_counter() - started
            started = time.perf_counter()
            plain = llm.create_completion(prompt, max_tokens=40, temperature=0.0, stop=['"', "\n"])
            plain_s += time.perf_counter() - started
            same += constrained["choices"][0]["text"].removesuffix('"}') == plain["choices"][0]["text"]
    n = args.claims
    print(f"{path.name}, {n} claims")
    print(f"label probabilities: opening kept {kept_s / n:.2f} s a claim, whole prompt {whole_s / n:.2f} s; "
          f"largest difference in a probability {worst:.1e}")
    print(f"rationale: grammar {grammar_s / n:.2f} s, plain {plain_s / n:.2f} s a claim; same text {same}/{n}")


if __name__ == "__main__":
    main()
